import Foundation
import GRDB
import RetentionKit
import RetentionSQLite
import Synchronization
import Testing

@Suite("The SQLite store's file")
struct SQLiteStoreTests {
    @Test("A database written by a newer RetentionKit is refused, and left untouched")
    func newerSchemaRefused() throws {
        let path = StoreKind.temporaryPath("newer.sqlite")
        _ = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')") }
        try queue.close()
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .newerSchema)
        #expect(error?.description.contains("v9: from the future") == true)
        #expect(error?.description.contains(path) == true)
    }

    @Test("The database is in WAL mode and every table of the schema is there")
    func walAndSchema() throws {
        let path = StoreKind.temporaryPath("schema.sqlite")
        _ = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        let (mode, tables) = try queue.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
        }
        #expect(mode == "wal")
        for table in ["customers", "events", "ledger_entries", "outbox", "segment_changes", "store_state", "tier_changes"] {
            #expect(tables.contains(table), "table \(table)")
        }
    }

    @Test("A store opened for reading only reads what the writable one does, refuses commits, and is never created")
    func readingOnly() throws {
        let path = StoreKind.temporaryPath("read-only.sqlite")
        let events = try StoreContractTests.history(customers: 20)
        let writable = try SQLiteStore(path: path)
        let engine = try StoredEngine(store: writable, program: StoreContractTests.program, rules: try StoreContractTests.rules())
        _ = try engine.apply(Array(events.prefix(events.count / 2)))
        let reader = try SQLiteStore(readingOnly: path)
        #expect(reader.isReadOnly && !writable.isReadOnly)
        #expect(try reader.balances(customerID: nil) == writable.balances(customerID: nil))
        #expect(try reader.eventCounts() == writable.eventCounts())
        // A commit through the read-only store fails whole; the writable store goes on.
        let refused = try StoredEngine(store: reader, program: StoreContractTests.program, rules: try StoreContractTests.rules())
        let error = #expect(throws: StoreError.self) { try refused.apply(Array(events.suffix(events.count / 2))) }
        #expect(error?.code == .readOnly)
        #expect(error?.description.contains(path) == true)
        #expect(try reader.eventCounts() == writable.eventCounts())

        let missing = StoreKind.temporaryPath("never-created.sqlite")
        #expect(throws: StoreError.self) { try SQLiteStore(readingOnly: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test("A database an older RetentionKit wrote cannot be read without migrating, and says where to migrate it")
    func readingOnlyNeedsCurrentSchema() throws {
        let path = StoreKind.temporaryPath("older.sqlite")
        _ = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = (SELECT MAX(identifier) FROM grdb_migrations)")
        }
        try queue.close()
        let error = #expect(throws: StoreError.self) { try SQLiteStore(readingOnly: path) }
        #expect(error?.description.contains("older RetentionKit") == true)
        #expect(error?.description.contains("open it once where it is writable") == true)
    }

    @Test("A file that is not a database is refused with a clear error")
    func notADatabase() throws {
        let path = StoreKind.temporaryPath("garbage.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains(path) == true)
    }

    @Test("Processes opening a new database at once all open it: the race to create the tables is nobody's error", arguments: 0..<30)
    func openedAtOnce(round: Int) throws {
        let path = StoreKind.temporaryPath("raced-\(round).sqlite")
        let openers = 12
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: openers) { _ in
            do { _ = try SQLiteStore(path: path) } catch { failures.withLock { $0.append("\(error)") } }
        }
        #expect(failures.withLock { $0 } == [])
        let queue = try DatabaseQueue(path: path)
        let migrations = try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations.count == 1)
        let state = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM store_state") }
        #expect(state == 1)
    }
}
