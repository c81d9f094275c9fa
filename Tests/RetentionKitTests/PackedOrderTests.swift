import PropertyBased
import RetentionKit
import Testing

/// Orders older than a customer's newest are kept packed; everything about them must come back.
@Suite("Older orders, kept packed, come back whole")
struct PackedOrderTests {
    static let kwd = Currency(code: "KWD", minorUnitDigits: 3)
    /// A merchant's own currency whose code is too long to pack into a word.
    static let credit = Currency(code: "store-credit", minorUnitDigits: 0)
    static let program = Program(currencies: [.usd, .jpy, kwd, credit], returnWindowDays: 10)
    static let rules = RuleSet(earning: [PurchasePoints(categoryMultipliers: ["coffee": 3], firstOrderBonus: 40)])

    /// What the test expects of one order.
    struct Expected {
        var order: Order
        var day: Day
        var refunded: Int64 = 0
        var paidOn: Day?
        var closed = false
        /// Units of each line not returned yet.
        var left: [Int64]
    }

    static func randomOrder(_ number: Int, using rng: inout any SeededRandomNumberGenerator) -> Order {
        let currency = [Currency.usd, .jpy, kwd, credit].randomElement(using: &rng)!
        func money(_ range: ClosedRange<Int64>) -> Money { Money(minorUnits: Int64.random(in: range, using: &rng), currency: currency) }
        let skus = ["SKU-1", "café-crème-1kg", "a-very-long-stock-keeping-unit-name-that-needs-the-heap", "☕️"]
        let lines = (0..<Int.random(in: 1...4, using: &rng)).map { line in
            OrderLine(sku: "\(skus.randomElement(using: &rng)!)-\(line)", category: [nil, "coffee", "kitchen & dining"].randomElement(using: &rng)!,
                      quantity: Int64.random(in: 1...5, using: &rng), unitPrice: money(1...5_000_000))
        }
        let subtotal = lines.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        return Order(
            id: "o\(number)", customerID: "c", currency: currency, channel: [nil, "web", "pos", "アプリ"].randomElement(using: &rng)!,
            lines: lines, shipping: money(0...2_000), tax: money(0...90_000), discount: money(0...(subtotal / 5)),
            giftCard: money(0...500), pointsRedeemed: Points(Int64.random(in: 0...300, using: &rng)), pointsDiscount: money(0...300),
            total: Money(minorUnits: subtotal, currency: currency))
    }

    /// A customer's orders and what happens to them, with what the test expects.
    struct Scenario: CustomStringConvertible {
        var events: [Event]
        var expected: [Expected]
        var description: String { "\(events.count) events: \(events.map(\.type).joined(separator: ", "))" }
    }

    static let scenarios = Generator<Scenario, Shrink.None<Scenario>> { rng in
        var time = Timestamp(day: Day(year: 2026, month: 1, day: 1)!)
        var events: [Event] = []
        func event(_ payload: EventPayload) -> Event {
            time = Timestamp(milliseconds: time.milliseconds + Int64.random(in: 0...86_400_000, using: &rng))
            events.append(Event(id: "e\(events.count)", at: time, payload: payload))
            return events[events.count - 1]
        }
        _ = event(.customerCreated(CustomerProfile(id: "c")))
        var expected: [Expected] = []
        for step in 0..<Int.random(in: 2...40, using: &rng) {
            let open = expected.indices.filter { !expected[$0].closed }
            switch (Int.random(in: 0..<6, using: &rng), open.randomElement(using: &rng)) {
            case (0...1, _), (_, nil):
                let order = randomOrder(step, using: &rng)
                let placed = event(.orderPlaced(order))
                expected.append(Expected(order: order, day: placed.at.day, left: order.lines.map(\.quantity)))
            case (2, let index?):
                let paid = event(.orderPaid(OrderReference(orderID: expected[index].order.id, customerID: "c")))
                if expected[index].paidOn == nil { expected[index].paidOn = paid.at.day }
            case (3, let index?):
                let left = expected[index].order.total.minorUnits - expected[index].refunded
                let amount = Int64.random(in: 1...left, using: &rng)
                _ = event(.orderRefunded(OrderRefund(
                    orderID: expected[index].order.id, customerID: "c", amount: Money(minorUnits: amount, currency: expected[index].order.currency))))
                expected[index].refunded += amount
                if amount == left { expected[index].closed = true }
            case (4, let index?):
                guard let line = expected[index].left.indices.filter({ expected[index].left[$0] > 0 }).randomElement(using: &rng) else { continue }
                _ = event(.orderReturned(OrderReturn(
                    orderID: expected[index].order.id, customerID: "c",
                    lines: [LineQuantity(sku: expected[index].order.lines[line].sku, quantity: 1)])))
                expected[index].left[line] -= 1
            case (_, let index?):
                _ = event(.orderCancelled(OrderReference(orderID: expected[index].order.id, customerID: "c")))
                expected[index].closed = true
                expected[index].refunded = expected[index].order.total.minorUnits
            }
        }
        return Scenario(events: events, expected: expected)
    }

    @Test("Orders, payments, refunds and returns on older orders read back as sent, and points follow", .tags(.property))
    func roundTrip() async {
        await propertyCheck(count: 60, input: Self.scenarios) { scenario in
            var engine = Engine(program: Self.program, rules: Self.rules)
            for event in scenario.events { engine.mustApply(event) }
            do {
                let stored = try StoredCustomer(decoding: try #require(try engine.record(of: "c")))
                let sent = scenario.expected.sorted { ($0.day, $0.order.id) < ($1.day, $1.order.id) }
                #expect(stored.orders.map(\.order) == sent.map(\.order))
                #expect(stored.orders.map(\.day) == sent.map(\.day))
                #expect(stored.orders.map(\.paidOn) == sent.map(\.paidOn))
                #expect(stored.orders.map(\.refunded) == sent.map(\.refunded))
                #expect(stored.orders.map(\.isClosed) == sent.map(\.closed))
                // A closed order, or one whose every unit came back, keeps none of its points.
                let entries = try #require(engine.account(of: "c")?.entries)
                for order in scenario.expected where order.closed || order.left.allSatisfy({ $0 == 0 }) {
                    let kept = entries.filter { $0.source.orderID == order.order.id }.reduce(Int64(0)) { $0 + $1.points.value - $1.shortfall.value }
                    #expect(kept == 0, "order \(order.order.id) gave up \(order.closed ? "everything" : "every unit") and kept \(kept) points")
                }
            } catch {
                Issue.record("reading the customer back failed: \(error)")
            }
        }
    }

    /// An order and what then happens to it: returns of single units and refunds, some for lines.
    struct Changes: CustomStringConvertible {
        var order: Order
        /// Another order, placed after it (so that it is packed) or before it.
        var filler: Order
        var changes: [EventPayload]
        var description: String { "\(order.lines.count) lines, \(changes.count) changes" }
    }

    static let changes = Generator<Changes, Shrink.None<Changes>> { rng in
        let order = randomOrder(1, using: &rng)
        var left = order.lines.map(\.quantity)
        var refundable = order.total.minorUnits
        var changes: [EventPayload] = []
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            guard let line = left.indices.filter({ left[$0] > 0 }).randomElement(using: &rng) else { break }
            let units = [LineQuantity(sku: order.lines[line].sku, quantity: 1)]
            if Bool.random(using: &rng) {
                changes.append(.orderReturned(OrderReturn(orderID: order.id, customerID: "c", lines: units)))
                left[line] -= 1
            } else if refundable > 1 {
                let amount = Int64.random(in: 1..<refundable, using: &rng)
                let byLine = Bool.random(using: &rng)
                changes.append(.orderRefunded(OrderRefund(
                    orderID: order.id, customerID: "c", amount: Money(minorUnits: amount, currency: order.currency), lines: byLine ? units : nil)))
                if byLine { left[line] -= 1 }
                refundable -= amount
            }
        }
        var filler = randomOrder(2, using: &rng)
        filler.id = "filler"
        return Changes(order: order, filler: filler, changes: changes)
    }

    @Test("An order's refunds and returns take back the same points whether it is packed or the newest", .tags(.property))
    func packedOrNewest() async {
        let rules = RuleSet(earning: [PurchasePoints(categoryMultipliers: ["coffee": 3, "kitchen & dining": 2])])
        await propertyCheck(count: 100, input: Self.changes) { scenario in
            func reversals(fillerFirst: Bool) -> [Int64] {
                var engine = Engine(program: Self.program, rules: rules)
                var number = 0
                func apply(_ payload: EventPayload) -> Decisions {
                    number += 1
                    return engine.mustApply(Event(id: "e\(number)", at: Timestamp(day: Day(year: 2026, month: 3, day: 1)! + number), payload: payload))
                }
                _ = apply(.customerCreated(CustomerProfile(id: "c")))
                let placing = fillerFirst ? [scenario.filler, scenario.order] : [scenario.order, scenario.filler]
                for order in placing { _ = apply(.orderPlaced(order)) }
                return scenario.changes.flatMap { apply($0).entries.map(\.entry.points.value) }
            }
            let packed = reversals(fillerFirst: false)
            #expect(packed == reversals(fillerFirst: true))
            #expect(packed.allSatisfy { $0 <= 0 })
        }
    }

    @Test("An order whose points were all taken back by returns gives back nothing more when it is refunded in full")
    func nothingLeftToReverse() {
        var script = EventScript()
        var engine = Engine(program: Self.program, rules: Self.rules)
        engine.mustApply(script.customer("c", "2026-03-01"))
        engine.mustApply(script("order_placed", "2026-03-02", #""order":{"id":"o1","customer_id":"c","currency":"USD","lines":[{"sku":"MUG","category":"coffee","quantity":2,"unit_price":"12.00"}],"total":"24.00"}"#))
        engine.mustApply(script.order("o2", of: "c", "2026-03-03", "30.00"))
        let earned = engine.account(of: "c")?.entries.filter { $0.source.orderID == "o1" }.reduce(Int64(0)) { $0 + $1.points.value } ?? 0
        #expect(earned > 0)
        for _ in 0..<2 {
            let giveBack = engine.mustApply(script("order_returned", "2026-03-04", #""order_id":"o1","customer_id":"c","lines":[{"sku":"MUG","quantity":1}]"#))
            #expect(giveBack.entries.allSatisfy { $0.entry.kind == .reversed && $0.entry.points.value < 0 })
        }
        let kept = engine.account(of: "c")?.entries.filter { $0.source.orderID == "o1" }.reduce(Int64(0)) { $0 + $1.points.value } ?? -1
        #expect(kept == 0)
        // The order's awards know they are spent: the refund makes no entry, not even one of zero points.
        let refund = engine.mustApply(script("order_refunded", "2026-03-05", #""order_id":"o1","customer_id":"c","currency":"USD","amount":"24.00""#))
        #expect(refund.entries.isEmpty, "the refund made \(refund.entries.map(\.entry.points.value))")
    }
}
