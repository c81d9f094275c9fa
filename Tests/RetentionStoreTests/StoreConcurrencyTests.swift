import Dispatch
import Foundation
import RetentionKit
import Synchronization
import Testing

/// Several engines on one store (threads here; for SQLite each has its own connection, as a
/// second process would) and commits that fail part-way.
@Suite("Concurrent writers and failed commits lose nothing and spend nothing twice")
struct StoreConcurrencyTests {
    static let program = Program(currencies: [.usd], returnWindowDays: 30)

    static func event(_ id: String, _ type: String, _ time: String, _ body: String) throws -> Event {
        try EventParser.parse(#"{"id":"\#(id)","type":"\#(type)","at":"2026-04-01T\#(time)Z","# + body + "}")
    }

    static func rules() throws -> RuleSet {
        RuleSet(earning: [PurchasePoints(categoryMultipliers: [:], firstOrderBonus: 0)])
    }

    /// A customer with 100 points available.
    static func seeded(_ kind: StoreKind) throws {
        let engine = try StoredEngine(store: try kind.open(), program: program, rules: try rules())
        let outcomes = try engine.apply([
            try event("s1", "customer_created", "08:00:00", #""customer":{"id":"c-1"}"#),
            try event("s2", "points_adjusted", "08:00:01", #""customer_id":"c-1","points":100,"reason":"welcome""#),
        ])
        #expect(outcomes.allSatisfy { $0.decisions != nil })
        #expect(engine.balance(of: "c-1")?.available == 100)
    }

    @Test("20 concurrent redemptions of 10 points against a 100-point balance spend at most 100", arguments: StoreKind.all)
    func concurrentRedemptions(kind: StoreKind) throws {
        try Self.seeded(kind)
        let results = Mutex<[Result<EventOutcome, StoreError>]>([])
        DispatchQueue.concurrentPerform(iterations: 20) { index in
            let result: Result<EventOutcome, StoreError>
            do {
                let engine = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules(), attempts: 100)
                let redemption = try Self.event(
                    "redeem-\(index)", "points_redeemed", "09:00:\(10 + index)",
                    #""redemption_id":"rd-\#(index)","customer_id":"c-1","points":10,"reward":"coupon""#)
                result = .success(try engine.apply(redemption))
            } catch let error as StoreError {
                result = .failure(error)
            } catch {
                result = .failure(StoreError(.failed, message: "\(error)"))
            }
            results.withLock { $0.append(result) }
        }
        let outcomes = results.withLock { $0 }
        let applied = outcomes.filter { (try? $0.get())?.decisions != nil }.count
        let refused = outcomes.filter { if case .success(.rejected(let error)) = $0 { error.code == .ledger } else { false } }.count
        #expect(applied == 10, "exactly the balance's worth is spent")
        #expect(refused == 10, "the rest are refused by the ledger: \(outcomes)")
        let fresh = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules())
        #expect(fresh.balance(of: "c-1")?.available == 0)
        #expect(try fresh.store.balances(customerID: "c-1").first?.available == 0)
    }

    @Test("Concurrent earning, adjusting and refunding end in a balance some serial order gives", arguments: StoreKind.all)
    func concurrentEarnAndRefund(kind: StoreKind) throws {
        let setup = [
            try Self.event("s1", "customer_created", "08:00:00", #""customer":{"id":"c-1"}"#),
            try Self.event("s2", "order_placed", "08:10:00", #""order":{"id":"o1","customer_id":"c-1","currency":"USD","lines":[{"sku":"A","category":"x","quantity":2,"unit_price":"50.00"}],"total":"100.00"}"#),
        ]
        let racing = [
            try Self.event("r1", "order_refunded", "10:00:00", #""order_id":"o1","customer_id":"c-1","amount":"40.00","currency":"USD""#),
            try Self.event("r2", "order_placed", "10:00:00", #""order":{"id":"o2","customer_id":"c-1","currency":"USD","lines":[{"sku":"B","category":"x","quantity":1,"unit_price":"30.00"}],"total":"30.00"}"#),
            try Self.event("r3", "points_adjusted", "10:00:00", #""customer_id":"c-1","points":25,"reason":"apology""#),
        ]
        _ = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules()).apply(setup)
        DispatchQueue.concurrentPerform(iterations: racing.count) { index in
            let engine = try? StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules(), attempts: 100)
            let outcome = try? engine?.apply(racing[index])
            #expect(outcome?.decisions != nil, "\(racing[index].id) was applied")
        }
        var serialBalances: Set<PointsBalance> = []
        for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            var plain = Engine(program: Self.program, rules: try Self.rules())
            for event in setup + order.map({ racing[$0] }) { _ = plain.apply(event) }
            serialBalances.insert(try #require(plain.balance(of: "c-1")))
        }
        let fresh = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules())
        let balance = try #require(fresh.balance(of: "c-1"))
        #expect(serialBalances.contains(balance), "\(balance) is none of the serial orders' \(serialBalances)")
        #expect(try fresh.store.eventCounts() == (5, 0))
    }

    @Test("A commit that fails changes neither the store nor the engine; applied again it goes through", arguments: StoreKind.all)
    func failedCommitChangesNothing(kind: StoreKind) throws {
        try Self.seeded(kind)
        let flaky = FlakyStore(try kind.open())
        let engine = try StoredEngine(store: flaky, program: Self.program, rules: try Self.rules())
        let batch = [
            try Self.event("b1", "points_adjusted", "11:00:00", #""customer_id":"c-1","points":40,"reason":"survey""#),
            try Self.event("b2", "customer_created", "11:00:01", #""customer":{"id":"c-2"}"#),
            try Self.event("b3", "points_redeemed", "11:00:02", #""redemption_id":"rd-1","customer_id":"c-1","points":120,"reward":"mug""#),
        ]
        flaky.failing.store(true, ordering: .relaxed)
        #expect(throws: StoreError.self) { try engine.apply(batch) }
        #expect(engine.balance(of: "c-1")?.available == 100, "the engine forgot the failed batch")
        #expect(engine.balance(of: "c-2") == nil)
        #expect(try flaky.eventCounts() == (2, 0))

        flaky.failing.store(false, ordering: .relaxed)
        let outcomes = try engine.apply(batch)
        #expect(outcomes.allSatisfy { $0.decisions != nil }, "\(outcomes)")
        #expect(engine.balance(of: "c-1")?.available == 20)
        let fresh = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules())
        #expect(fresh.balance(of: "c-1")?.available == 20)
        #expect(fresh.balance(of: "c-2") != nil)
    }
}

/// A store whose commits fail (as on a full disk) while `failing` is set.
final class FlakyStore: DelegatingStore {
    let inner: any RetentionStore
    let failing = Atomic(false)

    init(_ inner: any RetentionStore) { self.inner = inner }

    func commit(_ batch: CommitBatch) throws(StoreError) -> Int64 {
        if failing.load(ordering: .relaxed) { throw StoreError(.full, message: "test: disk full") }
        return try inner.commit(batch)
    }
}
