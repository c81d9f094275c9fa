// The code samples of Documentation/ and README.md, verbatim, each in a function that gives it
// the names it assumes (an event, a runtime, a store). DocumentationSampleTests checks that every
// Swift block of the documentation appears here (or in the file its `<!-- sample: PATH -->`
// comment names), so the compiler checks every sample; the ones that can run, run.
import Foundation
import Logging
import RetentionKit
import RetentionLua
import RetentionMetrics
import RetentionPostgres
import RetentionSQLite

enum Samples {
    // MARK: - Engine.md

    static func engineApply(_ event: Event) {
        var engine = Engine(
            program: Program(currencies: [.usd], returnWindowDays: 30),
            rules: RuleSet(earning: [PurchasePoints(categoryMultipliers: ["coffee": 2], firstOrderBonus: 50)]))
        switch engine.apply(event) {
        case .applied(let decisions): print(decisions.entries)   // ledger entries, and each rule's result
        case .duplicate: break                                  // seen before: nothing changed
        case .rejected(let error): print(error)                 // refused whole, with the reason: nothing changed
        }
    }

    static func engineTiers() throws -> (SpendTiers, RuleSet, Program) {
        let tiers = try SpendTiers(measure: .spend(.usd), tiers: [
            Tier("bronze", from: 0),
            Tier("silver", from: 250_00, keepAt: 200_00, earnMultiplierPercent: 125),
            Tier("gold", from: 500_00, keepAt: 400_00, earnMultiplierPercent: 150),
        ])
        var program = Program(currencies: [.usd])
        program.qualification = .rolling(days: 365)       // or .calendarYear, .lifetime
        program.tierDowngrade = .afterGrace(days: 30)     // or .immediate, .endOfPeriod (the default)
        let rules = RuleSet(earning: [PurchasePoints(), TierBonus(points: ["silver": 100, "gold": 250])], tiers: tiers)
        return (tiers, rules, program)
    }

    static func engineLimits(_ start: Program) -> Program {
        var program = start
        program.limits = EarningLimits(perOrder: 1_000, perCustomerPerDay: 1_500,
                                       perCustomerPerPeriod: PeriodLimit(days: 30, points: 5_000))
        program.campaignBudgets = ["spring": 100_000]   // awards naming campaign "spring" share it
        return program
    }

    static func engineSegments(_ tiers: SpendTiers) -> RuleSet {
        let atRisk = Segment("at_risk") { $0.orderCount > 0 && ($0.daysSinceLastOrder ?? 0) > 90 }
        let winBack = Trigger("win-back") { event, customer in
            guard case .tierChanged(let change) = event.payload, !change.isUpgrade else { return [] }
            return [CampaignRequest(campaign: "win_back", reason: "moved down to \(change.to ?? "no tier")")]
        }
        let rules = RuleSet(earning: [PurchasePoints()], tiers: tiers, segments: [atRisk], triggers: [winBack])
        return rules
    }

    // MARK: - Ledger.md

    static func ledgerPending(day: Day, source: LedgerSource) throws -> LoyaltyAccount {
        var account = LoyaltyAccount()
        try account.earn(key: "evt-1/points", points: 120, on: day, pendingDays: 30, source: source)
        print(account.balance)   // available 0, pending 120, debt 0
        account.advance(to: day + 30)
        print(account.balance)   // available 120, pending 0, debt 0
        return account
    }

    /// Throws the error the sample's last comment quotes.
    static func ledgerOldestFirst(day: Day, source: LedgerSource) throws {
        var account = LoyaltyAccount(policy: LedgerPolicy(lotExpiry: LotExpiry(days: 90)))
        try account.earn(key: "a", points: 100, on: day, source: source)
        try account.adjust(key: "b", points: 50, on: day + 10, source: source)
        // 100 points earned on 2026-03-14 (expire after 90 days), 50 adjusted in on day 10
        try account.redeem(key: "r1", points: 120, on: day + 20, source: source)   // uses 100 of lot "a", 20 of lot "b"
        try account.redeem(key: "r2", points: 31, on: day + 21, source: source)
        // LedgerError: "r2: needs 31 points but only 30 are available on 2026-04-04"
    }

    // MARK: - LuaPlugins.md

    static func luaPluginsEngine(_ event: Event) throws {
        let program = Program(currencies: [.usd], returnWindowDays: 30)
        let plugins = try LuaPlugins(files: ["Plugins/purchase-points.lua", "Plugins/spend-tiers.lua"], program: program,
                                     configuration: ["purchase_points": ["category_multipliers": ["coffee": 3]]])
        var engine = Engine(program: program, rules: try plugins.ruleSet().rules)
        switch engine.apply(event) {
        case .applied(let decisions): print(decisions.entries)
        case .rejected(let error): print(error)      // names the plugin, hook and line
        case .duplicate: break
        }
    }

    // MARK: - LuaRuntime.md

    static func runtimeCall(event: LuaValue, customer: LuaValue) throws -> LuaValue {
        let runtime = try LuaRuntime()                                  // LuaLimits.default
        try LuaPlugins.registerLibrary(in: runtime)                     // the retention.* functions plugins call
        let plugin = try runtime.load(contentsOf: "Plugins/review-points.lua") // or load(plugin:source:)
        let earn = try runtime.function("earn", in: plugin)             // resolve once
        let awards = try runtime.call(earn, event, customer)            // call many times
        return awards
    }

    static func runtimeValue() -> LuaValue {
        let order: LuaValue = ["id": "1001", "total": 2_550, "lines": [["sku": "MUG", "quantity": 2]]]
        return order
    }

    static func runtimeEncodable(_ runtime: LuaRuntime, _ earn: LuaFunction) throws -> LuaValue {
        struct Line: LuaEncodable {
            var sku: String, quantity: Int64, unitPrice: Int64
            func encode(to encoder: LuaValueEncoder) {
                encoder.encodeTable { table in
                    table.set("sku", sku)
                    table.set("quantity", quantity)
                    table.set("unit_price", unitPrice)
                }
            }
        }
        let line = Line(sku: "MUG", quantity: 2, unitPrice: 1_250)
        let points = try runtime.call(earn) { arguments in arguments.append(line) }
        return points
    }

    static func runtimeDecodable(_ runtime: LuaRuntime, _ earn: LuaFunction, order: LuaValue) throws -> Int {
        struct Award: Decodable { var points: Int64; var reason: String; var pendingDays: Int64? }
        let awards = try runtime.call(earn, as: [Award].self) { $0.append(order) }
        return awards.count
    }

    static func runtimeErrors(_ runtime: LuaRuntime, _ earn: LuaFunction, event: LuaValue, customer: LuaValue, logger: Logger) {
        do {
            _ = try runtime.call(earn, event, customer)
        } catch {
            // error.code: .runtime, .budgetExceeded, .memoryLimitExceeded, .deadlineExceeded, .badResult, ...
            // error.plugin, error.line, error.function, error.message, error.traceback
            logger.warning("\(error)")   // "Plugins/review-points.lua:22: attempt to ... (in earn)\n  how to fix: ..."
        }
    }

    static func runtimeHostFunction(_ runtime: LuaRuntime) throws {
        try runtime.register("days_between", in: "retention") { arguments in
            guard arguments.count == 2, let a = arguments[0].integerValue, let b = arguments[1].integerValue else {
                throw HostFunctionError("days_between(a, b) takes two day numbers")
            }
            return .integer(b - a)
        }
    }

    static func runtimeLimits() throws -> LuaRuntime {
        var limits = LuaLimits.default          // 1,000,000 instructions, 64 MiB, 250 ms
        limits.instructionsPerCall = 5_000_000
        let runtime = try LuaRuntime(limits: limits, argumentTables: .guarded)
        runtime.limits.deadline = .milliseconds(100)   // applies from the next call
        return runtime
    }

    static func runtimePool(customerID: String, event: LuaValue, customer: LuaValue) throws -> LuaValue {
        let pool = try LuaRuntimePool(count: 2) { runtime in
            try LuaPlugins.registerLibrary(in: runtime)
            let plugin = try runtime.load(contentsOf: "Plugins/review-points.lua")
            return try runtime.function("earn", in: plugin)
        }
        let awards = try pool.withRuntime(forKey: customerID) { runtime, earn in
            try runtime.call(earn, event, customer)
        }
        return awards
    }

    // MARK: - Metrics.md

    static func metricsHistory() throws -> (RetentionRate, PurchaseSummary) {
        let orders = [
            OrderRecord(id: "1001", customerID: "c-42", day: try Day(iso: "2026-01-14"),
                        total: Money(minorUnits: 4_500, currency: .usd)),
            OrderRecord(id: "1002", customerID: "c-42", day: try Day(iso: "2026-02-20"),
                        total: Money(minorUnits: 3_000, currency: .usd),
                        refunds: [OrderRecord.Refund(day: try Day(iso: "2026-02-25"), amount: 1_000)]),
        ]
        let history = try OrderHistory(orders: orders, currency: .usd)
        let q1 = try history.retentionRate(from: try Day(iso: "2026-01-01"), to: try Day(iso: "2026-03-31"))
        let summary = history.purchaseSummary(observationEnd: try Day(iso: "2026-03-31"), unit: .weeks)
        return (q1, summary)
    }

    static func metricsReport(_ store: some RetentionStore) throws -> RetentionReport {
        let customers = try store.load().customers.map { try StoredCustomer(decoding: $0) }
        let report = try RetentionReport(stored: customers, currency: .usd,
                                         options: RetentionReport.Options(to: try Day(iso: "2026-12-31"),
                                                                          period: .month))
        return report
    }

    // MARK: - Storage.md

    static func storageSQLite(program: Program, rules: RuleSet, events: [Event]) throws {
        let store = try SQLiteStore(path: "retention.sqlite")
        let engine = try StoredEngine(store: store, program: program, rules: rules)
        for first in stride(from: 0, to: events.count, by: 500) {
            let batch = Array(events[first..<min(first + 500, events.count)])
            _ = try engine.apply(batch)   // stored, all of it, when this returns (one outcome per event)
        }
        print(try store.balances(customerID: "c-42"))
        print(try store.outbox(after: 0, limit: 100))     // campaign actions for the host to deliver
    }

    #if Postgres
    static func storagePostgres(program: Program, rules: RuleSet, batch: [Event]) throws {
        let store = try PostgresStore(url: "postgres://retention:secret@db.internal:5432/shop?schema=retention")
        let engine = try StoredEngine(store: store, program: program, rules: rules)
        _ = try engine.apply(batch)
    }
    #endif

    // MARK: - Subscriptions.md

    static func subscriptionRule() -> SubscriptionPoints {
        let rule = SubscriptionPoints(perRenewal: 50, streakLength: 6, streakBonus: 300)
        return rule
    }
}
