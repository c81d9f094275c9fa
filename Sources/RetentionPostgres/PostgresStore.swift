#if Postgres
import Logging
import NIOCore
import PostgresNIO
import RetentionKit

/// The scale-out store: PostgreSQL, for a store that outgrows one machine or wants several
/// host processes writing at once.
///
/// Built only with the package's `Postgres` trait (`swift build --traits Postgres`), so apps
/// that keep to SQLite never build postgres-nio. Opening a store creates or migrates its tables
/// (under an advisory lock, so processes starting together do not race); a schema written by
/// a newer RetentionKit is refused (``StoreError/Code-swift.struct/newerSchema``).
///
/// Several processes may commit at once. Each commit is one transaction that first takes the
/// store's version row lock, so commits are ordered and every version a reader sees includes
/// every earlier one; customers are written only at the version they were read at, and event
/// ids are unique, so a stale writer's batch is refused as a conflict and ``StoredEngine``
/// applies it again. Deciding, which costs far more than storing, runs in every process at
/// once; only the commits queue.
///
/// ```swift
/// let store = try PostgresStore(url: "postgres://retention:secret@127.0.0.1/shop?schema=retention")
/// let engine = try StoredEngine(store: store, program: program, rules: rules)
/// _ = try engine.apply(events)
/// ```
public final class PostgresStore: RetentionStore {
    /// The server, database and schema.
    public let address: PostgresAddress
    let session: PostgresSession

    /// Connects to the store at `url` (see ``PostgresAddress/init(url:)``), creating or
    /// migrating its tables.
    public convenience init(url: String, logger: Logger? = nil) throws(StoreError) {
        try self.init(address: PostgresAddress(url: url), logger: logger)
    }

    /// Connects to the store at `address`, creating or migrating its tables. postgres-nio's
    /// own log goes to `logger` (by default, warnings and worse to the standard error).
    public init(address: PostgresAddress, logger: Logger? = nil) throws(StoreError) {
        // The schema is written into DDL and search_path unquoted, so only plain names pass.
        guard PostgresAddress.isPlainIdentifier(address.schema) else {
            throw StoreError(
                .failed, message: "\(address): the schema name \"\(address.schema)\" is not a plain name",
                hint: "use lower-case letters, digits and underscores, not starting with a digit, at most 63 characters")
        }
        self.address = address
        var fallback = Logger(label: "RetentionPostgres")
        fallback.logLevel = .warning
        session = PostgresSession(address: address, logger: logger ?? fallback)
        try migrate()
    }

    private func migrate() throws(StoreError) {
        let schema = address.schema
        let address = address
        try session.run("migrating the schema") { op in
            try op.query("BEGIN")
            do {
                try op.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))")
                try op.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
                try op.query(PostgresQuery(unsafeSQL: PostgresSchema.migrationsTable))
                let applied = Set(try op.query("SELECT identifier FROM retention_migrations").rows.map { try $0.decode(String.self) })
                let known = Set(PostgresSchema.migrations.map(\.identifier))
                let unknown = applied.subtracting(known)
                if !unknown.isEmpty {
                    throw StoreError(
                        .newerSchema,
                        message: "\(address) was written by a newer RetentionKit (schema migrations this one does not know: \(unknown.sorted().joined(separator: ", ")))",
                        hint: "open it with that RetentionKit or a later one; this one leaves it untouched")
                }
                for migration in PostgresSchema.migrations where !applied.contains(migration.identifier) {
                    for statement in migration.statements { try op.query(PostgresQuery(unsafeSQL: statement)) }
                    try op.query("INSERT INTO retention_migrations (identifier) VALUES (\(migration.identifier))")
                }
                try op.query("COMMIT")
            } catch {
                _ = try? op.query("ROLLBACK")
                throw error
            }
        }
    }

    // MARK: - Reading

    public func load() throws(StoreError) -> StoredState {
        try snapshot("loading customers", customersSQL: "SELECT \(Self.customerColumns) FROM customers", since: -1)
    }

    public func changes(since version: Int64) throws(StoreError) -> StoredState {
        try snapshot("reading changes", customersSQL: "SELECT \(Self.customerColumns) FROM customers WHERE version > $1", since: version)
    }

    /// The store's version, clock and shared state, and the customers `customersSQL` selects,
    /// from one snapshot (a repeatable-read transaction), so the customers are exactly those of
    /// the version read.
    private func snapshot(_ doing: String, customersSQL: String, since version: Int64) throws(StoreError) -> StoredState {
        try session.run(doing) { op in
            var customersQuery = PostgresQuery(unsafeSQL: customersSQL)
            if version >= 0 { customersQuery.binds.append(version) }
            let results = try op.wait([
                op.send("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
                op.send("SELECT version, clock, shared, shared_version FROM store_state WHERE id = 1"),
                op.send(customersQuery),
                op.send("COMMIT"),
            ])
            guard let stateRow = results[1].rows.first else {
                throw StoreError(.corrupt, message: "\(address): the store_state row is missing", hint: "restore the database from a backup")
            }
            let (storeVersion, clock, sharedBytes, sharedVersion) = try stateRow.decode((Int64, Int64?, ByteBuffer?, Int64).self)
            var shared: SharedState?
            if let sharedBytes, sharedVersion > version { shared = SharedState(state: Array(buffer: sharedBytes), version: sharedVersion) }
            return StoredState(
                customers: try results[2].rows.map(Self.customer), shared: shared, clock: clock.map(Timestamp.init(milliseconds:)),
                version: storeVersion)
        }
    }

    public func customers(_ ids: [String]) throws(StoreError) -> [CustomerRecord] {
        guard !ids.isEmpty else { return [] }
        return try session.run("reading customers") { op in
            try op.query("SELECT \(unescaped: Self.customerColumns) FROM customers WHERE id = ANY(\(ids))").rows.map(Self.customer)
        }
    }

    public func storedEventIDs(among ids: [String]) throws(StoreError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try session.run("looking up event ids") { op in
            Set(try op.query("SELECT id FROM events WHERE id = ANY(\(ids))").rows.map { try $0.decode(String.self) })
        }
    }

    public func balances(customerID: String?) throws(StoreError) -> [CustomerBalance] {
        try session.run("reading balances") { op in
            let columns = "id, to_char(as_of, 'YYYY-MM-DD'), available, pending, lifetime_earned, tier, segments"
            let query: PostgresQuery
            if let customerID {
                query = "SELECT \(unescaped: columns) FROM customers WHERE merged_into IS NULL AND id = \(customerID)"
            } else {
                query = "SELECT \(unescaped: columns) FROM customers WHERE merged_into IS NULL ORDER BY id COLLATE \"C\""
            }
            return try op.query(query).rows.map { row in
                let (id, asOf, available, pending, lifetime, tier, segments) = try row.decode((String, String, Int64, Int64, Int64, String?, [String]).self)
                return CustomerBalance(
                    customerID: id, asOf: try Self.day(asOf), available: available, pending: pending, lifetimeEarned: lifetime, tier: tier,
                    segments: segments)
            }
        }
    }

    public func outbox(after: Int64, limit: Int) throws(StoreError) -> [OutboxMessage] {
        try session.run("reading the outbox") { op in
            try op.query("""
                SELECT id, event_id, customer_id, campaign, trigger, reason, event_type, to_char(day, 'YYYY-MM-DD') FROM outbox
                WHERE NOT delivered AND id > \(after) ORDER BY id LIMIT \(Int64(limit))
                """
            ).rows.map { row in
                let (id, eventID, customerID, campaign, trigger, reason, eventType, day) =
                    try row.decode((Int64, String, String, String, String, String, String, String).self)
                return OutboxMessage(
                    id: id, eventID: eventID,
                    action: CampaignAction(
                        customerID: customerID, campaign: campaign, trigger: trigger, reason: reason, eventType: eventType, day: try Self.day(day)))
            }
        }
    }

    public func eventCounts() throws(StoreError) -> (stored: Int, rejected: Int) {
        try session.run("counting events") { op in
            guard let row = try op.query("SELECT count(*), count(*) FILTER (WHERE rejected) FROM events").rows.first else { return (0, 0) }
            let (stored, rejected) = try row.decode((Int64, Int64).self)
            return (Int(stored), Int(rejected))
        }
    }

    // MARK: - Writing

    public func markDelivered(_ ids: [Int64]) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try session.run("marking outbox messages delivered") { op in
            _ = try op.query("UPDATE outbox SET delivered = true WHERE id = ANY(\(ids))")
        }
    }

    public func commit(_ batch: CommitBatch) throws(StoreError) -> Int64 {
        try session.run("committing \(batch.events.count) events") { op in
            try PostgresBatchWriter(batch: batch).commit(op)
        }
    }

    // MARK: - Helpers

    static let customerColumns =
        "id, version, state, to_char(as_of, 'YYYY-MM-DD'), available, pending, lifetime_earned, tier, segments, merged_into"

    static func customer(_ row: PostgresRow) throws -> CustomerRecord {
        let (id, version, state, asOf, available, pending, lifetime, tier, segments, mergedInto) =
            try row.decode((String, Int64, ByteBuffer, String, Int64, Int64, Int64, String?, [String], String?).self)
        return CustomerRecord(
            id: id, state: Array(buffer: state), asOf: try day(asOf), available: available, pending: pending, lifetimeEarned: lifetime,
            tier: tier, segments: segments, mergedInto: mergedInto, version: version)
    }

    /// Days are written by this store only; one that does not parse is a corrupt row.
    static func day(_ text: String) throws -> Day {
        do {
            return try Day(iso: text)
        } catch {
            throw StoreError(.corrupt, message: "a stored day: \(error.message)", hint: "restore the database from a backup")
        }
    }
}
#endif
