import RetentionKit

/// What the metrics know about a customer besides the orders: the e-mail that reveals duplicate
/// profiles, the segments a metric can be cut by, and loyalty membership.
///
/// Profiles are optional: a customer who appears only in orders is a customer all the same.
///
/// ```swift
/// let profile = CustomerDetails(id: "c-42", email: "Ada@Example.com", createdOn: try Day(iso: "2025-01-02"),
///                               segments: ["vip"], isLoyaltyMember: true)
/// ```
public struct CustomerDetails: Hashable, Sendable {
    /// The customer's id, as orders name it.
    public var id: String
    /// The e-mail address; profiles with the same normalised address are one person.
    public var email: String?
    /// When the profile was created; of duplicate profiles, the earliest survives.
    public var createdOn: Day?
    /// Segments the customer belongs to (built-in or Lua-defined), for cutting metrics.
    public var segments: Set<String>
    /// True when the customer has joined the loyalty programme.
    public var isLoyaltyMember: Bool

    public init(id: String, email: String? = nil, createdOn: Day? = nil, segments: Set<String> = [], isLoyaltyMember: Bool = false) {
        self.id = id
        self.email = email
        self.createdOn = createdOn
        self.segments = segments
        self.isLoyaltyMember = isLoyaltyMember
    }
}

/// A span during which a customer held an active subscription, for counting customers by
/// subscription instead of by recent orders.
public struct SubscriptionSpan: Hashable, Sendable {
    /// The subscriber.
    public var customerID: String
    /// The first day the subscription was active.
    public var start: Day
    /// The first day it was no longer active (cancelled or lapsed); nil while it runs.
    public var end: Day?

    public init(customerID: String, start: Day, end: Day? = nil) {
        self.customerID = customerID
        self.start = start
        self.end = end
    }
}
