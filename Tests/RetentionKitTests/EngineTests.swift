import RetentionKit
import Testing

/// Worked examples of the engine with the built-in purchase rule.
@Suite("The engine")
struct EngineTests {
    static let rules = RuleSet(earning: [PurchasePoints(categoryMultipliers: ["coffee": 2], firstOrderBonus: 50)])

    static func engine(returnWindow: Int = 0, currencies: Set<Currency> = [.usd]) -> Engine {
        Engine(program: Program(currencies: currencies, returnWindowDays: returnWindow), rules: rules)
    }

    /// Parses a JSON event, with the boilerplate filled in.
    static func event(_ id: String, _ type: String, _ day: String, _ body: String) -> Event {
        let comma = body.isEmpty ? "" : ","
        do {
            return try EventParser.parse(#"{"id":"\#(id)","type":"\#(type)","at":"\#(day)T12:00:00Z"\#(comma)\#(body)}"#)
        } catch {
            preconditionFailure("test event does not parse: \(error)")
        }
    }

    static let newCustomer = event("e0", "customer_created", "2026-03-01", #""customer":{"id":"c-42","email":"ann@example.com"}"#)

    static func order(_ id: String, _ eventID: String, _ day: String, lines: String, discount: String = "0.00", total: String) -> Event {
        event(eventID, "order_placed", day, #""order":{"id":"\#(id)","customer_id":"c-42","currency":"USD","lines":[\#(lines)],"discount":"\#(discount)","total":"\#(total)"}"#)
    }

    static let mugAndBeans = order(
        "1001", "e1", "2026-03-14",
        lines: #"{"sku":"MUG-01","category":"kitchen","quantity":2,"unit_price":"12.50"},{"sku":"BEAN-250","category":"coffee","quantity":1,"unit_price":"9.00"}"#,
        discount: "3.40", total: "43.27")

    @Test("An order earns on what was paid for the goods, coffee doubled, plus the first-order bonus, pending for the return window")
    func firstOrder() {
        var engine = Self.engine(returnWindow: 30)
        #expect(engine.apply(Self.newCustomer) == .applied(Decisions()))
        let outcome = engine.apply(Self.mugAndBeans)
        // 25.00 kitchen + 9.00 coffee (x2) = 43.00 weighted; 3.40 off 34.00 of goods leaves 90%: 38 points.
        #expect(outcome.decisions?.entries.map(\.entry.points) == [38, 50])
        #expect(outcome.decisions?.entries.first?.entry.source.lines == ["MUG-01", "BEAN-250"])
        #expect(outcome.decisions?.entries.first?.entry.source.rule == "purchase-points")
        #expect(engine.balance(of: "c-42") == PointsBalance(available: 0, pending: 88, debt: 0))
        #expect(engine.apply(Self.mugAndBeans) == .duplicate)
        #expect(engine.apply(Self.event("e2", "clock", "2026-04-13", "")).decisions != nil)
        #expect(engine.balance(of: "c-42") == PointsBalance(available: 88, pending: 0, debt: 0))
    }

    @Test("Refused events change nothing, say why, and stay refused on replay")
    func rejections() {
        var engine = Self.engine()
        let stranger = Self.event("e1", "order_placed", "2026-03-14", #""order":{"id":"9","customer_id":"nobody","currency":"USD","lines":[{"sku":"A","quantity":1,"unit_price":"1.00"}],"total":"1.00"}"#)
        guard case .rejected(let error) = engine.apply(stranger) else { Issue.record("should be rejected"); return }
        #expect(error.code == .unknownCustomer)
        #expect(error.description == "event e1: no customer 'nobody'; send customer_created first")
        #expect(engine.apply(stranger) == .duplicate)

        _ = engine.apply(Self.newCustomer)
        let euros = Self.event("e2", "order_placed", "2026-03-14", #""order":{"id":"10","customer_id":"c-42","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":"1.00"}],"total":"1.00"}"#)
        guard case .rejected(let currency) = engine.apply(euros) else { Issue.record("should be rejected"); return }
        #expect(currency.message == "order 10 is in EUR; the program accepts USD")

        let redemption = Self.event("e3", "points_redeemed", "2026-03-14", #""redemption_id":"r1","customer_id":"c-42","points":10,"reward":"mug""#)
        guard case .rejected(let short) = engine.apply(redemption) else { Issue.record("should be rejected"); return }
        #expect(short.code == .ledger)
        #expect(short.message == "needs 10 points but only 0 are available on 2026-03-14")
        #expect(engine.account(of: "c-42")?.entries.isEmpty == true)
    }

    @Test("Cancelling an order takes back everything it earned")
    func cancellation() {
        var engine = Self.engine()
        _ = engine.apply(Self.newCustomer)
        _ = engine.apply(Self.mugAndBeans)
        let cancel = engine.apply(Self.event("e2", "order_cancelled", "2026-03-15", #""order_id":"1001","customer_id":"c-42""#))
        #expect(cancel.decisions?.entries.map(\.entry.points) == [-38, -50])
        #expect(engine.balance(of: "c-42") == PointsBalance(available: 0, pending: 0, debt: 0))
        guard case .rejected(let again) = engine.apply(Self.event("e3", "order_cancelled", "2026-03-16", #""order_id":"1001","customer_id":"c-42""#)) else {
            Issue.record("a closed order cannot be cancelled again"); return
        }
        #expect(again.code == .orderClosed)
    }

    @Test("A refund by amount takes back every award in proportion, rounded half up")
    func refundByAmount() {
        var engine = Self.engine()
        _ = engine.apply(Self.newCustomer)
        _ = engine.apply(Self.order("2001", "e1", "2026-03-14", lines: #"{"sku":"A","quantity":1,"unit_price":"100.00"}"#, total: "100.00"))
        #expect(engine.balance(of: "c-42")?.available == 150)
        let refund = engine.apply(Self.event("e2", "order_refunded", "2026-03-20", #""order_id":"2001","customer_id":"c-42","currency":"USD","amount":"25.00""#))
        // 100 x 25% = 25; 50 x 25% = 12.5, rounded half up to 13.
        #expect(refund.decisions?.entries.map(\.entry.points) == [-25, -13])
        // Refunding the rest takes the rest, whatever the rounding did.
        _ = engine.apply(Self.event("e3", "order_refunded", "2026-03-21", #""order_id":"2001","customer_id":"c-42","currency":"USD","amount":"75.00""#))
        #expect(engine.balance(of: "c-42")?.available == 0)
        #expect(engine.view(of: "c-42")?.totalSpent[.usd] == 0)
    }

    @Test("A refund of given lines takes back exactly what those lines earned")
    func refundByLines() {
        var engine = Self.engine()
        _ = engine.apply(Self.newCustomer)
        // 2 x 10.00 kitchen (20 points) + 1 x 30.00 coffee (x2: 60 points) = 80, plus the 50 bonus.
        _ = engine.apply(Self.order(
            "3001", "e1", "2026-03-14",
            lines: #"{"sku":"A","category":"kitchen","quantity":2,"unit_price":"10.00"},{"sku":"B","category":"coffee","quantity":1,"unit_price":"30.00"}"#,
            total: "50.00"))
        let one = engine.apply(Self.event("e2", "order_refunded", "2026-03-20", #""order_id":"3001","customer_id":"c-42","currency":"USD","amount":"10.00","lines":[{"sku":"A","quantity":1}]"#))
        #expect(one.decisions?.entries.map(\.entry.points) == [-10])
        let coffee = engine.apply(Self.event("e3", "order_returned", "2026-03-21", #""order_id":"3001","customer_id":"c-42","lines":[{"sku":"B","quantity":1}]"#))
        #expect(coffee.decisions?.entries.map(\.entry.points) == [-60])
        // The last unit returns the whole order: the rest of the purchase points and the bonus go.
        let last = engine.apply(Self.event("e4", "order_returned", "2026-03-22", #""order_id":"3001","customer_id":"c-42","lines":[{"sku":"A","quantity":1}]"#))
        #expect(last.decisions?.entries.map(\.entry.points) == [-10, -50])
        guard case .rejected(let error) = engine.apply(Self.event("e5", "order_returned", "2026-03-23", #""order_id":"3001","customer_id":"c-42","lines":[{"sku":"A","quantity":1}]"#)) else {
            Issue.record("nothing is left to return"); return
        }
        #expect(error.message == "order 3001 has no 1 unit(s) of A left to refund or return")
        #expect(error.code == .invalidRefund)
    }

    @Test("Redemptions are idempotent by redemption id, not only by event id")
    func redemptionIdempotence() {
        var engine = Self.engine()
        _ = engine.apply(Self.newCustomer)
        _ = engine.apply(Self.mugAndBeans)
        let first = engine.apply(Self.event("e2", "points_redeemed", "2026-03-15", #""redemption_id":"r1","customer_id":"c-42","points":60,"reward":"mug""#))
        #expect(first.decisions?.entries.map(\.entry.points) == [-60])
        let resent = engine.apply(Self.event("e3", "points_redeemed", "2026-03-15", #""redemption_id":"r1","customer_id":"c-42","points":60,"reward":"mug""#))
        #expect(resent.decisions?.entries.isEmpty == true)
        #expect(engine.balance(of: "c-42")?.available == 28)
    }

    @Test("Why an order earned nothing is in the explanation")
    func explanation() {
        var engine = Self.engine()
        _ = engine.apply(Self.newCustomer)
        _ = engine.apply(Self.mugAndBeans)
        let small = engine.apply(Self.order("1002", "e2", "2026-03-15", lines: #"{"sku":"A","quantity":1,"unit_price":"0.90"}"#, total: "0.90"))
        #expect(small.decisions?.entries.isEmpty == true)
        #expect(small.decisions?.explanation.first?.note
            == "order 1002: 0.90 USD eligible, less than one currency unit after discounts (shipping, tax and gift cards do not earn)")
    }

    @Test("The customer view rules see: counts and days as of the event")
    func view() {
        var engine = Self.engine()
        _ = engine.apply(Self.newCustomer)
        _ = engine.apply(Self.mugAndBeans)
        _ = engine.apply(Self.order("1002", "e2", "2026-03-24", lines: #"{"sku":"A","quantity":1,"unit_price":"10.00"}"#, total: "10.00"))
        let view = engine.view(of: "c-42", on: Day(year: 2026, month: 4, day: 3)!)
        #expect(view?.orderCount == 2)
        #expect(view?.daysSinceLastOrder == 10)
        #expect(view?.averageDaysBetweenOrders == 10)
        #expect(view?.totalSpent[.usd] == 5_327)
        #expect(view?.pointsAvailable == 98)
    }

    @Test("A customer's events must come in order")
    func order() {
        var engine = Self.engine()
        _ = engine.apply(Self.newCustomer)
        _ = engine.apply(Self.mugAndBeans)
        guard case .rejected(let error) = engine.apply(Self.order("0999", "e2", "2026-03-10", lines: #"{"sku":"A","quantity":1,"unit_price":"10.00"}"#, total: "10.00")) else {
            Issue.record("an older event should be refused"); return
        }
        #expect(error.code == .outOfOrder)
    }

    @Test("Reviews earn once per product, more with media; a removed review takes its points back")
    func reviews() {
        var engine = Engine(program: Program(currencies: [.usd]), rules: RuleSet(earning: [ReviewPoints(points: 20, withMediaPoints: 50)]))
        _ = engine.apply(Self.newCustomer)
        func review(_ event: String, _ id: String, _ sku: String, media: Bool, day: String = "2026-03-14") -> Event {
            Self.event(event, "review_posted", day, #""review":{"id":"\#(id)","customer_id":"c-42","sku":"\#(sku)","rating":4,"has_media":\#(media)}"#)
        }
        #expect(engine.apply(review("e1", "r1", "MUG-01", media: true)).decisions?.entries.map(\.entry.points) == [50])
        let again = engine.apply(review("e2", "r2", "MUG-01", media: false))
        #expect(again.decisions?.entries.isEmpty == true)
        #expect(again.decisions?.explanation.first?.note == "review r2: a review of MUG-01 by this customer was rewarded already (one per product)")
        #expect(engine.apply(review("e3", "r3", "BEAN-250", media: false)).decisions?.entries.map(\.entry.points) == [20])
        let removed = engine.apply(Self.event("e4", "review_removed", "2026-03-15", #""review_id":"r1","customer_id":"c-42""#))
        #expect(removed.decisions?.entries.map(\.entry.points) == [-50])
        #expect(engine.apply(review("e5", "r4", "MUG-01", media: false, day: "2026-03-16")).decisions?.entries.map(\.entry.points) == [20])
        #expect(engine.balance(of: "c-42")?.available == 40)
    }
}
