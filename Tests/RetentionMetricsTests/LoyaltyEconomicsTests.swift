import PropertyBased
import RetentionKit
import RetentionMetrics
import Testing

@Suite("Loyalty economics: liability, breakage, redemption, members")
struct LoyaltyEconomicsTests {
    static let start = day("2026-01-01")
    static func source() -> LedgerSource { LedgerSource(eventID: "e", reason: "test") }
    static let cent = try! PointValue(Money(minorUnits: 1, currency: .usd), per: 1)

    @Test("The documented example: 10,000 earned, 1,500 expired, 6,000 redeemed, 2,500 held at a cent")
    func workedExample() throws {
        var account = LoyaltyAccount(policy: LedgerPolicy(lotExpiry: LotExpiry(days: 90)))
        try account.earn(key: "old", points: 1_500, on: Self.start, source: Self.source())
        try account.earn(key: "new", points: 8_500, on: Self.start + 100, source: Self.source())
        try account.redeem(key: "r", points: 6_000, on: Self.start + 120, source: Self.source())
        let ledger = PointsLedger([account.entries])
        let year = try ledger.economics(from: Self.start, to: day("2026-12-31"), value: Self.cent)
        #expect(year.flows.earned == 10_000)
        #expect(year.flows.redeemed == 6_000)
        // "new" lasts through day 190: its other 2,500 expire on day 191 without any entry saying so yet.
        #expect(year.flows.expired == 1_500 + 2_500)
        #expect(year.outstanding == 0)
        let may = try ledger.economics(from: Self.start, to: day("2026-05-31"), value: Self.cent)
        #expect(may.flows.expired == 1_500)
        #expect(may.breakageRate == 15)
        #expect(may.redemptionRate == 60)
        #expect(may.outstanding == 2_500)
        #expect(may.liability == Money(minorUnits: 2_500, currency: .usd))
    }

    @Test("Pending points are held and valued, and move to available on their day")
    func pendingPoints() throws {
        var account = LoyaltyAccount()
        try account.earn(key: "a", points: 400, on: Self.start, pendingDays: 30, source: Self.source())
        try account.reverse(key: "ra", award: "a", points: 100, on: Self.start + 10, source: Self.source())
        let ledger = PointsLedger([account.entries])
        #expect(ledger.balance(on: Self.start + 5) == (0, 400))
        #expect(ledger.balance(on: Self.start + 10) == (0, 300))
        #expect(ledger.balance(on: Self.start + 30) == (300, 0))
        #expect(ledger.balance(on: Self.start - 1) == (0, 0))
        let value = try PointValue(Money(minorUnits: 100, currency: .usd), per: 100)
        let series = try ledger.liability(from: Self.start, to: day("2026-02-28"), by: .month, value: value)
        #expect(series.map(\.day) == [day("2026-01-31"), day("2026-02-28")])
        #expect(series.map(\.available) == [300, 300])
        #expect(series[0].worth == Money(minorUnits: 300, currency: .usd))
    }

    @Test("A point value rounds to the nearest minor unit and refuses nonsense")
    func pointValue() throws {
        let value = try PointValue(Money(minorUnits: 1, currency: .usd), per: 3)
        #expect(value.worth(of: 4).minorUnits == 1)      // 1.33 cents
        #expect(value.worth(of: 5).minorUnits == 2)      // 1.67 cents
        #expect(value.worth(of: -5).minorUnits == -2)
        #expect(throws: MetricsError.self) { try PointValue(Money(minorUnits: 1, currency: .usd), per: 0) }
        #expect(throws: MetricsError.self) { try PointValue(Money(minorUnits: -1, currency: .usd), per: 1) }
        let ledger = PointsLedger([])
        #expect(throws: MetricsError.self) { try ledger.economics(from: day("2026-02-01"), to: day("2026-01-01"), value: Self.cent) }
    }

    @Test("Points moved by a merge keep their dates, and the store's figures do not change")
    func merges() throws {
        let policy = LedgerPolicy(lotExpiry: LotExpiry(days: 60))
        var merged = LoyaltyAccount(policy: policy)
        var survivor = LoyaltyAccount(policy: policy)
        try merged.earn(key: "m1", points: 200, on: Self.start, pendingDays: 20, source: Self.source())
        try survivor.earn(key: "s1", points: 50, on: Self.start + 2, source: Self.source())
        let transfer = try merged.transferOut(key: "out", on: Self.start + 5, source: Self.source())
        try survivor.transferIn(key: "in", transfer, on: Self.start + 5, source: Self.source())
        try survivor.redeem(key: "r", points: 30, on: Self.start + 25, source: Self.source())
        let ledger = PointsLedger([merged.entries, survivor.entries])
        #expect(ledger.balance(on: Self.start + 5) == (50, 200))
        #expect(ledger.balance(on: Self.start + 25) == survivor.balance(on: Self.start + 25).pair)
        // m1 lasts through day 60, s1 through day 62; what is left of them expires then.
        #expect(ledger.balance(on: Self.start + 61) == survivor.balance(on: Self.start + 61).pair)
        #expect(ledger.balance(on: Self.start + 63) == (0, 0))
        #expect(try ledger.economics(to: Self.start + 63, value: Self.cent).flows.expired == 220)
    }

    @Test("Members and non-members: repeat rate and churn per group")
    func membership() throws {
        let profiles = [
            CustomerDetails(id: "m1", email: "m1@example.com", isLoyaltyMember: true),
            CustomerDetails(id: "m2", email: "m2@example.com", isLoyaltyMember: true),
            CustomerDetails(id: "n1", email: "n1@example.com"),
        ]
        let orders = [
            order("1", "m1", "2025-06-01", 1_000), order("2", "m1", "2026-02-01", 1_000), order("3", "m1", "2026-03-01", 1_000),
            order("4", "m2", "2025-02-01", 1_000),   // lapses out of the 365-day window in the quarter
            order("5", "n1", "2026-01-15", 2_000), order("6", "x", "2025-12-01", 500),
        ]
        let history = try OrderHistory(orders: orders, customers: profiles, currency: .usd)
        let quarter = try history.membershipComparison(from: day("2026-01-01"), to: day("2026-03-31"))
        #expect(quarter.members.customers == 2)
        #expect(quarter.members.behaviour.repeatPurchaseRate == 100)
        #expect(quarter.members.retention.customersAtStart == 2)
        #expect(quarter.members.retention.churn == 50)
        #expect(quarter.nonMembers.customers == 2)
        #expect(quarter.nonMembers.behaviour.repeatPurchaseRate == 0)
        #expect(quarter.nonMembers.retention.customersAtStart == 1)
        #expect(quarter.nonMembers.retention.acquired == 1)
        #expect(quarter.nonMembers.retention.churn == 0)
    }

    // MARK: - The ledger figures equal the accounts' own, over random operations

    enum Operation: Sendable, CustomStringConvertible {
        case earn(points: Int64, pendingDays: Int)
        case redeem(points: Int64)
        case reverse(award: Int, points: Int64)
        case adjust(points: Int64)
        case advance

        var description: String {
            switch self {
            case .earn(let p, let pending): "earn \(p) pending \(pending)"
            case .redeem(let p): "redeem \(p)"
            case .reverse(let award, let p): "reverse award \(award) by \(p)"
            case .adjust(let p): "adjust \(p)"
            case .advance: "advance"
            }
        }
    }

    struct Scenario: Sendable, CustomStringConvertible {
        var policy: LedgerPolicy
        /// Operations with the days they fall on (from the start) and the account they go to.
        var steps: [(day: Int, account: Int, operation: Operation)]
        var description: String {
            "\(policy)\n" + steps.map { "day \($0.day) account \($0.account): \($0.operation)" }.joined(separator: "\n")
        }
    }

    static let scenarios = Generator<Scenario, Shrink.None<Scenario>> { rng in
        let policies = [
            LedgerPolicy(),
            LedgerPolicy(reversal: .pendingOnly, lotExpiry: LotExpiry(days: 20)),
            LedgerPolicy(lotExpiry: LotExpiry(days: 15, roundedUpTo: .month), inactivityExpiryDays: 25),
            LedgerPolicy(lotExpiry: LotExpiry(days: 40, roundedUpTo: .quarter), inactivityExpiryDays: 30),
        ]
        var day = 0
        var steps: [(day: Int, account: Int, operation: Operation)] = []
        for index in 0..<Int.random(in: 1...60, using: &rng) {
            day += Int.random(in: 0...5, using: &rng)
            let points = Int64.random(in: 1...150, using: &rng)
            let operation: Operation = switch Int.random(in: 0..<10, using: &rng) {
            case 0...3: .earn(points: points, pendingDays: [0, 0, 7, 14].randomElement(using: &rng)!)
            case 4...5: .redeem(points: points)
            case 6...7: .reverse(award: Int.random(in: 0...index, using: &rng), points: points)
            case 8: .adjust(points: Int64.random(in: -100...100, using: &rng))
            default: .advance
            }
            steps.append((day, Int.random(in: 0..<3, using: &rng), operation))
        }
        return Scenario(policy: policies.randomElement(using: &rng)!, steps: steps)
    }

    @Test("Balances on every day and the period's flows equal the accounts' own", .tags(.property))
    func agreesWithAccounts() async {
        await propertyCheck(count: 300, input: Self.scenarios) { scenario in
            var accounts = [LoyaltyAccount](repeating: LoyaltyAccount(policy: scenario.policy), count: 3)
            // What the accounts said at the end of each day something happened.
            var said: [(day: Day, available: Int64, pending: Int64)] = []
            for (index, step) in scenario.steps.enumerated() {
                let on = Self.start + step.day
                let key = "op-\(index)"
                var account = accounts[step.account]
                switch step.operation {
                case .earn(let points, let pending):
                    _ = try? account.earn(key: key, points: Points(points), on: on, pendingDays: pending, source: Self.source())
                case .redeem(let points):
                    _ = try? account.redeem(key: key, points: Points(points), on: on, source: Self.source())
                case .reverse(let award, let points):
                    _ = try? account.reverse(key: key, award: "op-\(award)", points: Points(points), on: on, source: Self.source())
                case .adjust(let points):
                    _ = try? account.adjust(key: key, points: Points(points), on: on, source: Self.source())
                case .advance:
                    account.advance(to: on)
                }
                accounts[step.account] = account
                guard index + 1 == scenario.steps.count || scenario.steps[index + 1].day != step.day else { continue }
                // Bring every account to the day, so each has recorded what fell due.
                for position in accounts.indices { accounts[position].advance(to: on) }
                let balances = accounts.map { $0.balance(on: on) }
                said.append((on, balances.reduce(0) { $0 + $1.available.value }, balances.reduce(0) { $0 + $1.pending.value }))
            }
            let ledger = PointsLedger(accounts.map(\.entries))
            for (on, available, pending) in said {
                let figures = ledger.balance(on: on)
                #expect(figures.available == available && figures.pending == pending, "on \(on.iso):\n\(scenario)")
            }
            guard let last = said.last?.day else { return }
            let flows = (try? ledger.economics(to: last, value: Self.cent))?.flows ?? PointsFlowTotals()
            let totals = accounts.map(\.totals)
            #expect(flows.earned == totals.reduce(0) { $0 + $1.earned })
            #expect(flows.redeemed == totals.reduce(0) { $0 + $1.redeemed })
            #expect(flows.expired == totals.reduce(0) { $0 + $1.expired }, "expired:\n\(scenario)")
            #expect(flows.adjustedUp == totals.reduce(0) { $0 + $1.adjustedUp })
            #expect(flows.adjustedDown == totals.reduce(0) { $0 + $1.adjustedDown })
        }
    }
}

extension PointsBalance {
    /// Available and pending, as the ledger figures give them.
    var pair: (Int64, Int64) { (available.value, pending.value) }
}

extension Tag {
    @Tag static var property: Self
}
