import Foundation
import RetentionKit
import Synchronization
import Testing

/// A rejected event changes no customer, yet it was decided on the customers it names: when
/// another writer changes one of them before the rejection is committed, the store must refuse
/// the commit, so the event is decided again on the new state instead of being kept as rejected.
@Suite("A rejection decided on a customer another writer changed is decided again")
struct StaleRejectionTests {
    static let program = Program(currencies: [.usd], returnWindowDays: 30)

    static func rules() -> RuleSet {
        RuleSet(earning: [PurchasePoints(categoryMultipliers: [:], firstOrderBonus: 0)])
    }

    static func event(_ id: String, _ type: String, _ time: String, _ body: String) throws -> Event {
        try EventParser.parse(#"{"id":"\#(id)","type":"\#(type)","at":"2026-04-01T\#(time)Z","# + body + "}")
    }

    static let created = #""customer":{"id":"c-1","email":"c1@example.com"}"#
    static let order = #""order":{"id":"o-1","customer_id":"c-1","currency":"USD","lines":[{"sku":"S1","category":"tea","quantity":1,"unit_price":"20.00"}],"total":"20.00"}"#
    static let fulfilled = #""order_id":"o-1","customer_id":"c-1""#

    static func logged(_ event: Event, rejection: EngineError) throws -> CommitBatch.LoggedEvent {
        .init(event: event, payload: try StateCoder.encode(event), rejection: rejection, decisions: Decisions())
    }

    @Test("A batch that read a customer at an older version is refused and stores nothing", arguments: StoreKind.all)
    func staleReadIsRefused(kind: StoreKind) throws {
        let engine = try StoredEngine(store: try kind.open(), program: Self.program, rules: Self.rules())
        _ = try engine.apply(try Self.event("e1", "customer_created", "08:00:00", Self.created))
        let store = try kind.open()
        let version = try #require(try store.customers(["c-1"]).first?.version)
        let late = try Self.event("e2", "order_fulfilled", "09:00:00", Self.fulfilled)
        let rejection = EngineError(.unknownOrder, eventID: "e2", message: "no order o-1")

        // Read before the customer was last written, and read as absent before it was created.
        for stale in [CustomerRead(id: "c-1", version: version - 1), CustomerRead(id: "c-1", version: 0)] {
            let batch = CommitBatch(events: [try Self.logged(late, rejection: rejection)], customers: [], reads: [stale], shared: nil, clock: nil)
            let error = #expect(throws: StoreError.self) { try store.commit(batch) }
            #expect(error?.code == .conflict, "\(String(describing: error))")
        }
        #expect(try store.storedEventIDs(among: ["e2"]).isEmpty)
        #expect(try store.eventCounts() == (stored: 1, rejected: 0))

        // Read at the current version, and absent where nothing is stored, it commits.
        let current = CommitBatch(
            events: [try Self.logged(late, rejection: rejection)], customers: [],
            reads: [CustomerRead(id: "c-1", version: version), CustomerRead(id: "nobody", version: 0)], shared: nil, clock: nil)
        _ = try store.commit(current)
        #expect(try store.eventCounts() == (stored: 2, rejected: 1))
    }

    @Test("An event rejected on a state another writer changed before the commit is applied on the new state", arguments: StoreKind.all)
    func staleRejectionIsRetried(kind: StoreKind) throws {
        let other = try StoredEngine(store: try kind.open(), program: Self.program, rules: Self.rules())
        _ = try other.apply(try Self.event("e1", "customer_created", "08:00:00", Self.created))

        // The order arrives through the other writer after this one has caught up with the
        // store and decided its batch, just before it commits.
        let placeOrder = try Self.event("e2", "order_placed", "08:30:00", Self.order)
        let interleaving = InterleavingStore(try kind.open()) {
            let outcome = try other.apply(placeOrder)
            #expect(outcome.decisions != nil)
        }
        let engine = try StoredEngine(store: interleaving, program: Self.program, rules: Self.rules())
        let outcome = try engine.apply(try Self.event("e3", "order_fulfilled", "09:00:00", Self.fulfilled))

        #expect(interleaving.interleaved)
        #expect(outcome.decisions != nil, "the fulfilment was kept as \(outcome)")
        #expect(try interleaving.eventCounts() == (stored: 3, rejected: 0))
    }

    @Test("A customer created by another writer before the commit turns an unknown-customer rejection into an applied event", arguments: StoreKind.all)
    func unknownCustomerCreatedMeanwhile(kind: StoreKind) throws {
        let other = try StoredEngine(store: try kind.open(), program: Self.program, rules: Self.rules())
        let interleaving = InterleavingStore(try kind.open()) {
            _ = try other.apply(try Self.event("e1", "customer_created", "08:00:00", Self.created))
        }
        let engine = try StoredEngine(store: interleaving, program: Self.program, rules: Self.rules())
        let outcome = try engine.apply(
            try Self.event("e2", "points_adjusted", "09:00:00", #""customer_id":"c-1","points":25,"reason":"goodwill""#))

        #expect(interleaving.interleaved)
        #expect(outcome.decisions != nil, "the adjustment was kept as \(outcome)")
        #expect(engine.balance(of: "c-1")?.available == 25)
    }
}

/// A store that runs `meanwhile` once, just before the first commit it is given, as another
/// writer committing between this writer's reading and its commit.
final class InterleavingStore: DelegatingStore {
    let inner: any RetentionStore
    private let meanwhile: Mutex<(@Sendable () throws -> Void)?>

    init(_ inner: any RetentionStore, meanwhile: @escaping @Sendable () throws -> Void) {
        self.inner = inner
        self.meanwhile = Mutex(meanwhile)
    }

    /// Whether `meanwhile` has run.
    var interleaved: Bool { meanwhile.withLock { $0 == nil } }

    func commit(_ batch: CommitBatch) throws(StoreError) -> Int64 {
        if let run = meanwhile.withLock({ pending in defer { pending = nil }; return pending }) {
            do {
                try run()
            } catch {
                throw StoreError(.failed, message: "the interleaved writer failed: \(error)")
            }
        }
        return try inner.commit(batch)
    }
}
