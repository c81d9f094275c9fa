import RetentionKit

/// A deterministic synthetic store: customers with realistic purchase rhythms (many one-time
/// buyers, some regulars, three in five with a birthday), refunds, cancellations, returns, redemptions, reviews, survey
/// answers, late deliveries and support tickets, monthly subscriptions for one regular in five
/// (with skips, pauses, failed payments and cancellations), referrals (one customer in ten was
/// referred by an earlier one; their first order is paid and completes the referral), a
/// holiday peak (one customer in four buys a gift between 15 November and 19 December, one gift
/// in eight comes back), and a monthly clock, over one year, in time order. The same seed gives
/// the same events.
public struct SyntheticStore {
    public var customers: Int
    public var seed: UInt64

    public init(customers: Int, seed: UInt64 = 42) {
        self.customers = customers
        self.seed = seed
    }

    struct Product {
        let sku: String
        let category: String
        let cents: Int64
    }

    static let catalog: [Product] = (0..<200).map { index in
        let categories = ["coffee", "tea", "kitchen", "accessories", "gifts"]
        return Product(sku: "SKU-\(index)", category: categories[index % categories.count], cents: Int64(300 + (index * 137) % 6_000))
    }

    /// The monthly box one regular in five subscribes to: 24.00 less 10%.
    static let box: (bundle: SubscriptionBundle, interval: SubscriptionInterval) = {
        do {
            let item = SubscriptionItem(sku: "SKU-1", quantity: 1, unitPrice: Money(minorUnits: 2_400, currency: .usd))
            return (try SubscriptionBundle(items: [item], discountPercent: 10), try SubscriptionInterval(count: 1, unit: .month))
        } catch {
            preconditionFailure("the synthetic store's subscription box is invalid: \(error)")
        }
    }()

    /// Every event, sorted by time (ties in generation order).
    public func events() -> [Event] {
        var rng = SplitMix(seed: seed)
        // Surveys, delays and subscriptions draw from their own generator, so the orders,
        // reviews and redemptions stay what they were before those were added.
        var extra = SplitMix(seed: seed ^ 0x5EED_F00D)
        // Referrals and the holiday peak draw from a third, for the same reason.
        var social = SplitMix(seed: seed ^ 0x50C1_A1)
        var createdAt: [Int64] = []
        createdAt.reserveCapacity(customers)
        let start = Day(year: 2025, month: 1, day: 1)!
        var events: [(Int64, Int, Event)] = []
        var sequence = 0
        func add(_ at: Timestamp, _ payload: EventPayload) {
            events.append((at.milliseconds, sequence, Event(id: "e\(sequence)", at: at, payload: payload)))
            sequence += 1
        }
        func money(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

        for index in 0..<customers {
            let id = "c\(index)"
            var time = Timestamp(day: start + rng.int(0..<300)).milliseconds + rng.int64(0..<86_400_000)
            // Three customers in five give a birthday (spread over 1950-2000, no draw from rng).
            let birthday = index % 5 < 3 ? Day(number: Int32(-7_305 + (index * 7_919) % 18_262)) : nil
            // One customer in ten was referred by someone who was a customer before them.
            var referrer: String?
            if index > 0, social.int(0..<10) == 0 {
                let candidate = social.int(0..<index)
                if createdAt[candidate] < time { referrer = "c\(candidate)" }
            }
            createdAt.append(time)
            add(Timestamp(milliseconds: time), .customerCreated(CustomerProfile(
                id: id, email: "\(id)@example.com", birthday: birthday, referredBy: referrer)))
            // 45% buy once, the rest come back every few weeks.
            let orders = rng.int(0..<100) < 45 ? 1 : 2 + rng.int(0..<12)
            let rhythm = Int64(7 + rng.int(0..<60)) * 86_400_000
            for order in 0..<orders {
                time += rng.int64(0..<(rhythm * 2)) + 3_600_000
                let orderID = "\(id)-o\(order)"
                var lines: [OrderLine] = []
                for _ in 0..<(1 + rng.int(0..<3)) {
                    let product = Self.catalog[rng.int(0..<Self.catalog.count)]
                    lines.append(OrderLine(sku: product.sku, category: product.category, quantity: Int64(1 + rng.int(0..<3)),
                                           unitPrice: money(product.cents)))
                }
                let subtotal = lines.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
                let discount = rng.int(0..<4) == 0 ? subtotal / 10 : 0
                add(Timestamp(milliseconds: time), .orderPlaced(Order(
                    id: orderID, customerID: id, currency: .usd, channel: "web", lines: lines, shipping: money(495),
                    discount: money(discount), total: money(subtotal - discount + 495))))
                if order == 0, let referrer {
                    // The referee's first order is paid within the hour and completes the referral.
                    add(Timestamp(milliseconds: time + 1_800_000), .orderPaid(OrderReference(orderID: orderID, customerID: id)))
                    add(Timestamp(milliseconds: time + 3_600_000), .referralCompleted(Referral(
                        referrerID: referrer, refereeID: id, orderID: orderID)))
                }
                let roll = rng.int(0..<100)
                let later = Timestamp(milliseconds: time + rng.int64(86_400_000..<(20 * 86_400_000)))
                if roll < 3 {
                    add(later, .orderCancelled(OrderReference(orderID: orderID, customerID: id)))
                } else if roll < 8 {
                    add(later, .orderRefunded(OrderRefund(orderID: orderID, customerID: id, amount: money((subtotal - discount) / 2))))
                } else if roll < 11 {
                    add(later, .orderReturned(OrderReturn(orderID: orderID, customerID: id,
                                                          lines: [LineQuantity(sku: lines[0].sku, quantity: 1)])))
                } else if roll < 20 {
                    add(later, .reviewPosted(Review(id: "\(orderID)-r", customerID: id, sku: lines[0].sku,
                                                    rating: 1 + rng.int(0..<5), hasMedia: rng.int(0..<4) == 0)))
                }
                if order > 2, rng.int(0..<5) == 0 {
                    add(Timestamp(milliseconds: time + 60_000), .pointsRedeemed(Redemption(
                        id: "\(orderID)-x", customerID: id, points: Points(Int64(50 + rng.int(0..<100))), reward: "coupon")))
                }
                // One order in five gets a survey answer a week later, one in thirty a late delivery.
                let feedback = extra.int(0..<30)
                if feedback < 6 {
                    add(Timestamp(milliseconds: time + 7 * 86_400_000), .feedbackReceived(FeedbackAnswerEvent(
                        customerID: id, score: feedback < 4 ? .nps(extra.int(0..<11)) : .csat(1 + extra.int(0..<5)), touchpoint: "delivery",
                        orderID: orderID)))
                } else if feedback == 6 {
                    add(Timestamp(milliseconds: time + 4 * 86_400_000), .deliveryDelayed(DeliveryDelay(
                        orderID: orderID, customerID: id, days: 1 + extra.int(0..<6))))
                } else if feedback == 7 {
                    add(Timestamp(milliseconds: time + 10 * 86_400_000), .supportTicketClosed(SupportTicketClosure(
                        ticketID: "\(orderID)-t", customerID: id, resolved: extra.int(0..<10) < 8, contacts: 1 + extra.int(0..<3),
                        firstResponseMinutes: 5 + extra.int(0..<600))))
                }
            }
            // One regular in five subscribes to a monthly box after the first order.
            if orders > 1, extra.int(0..<5) == 0 {
                let subscription = "\(id)-box"
                var at = time + 86_400_000
                add(Timestamp(milliseconds: at), .subscriptionStarted(SubscriptionStart(
                    id: subscription, customerID: id, plan: "box", interval: Self.box.interval, bundle: Self.box.bundle)))
                let end = Timestamp(day: Day(year: 2025, month: 12, day: 31)!).milliseconds
                var cycle = 0
                var ended = false
                while true {
                    at += 30 * 86_400_000
                    guard at < end else { break }
                    cycle += 1
                    func send(_ change: SubscriptionChange, _ when: Int64) {
                        add(Timestamp(milliseconds: when), .subscriptionChanged(SubscriptionUpdate(
                            subscriptionID: subscription, customerID: id, change: change)))
                    }
                    switch extra.int(0..<20) {
                    case 0: send(.skipped, at)
                    case 1:
                        send(.cancelled(reason: "enough", voluntary: true), at)
                        ended = true
                    case 2:
                        // A pause of about six weeks, which ends by itself; no renewal falls in it.
                        let until = Timestamp(milliseconds: at + 42 * 86_400_000).day
                        send(.paused(until: until), at)
                        at += 42 * 86_400_000
                    case 3:
                        // A failed payment, then a retry two days later that goes through.
                        send(.paymentFailed, at)
                        send(.renewed(orderID: "\(subscription)-\(cycle)"), at + 2 * 86_400_000)
                    default: send(.renewed(orderID: "\(subscription)-\(cycle)"), at)
                    }
                    if ended { break }
                }
            }
        }
        // The holiday peak: one customer in four who joined before it buys a gift.
        let peak = Timestamp(day: Day(year: 2025, month: 11, day: 15)!).milliseconds
        let gifts = Self.catalog.filter { $0.category == "gifts" }
        for index in 0..<customers where createdAt[index] < peak && social.int(0..<4) == 0 {
            let id = "c\(index)"
            let time = peak + social.int64(0..<(35 * 86_400_000))
            let product = gifts[social.int(0..<gifts.count)]
            let quantity = Int64(1 + social.int(0..<2))
            let orderID = "\(id)-gift"
            add(Timestamp(milliseconds: time), .orderPlaced(Order(
                id: orderID, customerID: id, currency: .usd, channel: "web",
                lines: [OrderLine(sku: product.sku, category: product.category, quantity: quantity, unitPrice: money(product.cents))],
                shipping: money(495), discount: money(0), total: money(product.cents * quantity + 495))))
            if social.int(0..<8) == 0 {
                add(Timestamp(milliseconds: time + 5 * 86_400_000), .orderReturned(OrderReturn(orderID: orderID, customerID: id, lines: nil)))
            }
        }
        for month in 1...12 {
            add(Timestamp(day: Day(year: 2025, month: month, day: 28)!), .clock)
        }
        events.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        return events.map(\.2)
    }
}

/// A small, fast, seedable generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func int64(_ range: Range<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound))
    }
}

