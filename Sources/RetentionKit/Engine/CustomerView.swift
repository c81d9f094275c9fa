/// What rules see of a customer: a read-only snapshot taken before the event is applied.
public struct CustomerView: Hashable, Sendable {
    public var id: String
    public var email: String?
    public var createdOn: Day
    public var birthday: Day?
    public var tags: [String]
    public var attributes: [String: AttributeValue]
    /// Orders placed before this event (cancelled ones included).
    public var orderCount: Int
    /// What the customer has paid, net of refunds, in minor units of each currency.
    public var totalSpent: [Currency: Int64]
    public var firstOrderDay: Day?
    public var lastOrderDay: Day?
    /// Days from the last order to the event's day, when there was one.
    public var daysSinceLastOrder: Int?
    /// Average days between consecutive orders, when there were two or more.
    public var averageDaysBetweenOrders: Double?
    public var pointsAvailable: Points
    public var pointsPending: Points
    /// All points ever earned.
    public var lifetimePoints: Points
    public var reviewCount: Int
}
