/// Something that happened in the store, as the engine consumes it.
///
/// Every event has a unique `id` (the idempotency key: an event applied twice changes nothing
/// the second time), a time `at`, and a payload by type. Files and webhooks carry events as JSON,
/// one object per line (JSON Lines); see `Documentation/Events.md` and ``EventLines``.
///
/// ```swift
/// for line in EventLines(data) {
///     switch line.result {
///     case .success(let event): print(event.id, event.type, event.customerID ?? "-")
///     case .failure(let error): print(error)   // "line 7 (event evt-7): order.lines[2].unit_price: ..."
///     }
/// }
/// ```
public struct Event: Hashable, Sendable, Codable {
    /// Unique across all events; the idempotency key.
    public var id: String
    /// When it happened; the engine's clock is the latest `at` it has seen.
    public var at: Timestamp
    /// What happened.
    public var payload: EventPayload

    public init(id: String, at: Timestamp, payload: EventPayload) {
        self.id = id
        self.at = at
        self.payload = payload
    }

    /// The type as written in JSON ("order_placed").
    public var type: String { payload.type }

    /// The customer the event is about, when there is one (the referrer for a referral, the
    /// survivor for a merge). Events for one customer are applied in order.
    public var customerID: String? { payload.customerID }
}

/// What an event says happened.
public enum EventPayload: Hashable, Sendable, Codable {
    case customerCreated(CustomerProfile)
    /// The fields present replace the customer's; absent ones stay as they are.
    case customerUpdated(CustomerProfile)
    /// Two profiles of one person: the survivor keeps both histories and balances.
    case customersMerged(survivorID: String, mergedID: String)
    case orderPlaced(Order)
    case orderPaid(OrderReference)
    case orderFulfilled(OrderReference)
    case orderCancelled(OrderReference)
    case orderRefunded(OrderRefund)
    case orderReturned(OrderReturn)
    case reviewPosted(Review)
    case reviewRemoved(reviewID: String, customerID: String)
    case referralCompleted(Referral)
    case pointsRedeemed(Redemption)
    /// A manual correction by the merchant (positive or negative points).
    case pointsAdjusted(customerID: String, points: Points, reason: String)
    /// Anything else a merchant's rules reward: a social follow, a newsletter sign-up.
    case custom(CustomEvent)
    /// A customer started a subscription.
    case subscriptionStarted(SubscriptionStart)
    /// A subscription renewed, paused, resumed, skipped, swapped items, changed interval, failed
    /// a payment or was cancelled.
    case subscriptionChanged(SubscriptionUpdate)
    /// A customer answered an NPS or CSAT survey.
    case feedbackReceived(FeedbackAnswerEvent)
    /// A support ticket was closed, resolved or not.
    case supportTicketClosed(SupportTicketClosure)
    /// An order's delivery was late.
    case deliveryDelayed(DeliveryDelay)
    /// Time passes: pending points mature, points expire, birthdays and tier reviews happen.
    case clock
    /// Made by the engine, never read from input: a customer's birthday came (rules are asked
    /// about it once per customer per year).
    case birthday(customerID: String, year: Int)
    /// Made by the engine, never read from input: a customer's tier changed.
    case tierChanged(TierChange)

    /// Every type name an input may carry, as written in JSON.
    public static let types = [
        "customer_created", "customer_updated", "customers_merged", "order_placed", "order_paid", "order_fulfilled",
        "order_cancelled", "order_refunded", "order_returned", "review_posted", "review_removed",
        "referral_completed", "points_redeemed", "points_adjusted", "custom", "subscription_started",
        "subscription_renewed", "subscription_paused", "subscription_resumed", "subscription_skipped",
        "subscription_swapped", "subscription_interval_changed", "subscription_payment_failed",
        "subscription_cancelled", "feedback_received", "support_ticket_closed", "delivery_delayed", "clock",
    ]

    /// The types only the engine makes, for the rules to react to.
    public static let engineTypes = ["birthday", "tier_changed"]

    /// The type as written in JSON.
    public var type: String {
        switch self {
        case .customerCreated: "customer_created"
        case .customerUpdated: "customer_updated"
        case .customersMerged: "customers_merged"
        case .orderPlaced: "order_placed"
        case .orderPaid: "order_paid"
        case .orderFulfilled: "order_fulfilled"
        case .orderCancelled: "order_cancelled"
        case .orderRefunded: "order_refunded"
        case .orderReturned: "order_returned"
        case .reviewPosted: "review_posted"
        case .reviewRemoved: "review_removed"
        case .referralCompleted: "referral_completed"
        case .pointsRedeemed: "points_redeemed"
        case .pointsAdjusted: "points_adjusted"
        case .custom: "custom"
        case .subscriptionStarted: "subscription_started"
        case .subscriptionChanged(let update): update.change.type
        case .feedbackReceived: "feedback_received"
        case .supportTicketClosed: "support_ticket_closed"
        case .deliveryDelayed: "delivery_delayed"
        case .clock: "clock"
        case .birthday: "birthday"
        case .tierChanged: "tier_changed"
        }
    }

    /// The customer the event is about, when there is one.
    public var customerID: String? {
        switch self {
        case .customerCreated(let c), .customerUpdated(let c): c.id
        case .customersMerged(let survivor, _): survivor
        case .orderPlaced(let o): o.customerID
        case .orderPaid(let r), .orderFulfilled(let r), .orderCancelled(let r): r.customerID
        case .orderRefunded(let r): r.customerID
        case .orderReturned(let r): r.customerID
        case .reviewPosted(let r): r.customerID
        case .reviewRemoved(_, let customer): customer
        case .referralCompleted(let r): r.referrerID
        case .pointsRedeemed(let r): r.customerID
        case .pointsAdjusted(let customer, _, _): customer
        case .custom(let c): c.customerID
        case .subscriptionStarted(let s): s.customerID
        case .subscriptionChanged(let u): u.customerID
        case .feedbackReceived(let f): f.customerID
        case .supportTicketClosed(let t): t.customerID
        case .deliveryDelayed(let d): d.customerID
        case .clock: nil
        case .birthday(let customer, _): customer
        case .tierChanged(let change): change.customerID
        }
    }

    /// Every customer the event names, whose state deciding it may read: ``customerID``, and
    /// for a merge the merged profile, for a referral the referee, for a new profile its referrer.
    var namedCustomerIDs: [String] {
        switch self {
        case .customersMerged(let survivor, let merged): [survivor, merged]
        case .referralCompleted(let r): [r.referrerID, r.refereeID]
        case .customerCreated(let c): [c.id] + (c.referredBy.map { [$0] } ?? [])
        default: customerID.map { [$0] } ?? []
        }
    }
}
