import Synchronization

/// A store in memory: for tests, simulations and hosts that keep nothing between runs. It
/// follows the same rules as the database stores (versions, conflicts, atomic batches).
///
/// ```swift
/// let engine = try StoredEngine(store: MemoryStore(), program: program, rules: rules)
/// let outcomes = try engine.apply(events)
/// ```
public final class MemoryStore: RetentionStore {
    private struct Contents {
        var customers: [String: CustomerRecord] = [:]
        var shared: SharedState?
        var clock: Timestamp?
        var version: Int64 = 0
        var events: [String: Bool] = [:]  // id → rejected
        var outbox: [OutboxMessage] = []
        var delivered: Set<Int64> = []
    }

    private let contents = Mutex(Contents())

    public init() {}

    public func load() throws(StoreError) -> StoredState {
        contents.withLock { StoredState(customers: Array($0.customers.values), shared: $0.shared, clock: $0.clock, version: $0.version) }
    }

    public func changes(since version: Int64) throws(StoreError) -> StoredState {
        contents.withLock {
            StoredState(
                customers: $0.customers.values.filter { $0.version > version },
                shared: $0.shared.flatMap { $0.version > version ? $0 : nil }, clock: $0.clock, version: $0.version)
        }
    }

    public func customers(_ ids: [String]) throws(StoreError) -> [CustomerRecord] {
        contents.withLock { contents in ids.compactMap { contents.customers[$0] } }
    }

    public func storedEventIDs(among ids: [String]) throws(StoreError) -> Set<String> {
        contents.withLock { contents in Set(ids.filter { contents.events[$0] != nil }) }
    }

    public func commit(_ batch: CommitBatch) throws(StoreError) -> Int64 {
        try contents.withLock { (contents: inout Contents) throws(StoreError) -> Int64 in
            for record in batch.customers { try Self.require(record.id, atVersion: record.version, in: contents) }
            for read in batch.reads { try Self.require(read.id, atVersion: read.version, in: contents) }
            if let shared = batch.shared, (contents.shared?.version ?? 0) != shared.version {
                throw StoreError(.conflict, message: "the shared state changed since it was read")
            }
            if let logged = batch.events.first(where: { contents.events[$0.event.id] != nil }) {
                throw StoreError(.conflict, message: "event \(logged.event.id) is stored already")
            }
            let version = contents.version + 1
            contents.version = version
            for var record in batch.customers {
                record.version = version
                contents.customers[record.id] = record
            }
            if let clock = batch.clock, contents.clock.map({ clock > $0 }) ?? true { contents.clock = clock }
            if var shared = batch.shared {
                shared.version = version
                contents.shared = shared
            }
            for logged in batch.events {
                contents.events[logged.event.id] = logged.rejection != nil
                for action in logged.decisions.campaignActions {
                    contents.outbox.append(OutboxMessage(id: Int64(contents.outbox.count + 1), eventID: logged.event.id, action: action))
                }
            }
            return version
        }
    }

    /// Refuses a batch that read customer `id` at `version` (0: absent) when it has moved on.
    private static func require(_ id: String, atVersion version: Int64, in contents: Contents) throws(StoreError) {
        guard (contents.customers[id]?.version ?? 0) == version else {
            throw StoreError(.conflict, message: "customer \(id) changed since it was read")
        }
    }

    public func balances(customerID: String?) throws(StoreError) -> [CustomerBalance] {
        contents.withLock { contents in
            contents.customers.values
                .filter { $0.mergedInto == nil && (customerID == nil || $0.id == customerID) }
                .sorted { $0.id < $1.id }
                .map(CustomerBalance.init)
        }
    }

    public func outbox(after: Int64, limit: Int) throws(StoreError) -> [OutboxMessage] {
        contents.withLock { contents in
            let delivered = contents.delivered
            return Array(contents.outbox.lazy.filter { $0.id > after && !delivered.contains($0.id) }.prefix(limit))
        }
    }

    public func markDelivered(_ ids: [Int64]) throws(StoreError) {
        contents.withLock { $0.delivered.formUnion(ids) }
    }

    public func eventCounts() throws(StoreError) -> (stored: Int, rejected: Int) {
        contents.withLock { ($0.events.count, $0.events.values.filter { $0 }.count) }
    }
}
