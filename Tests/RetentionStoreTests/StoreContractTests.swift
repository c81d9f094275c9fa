import Foundation
import RetentionFixtures
import RetentionKit
import Testing

/// The contract every store keeps, run against each of them: what the engine commits comes
/// back exactly, a restarted engine goes on where the last commit left off, and concurrent
/// writers never spend or award twice.
@Suite("Stores keep what the engine commits")
struct StoreContractTests {
    static let program = ReferenceProgram.program

    static func rules() throws -> RuleSet { try ReferenceProgram.builtInRules() }

    /// The synthetic store, plus a referral and a merge so restored state covers both.
    static func history(customers: Int = 80) throws -> [Event] {
        var events = SyntheticStore(customers: customers, seed: 11).events()
        func event(_ id: String, _ type: String, _ at: String, _ body: String) throws -> Event {
            try EventParser.parse(#"{"id":"\#(id)","type":"\#(type)","at":"\#(at)""# + (body.isEmpty ? "" : "," + body) + "}")
        }
        events += [
            try event("x1", "customer_created", "2026-02-01T10:00:00Z", #""customer":{"id":"ref-a","email":"a@example.com"}"#),
            try event("x2", "customer_created", "2026-02-01T10:01:00Z", #""customer":{"id":"ref-b","email":"b@example.com","referred_by":"ref-a"}"#),
            try event("x3", "order_placed", "2026-02-02T10:00:00Z", #""order":{"id":"rb-1","customer_id":"ref-b","currency":"USD","lines":[{"sku":"S1","category":"coffee","quantity":2,"unit_price":"30.00"}],"total":"60.00"}"#),
            try event("x4", "referral_completed", "2026-02-02T10:05:00Z", #""referrer_id":"ref-a","referee_id":"ref-b","order_id":"rb-1""#),
            try event("x5", "order_paid", "2026-02-03T10:00:00Z", #""order_id":"rb-1","customer_id":"ref-b""#),
            try event("x6", "customer_created", "2026-02-04T10:00:00Z", #""customer":{"id":"ref-b2","email":"b@example.com"}"#),
            try event("x7", "order_placed", "2026-02-05T10:00:00Z", #""order":{"id":"rb2-1","customer_id":"ref-b2","currency":"USD","lines":[{"sku":"S2","category":"tea","quantity":1,"unit_price":"25.00"}],"total":"25.00"}"#),
            try event("x8", "customers_merged", "2026-02-06T10:00:00Z", #""survivor_id":"ref-b","merged_id":"ref-b2""#),
            try event("x9", "order_placed", "2026-02-07T10:00:00Z", #""order":{"id":"rb2-2","customer_id":"ref-b2","currency":"USD","lines":[{"sku":"S3","category":"tea","quantity":1,"unit_price":"40.00"}],"total":"40.00"}"#),
            try event("x10", "clock", "2026-03-01T00:00:00Z", ""),
        ]
        return events
    }

    static func chunks(_ events: [Event], of size: Int) -> [[Event]] {
        stride(from: 0, to: events.count, by: size).map { Array(events[$0..<min($0 + size, events.count)]) }
    }

    /// Every customer's state, balance and view in two engines agree.
    static func expectSameState(_ stored: Engine, _ plain: Engine, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(Set(stored.customerIDs) == Set(plain.customerIDs), sourceLocation: sourceLocation)
        #expect(stored.clock == plain.clock, sourceLocation: sourceLocation)
        var differing: [String] = []
        for id in plain.customerIDs.sorted() {
            // The encoded states themselves may differ in the order of dictionary members.
            var (mine, theirs) = (try stored.record(of: id), try plain.record(of: id))
            mine?.state = []
            theirs?.state = []
            if mine != theirs || stored.account(of: id) != plain.account(of: id) || stored.balance(of: id) != plain.balance(of: id)
                || stored.view(of: id) != plain.view(of: id)
            {
                differing.append(id)
            }
        }
        #expect(differing.isEmpty, "customers whose state differs: \(differing.prefix(5))", sourceLocation: sourceLocation)
    }

    @Test("Applied in batches through a store, a history decides exactly as the plain engine does", arguments: StoreKind.all)
    func batchesDecideAsPlainEngine(kind: StoreKind) throws {
        let events = try Self.history()
        var plain = Engine(program: Self.program, rules: try Self.rules())
        let stored = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules())
        var differences = 0
        for chunk in Self.chunks(events, of: 37) {
            let outcomes = try stored.apply(chunk)
            for (event, outcome) in zip(chunk, outcomes) where plain.apply(event) != outcome {
                differences += 1
            }
        }
        #expect(differences == 0)
        try Self.expectSameState(stored.engine, plain)
        let counts = try stored.store.eventCounts()
        #expect(counts.stored == events.count)
    }

    @Test("A restarted engine goes on from the store: what was committed is a duplicate, the end state is the same", arguments: StoreKind.all)
    func restartResumes(kind: StoreKind) throws {
        let events = try Self.history()
        var plain = Engine(program: Self.program, rules: try Self.rules())
        for event in events { _ = plain.apply(event) }

        let cut = events.count * 2 / 3
        do {
            let first = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules())
            for chunk in Self.chunks(Array(events[..<cut]), of: 50) { _ = try first.apply(chunk) }
        }
        let resumed = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules())
        var duplicates = 0
        for chunk in Self.chunks(events, of: 50) {
            duplicates += try resumed.apply(chunk).filter { $0 == .duplicate }.count
        }
        #expect(duplicates == cut)
        try Self.expectSameState(resumed.engine, plain)
        #expect(resumed.balance(of: "ref-b2") == plain.balance(of: "ref-b2"), "a merged id names its survivor after a restart")
    }

    @Test("Rejected events are logged: sent again they are duplicates", arguments: StoreKind.all)
    func rejectionsAreLogged(kind: StoreKind) throws {
        let engine = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules())
        let unknown = try EventParser.parse(#"{"id":"r1","type":"points_adjusted","at":"2026-01-01T00:00:00Z","customer_id":"nobody","points":5,"reason":"test"}"#)
        guard case .rejected(let error) = try engine.apply(unknown) else {
            Issue.record("an adjustment for an unknown customer should be refused")
            return
        }
        #expect(error.code == .unknownCustomer)
        #expect(try engine.apply(unknown) == .duplicate)
        let reopened = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules())
        #expect(try reopened.apply(unknown) == .duplicate)
        #expect(try reopened.store.eventCounts() == (1, 1))
    }

    @Test("Balances and the outbox read back what the engine decided", arguments: StoreKind.all)
    func balancesAndOutbox(kind: StoreKind) throws {
        let events = try Self.history(customers: 60)
        var plain = Engine(program: Self.program, rules: try Self.rules())
        var actions: [CampaignAction] = []
        for event in events { actions += plain.apply(event).decisions?.campaignActions ?? [] }
        let engine = try StoredEngine(store: try kind.open(), program: Self.program, rules: try Self.rules())
        for chunk in Self.chunks(events, of: 100) { _ = try engine.apply(chunk) }

        let store = try kind.open()
        var delivered: [CampaignAction] = []
        var after: Int64 = 0
        while true {
            let page = try store.outbox(after: after, limit: 7)
            guard let last = page.last else { break }
            delivered += page.map(\.action)
            after = last.id
        }
        #expect(delivered == actions)
        #expect(!actions.isEmpty)
        let firstTwo = try store.outbox(after: 0, limit: 2).map(\.id)
        try store.markDelivered(firstTwo)
        #expect(try store.outbox(after: 0, limit: 1).first.map { $0.id > firstTwo[1] } == true)

        let balances = try store.balances(customerID: nil)
        #expect(balances.map(\.customerID) == plain.customerIDs.sorted())
        for balance in balances {
            let view = plain.view(of: balance.customerID)
            #expect(balance.tier == view?.tier)
            #expect(balance.segments == view?.segments)
            #expect(balance.lifetimeEarned == view?.lifetimePoints.value)
        }
        #expect(try store.balances(customerID: "ref-a").count == 1)
    }
}
