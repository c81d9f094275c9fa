import Foundation
import RetentionKit
import Synchronization
import Testing

#if Postgres
import Logging
import PostgresNIO
@testable import RetentionPostgres

/// What only the PostgreSQL store has: a server, a schema in a shared database, connections
/// that drop. The contract suite runs against it too (``StoreKind/all``).
@Suite("The PostgreSQL store", .enabled(if: PostgresTestServer.url != nil, PostgresTestServer.skipReason), .timeLimit(.minutes(3)))
struct PostgresStoreTests {
    static func open(schema: String) throws -> PostgresStore {
        try PostgresStore(url: PostgresTestServer.url(schema: schema))
    }

    /// Runs SQL on the test server from a session of its own.
    static func admin<T: Sendable>(schema: String, _ body: (PostgresSession.Operation) throws -> T) throws -> T {
        let session = PostgresSession(address: try PostgresAddress(url: PostgresTestServer.url(schema: schema)), logger: Logger(label: "test"))
        return try session.run("test set-up", body)
    }

    @Test("A schema written by a newer RetentionKit is refused, and left untouched")
    func newerSchemaRefused() throws {
        let schema = PostgresTestServer.freshSchema()
        _ = try Self.open(schema: schema)
        try Self.admin(schema: schema) { op in
            _ = try op.query("INSERT INTO retention_migrations (identifier) VALUES ('v9: from the future')")
        }
        let error = #expect(throws: StoreError.self) { try Self.open(schema: schema) }
        #expect(error?.code == .newerSchema)
        #expect(error?.description.contains("v9: from the future") == true)
        #expect(error?.description.contains("schema=\(schema)") == true, "the message names the store")
        let count = try Self.admin(schema: schema) { op in try op.query("SELECT count(*) FROM retention_migrations").rows[0].decode(Int64.self) }
        #expect(count == 2, "nothing was added or removed")
    }

    @Test("Opening creates every table in the store's own schema; opening again (as a second process would) changes nothing")
    func schemaTables() throws {
        let schema = PostgresTestServer.freshSchema()
        _ = try Self.open(schema: schema)
        _ = try Self.open(schema: schema)
        let tables = try Self.admin(schema: schema) { op in
            try op.query("SELECT table_name FROM information_schema.tables WHERE table_schema = \(schema) ORDER BY table_name").rows
                .map { try $0.decode(String.self) }
        }
        #expect(tables == ["customers", "events", "ledger_entries", "outbox", "retention_migrations", "segment_changes", "store_state", "tier_changes"])
    }

    @Test("Bad URLs are refused with what is wrong and how to write one")
    func badURLs() {
        for (url, problem) in [
            ("mysql://u@h/db", "not a postgres:// URL"), ("postgres://h/db", "no user name"), ("postgres://u@h", "no database name"),
            ("postgres://u@h/db?schema=Bad-Name", "schema must be a plain name"), ("postgres://u@h/db?sslmode=maybe", "sslmode must be"),
            ("postgres://u@h/db?pool=3", "unknown option pool"),
        ] {
            let error = #expect(throws: StoreError.self) { try PostgresAddress(url: url) }
            #expect(error?.description.contains(problem) == true, "\(url): \(String(describing: error))")
            #expect(error?.hint?.contains("postgres://USER:PASSWORD@HOST:PORT/DATABASE") == true)
        }
        let unsafe = PostgresAddress(host: "127.0.0.1", username: "u", password: nil, database: "db", schema: "x; DROP TABLE customers")
        let refused = #expect(throws: StoreError.self) { try PostgresStore(address: unsafe) }
        #expect(refused?.description.contains("not a plain name") == true, "a schema built in code is checked as a URL's is")
        let secret = #expect(throws: StoreError.self) { try PostgresAddress(url: "postgres://u:hunter2@h/db?x=1") }
        #expect(secret?.description.contains("hunter2") == false, "messages never show the password")
    }

    @Test("A server that is not there is reported as unavailable, naming it")
    func noServer() throws {
        let error = #expect(throws: StoreError.self) { try PostgresStore(url: "postgres://retention:x@127.0.0.1:1/retention") }
        #expect(error?.code == .unavailable)
        #expect(error?.description.contains("127.0.0.1:1") == true)
    }

    @Test("A connection dropped mid-commit fails that batch with nothing stored; one dropped while idle is opened again by the next call")
    func droppedConnection() throws {
        let schema = PostgresTestServer.freshSchema()
        let store = try Self.open(schema: schema)
        let events = try StoreContractTests.history(customers: 30)
        let batches = StoreContractTests.chunks(events, of: 50)
        let engine = try StoredEngine(store: store, program: StoreContractTests.program, rules: try StoreContractTests.rules())
        var plain = Engine(program: StoreContractTests.program, rules: try StoreContractTests.rules())
        for event in events { _ = plain.apply(event) }
        let admin = PostgresSession(address: try PostgresAddress(url: PostgresTestServer.url(schema: schema)), logger: Logger(label: "test"))
        let storeSession = "RetentionKit/\(schema)"

        _ = try engine.apply(batches[0])
        // Hold the commit lock, so the next commit waits on the server; then drop its session.
        try admin.run("locking") { op in
            _ = try op.query("BEGIN")
            _ = try op.query("SELECT version FROM store_state WHERE id = 1 FOR UPDATE")
        }
        let inFlight = Mutex<Result<[EventOutcome], StoreError>?>(nil)
        let committing = Thread {
            let result = Result { () throws(StoreError) in try engine.apply(batches[1]) }
            inFlight.withLock { $0 = result }
        }
        committing.start()
        try admin.run("dropping the store's session") { op in
            for _ in 0..<200 {
                let waiting = try op.query("""
                    SELECT count(*) FROM pg_stat_activity WHERE application_name = \(storeSession) AND wait_event_type = 'Lock'
                    """).rows[0].decode(Int64.self)
                if waiting > 0 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            _ = try op.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(storeSession) AND pid <> pg_backend_pid()")
        }
        while inFlight.withLock({ $0 }) == nil { Thread.sleep(forTimeInterval: 0.02) }
        try admin.run("unlocking") { op in _ = try op.query("ROLLBACK") }
        guard case .failure(let error) = inFlight.withLock({ $0 }) else {
            Issue.record("the commit in flight should have failed when its session was dropped")
            return
        }
        #expect(error.code == .unavailable, "\(error)")
        #expect(error.description.contains("schema=\(schema)"), "the message names the store: \(error)")
        #expect(try store.eventCounts().stored == batches[0].count, "nothing of the failed batch was stored")

        // Dropped while idle: the next call opens a new connection. (Should the call race the
        // close, it fails as unavailable with nothing stored, never hangs; applied again it
        // goes through.)
        _ = try engine.apply(batches[1])
        try admin.run("dropping the idle session") { op in
            _ = try op.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(storeSession) AND pid <> pg_backend_pid()")
            for _ in 0..<100 {
                let left = try op.query("""
                    SELECT count(*) FROM pg_stat_activity WHERE application_name = \(storeSession) AND pid <> pg_backend_pid()
                    """).rows[0].decode(Int64.self)
                if left == 0 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        Thread.sleep(forTimeInterval: 0.3)
        for batch in batches.dropFirst(2) {
            let first = Result { () throws(StoreError) in try engine.apply(batch) }
            if case .failure(let error) = first {
                #expect(error.code == .unavailable, "\(error)")
                _ = try engine.apply(batch)
            }
        }

        let fresh = try StoredEngine(store: try Self.open(schema: schema), program: StoreContractTests.program, rules: try StoreContractTests.rules())
        try StoreContractTests.expectSameState(fresh.engine, plain)
        #expect(try store.eventCounts().stored == events.count)
    }

    @Test("Days, nulls, segments and money-sized figures come back exactly")
    func valuesRoundTrip() throws {
        let store = try Self.open(schema: PostgresTestServer.freshSchema())
        let record = CustomerRecord(
            id: "c-é-1", state: [0, 1, 2, 255], asOf: try Day(iso: "2026-02-28"), available: Int64.max / 2, pending: 0, lifetimeEarned: 12,
            tier: nil, segments: ["at risk", "vip,gold"], mergedInto: nil, version: 0)
        let other = CustomerRecord(
            id: "c-2", state: [], asOf: try Day(iso: "1999-12-31"), available: 0, pending: 5, lifetimeEarned: 5, tier: "gold", segments: [],
            mergedInto: "c-é-1", version: 0)
        let version = try store.commit(CommitBatch(events: [], customers: [record, other], shared: nil, clock: nil))
        let stored = try store.customers(["c-é-1", "c-2", "nobody"]).sorted { $0.id < $1.id }
        var expected = [other, record]
        for index in expected.indices { expected[index].version = version }
        #expect(stored == expected)
        #expect(try store.balances(customerID: nil).map(\.customerID) == ["c-é-1"], "merged profiles are left out")
    }
}
#else
@Suite("The PostgreSQL store")
struct PostgresStoreTests {
    @Test(
        "PostgreSQL store tests",
        .disabled("this build has no PostgreSQL support: run scripts/test, or swift test --traits Postgres with RETENTION_POSTGRES_URL set"))
    func notBuilt() {}
}
#endif
