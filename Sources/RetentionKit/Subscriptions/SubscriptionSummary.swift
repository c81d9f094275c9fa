/// What rules see of a customer's subscriptions: each one, and figures over the live ones
/// (active or past due on the day, or paused with a pause that has run out).
public struct SubscriptionSummary: Hashable, Sendable {
    /// Every subscription the customer has had, cancelled ones included, by start day then id.
    public var all: [Subscription]
    /// Subscriptions live on the day.
    public var activeCount: Int
    /// Days since the earliest live subscription started; nil without one.
    public var tenureDays: Int?
    /// The longest streak of renewals without a skip, pause or failed cycle among live subscriptions.
    public var consecutiveRenewals: Int
    /// Skips among the last ``SubscriptionPolicy/skipWindowCycles`` cycles, over live subscriptions.
    public var recentSkips: Int
    /// The most engaged status among all: "active", then "past_due", "paused", "cancelled"; nil
    /// without subscriptions.
    public var status: String?

    public init(_ subscriptions: some Collection<Subscription>, on day: Day, skipWindow: Int) {
        guard !subscriptions.isEmpty else {
            (all, activeCount, tenureDays, consecutiveRenewals, recentSkips, status) = ([], 0, nil, 0, 0, nil)
            return
        }
        all = subscriptions.sorted { ($0.startedOn, $0.id) < ($1.startedOn, $1.id) }
        let live = all.filter { $0.isLive(on: day) }
        activeCount = live.count
        tenureDays = live.map { $0.tenureDays(on: day) }.max()
        consecutiveRenewals = live.map(\.consecutiveRenewals).max() ?? 0
        recentSkips = live.reduce(0) { $0 + $1.skips(inLast: skipWindow) }
        let order = ["active", "past_due", "paused", "cancelled"]
        status = all.map { $0.isLive(on: day) && $0.status.name == "paused" ? "active" : $0.status.name }
            .min { (order.firstIndex(of: $0) ?? 9) < (order.firstIndex(of: $1) ?? 9) }
    }

    /// The subscription with this id, if the customer has it.
    public func subscription(_ id: String) -> Subscription? { all.first { $0.id == id } }
}
