import PropertyBased
import RetentionKit
import Testing

@Suite("Events in JSON")
struct EventParserTests {
    static let placed = #"""
        {"id": "evt-1", "type": "order_placed", "at": "2026-03-14T10:12:00Z",
         "order": {"id": "1001", "customer_id": "c-42", "currency": "USD", "channel": "web",
                   "lines": [{"sku": "MUG-01", "category": "kitchen", "quantity": 2, "unit_price": "12.50"},
                             {"sku": "BEAN-250", "category": "coffee", "quantity": 1, "unit_price": "9.00"}],
                   "shipping": "4.95", "tax": "2.72", "discount": "3.40", "total": "43.27"}}
        """#

    @Test("An order arrives with exact money in minor units")
    func orderPlaced() throws {
        let event = try EventParser.parse(Self.placed)
        #expect(event.id == "evt-1")
        #expect(event.type == "order_placed")
        #expect(event.customerID == "c-42")
        #expect(event.at.day.iso == "2026-03-14")
        guard case .orderPlaced(let order) = event.payload else { Issue.record("not an order"); return }
        #expect(order.lines.map(\.unitPrice.minorUnits) == [1_250, 900])
        #expect(order.subtotal.minorUnits == 3_400)
        #expect(order.total == Money(minorUnits: 4_327, currency: .usd))
        #expect(order.discount.minorUnits == 340)
        #expect(order.giftCard.minorUnits == 0)
    }

    @Test("Every type reads", arguments: [
        #"{"id":"e","type":"customer_created","at":"2026-01-01T00:00:00Z","customer":{"id":"c","email":"a@b.c","birthday":"1990-05-17","tags":["vip"],"attributes":{"tier_hint":"gold","age":35}}}"#,
        #"{"id":"e","type":"customer_updated","at":"2026-01-01T00:00:00Z","customer":{"id":"c","name":"Ann"}}"#,
        #"{"id":"e","type":"customers_merged","at":"2026-01-01T00:00:00Z","survivor_id":"c","merged_id":"d"}"#,
        #"{"id":"e","type":"order_paid","at":"2026-01-01T00:00:00Z","order_id":"1","customer_id":"c"}"#,
        #"{"id":"e","type":"order_fulfilled","at":"2026-01-01T00:00:00Z","order_id":"1","customer_id":"c"}"#,
        #"{"id":"e","type":"order_cancelled","at":"2026-01-01T00:00:00Z","order_id":"1","customer_id":"c"}"#,
        #"{"id":"e","type":"order_refunded","at":"2026-01-01T00:00:00Z","order_id":"1","customer_id":"c","currency":"JPY","amount":"1200","lines":[{"sku":"A","quantity":1}]}"#,
        #"{"id":"e","type":"order_returned","at":"2026-01-01T00:00:00Z","order_id":"1","customer_id":"c"}"#,
        #"{"id":"e","type":"review_posted","at":"2026-01-01T00:00:00Z","review":{"id":"r","customer_id":"c","sku":"A","rating":5,"has_media":true}}"#,
        #"{"id":"e","type":"review_removed","at":"2026-01-01T00:00:00Z","review_id":"r","customer_id":"c"}"#,
        #"{"id":"e","type":"referral_completed","at":"2026-01-01T00:00:00Z","referrer_id":"c","referee_id":"d","order_id":"1"}"#,
        #"{"id":"e","type":"points_redeemed","at":"2026-01-01T00:00:00Z","redemption_id":"x","customer_id":"c","points":100,"reward":"free coffee"}"#,
        #"{"id":"e","type":"points_adjusted","at":"2026-01-01T00:00:00Z","customer_id":"c","points":-20,"reason":"duplicate award"}"#,
        #"{"id":"e","type":"custom","at":"2026-01-01T00:00:00Z","name":"instagram_follow","customer_id":"c"}"#,
        #"{"id":"e","type":"clock","at":"2026-01-01T00:00:00Z","note":"unknown fields are ignored"}"#,
    ])
    func everyType(_ line: String) throws {
        let event = try EventParser.parse(line)
        #expect(EventPayload.types.contains(event.type))
        #expect(try EventParser.parse(event.json.text) == event)
    }

    @Test("A bad event names the line, the event and the field, and says what to write", arguments: [
        (#"{"id":"evt-7","type":"order_placed","at":"2026-03-14T10:12:00Z","order":{"id":"1","customer_id":"c","currency":"USD","lines":[{"sku":"A","quantity":1,"unit_price":"1.00"},{"sku":"B","quantity":1,"unit_price":"12.505"}],"total":"13.50"}}"#,
         "line 7 (event evt-7): order.lines[2].unit_price: '12.505' has more decimals than USD allows (2)"),
        (#"{"id":"evt-7","type":"order_placed","at":"2026-03-14T10:12:00Z","order":{"id":"1","customer_id":"c","currency":"XYZ","lines":[],"total":"1"}}"#,
         "line 7 (event evt-7): order.currency: 'XYZ' is not an ISO 4217 currency code (for example USD, EUR, JPY)"),
        (#"{"id":"evt-7","type":"order_placed","at":"2026-03-14T10:12:00Z","order":{"id":"1","customer_id":"c","currency":"USD","lines":[],"total":"1"}}"#,
         "line 7 (event evt-7): order.lines: must not be empty"),
        (#"{"id":"evt-7","type":"order_placed","at":"2026-03-14T10:12:00Z","order":{"id":"1","customer_id":"c","currency":"USD","lines":[{"sku":"A","quantity":0,"unit_price":"1.00"}],"total":12.5}}"#,
         "line 7 (event evt-7): order.lines[1].quantity: must be at least 1, not 0"),
        (#"{"id":"evt-7","type":"review_posted","at":"2026-03-14T10:12:00Z","review":{"id":"r","customer_id":"c","sku":"A","rating":6}}"#,
         "line 7 (event evt-7): review.rating: must be from 1 to 5, not 6"),
        (#"{"id":"evt-7","type":"order_shipped","at":"2026-03-14T10:12:00Z"}"#,
         "line 7 (event evt-7): type: unknown event type 'order_shipped' (known: customer_created, customer_updated, customers_merged, order_placed, order_paid, order_fulfilled, order_cancelled, order_refunded, order_returned, review_posted, review_removed, referral_completed, points_redeemed, points_adjusted, custom, subscription_started, subscription_renewed, subscription_paused, subscription_resumed, subscription_skipped, subscription_swapped, subscription_interval_changed, subscription_payment_failed, subscription_cancelled, feedback_received, support_ticket_closed, delivery_delayed, clock)"),
        (#"{"id":"evt-7","type":"tier_changed","at":"2026-03-14T10:12:00Z","customer_id":"c","to":"gold"}"#,
         "line 7 (event evt-7): type: 'tier_changed' events are made by the engine for the rules, not read from input; remove this line"),
        (#"{"id":"evt-7","type":"clock","at":"14/03/2026"}"#,
         "line 7 (event evt-7): at: '14/03/2026' is not an ISO 8601 time (the date must come first, as YYYY-MM-DD); write for example 2026-03-14T10:12:00Z"),
        (#"{"type":"clock","at":"2026-03-14T10:12:00Z"}"#, "line 7: id: is missing"),
        (#"{"id":"evt-7","type":"points_redeemed","at":"2026-03-14T10:12:00Z","redemption_id":"x","customer_id":"c","points":12.5,"reward":"r"}"#,
         "line 7 (event evt-7): points: expected a whole number, got the number 12.5"),
        (#"{"id":"evt-7", "type": "clock",}"#, "line 7: not valid JSON (at byte 32: expected a member name in quotes)"),
        (#"["clock"]"#, "line 7: expected an object ({...}), got an array"),
    ])
    func errors(_ line: String, _ message: String) {
        #expect {
            _ = try EventParser.parse(line, line: 7)
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test("JSON Lines: blank lines skipped, CRLF accepted, a bad line reported and the rest read")
    func lines() {
        let text = "\(Self.placed.split(separator: "\n").joined())\r\n\n{\"id\":\"e2\",\"type\":\"nope\",\"at\":\"2026-03-14T10:12:00Z\"}\n   \n{\"id\":\"e3\",\"type\":\"clock\",\"at\":\"2026-03-15T00:00:00Z\"}"
        let lines = Array(EventLines(Array(text.utf8)))
        #expect(lines.map(\.number) == [1, 3, 5])
        #expect((try? lines[0].result.get())?.id == "evt-1")
        #expect((try? lines[2].result.get())?.type == "clock")
        guard case .failure(let error) = lines[1].result else { Issue.record("line 3 should fail"); return }
        #expect(error.line == 3)
        #expect(error.eventID == "e2")
        #expect(error.field == "type")
    }

    static let events = Generator<Event, Shrink.None<Event>> { rng in
        let customer = "c-\(Int.random(in: 1...9, using: &rng))"
        let currency = [Currency.usd, .jpy, Currency(code: "KWD", minorUnitDigits: 3)].randomElement(using: &rng)!
        func money() -> Money { Money(minorUnits: Int64.random(in: 0...10_000_000, using: &rng), currency: currency) }
        let at = Timestamp(milliseconds: Int64.random(in: 1_500_000_000_000...1_900_000_000_000, using: &rng))
        let payload: EventPayload
        switch Int.random(in: 0..<10, using: &rng) {
        case 0:
            let lines = (0..<Int.random(in: 1...4, using: &rng)).map { index in
                OrderLine(sku: "SKU-\(index)", category: Bool.random(using: &rng) ? "coffee" : nil,
                          quantity: Int64.random(in: 1...20, using: &rng), unitPrice: money())
            }
            payload = .orderPlaced(Order(
                id: "o-\(Int.random(in: 1...999, using: &rng))", customerID: customer, currency: currency,
                channel: Bool.random(using: &rng) ? "web" : nil, lines: lines, shipping: money(), discount: money(),
                pointsRedeemed: Points(Int64.random(in: 0...500, using: &rng)), total: money()))
        case 1:
            payload = .orderRefunded(OrderRefund(orderID: "o-1", customerID: customer, amount: money(),
                                                 lines: Bool.random(using: &rng) ? [LineQuantity(sku: "A", quantity: 2)] : nil))
        case 2:
            payload = .customerCreated(CustomerProfile(
                id: customer, email: "\(customer)@example.com", birthday: Day(number: Int32.random(in: 0...20_000, using: &rng)),
                tags: ["a", "é \"quoted\""], attributes: ["n": .integer(3), "x": .number(2.5), "ok": .boolean(true), "s": .string("line\nbreak")]))
        case 3:
            payload = .reviewPosted(Review(id: "r", customerID: customer, sku: "A", rating: Int.random(in: 1...5, using: &rng),
                                           hasMedia: Bool.random(using: &rng)))
        case 4:
            payload = .pointsAdjusted(customerID: customer, points: Points(Int64.random(in: -500...(-1), using: &rng)), reason: "fix")
        case 7:
            let score: FeedbackAnswerEvent.Score =
                Bool.random(using: &rng) ? .nps(Int.random(in: 0...10, using: &rng)) : .csat(Int.random(in: 1...5, using: &rng))
            payload = .feedbackReceived(FeedbackAnswerEvent(
                customerID: customer, score: score, touchpoint: "delivery", orderID: Bool.random(using: &rng) ? "o-1" : nil,
                sku: Bool.random(using: &rng) ? "MUG" : nil))
        case 8:
            payload = Bool.random(using: &rng)
                ? .supportTicketClosed(SupportTicketClosure(
                    ticketID: "t-1", customerID: customer, resolved: Bool.random(using: &rng), contacts: Int.random(in: 1...9, using: &rng),
                    firstResponseMinutes: Bool.random(using: &rng) ? Int.random(in: 0...999, using: &rng) : nil))
                : .deliveryDelayed(DeliveryDelay(orderID: "o-1", customerID: customer, days: Int.random(in: 1...30, using: &rng)))
        case 5, 6:
            let items = (0..<Int.random(in: 1...3, using: &rng)).map {
                SubscriptionItem(sku: "SKU-\($0)", quantity: Int64.random(in: 1...5, using: &rng), unitPrice: money())
            }
            let bundle = try! SubscriptionBundle(items: items, discountPercent: Int.random(in: 0...100, using: &rng))
            let interval = try! SubscriptionInterval(
                count: Int.random(in: 1...12, using: &rng), unit: SubscriptionInterval.Unit.allCases.randomElement(using: &rng)!)
            if Bool.random(using: &rng) {
                payload = .subscriptionStarted(SubscriptionStart(id: "sub-1", customerID: customer, plan: "box", interval: interval, bundle: bundle))
            } else {
                let changes: [SubscriptionChange] = [
                    .renewed(orderID: "o-7"), .paused(until: Bool.random(using: &rng) ? Day(number: 20_000) : nil), .resumed, .skipped,
                    .swapped(bundle: bundle, plan: Bool.random(using: &rng) ? "bigger box" : nil), .intervalChanged(interval),
                    .paymentFailed, .cancelled(reason: "moved \"abroad\"", voluntary: Bool.random(using: &rng)),
                ]
                payload = .subscriptionChanged(SubscriptionUpdate(
                    subscriptionID: "sub-1", customerID: customer, change: changes.randomElement(using: &rng)!))
            }
        default:
            payload = .clock
        }
        return Event(id: "evt-\(Int.random(in: 0...1_000_000, using: &rng))", at: at, payload: payload)
    }

    @Test("Writing and reading events round-trip", .tags(.property))
    func roundTrip() async {
        await propertyCheck(count: 1_000, input: Self.events) { event in
            #expect((try? EventParser.parse(event.json.text)) == event)
        }
    }
}
