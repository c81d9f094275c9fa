import Foundation
import GRDB
import RetentionKit

/// The embedded store: one SQLite file in WAL mode, through GRDB.
///
/// Opening a database an older RetentionKit wrote migrates it; opening one a newer
/// RetentionKit wrote is refused (``StoreError/Code-swift.struct/newerSchema``), so an old
/// host never writes a schema it does not know. Each ``commit(_:)`` is one `BEGIN IMMEDIATE`
/// transaction, so a host importing in batches of a few hundred events pays for one disk sync
/// per batch. Several processes may open the same file, even a new one at the same moment:
/// SQLite lets one write at a time, and record versions catch any process that read a
/// customer before another changed it.
///
/// ```swift
/// let store = try SQLiteStore(path: "retention.sqlite")
/// let engine = try StoredEngine(store: store, program: program, rules: rules)
/// _ = try engine.apply(events)
/// try store.balances(customerID: "c-42")
/// ```
public final class SQLiteStore: RetentionStore {
    /// The database file.
    public let path: String
    /// Whether the store was opened with ``init(readingOnly:)``.
    public let isReadOnly: Bool
    private let pool: any DatabaseWriter

    /// Opens (creating or migrating) the database at `path`. `busyTimeout` is how long a
    /// writer waits for another process's transaction before giving up.
    ///
    /// Opening waits for locks a second at a time and, when that is not enough, closes the file
    /// and opens it again (with a growing, random pause) until `busyTimeout` has passed: two
    /// processes creating the same new database at once can each hold what the other waits for,
    /// and one of them has to let go (see `BusyWait`).
    public init(path: String, busyTimeout: TimeInterval = 30) throws(StoreError) {
        self.path = path
        isReadOnly = false
        let wait = BusyWait(timeout: busyTimeout)
        var configuration = Configuration()
        configuration.busyMode = wait.mode
        configuration.label = "RetentionSQLite"
        let deadline = Date().addingTimeInterval(busyTimeout)
        var attempt = 0
        while true {
            do {
                pool = try Self.openAndMigrate(path, configuration: configuration)
                break
            } catch where error.code == .unavailable && Date() < deadline {
                attempt += 1
                Thread.sleep(forTimeInterval: Double.random(in: 0.01...0.05) * Double(min(attempt, 10)))
            }
        }
        wait.opened()
    }

    /// Opens the database and applies the migrations this RetentionKit knows.
    private static func openAndMigrate(_ path: String, configuration: Configuration) throws(StoreError) -> DatabasePool {
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.storeError(error, path: path, doing: "opening the database")
        }
        let migrator = SQLiteSchema.migrator
        do {
            let newer = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if newer {
                let unknown = try pool.read { db in try migrator.appliedIdentifiers(db) }
                    .subtracting(migrator.migrations)
                throw StoreError(
                    .newerSchema,
                    message: "\(path) was written by a newer RetentionKit (schema migrations this one does not know: \(unknown.sorted().joined(separator: ", ")))",
                    hint: "open it with that RetentionKit or a later one; this one leaves it untouched")
            }
            try Self.migrate(pool, with: migrator)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.storeError(error, path: path, doing: "migrating the schema")
        }
        return pool
    }

    /// Opens an existing database for reading only: a store on a read-only mount (a backup, a
    /// snapshot, a replica's volume) can still be reported on. Nothing is migrated; a commit
    /// throws ``StoreError/Code-swift.struct/readOnly``.
    ///
    /// A WAL database needs its shared-memory file to be read; where that cannot be created (a
    /// read-only filesystem), the file is opened as immutable, which is right only while nothing
    /// writes it (as on such a mount).
    ///
    /// - Throws: ``StoreError`` when there is no database at `path`, when it was written by a
    ///   newer RetentionKit, or when an older one wrote it (open it writable once to migrate it).
    public init(readingOnly path: String) throws(StoreError) {
        self.path = path
        isReadOnly = true
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.failed, message: "no database at \(path)", hint: "check the path; a read-only store is never created")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "RetentionSQLite"
        let migrator = SQLiteSchema.migrator
        func open(_ location: String) throws -> DatabaseQueue {
            let queue = try DatabaseQueue(path: location, configuration: configuration)
            _ = try queue.read { db in try migrator.appliedIdentifiers(db) }
            return queue
        }
        do {
            do {
                pool = try open(path)
            } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode) {
                // Percent-encode what a URI gives meaning to, so any path stays one path.
                var allowed = CharacterSet.urlPathAllowed
                allowed.remove(charactersIn: "?#%")
                let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
                pool = try open("file:\(encoded)?immutable=1")
            }
            let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
            let known = Set(migrator.migrations)
            if !applied.isSubset(of: known) {
                throw StoreError(
                    .newerSchema,
                    message: "\(path) was written by a newer RetentionKit (schema migrations this one does not know: \(applied.subtracting(known).sorted().joined(separator: ", ")))",
                    hint: "read it with that RetentionKit or a later one")
            }
            if applied != known {
                throw StoreError(
                    .readOnly,
                    message: "\(path) was written by an older RetentionKit and needs migrating, which reading only cannot do",
                    hint: "open it once where it is writable (any retention-host command does), then read it here")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.storeError(error, path: path, doing: "opening the database to read")
        }
    }

    /// Applies the migrations this RetentionKit knows. Two processes opening a new database at
    /// once both find it unmigrated, and the one that loses the race fails creating a table the
    /// other has just made; it then finds the migrations applied (or goes on from where the
    /// other got to) instead of failing.
    private static func migrate(_ pool: any DatabaseWriter, with migrator: DatabaseMigrator) throws {
        var attempts = 0
        while true {
            let before = try pool.read { db in try migrator.appliedIdentifiers(db) }
            do {
                try migrator.migrate(pool)
                return
            } catch {
                attempts += 1
                let after = try pool.read { db in try migrator.appliedIdentifiers(db) }
                if after.isSuperset(of: migrator.migrations) { return }
                guard after != before, attempts < 10 else { throw error }
            }
        }
    }

    // MARK: - Reading

    public func load() throws(StoreError) -> StoredState {
        try read("loading customers") { db in
            let customers = try Row.fetchAll(db, sql: "SELECT \(Self.customerColumns) FROM customers").map(Self.customer)
            return try Self.state(db, customers: customers, sharedSince: -1)
        }
    }

    public func changes(since version: Int64) throws(StoreError) -> StoredState {
        try read("reading changes") { db in
            let customers = try Row.fetchAll(
                db, sql: "SELECT \(Self.customerColumns) FROM customers WHERE version > ?", arguments: [version]
            ).map(Self.customer)
            return try Self.state(db, customers: customers, sharedSince: version)
        }
    }

    public func customers(_ ids: [String]) throws(StoreError) -> [CustomerRecord] {
        try read("reading customers") { db in
            let statement = try db.cachedStatement(sql: "SELECT \(Self.customerColumns) FROM customers WHERE id = ?")
            return try ids.compactMap { id in try Row.fetchOne(statement, arguments: [id]).map(Self.customer) }
        }
    }

    public func storedEventIDs(among ids: [String]) throws(StoreError) -> Set<String> {
        try read("looking up event ids") { db in
            var found = Set<String>()
            // Well under SQLite's limit of 32,766 bound values per statement.
            for first in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[first..<min(first + 500, ids.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                found.formUnion(try String.fetchAll(db, sql: "SELECT id FROM events WHERE id IN (\(marks))", arguments: StatementArguments(slice)))
            }
            return found
        }
    }

    public func balances(customerID: String?) throws(StoreError) -> [CustomerBalance] {
        try read("reading balances") { db in
            let filter = customerID == nil ? "" : " AND id = ?"
            let arguments: StatementArguments = customerID.map { [$0] } ?? []
            return try Row.fetchAll(
                db,
                sql: "SELECT id, as_of, available, pending, lifetime_earned, tier, segments FROM customers WHERE merged_into IS NULL\(filter) ORDER BY id",
                arguments: arguments
            ).map { row in
                CustomerBalance(
                    customerID: row[0], asOf: try Self.day(row[1]), available: row[2], pending: row[3], lifetimeEarned: row[4], tier: row[5],
                    segments: Self.segments(row[6]))
            }
        }
    }

    public func outbox(after: Int64, limit: Int) throws(StoreError) -> [OutboxMessage] {
        try read("reading the outbox") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, event_id, customer_id, campaign, trigger, reason, event_type, day FROM outbox
                    WHERE delivered = 0 AND id > ? ORDER BY id LIMIT ?
                    """,
                arguments: [after, limit]
            ).map { row in
                OutboxMessage(
                    id: row[0], eventID: row[1],
                    action: CampaignAction(
                        customerID: row[2], campaign: row[3], trigger: row[4], reason: row[5], eventType: row[6],
                        day: try Self.day(row[7])))
            }
        }
    }

    public func eventCounts() throws(StoreError) -> (stored: Int, rejected: Int) {
        try read("counting events") { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(sum(rejected), 0) FROM events")
            return (row?[0] ?? 0, row?[1] ?? 0)
        }
    }

    // MARK: - Writing

    public func markDelivered(_ ids: [Int64]) throws(StoreError) {
        try write("marking outbox messages delivered") { db in
            let statement = try db.cachedStatement(sql: "UPDATE outbox SET delivered = 1 WHERE id = ?")
            for id in ids { try statement.execute(arguments: [id]) }
        }
    }

    public func commit(_ batch: CommitBatch) throws(StoreError) -> Int64 {
        try write("committing \(batch.events.count) events") { db in
            let version = try Int64.fetchOne(db, sql: "SELECT version FROM store_state WHERE id = 1")! + 1
            try SQLiteBatchWriter(db: db, version: version).write(batch)
            try db.execute(
                sql: "UPDATE store_state SET version = ?, clock = max(coalesce(clock, ?), ?) WHERE id = 1",
                arguments: [version, batch.clock?.milliseconds, batch.clock?.milliseconds])
            return version
        }
    }

    // MARK: - Helpers

    static let customerColumns = "id, version, state, as_of, available, pending, lifetime_earned, tier, segments, merged_into"

    static func customer(_ row: Row) throws -> CustomerRecord {
        CustomerRecord(
            id: row[0], state: [UInt8](row[2] as Data), asOf: try day(row[3]), available: row[4], pending: row[5], lifetimeEarned: row[6],
            tier: row[7], segments: segments(row[8]), mergedInto: row[9], version: row[1])
    }

    /// Days are stored as ISO text by this store only; one that does not parse is a corrupt row.
    static func day(_ text: String) throws -> Day {
        do {
            return try Day(iso: text)
        } catch {
            throw StoreError(.corrupt, message: "a stored day: \(error.message)", hint: "restore the database from a backup")
        }
    }

    static func segments(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: ",").map(String.init)
    }

    private static func state(_ db: Database, customers: [CustomerRecord], sharedSince: Int64) throws -> StoredState {
        let row = try Row.fetchOne(db, sql: "SELECT version, clock, shared, shared_version FROM store_state WHERE id = 1")!
        let sharedVersion: Int64 = row[3]
        var shared: SharedState?
        if let bytes = row[2] as Data?, sharedVersion > sharedSince { shared = SharedState(state: [UInt8](bytes), version: sharedVersion) }
        return StoredState(customers: customers, shared: shared, clock: (row[1] as Int64?).map(Timestamp.init(milliseconds:)), version: row[0])
    }

    private func read<T>(_ doing: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.storeError(error, path: path, doing: doing)
        }
    }

    private func write<T>(_ doing: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw Self.storeError(error, path: path, doing: doing)
        }
    }

    static func storeError(_ error: any Error, path: String, doing: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else {
            return StoreError(.failed, message: "\(path): \(doing): \(error)")
        }
        let message = "\(path): \(doing): \(error.message ?? "\(error.resultCode)")"
        switch error.resultCode {
        case .SQLITE_CONSTRAINT:
            return StoreError(.conflict, message: message, hint: "another writer stored the same event or customer first; apply the batch again")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
            return StoreError(.readOnly, message: message, hint: "check the file's and its folder's permissions and that the disk is mounted writable")
        case .SQLITE_FULL:
            return StoreError(.full, message: message, hint: "free disk space and apply the batch again; nothing of it was stored")
        case .SQLITE_IOERR:
            // A write refused by the system (no space, a quota, a file size limit) or a failing disk.
            return StoreError(.failed, message: message, hint: "the system refused a write or read of the database file: check free disk space, quotas and file size limits, and the disk's health, then apply the batch again; nothing of it was stored")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(.unavailable, message: message, hint: "another process held the database longer than the busy timeout; try again")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StoreError(.corrupt, message: message, hint: "restore the database from a backup")
        default:
            return StoreError(.failed, message: message)
        }
    }
}
