import PropertyBased
import RetentionKit
import Testing

/// The engine's guarantees over random event streams.
@Suite("Engine properties")
struct EnginePropertyTests {
    static let rules: RuleSet = {
        do {
            let tiers = try SpendTiers(measure: .spend(.usd), tiers: [
                Tier("silver", from: 40_00, keepAt: 30_00, earnMultiplierPercent: 125), Tier("gold", from: 120_00, earnMultiplierPercent: 200),
            ])
            return RuleSet(
                earning: [PurchasePoints(categoryMultipliers: ["coffee": 2], firstOrderBonus: 25), BirthdayPoints(points: 30),
                          TierBonus(points: ["silver": 10, "gold": 40])],
                tiers: tiers)
        } catch { preconditionFailure("\(error)") }
    }()
    static let program = Program(
        currencies: [.usd], returnWindowDays: 5, ledger: LedgerPolicy(lotExpiry: LotExpiry(days: 40)),
        qualification: .rolling(days: 60), tierDowngrade: .afterGrace(days: 10))
    static let customers = ["c-1", "c-2", "c-3"]

    static let streams = Generator<[Event], Shrink.None<[Event]>> { rng in
        var events: [Event] = []
        var now = Timestamp(day: Day(year: 2026, month: 1, day: 1)!)
        var orders: [String: [(id: String, lines: [OrderLine])]] = [:]
        for index in 0..<Int.random(in: 5...60, using: &rng) {
            now = Timestamp(milliseconds: now.milliseconds + Int64.random(in: 0...3 * 86_400_000, using: &rng))
            let customer = customers.randomElement(using: &rng)!
            let id = "e\(index)"
            func usd(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
            let payload: EventPayload
            switch Int.random(in: 0..<10, using: &rng) {
            case 0:
                let birthday = Day(number: Int32.random(in: 0...365, using: &rng))
                payload = .customerCreated(CustomerProfile(id: customer, birthday: Bool.random(using: &rng) ? birthday : nil))
            case 1...3:
                let lines = (0..<Int.random(in: 1...3, using: &rng)).map { line in
                    OrderLine(sku: "S\(line)", category: Bool.random(using: &rng) ? "coffee" : "kitchen",
                              quantity: Int64.random(in: 1...3, using: &rng), unitPrice: usd(Int64.random(in: 50...5_000, using: &rng)))
                }
                let subtotal = lines.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
                let orderID = "o\(index)"
                orders[customer, default: []].append((orderID, lines))
                payload = .orderPlaced(Order(id: orderID, customerID: customer, currency: .usd, lines: lines,
                                             discount: usd(Int64.random(in: 0...(subtotal / 4), using: &rng)), total: usd(subtotal)))
            case 4:
                guard let order = orders[customer]?.randomElement(using: &rng) else { continue }
                payload = .orderCancelled(OrderReference(orderID: order.id, customerID: customer))
            case 5:
                guard let order = orders[customer]?.randomElement(using: &rng) else { continue }
                let total = order.lines.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
                payload = .orderRefunded(OrderRefund(orderID: order.id, customerID: customer, amount: usd(Int64.random(in: 1...total, using: &rng))))
            case 6:
                guard let order = orders[customer]?.randomElement(using: &rng), let line = order.lines.randomElement(using: &rng) else { continue }
                payload = .orderReturned(OrderReturn(orderID: order.id, customerID: customer, lines: [LineQuantity(sku: line.sku, quantity: 1)]))
            case 7:
                payload = .pointsRedeemed(Redemption(id: "r\(Int.random(in: 0...20, using: &rng))", customerID: customer,
                                                     points: Points(Int64.random(in: 1...120, using: &rng)), reward: "reward"))
            case 8:
                payload = .pointsAdjusted(customerID: customer, points: Points(Int64.random(in: -50...50, using: &rng) | 1), reason: "fix")
            default:
                payload = .clock
            }
            events.append(Event(id: id, at: now, payload: payload))
        }
        return events
    }

    /// Moves time past every birthday and review, so that what time brings has happened.
    static func closing(_ events: [Event], after last: Day) -> [Event] {
        events + [Event(id: "closing", at: Timestamp(day: last + 400), payload: .clock)]
    }

    static func run(_ events: [Event]) -> (Engine, [EventOutcome]) {
        var engine = Engine(program: program, rules: rules)
        let outcomes = events.map { engine.apply($0) }
        return (engine, outcomes)
    }

    @Test("The same events give the same result, and replaying them changes nothing", .tags(.property))
    func determinism() async {
        await propertyCheck(count: 300, input: Self.streams) { events in
            let (first, outcomes) = Self.run(events)
            let (second, again) = Self.run(events)
            #expect(outcomes == again)
            var replayed = first
            for event in events { #expect(replayed.apply(event) == .duplicate) }
            for customer in Self.customers {
                #expect(first.account(of: customer) == second.account(of: customer))
                #expect(replayed.account(of: customer) == first.account(of: customer))
            }
        }
    }

    @Test("Splitting a stream by customer and merging the results equals applying it whole", .tags(.property))
    func partitioning() async {
        await propertyCheck(count: 300, input: Self.streams) { events in
            let (whole, _) = Self.run(events)
            for customer in Self.customers {
                // Clock events reach every customer, so every part gets them.
                let (alone, _) = Self.run(events.filter { $0.customerID == customer || $0.customerID == nil })
                #expect(alone.account(of: customer) == whole.account(of: customer), "\(customer)")
                let end = events.last?.at.day
                #expect(alone.view(of: customer, on: end) == whole.view(of: customer, on: end), "\(customer)")
            }
        }
    }

    @Test("Clock events change when birthdays and tier reviews are reported, never what they decide", .tags(.property))
    func clockIndependence() async {
        await propertyCheck(count: 300, input: Self.streams) { events in
            let last = events.last?.at.day ?? Day(year: 2026, month: 1, day: 1)!
            let (clocked, clockedOutcomes) = Self.run(Self.closing(events, after: last))
            let (lazy, lazyOutcomes) = Self.run(Self.closing(events.filter { $0.type != "clock" }, after: last))
            func changes(_ outcomes: [EventOutcome]) -> [TierChange] {
                outcomes.flatMap { $0.decisions?.tierChanges ?? [] }.sorted { ($0.customerID, $0.day.number) < ($1.customerID, $1.day.number) }
            }
            #expect(changes(clockedOutcomes) == changes(lazyOutcomes))
            for customer in Self.customers {
                func book(_ engine: Engine) -> [String] {
                    (engine.account(of: customer)?.entries ?? []).map { "\($0.key) \($0.kind) \($0.points.value) \($0.day)" }
                }
                #expect(book(clocked) == book(lazy), "\(customer)")
                #expect(clocked.view(of: customer)?.tier == lazy.view(of: customer)?.tier, "\(customer)")
            }
        }
    }

    static func identityHolds(_ account: LoyaltyAccount) -> Bool {
        let t = account.totals
        let balance = account.balance
        return t.earned + t.adjustedUp + t.transferredIn - t.redeemed - t.expired - t.reversed - t.adjustedDown - t.transferredOut
            == balance.available.value + balance.pending.value - balance.debt.value
    }

    @Test("Every account keeps the ledger's identity; no balance goes below zero", .tags(.property))
    func invariants() async {
        await propertyCheck(count: 300, input: Self.streams) { events in
            let (engine, _) = Self.run(events)
            for customer in Self.customers {
                guard let account = engine.account(of: customer), let balance = engine.balance(of: customer) else { continue }
                #expect(Self.identityHolds(account))
                #expect(balance.available.value >= 0 && balance.pending.value >= 0 && balance.debt.value >= 0)
            }
        }
    }

    @Test("A merge in the middle of a stream keeps both accounts' identities, and later events of the merged id reach the survivor", .tags(.property))
    func merges() async {
        await propertyCheck(count: 300, input: Self.streams) { events in
            guard events.count > 2 else { return }
            let middle = events.count / 2
            let merge = Event(id: "merge", at: events[middle - 1].at, payload: .customersMerged(survivorID: "c-1", mergedID: "c-3"))
            let (engine, outcomes) = Self.run(Array(events[..<middle]) + [merge] + Array(events[middle...]))
            let (again, _) = Self.run(Array(events[..<middle]) + [merge] + Array(events[middle...]))
            guard case .applied = outcomes[middle] else { return }  // one of them did not exist yet
            #expect(engine.customerIDs.contains("c-3") == false)
            for account in [engine.account(of: "c-1"), engine.closedAccount(ofMerged: "c-3")].compactMap({ $0 }) {
                #expect(Self.identityHolds(account))
            }
            #expect(engine.closedAccount(ofMerged: "c-3")?.balance == PointsBalance(available: 0, pending: 0, debt: 0))
            if let balance = engine.balance(of: "c-1") {
                #expect(balance.available.value >= 0 && balance.pending.value >= 0 && balance.debt.value >= 0)
            }
            #expect(engine.account(of: "c-1") == again.account(of: "c-1"))
        }
    }
}
