/// A customer as a store holds them, decoded for reading: the profile, orders, ledger, tier and
/// segments. Reports and exports read these; the engine never needs them.
///
/// ```swift
/// let customers = try store.load().customers.map { try StoredCustomer(decoding: $0) }
/// let orders = customers.filter { $0.mergedInto == nil }.flatMap(\.orders)
/// ```
public struct StoredCustomer: Sendable {
    /// The profile, as the latest `customer_created` or `customer_updated` left it.
    public var profile: CustomerProfile
    /// The day the customer was created.
    public var createdOn: Day
    /// The orders, by day then id. A merged profile keeps its own orders here; the survivor
    /// holds them too.
    public var orders: [StoredOrder]
    /// The points ledger. A merged profile's ends with the transfer that closed it.
    public var ledger: [LedgerEntry]
    /// The subscriptions, by start day then id.
    public var subscriptions: [Subscription]
    /// Survey answers, review ratings, support tickets and delivery delays.
    public var satisfaction: SatisfactionSignals
    /// The campaign actions sent and held out, oldest first.
    public var campaigns: [CampaignRecord]
    /// The tier held, if any.
    public var tier: String?
    /// The segments, sorted.
    public var segments: [String]
    /// The survivor's id, when this profile was merged into another.
    public var mergedInto: String?

    /// Decodes a stored record.
    ///
    /// - Throws: ``StoreError/Code-swift.struct/corrupt`` when the record's state cannot be read.
    public init(decoding record: CustomerRecord) throws(StoreError) {
        let state: CustomerState
        do {
            state = try StateCoder.decode(CustomerState.self, from: record.state)
        } catch {
            throw StoreError(
                .corrupt, message: "customer \(record.id)'s stored state cannot be read: \(error)",
                hint: "restore the database from a backup")
        }
        profile = state.profile
        createdOn = state.createdOn
        orders = state.orders.records
            .map { StoredOrder(order: $0.order, day: $0.day, refunded: $0.refunded, isClosed: $0.closed, paidOn: $0.paidOn) }
            .sorted { ($0.day, $0.order.id) < ($1.day, $1.order.id) }
        ledger = state.account.entries
        satisfaction = state.satisfaction
        campaigns = state.campaigns
        subscriptions = state.subscriptions.values.sorted { ($0.startedOn, $0.id) < ($1.startedOn, $1.id) }
        tier = state.tier
        segments = state.segments
        mergedInto = state.mergedInto
    }
}

/// An order as a customer's stored state keeps it.
public struct StoredOrder: Hashable, Sendable {
    /// The order as placed.
    public var order: Order
    /// The day it was placed.
    public var day: Day
    /// Refunded so far, in minor units of the order's currency (the whole total once closed).
    /// The state keeps the sum, not the refunds' days.
    public var refunded: Int64
    /// Whether it was cancelled or refunded in full.
    public var isClosed: Bool
    /// The day it was paid, once an `order_paid` event said so.
    public var paidOn: Day?
}
