/// One customer as a store keeps it: the engine's whole state for them in
/// ``StateCoder`` form, with the figures a store indexes so hosts can query balances without
/// decoding it.
public struct CustomerRecord: Hashable, Sendable {
    /// The customer's id.
    public var id: String
    /// The engine's state for the customer, encoded; opaque to stores.
    public var state: [UInt8]
    /// The day the points figures are for: the customer's latest ledger activity (or the day
    /// they joined), so the figures do not depend on how events were batched.
    public var asOf: Day
    /// Points available on ``asOf``.
    public var available: Int64
    /// Points earned but not available yet.
    public var pending: Int64
    /// Points earned over the customer's life.
    public var lifetimeEarned: Int64
    /// The tier held, if any.
    public var tier: String?
    /// The segments the customer belongs to, sorted.
    public var segments: [String]
    /// The survivor's id, when this profile was merged into another.
    public var mergedInto: String?
    /// The store's version of the record: the commit that last wrote it. A store refuses to
    /// overwrite a record whose version moved on since it was read (``StoreError/Code-swift.struct/conflict``).
    public var version: Int64

    public init(
        id: String, state: [UInt8], asOf: Day, available: Int64, pending: Int64, lifetimeEarned: Int64, tier: String?,
        segments: [String], mergedInto: String?, version: Int64
    ) {
        self.id = id
        self.state = state
        self.asOf = asOf
        self.available = available
        self.pending = pending
        self.lifetimeEarned = lifetimeEarned
        self.tier = tier
        self.segments = segments
        self.mergedInto = mergedInto
        self.version = version
    }
}

/// What the engine keeps beyond single customers and its clock: what budgeted campaigns have
/// spent, and which profiles were merged into which.
public struct SharedState: Hashable, Sendable {
    /// The engine's state, encoded; opaque to stores.
    public var state: [UInt8]
    /// The store's version of it (as for ``CustomerRecord/version``).
    public var version: Int64

    public init(state: [UInt8], version: Int64) {
        self.state = state
        self.version = version
    }
}

/// Everything a store holds that an engine needs to go on: all customers (or those changed
/// since a version) and the shared state.
public struct StoredState: Sendable {
    /// Customer records.
    public var customers: [CustomerRecord]
    /// The shared state, when there is one (or it changed).
    public var shared: SharedState?
    /// The latest event time any commit stored (the engine's clock).
    public var clock: Timestamp?
    /// The store's latest commit.
    public var version: Int64

    public init(customers: [CustomerRecord], shared: SharedState?, clock: Timestamp?, version: Int64) {
        self.customers = customers
        self.shared = shared
        self.clock = clock
        self.version = version
    }
}
