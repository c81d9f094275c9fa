import RetentionKit

/// A test store that hands every call to `inner`; conformers replace `commit` to fail or to
/// interleave another writer.
protocol DelegatingStore: RetentionStore {
    var inner: any RetentionStore { get }
}

extension DelegatingStore {
    func load() throws(StoreError) -> StoredState { try inner.load() }
    func changes(since version: Int64) throws(StoreError) -> StoredState { try inner.changes(since: version) }
    func customers(_ ids: [String]) throws(StoreError) -> [CustomerRecord] { try inner.customers(ids) }
    func storedEventIDs(among ids: [String]) throws(StoreError) -> Set<String> { try inner.storedEventIDs(among: ids) }
    func balances(customerID: String?) throws(StoreError) -> [CustomerBalance] { try inner.balances(customerID: customerID) }
    func outbox(after: Int64, limit: Int) throws(StoreError) -> [OutboxMessage] { try inner.outbox(after: after, limit: limit) }
    func markDelivered(_ ids: [Int64]) throws(StoreError) { try inner.markDelivered(ids) }
    func eventCounts() throws(StoreError) -> (stored: Int, rejected: Int) { try inner.eventCounts() }
}
