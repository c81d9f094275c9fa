/// A `subscription_started` event's subscription.
public struct SubscriptionStart: Hashable, Sendable, Codable {
    /// The subscription's id, new for the customer.
    public var id: String
    /// The customer's id.
    public var customerID: String
    /// The merchant's plan name.
    public var plan: String
    /// How often it renews.
    public var interval: SubscriptionInterval
    /// What each cycle delivers.
    public var bundle: SubscriptionBundle

    public init(id: String, customerID: String, plan: String, interval: SubscriptionInterval, bundle: SubscriptionBundle) {
        self.id = id
        self.customerID = customerID
        self.plan = plan
        self.interval = interval
        self.bundle = bundle
    }
}

/// Any later subscription event: which subscription, and what changed.
public struct SubscriptionUpdate: Hashable, Sendable, Codable {
    /// The subscription's id.
    public var subscriptionID: String
    /// Its customer's id.
    public var customerID: String
    /// What happened.
    public var change: SubscriptionChange

    public init(subscriptionID: String, customerID: String, change: SubscriptionChange) {
        self.subscriptionID = subscriptionID
        self.customerID = customerID
        self.change = change
    }
}

/// What a subscription event says happened.
public enum SubscriptionChange: Hashable, Sendable, Codable {
    /// A cycle was paid; its order is `orderID`.
    case renewed(orderID: String)
    /// Paused until a day (inclusive), or until resumed.
    case paused(until: Day?)
    case resumed
    /// The next cycle is skipped.
    case skipped
    /// The items (and possibly the plan) changed.
    case swapped(bundle: SubscriptionBundle, plan: String?)
    case intervalChanged(SubscriptionInterval)
    /// A payment failed; enough in a row cancel the subscription (``SubscriptionPolicy``).
    case paymentFailed
    /// Ended by the customer (voluntary) or the store (involuntary), for `reason`.
    case cancelled(reason: String, voluntary: Bool)

    /// The event type, as written in JSON.
    public var type: String {
        switch self {
        case .renewed: "subscription_renewed"
        case .paused: "subscription_paused"
        case .resumed: "subscription_resumed"
        case .skipped: "subscription_skipped"
        case .swapped: "subscription_swapped"
        case .intervalChanged: "subscription_interval_changed"
        case .paymentFailed: "subscription_payment_failed"
        case .cancelled: "subscription_cancelled"
        }
    }
}

/// How the engine runs subscriptions.
public struct SubscriptionPolicy: Hashable, Sendable {
    /// Failed payments in a row that cancel a subscription as involuntary churn.
    public var cancelAfterFailedPayments: Int
    /// The cycles ``CustomerView/subscriptionSkips`` counts skips over.
    public var skipWindowCycles: Int

    public init(cancelAfterFailedPayments: Int = 3, skipWindowCycles: Int = 6) {
        self.cancelAfterFailedPayments = cancelAfterFailedPayments
        self.skipWindowCycles = skipWindowCycles
    }
}
