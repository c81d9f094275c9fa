/// What one commit stores, all or nothing: the events with their outcomes, the decisions as
/// rows for queries, and the customer records and shared state as they are after the batch.
public struct CommitBatch: Sendable {
    /// An event and what became of it.
    public struct LoggedEvent: Sendable {
        /// The event.
        public var event: Event
        /// The event in ``StateCoder`` form, for the log.
        public var payload: [UInt8]
        /// Why it was rejected, or nil when it was applied.
        public var rejection: EngineError?
        /// Its decisions, when it was applied.
        public var decisions: Decisions

        public init(event: Event, payload: [UInt8], rejection: EngineError?, decisions: Decisions) {
            self.event = event
            self.payload = payload
            self.rejection = rejection
            self.decisions = decisions
        }
    }

    /// The events, in the order they were applied.
    public var events: [LoggedEvent]
    /// Customer records changed by the batch. Each carries the version it was read at (0 for
    /// a customer the batch created); a store refuses the batch when that is not the current
    /// version.
    public var customers: [CustomerRecord]
    /// Customers the batch's events read without changing them, each with the version it was
    /// read at (0 for a customer that did not exist then). A rejected event changes no customer,
    /// so without these a store would keep a rejection decided on a state another writer has
    /// changed since ("no such order" for an order it had just stored). A store refuses the
    /// batch when one of them is no longer at that version, as it does for ``customers``.
    public var reads: [CustomerRead]
    /// The shared state, when the batch changed it (with the version it was read at).
    public var shared: SharedState?
    /// The engine's clock after the batch; a store keeps the latest it was given, so writers
    /// never conflict over it.
    public var clock: Timestamp?

    public init(events: [LoggedEvent], customers: [CustomerRecord], reads: [CustomerRead] = [], shared: SharedState?, clock: Timestamp?) {
        self.events = events
        self.customers = customers
        self.reads = reads
        self.shared = shared
        self.clock = clock
    }
}

/// A customer a batch read, and the version of its record it read (0: there was none).
public struct CustomerRead: Hashable, Sendable {
    /// The customer's id.
    public var id: String
    /// The version of the customer's record when it was read; 0 when it was not stored.
    public var version: Int64

    public init(id: String, version: Int64) {
        self.id = id
        self.version = version
    }
}
