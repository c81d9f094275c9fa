/// Reads events from their JSON form (see `Documentation/Events.md`).
///
/// ```swift
/// let event = try EventParser.parse(#"{"id": "evt-9", "type": "clock", "at": "2026-03-31T00:00:00Z"}"#)
/// ```
///
/// Fields it does not know are ignored, so a store can send more than the engine uses.
public enum EventParser {
    /// Parses one event from JSON text.
    public static func parse(_ text: String, line: Int? = nil) throws(EventDecodingError) -> Event {
        try parse(bytes: Array(text.utf8), line: line)
    }

    /// Parses one event from UTF-8 JSON bytes.
    public static func parse(bytes: some Collection<UInt8>, line: Int? = nil) throws(EventDecodingError) -> Event {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw EventDecodingError(line: line, field: "", message: "not valid JSON (\(error))")
        }
        return try parse(value, line: line)
    }

    /// Reads one event from a parsed JSON object.
    public static func parse(_ value: JSONValue, line: Int? = nil) throws(EventDecodingError) -> Event {
        var eventID: String?
        do {
            let fields = try FieldReader(value, path: "")
            eventID = try? fields.string("id")
            let id = try fields.string("id")
            let type = try fields.string("type")
            let at = try fields.timestamp("at")
            return Event(id: id, at: at, payload: try payload(type, fields))
        } catch {
            throw EventDecodingError(line: line, eventID: eventID, field: error.path, message: error.message)
        }
    }

    private static func payload(_ type: String, _ f: FieldReader) throws(FieldReader.Failure) -> EventPayload {
        switch type {
        case "customer_created": return .customerCreated(try customer(f.object("customer")))
        case "customer_updated": return .customerUpdated(try customer(f.object("customer")))
        case "customers_merged": return .customersMerged(survivorID: try f.string("survivor_id"), mergedID: try f.string("merged_id"))
        case "order_placed": return .orderPlaced(try order(f.object("order")))
        case "order_paid": return .orderPaid(try reference(f))
        case "order_fulfilled": return .orderFulfilled(try reference(f))
        case "order_cancelled": return .orderCancelled(try reference(f))
        case "order_refunded":
            let currency = try f.currency("currency")
            return .orderRefunded(OrderRefund(
                orderID: try f.string("order_id"), customerID: try f.string("customer_id"),
                amount: try f.money("amount", currency), lines: try lineQuantities(f, "lines")))
        case "order_returned":
            return .orderReturned(OrderReturn(
                orderID: try f.string("order_id"), customerID: try f.string("customer_id"), lines: try lineQuantities(f, "lines")))
        case "review_posted":
            let r = try f.object("review")
            return .reviewPosted(Review(
                id: try r.string("id"), customerID: try r.string("customer_id"), sku: try r.string("sku"),
                rating: Int(try r.integer("rating", in: 1...5)), hasMedia: try r.optionalBool("has_media") ?? false))
        case "review_removed": return .reviewRemoved(reviewID: try f.string("review_id"), customerID: try f.string("customer_id"))
        case "referral_completed":
            return .referralCompleted(Referral(
                referrerID: try f.string("referrer_id"), refereeID: try f.string("referee_id"), orderID: try f.string("order_id")))
        case "points_redeemed":
            return .pointsRedeemed(Redemption(
                id: try f.string("redemption_id"), customerID: try f.string("customer_id"),
                points: Points(try f.integer("points", in: 1...Int64.max)), reward: try f.string("reward")))
        case "points_adjusted":
            let points = try f.integer("points")
            guard points != 0 else { throw FieldReader.Failure(path: "points", message: "must not be 0") }
            return .pointsAdjusted(customerID: try f.string("customer_id"), points: Points(points), reason: try f.string("reason"))
        case "custom":
            return .custom(CustomEvent(
                name: try f.string("name"), customerID: try f.string("customer_id"), attributes: try f.attributes("attributes") ?? [:]))
        case "subscription_started":
            let sub = try f.object("subscription")
            let interval = try subscriptionInterval(sub)
            return .subscriptionStarted(SubscriptionStart(
                id: try sub.string("id"), customerID: try sub.string("customer_id"), plan: try sub.string("plan"),
                interval: interval, bundle: try bundle(sub)))
        case "subscription_renewed": return try subscriptionChange(f, .renewed(orderID: try f.string("order_id")))
        case "subscription_paused": return try subscriptionChange(f, .paused(until: try f.optionalDay("until")))
        case "subscription_resumed": return try subscriptionChange(f, .resumed)
        case "subscription_skipped": return try subscriptionChange(f, .skipped)
        case "subscription_swapped":
            return try subscriptionChange(f, .swapped(bundle: try bundle(f), plan: try f.optionalString("plan")))
        case "subscription_interval_changed": return try subscriptionChange(f, .intervalChanged(try subscriptionInterval(f)))
        case "subscription_payment_failed": return try subscriptionChange(f, .paymentFailed)
        case "subscription_cancelled":
            return try subscriptionChange(
                f, .cancelled(reason: try f.string("reason"), voluntary: try f.optionalBool("voluntary") ?? true))
        case "feedback_received":
            let kind = try f.string("kind")
            let score: FeedbackAnswerEvent.Score
            switch kind {
            case "nps": score = .nps(Int(try f.integer("score", in: 0...10)))
            case "csat": score = .csat(Int(try f.integer("score", in: 1...5)))
            default: throw FieldReader.Failure(path: "kind", message: "'\(kind)' is not a survey kind; use nps (0–10) or csat (1–5)")
            }
            return .feedbackReceived(FeedbackAnswerEvent(
                customerID: try f.string("customer_id"), score: score, touchpoint: try f.string("touchpoint"),
                orderID: try f.optionalString("order_id"), sku: try f.optionalString("sku")))
        case "support_ticket_closed":
            return .supportTicketClosed(SupportTicketClosure(
                ticketID: try f.string("ticket_id"), customerID: try f.string("customer_id"), resolved: try f.bool("resolved"),
                contacts: Int(try f.integer("contacts", in: 1...10_000)),
                firstResponseMinutes: try f.optionalInteger("first_response_minutes", in: 0...Int64(Int32.max)).map { Int($0) }))
        case "delivery_delayed":
            return .deliveryDelayed(DeliveryDelay(
                orderID: try f.string("order_id"), customerID: try f.string("customer_id"), days: Int(try f.integer("days", in: 1...3_650))))
        case "clock":
            return .clock
        case "birthday", "tier_changed":
            throw FieldReader.Failure(
                path: "type", message: "'\(type)' events are made by the engine for the rules, not read from input; remove this line")
        default:
            throw FieldReader.Failure(
                path: "type", message: "unknown event type '\(type)' (known: \(EventPayload.types.joined(separator: ", ")))")
        }
    }

    private static func customer(_ c: FieldReader) throws(FieldReader.Failure) -> CustomerProfile {
        CustomerProfile(
            id: try c.string("id"), email: try c.optionalString("email"), name: try c.optionalString("name"),
            birthday: try c.optionalDay("birthday"), referredBy: try c.optionalString("referred_by"),
            tags: try c.strings("tags"), attributes: try c.attributes("attributes"))
    }

    private static func order(_ o: FieldReader) throws(FieldReader.Failure) -> Order {
        let currency = try o.currency("currency")
        var lines: [OrderLine] = []
        for element in try o.array("lines", allowEmpty: false) {
            let line = try FieldReader(element.value, path: element.path)
            lines.append(OrderLine(
                sku: try line.string("sku"), category: try line.optionalString("category"),
                quantity: try line.integer("quantity", in: 1...Int64.max), unitPrice: try line.money("unit_price", currency)))
        }
        return Order(
            id: try o.string("id"), customerID: try o.string("customer_id"), currency: currency,
            channel: try o.optionalString("channel"), lines: lines, shipping: try o.optionalMoney("shipping", currency),
            tax: try o.optionalMoney("tax", currency), discount: try o.optionalMoney("discount", currency),
            giftCard: try o.optionalMoney("gift_card", currency),
            pointsRedeemed: Points(try o.optionalInteger("points_redeemed", in: 0...Int64.max) ?? 0),
            pointsDiscount: try o.optionalMoney("points_discount", currency), total: try o.money("total", currency))
    }

    private static func subscriptionChange(_ f: FieldReader, _ change: SubscriptionChange) throws(FieldReader.Failure) -> EventPayload {
        .subscriptionChanged(SubscriptionUpdate(
            subscriptionID: try f.string("subscription_id"), customerID: try f.string("customer_id"), change: change))
    }

    /// `"interval": {"count": 1, "unit": "month"}`.
    private static func subscriptionInterval(_ f: FieldReader) throws(FieldReader.Failure) -> SubscriptionInterval {
        let interval = try f.object("interval")
        let count = try interval.integer("count", in: 1...366)
        let unitName = try interval.string("unit")
        guard let unit = SubscriptionInterval.Unit(rawValue: unitName) else {
            throw FieldReader.Failure(
                path: interval.fieldPath("unit"), message: "'\(unitName)' is not an interval unit; use day, week or month")
        }
        do {
            return try SubscriptionInterval(count: Int(count), unit: unit)
        } catch {
            throw FieldReader.Failure(path: interval.fieldPath("count"), message: error.message)
        }
    }

    /// `"currency"`, `"items": [{"sku", "quantity", "unit_price"}]` and an optional
    /// `"bundle_discount_percent"`.
    private static func bundle(_ f: FieldReader) throws(FieldReader.Failure) -> SubscriptionBundle {
        let currency = try f.currency("currency")
        var items: [SubscriptionItem] = []
        for element in try f.array("items", allowEmpty: false) {
            let item = try FieldReader(element.value, path: element.path)
            items.append(SubscriptionItem(
                sku: try item.string("sku"), quantity: try item.integer("quantity", in: 1...Int64.max),
                unitPrice: try item.money("unit_price", currency)))
        }
        let discount = try f.optionalInteger("bundle_discount_percent", in: 0...100) ?? 0
        do {
            return try SubscriptionBundle(items: items, discountPercent: Int(discount))
        } catch {
            throw FieldReader.Failure(path: f.fieldPath("items"), message: error.message)
        }
    }

    private static func reference(_ f: FieldReader) throws(FieldReader.Failure) -> OrderReference {
        OrderReference(orderID: try f.string("order_id"), customerID: try f.string("customer_id"))
    }

    private static func lineQuantities(_ f: FieldReader, _ key: String) throws(FieldReader.Failure) -> [LineQuantity]? {
        guard let elements = try f.optionalArray(key) else { return nil }
        var result: [LineQuantity] = []
        for element in elements {
            let line = try FieldReader(element.value, path: element.path)
            result.append(LineQuantity(sku: try line.string("sku"), quantity: try line.integer("quantity", in: 1...Int64.max)))
        }
        return result
    }
}

/// The events of a JSON Lines text, one per non-blank line, each parsed or with the reason it
/// could not be. A bad line never stops the lines after it.
///
/// ```swift
/// let lines = EventLines(try Data(contentsOf: url))
/// let events = lines.compactMap { try? $0.result.get() }
/// let problems = lines.compactMap { if case .failure(let e) = $0.result { e } else { nil } }
/// ```
public struct EventLines: Sequence {
    /// One line's outcome.
    public struct Line {
        /// The line number, from 1.
        public var number: Int
        /// The event, or why it could not be read.
        public var result: Result<Event, EventDecodingError>
    }

    private let bytes: [UInt8]

    public init(_ bytes: some Collection<UInt8>) {
        self.bytes = Array(bytes)
    }

    /// Reads the lines in order.
    public func makeIterator() -> Iterator { Iterator(bytes: bytes) }

    /// Reads one line at a time.
    public struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        var position = 0
        var lineNumber = 0

        /// The next non-blank line, parsed; nil at the end.
        public mutating func next() -> Line? {
            while position < bytes.count {
                lineNumber += 1
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
                var end = position
                position += 1
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = bytes[start..<end]
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                do {
                    return Line(number: lineNumber, result: .success(try EventParser.parse(bytes: line, line: lineNumber)))
                } catch {
                    return Line(number: lineNumber, result: .failure(error))
                }
            }
            return nil
        }
    }
}
