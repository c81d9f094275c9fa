/// What rules see of a customer: a read-only snapshot taken before the event is applied.
public struct CustomerView: Hashable, Sendable {
    /// The identifier.
    public var id: String
    /// The e-mail address, when known.
    public var email: String?
    /// The day the customer was created.
    public var createdOn: Day
    /// The birthday, when known.
    public var birthday: Day?
    /// The merchant's tags.
    public var tags: [String]
    /// The merchant's own fields.
    public var attributes: [String: AttributeValue]
    /// Orders placed before this event (cancelled ones included).
    public var orderCount: Int
    /// What the customer has paid, net of refunds, in minor units of each currency.
    public var totalSpent: [Currency: Int64]
    /// The day of the first order, if any.
    public var firstOrderDay: Day?
    /// The day of the latest order, if any.
    public var lastOrderDay: Day?
    /// Days from the last order to the event's day, when there was one.
    public var daysSinceLastOrder: Int?
    /// Average days between consecutive orders, when there were two or more.
    public var averageDaysBetweenOrders: Double?
    /// Points that can be redeemed now.
    public var pointsAvailable: Points
    /// Points still in their return window.
    public var pointsPending: Points
    /// All points ever earned.
    public var lifetimePoints: Points
    /// Reviews posted.
    public var reviewCount: Int
    /// Products whose review by this customer has earned points (and was not removed).
    public var rewardedReviewSKUs: Set<String>
}
