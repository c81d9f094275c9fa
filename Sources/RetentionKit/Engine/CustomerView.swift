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
    /// The window tiers qualify over (``Program/qualification``).
    public var qualification: QualificationWindow
    /// What the customer has paid, net of refunds, on orders placed in the qualification window.
    /// Built on each read; ``qualifyingSpend(in:)`` reads one currency without building it.
    public var qualifyingSpend: [Currency: Int64] {
        get { spendInWindow.dictionary }
        set { spendInWindow = CurrencyAmounts(newValue) }
    }
    /// ``qualifyingSpend`` in one currency: 0 when the customer paid none in it.
    public func qualifyingSpend(in currency: Currency) -> Int64 { spendInWindow[currency] }
    /// Calls `body` with each currency of ``qualifyingSpend`` and its amount, in no particular
    /// order, without building the dictionary.
    public func forEachQualifyingSpend(_ body: (_ currency: Currency, _ amount: Int64) -> Void) { spendInWindow.forEach(body) }
    /// ``qualifyingSpend`` as kept: nearly every customer pays in one currency, and a view is
    /// built for every rule asked, so no dictionary is made for it.
    var spendInWindow: CurrencyAmounts
    /// Orders placed in the qualification window, cancelled ones excluded.
    public var qualifyingOrderCount: Int
    /// Points earned in the qualification window.
    public var qualifyingPoints: Points
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
    /// The tier held; nil for none.
    public var tier: String?
    /// The day the tier was reached.
    public var tierSince: Day?
    /// How far the customer is from the next tier and from losing this one, as of the last
    /// time the tier was assessed (nil when the program has no tiers or the policy does not say).
    public var tierProgress: TierProgress?
    /// The day the customer moves down unless they qualify again before it, when a downgrade
    /// is waiting for a grace period or the end of the tier period.
    public var tierDowngradeOn: Day?
    /// The segments the customer belongs to, sorted, as of the last time they were evaluated
    /// (after the customer's latest event or `clock` event).
    public var segments: [String]
    /// Referrals this customer made that were accepted.
    public var referralCount: Int
    /// Reviews posted.
    public var reviewCount: Int
    /// Products whose review by this customer has earned points (and was not removed).
    public var rewardedReviewSKUs: Set<String>
    /// The customer's subscriptions, and figures over those that are live.
    public var subscriptions: SubscriptionSummary
    /// The satisfaction score by cycle and the flags (declining, detractor, delayed delivery).
    public var satisfaction: SatisfactionSummary
}
