/// Where an engine's state and decisions are kept: the event log with its idempotency keys,
/// ledger entries, tier and segment changes, the campaign outbox, and each customer's state.
///
/// The engine and a store commit each batch of events atomically: the events, every decision
/// they made and the customers' new state are stored together or not at all. Records carry
/// versions, so several engines (threads or processes) can share one store: a commit whose
/// customers changed since they were read is refused as a ``StoreError/Code-swift.struct/conflict``,
/// and a commit naming an event id already stored is refused the same way.
///
/// ``StoredEngine`` drives a store; hosts read from it (``balances(customerID:)``, ``outbox(after:limit:)``).
/// Implementations: ``MemoryStore`` here, `SQLiteStore` in RetentionSQLite.
public protocol RetentionStore: AnyObject, Sendable {
    /// All customer records and the shared state, to start an engine from.
    func load() throws(StoreError) -> StoredState
    /// The records and shared state written by commits after `version`.
    func changes(since version: Int64) throws(StoreError) -> StoredState
    /// The records of these customers, as stored now (missing ids are left out).
    func customers(_ ids: [String]) throws(StoreError) -> [CustomerRecord]
    /// Which of these event ids are in the log already.
    func storedEventIDs(among ids: [String]) throws(StoreError) -> Set<String>
    /// Stores a batch atomically and returns its version (greater than every earlier one).
    func commit(_ batch: CommitBatch) throws(StoreError) -> Int64

    /// Customers' points, tier and segments, ordered by id (one customer's when `customerID` is
    /// given). Merged profiles are left out.
    func balances(customerID: String?) throws(StoreError) -> [CustomerBalance]
    /// Campaign actions waiting for the host, oldest first, after the message `after` (an id
    /// from an earlier call; 0 to start).
    func outbox(after: Int64, limit: Int) throws(StoreError) -> [OutboxMessage]
    /// Marks outbox messages delivered, so ``outbox(after:limit:)`` no longer returns them.
    func markDelivered(_ ids: [Int64]) throws(StoreError)
    /// How many events the log holds, and how many of them were rejected.
    func eventCounts() throws(StoreError) -> (stored: Int, rejected: Int)
}

/// A customer's points, tier and segments, as stored.
public struct CustomerBalance: Hashable, Sendable, Codable {
    /// The customer's id.
    public var customerID: String
    /// The day the points are for: the customer's latest ledger activity.
    public var asOf: Day
    /// Points available on ``asOf``.
    public var available: Int64
    /// Points earned but not available yet on ``asOf``.
    public var pending: Int64
    /// Points earned over the customer's life.
    public var lifetimeEarned: Int64
    /// The tier held, if any.
    public var tier: String?
    /// The segments the customer belongs to, sorted.
    public var segments: [String]

    public init(customerID: String, asOf: Day, available: Int64, pending: Int64, lifetimeEarned: Int64, tier: String?, segments: [String]) {
        self.customerID = customerID
        self.asOf = asOf
        self.available = available
        self.pending = pending
        self.lifetimeEarned = lifetimeEarned
        self.tier = tier
        self.segments = segments
    }

    init(_ record: CustomerRecord) {
        self.init(
            customerID: record.id, asOf: record.asOf, available: record.available, pending: record.pending, lifetimeEarned: record.lifetimeEarned,
            tier: record.tier, segments: record.segments)
    }
}

/// A campaign action in the outbox: what the host should start, for whom, and why.
public struct OutboxMessage: Hashable, Sendable {
    /// The message's id in the outbox, increasing in the order actions were decided.
    public var id: Int64
    /// The event that caused it.
    public var eventID: String
    /// The action.
    public var action: CampaignAction

    public init(id: Int64, eventID: String, action: CampaignAction) {
        self.id = id
        self.eventID = eventID
        self.action = action
    }
}
