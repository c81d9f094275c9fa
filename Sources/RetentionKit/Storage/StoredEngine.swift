import Synchronization

/// An ``Engine`` whose every batch of events is committed to a ``RetentionStore`` before
/// ``apply(_:)-(Array<Event>)`` returns: the events with their outcomes, every decision, and the
/// customers' new state, atomically. It starts from what the store holds, so a host that was
/// stopped (or killed) goes on where its last commit left off; events already stored are
/// ``EventOutcome/duplicate``.
///
/// Several `StoredEngine`s (threads, or processes) may share one store. Before each batch an
/// engine takes in what others committed since it last looked; if another commits to a
/// customer the batch changed or read in between (a rejected event reads its customers without
/// changing them), the store refuses the batch, the engine forgets it, reads the customers again
/// and applies the batch again (up to `attempts` times). So no interleaving can award twice,
/// lose an award, spend points twice, or keep a rejection decided on a state that has changed.
///
/// ```swift
/// let store = try SQLiteStore(path: "retention.sqlite")
/// let engine = try StoredEngine(store: store, program: program, rules: rules)
/// for first in stride(from: 0, to: events.count, by: 500) {
///     let batch = Array(events[first..<min(first + 500, events.count)])
///     for outcome in try engine.apply(batch) { print(outcome) }   // stored once this returns
/// }
/// ```
public final class StoredEngine: Sendable {
    /// The store.
    public let store: any RetentionStore
    /// How many times a batch is tried when other writers commit to the same customers.
    public let attempts: Int

    private struct State: Sendable {
        var engine: Engine
        /// The version each customer's record had when this engine last read or wrote it.
        var versions: [String: Int64] = [:]
        var sharedVersion: Int64 = 0
        /// Every commit up to this version is reflected in `engine`.
        var seenThrough: Int64 = 0
        /// The engine may hold state the store does not (a failed rollback): reload first.
        var mustReload = false
    }

    private let state: Mutex<State>

    /// Starts an engine from everything `store` holds.
    public init(store: any RetentionStore, program: Program, rules: RuleSet, attempts: Int = 8) throws(StoreError) {
        precondition(attempts >= 1, "a batch is tried at least once")
        self.store = store
        self.attempts = attempts
        var fresh = State(engine: Engine(program: program, rules: rules))
        fresh.engine.tracksChanges = true
        try Self.load(store.load(), into: &fresh)
        state = Mutex(fresh)
    }

    /// A copy of the engine as it is now (after the last committed batch).
    public var engine: Engine { state.withLock { $0.engine } }

    /// A customer's points, as of the last committed batch.
    public func balance(of customerID: String) -> PointsBalance? { state.withLock { $0.engine.balance(of: customerID) } }

    /// Applies one event and commits it.
    public func apply(_ event: Event) throws(StoreError) -> EventOutcome {
        try apply([event])[0]
    }

    /// Applies events in order and commits them together: when this returns, every outcome is
    /// stored (rejections too, so a rejected event sent again is a duplicate). When it throws,
    /// none of them is stored and the engine is as it was before; apply them again later.
    public func apply(_ events: [Event]) throws(StoreError) -> [EventOutcome] {
        try state.withLock { (state: inout State) throws(StoreError) -> [EventOutcome] in
            var attempt = 1
            while true {
                do throws(StoreError) {
                    return try Self.applyOnce(events, store: store, state: &state)
                } catch where error.code == .conflict && attempt < attempts {
                    attempt += 1
                }
            }
        }
    }

    private static func applyOnce(_ events: [Event], store: any RetentionStore, state: inout State) throws(StoreError) -> [EventOutcome] {
        // Which events are stored already is asked before the engine catches up with the store:
        // an event skipped as stored must have its effects in the state the batch is decided
        // on. Asked after, an event another writer committed in between was skipped while its
        // customer's state was read from before it (a delivery delay refused for an order the
        // engine had not seen yet).
        let stored = try store.storedEventIDs(among: events.map(\.id))
        if state.mustReload {
            var fresh = State(engine: Engine(program: state.engine.program, rules: state.engine.rules))
            fresh.engine.tracksChanges = true
            try load(store.load(), into: &fresh)
            state = fresh
        } else {
            try refresh(store.changes(since: state.seenThrough), into: &state)
        }
        let mark = state.engine.batchMark
        let sharedBefore = state.engine.shared
        var outcomes: [EventOutcome] = []
        var logged: [CommitBatch.LoggedEvent] = []
        outcomes.reserveCapacity(events.count)
        for event in events {
            if stored.contains(event.id) {
                outcomes.append(.duplicate)
                continue
            }
            let outcome = state.engine.apply(event)
            outcomes.append(outcome)
            let payload: [UInt8]
            do {
                payload = try StateCoder.encode(event)
            } catch {
                throw StoreError(.failed, message: "encoding event \(event.id) for the log: \(error)")
            }
            switch outcome {
            case .applied(let decisions): logged.append(.init(event: event, payload: payload, rejection: nil, decisions: decisions))
            case .rejected(let error): logged.append(.init(event: event, payload: payload, rejection: error, decisions: Decisions()))
            case .duplicate: break
            }
        }
        guard !logged.isEmpty else { return outcomes }

        var records: [CustomerRecord] = []
        var shared: SharedState?
        do throws(StoreError) {
            records = try state.engine.takeChangedCustomers()
            for index in records.indices { records[index].version = state.versions[records[index].id] ?? 0 }
            if state.engine.shared != sharedBefore {
                shared = SharedState(state: try state.engine.encodedShared(), version: state.sharedVersion)
            }
            let reads = readCustomers(of: logged, besides: records, state: state)
            let version = try store.commit(
                CommitBatch(events: logged, customers: records, reads: reads, shared: shared, clock: state.engine.clock))
            for record in records { state.versions[record.id] = version }
            if shared != nil { state.sharedVersion = version }
            // Versions count up one by one: when this commit follows the last one seen, no
            // other writer committed in between and there is nothing to read back.
            if version == state.seenThrough + 1 { state.seenThrough = version }
            return outcomes
        } catch {
            rollBack(state: &state, to: mark, events: logged.map(\.event.id), records: records, store: store)
            throw error
        }
    }

    /// The customers the logged events named (and, for merged profiles, their survivors) that
    /// the batch does not write, at the versions this engine read them at. A rejection writes no
    /// customer: these make the store refuse it, as it refuses a stale write, when another writer
    /// changed what it was decided on, so it is decided again on the new state.
    private static func readCustomers(of logged: [CommitBatch.LoggedEvent], besides records: [CustomerRecord], state: State) -> [CustomerRead] {
        var seen = Set(records.map(\.id))
        var reads: [CustomerRead] = []
        func read(_ id: String) {
            guard seen.insert(id).inserted else { return }
            reads.append(CustomerRead(id: id, version: state.versions[id] ?? 0))
        }
        for event in logged {
            for id in event.event.payload.namedCustomerIDs {
                read(id)
                if let survivor = state.engine.merges[id] { read(survivor) }
            }
        }
        return reads
    }

    /// Returns the engine to the store's state for what the failed batch touched.
    private static func rollBack(state: inout State, to mark: Engine.BatchMark, events: [String], records: [CustomerRecord], store: any RetentionStore) {
        do {
            let ids = records.map(\.id)
            let stored = try store.customers(ids)
            try state.engine.rollBack(to: mark, eventIDs: events, records: stored)
            for record in stored { state.versions[record.id] = record.version }
            for id in Set(ids).subtracting(stored.map(\.id)) { state.versions[id] = nil }
        } catch {
            state.mustReload = true
        }
    }

    private static func load(_ stored: StoredState, into state: inout State) throws(StoreError) {
        try state.engine.restore(stored.customers)
        for record in stored.customers { state.versions[record.id] = record.version }
        if let shared = stored.shared {
            try state.engine.restore(shared)
            state.sharedVersion = shared.version
        }
        state.engine.restore(clock: stored.clock)
        state.seenThrough = stored.version
    }

    private static func refresh(_ changes: StoredState, into state: inout State) throws(StoreError) {
        let news = changes.customers.filter { state.versions[$0.id] != $0.version }
        if !news.isEmpty {
            try state.engine.restore(news)
            for record in news { state.versions[record.id] = record.version }
        }
        if let shared = changes.shared, shared.version != state.sharedVersion {
            try state.engine.restore(shared)
            state.sharedVersion = shared.version
        }
        state.engine.restore(clock: changes.clock)
        state.seenThrough = max(state.seenThrough, changes.version)
    }
}
