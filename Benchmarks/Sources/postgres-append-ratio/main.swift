// Appends the engine's decisions for a synthetic store through PostgresStore, a transaction per
// batch as a host importing would, and the same rows through two references, each in one
// transaction over postgres-nio: COPY in text format (one per table, streamed) and multi-row
// INSERT with binary parameters. One run, one server; prints events/s and the ratio to the
// faster reference.
//
//   postgres-append-ratio [CUSTOMERS] [--batch N] [--url postgres://…]
//
// Build with the Postgres trait: swift build -c release --traits Postgres --product postgres-append-ratio.
// The server is RETENTION_POSTGRES_URL (or --url); each round writes into a fresh schema, dropped
// afterwards. The references write customer records into a table without a primary key (COPY
// cannot update), which makes them a little faster than any upsert: strict references.
#if Postgres
import DecidedBatches
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import RetentionKit
import RetentionPostgres

let arguments = StoreBenchmarkArguments()
let customers = arguments.customers
let batchSize = arguments.batchSize
guard let url = arguments.option("--url") ?? ProcessInfo.processInfo.environment["RETENTION_POSTGRES_URL"] else {
    print("postgres-append-ratio: name the server with --url postgres://… or RETENTION_POSTGRES_URL (scripts/postgres starts one)")
    exit(2)
}

let clock = ContinuousClock()
let decided = try DecidedBatches(customers: customers, batchSize: batchSize)
print(decided.summary)
let logger = Logger(label: "postgres-append-ratio")

func schemaURL(_ schema: String) -> String { url + (url.contains("?") ? "&" : "?") + "schema=\(schema)" }

func connect(schema: String) async throws -> PostgresConnection {
    let address = try PostgresAddress(url: schemaURL(schema))
    var configuration = PostgresConnection.Configuration(
        host: address.host, port: address.port, username: address.username, password: address.password, database: address.database,
        tls: .disable)
    configuration.options.additionalStartupParameters = [("search_path", schema)]
    return try await PostgresConnection.connect(
        on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger)
}

func dropSchema(_ schema: String) async throws {
    let connection = try await connect(schema: schema)
    try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"), logger: logger)
    try await connection.close()
}

// MARK: - PostgresStore

@MainActor func runStore(round: Int) async throws -> Double {
    let schema = "bench_store_\(getpid())_\(round)"
    let store = try PostgresStore(url: schemaURL(schema))
    let start = clock.now
    for batch in decided.batches { _ = try store.commit(batch) }
    let elapsed = DecidedBatches.seconds(clock.now - start)
    try await dropSchema(schema)
    return elapsed
}

// MARK: - The reference: COPY

/// Rows in COPY's text format: tab-separated, `\N` for NULL, backslash escapes.
struct CopyText {
    var bytes: [UInt8] = []

    mutating func field(_ text: String?) {
        if !bytes.isEmpty, bytes.last != 0x0A { bytes.append(0x09) }
        guard let text else { bytes += [0x5C, 0x4E]; return }
        for byte in text.utf8 {
            switch byte {
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            default: bytes.append(byte)
            }
        }
    }
    mutating func field(_ value: Int64) { field(String(value)) }
    mutating func field(_ value: Bool) { field(value ? "t" : "f") }
    mutating func field(bytea: [UInt8]) {
        if !bytes.isEmpty, bytes.last != 0x0A { bytes.append(0x09) }
        bytes += [0x5C, 0x5C, 0x78]  // \\x: COPY unescapes it to bytea's \x hex prefix
        let digits = Array("0123456789abcdef".utf8)
        for byte in bytea {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
    }
    mutating func field(array: [String]) {
        field("{" + array.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}")
    }
    mutating func endRow() { bytes.append(0x0A) }
}

/// One `COPY` into `table`, its rows written batch by batch and sent a megabyte at a time, so
/// the text of a million events is never held whole.
@MainActor func copy(
    _ connection: PostgresConnection, table: String, columns: [String], rows: @escaping (Int, CommitBatch, inout CopyText) -> Void
) async throws {
    let batches = decided.batches
    try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
        var text = CopyText()
        for (number, batch) in batches.enumerated() {
            rows(number, batch, &text)
            if text.bytes.count >= 1 << 20 || number == batches.count - 1 {
                try await writer.write(ByteBuffer(bytes: text.bytes))
                text.bytes.removeAll(keepingCapacity: true)
            }
        }
    }
}

/// Makes a fresh schema with the store's tables, plus `customers_copy`: the customers table
/// without its primary key, since both references write every version of a record as a row.
@MainActor func prepareReference(_ schema: String) async throws -> PostgresConnection {
    _ = try PostgresStore(url: schemaURL(schema))
    let connection = try await connect(schema: schema)
    try await connection.query("CREATE TABLE customers_copy (LIKE customers)", logger: logger)
    return connection
}

/// Checks the reference stored every event, then drops its schema.
@MainActor func finishReference(_ connection: PostgresConnection, schema: String) async throws {
    let stored = try await connection.query("SELECT count(*) FROM events", logger: logger).collect()
    let count = try stored.first?.decode(Int64.self) ?? 0
    precondition(count == Int64(decided.events.count), "the reference stored \(count) events, not \(decided.events.count)")
    try await connection.close()
    try await dropSchema(schema)
}

@MainActor func runCopy(round: Int) async throws -> Double {
    let schema = "bench_copy_\(getpid())_\(round)"
    let connection = try await prepareReference(schema)
    let start = clock.now
    try await connection.query("BEGIN", logger: logger)
    try await copy(
        connection, table: "customers_copy",
        columns: ["id", "version", "state", "as_of", "available", "pending", "lifetime_earned", "tier", "segments", "merged_into"]
    ) { number, batch, text in
        for record in batch.customers {
            text.field(record.id); text.field(Int64(number + 1)); text.field(bytea: record.state); text.field(record.asOf.iso)
            text.field(record.available); text.field(record.pending); text.field(record.lifetimeEarned); text.field(record.tier)
            text.field(array: record.segments); text.field(record.mergedInto)
            text.endRow()
        }
    }
    try await copy(connection, table: "events", columns: ["id", "type", "at", "customer_id", "rejected", "error", "version", "payload"]) {
        number, batch, text in
        for logged in batch.events {
            text.field(logged.event.id); text.field(logged.event.type); text.field(logged.event.at.iso); text.field(logged.event.customerID)
            text.field(logged.rejection != nil); text.field(logged.rejection?.message); text.field(Int64(number + 1))
            text.field(bytea: logged.payload)
            text.endRow()
        }
    }
    try await copy(connection, table: "ledger_entries", columns: Rows.ledgerColumns) { _, batch, text in
        for logged in batch.events {
            for item in logged.decisions.entries {
                let e = item.entry
                text.field(logged.event.id); text.field(item.customerID); text.field(e.key); text.field(e.kind.rawValue)
                text.field(e.points.value); text.field(e.day.iso); text.field(e.availableOn?.iso); text.field(e.lastDay?.iso)
                text.field(e.source.reason); text.field(e.source.rule); text.field(e.source.ruleVersion); text.field(e.source.orderID)
                text.endRow()
            }
        }
    }
    try await copy(connection, table: "tier_changes", columns: Rows.tierColumns) { _, batch, text in
        for logged in batch.events {
            for change in logged.decisions.tierChanges {
                text.field(logged.event.id); text.field(change.customerID); text.field(change.from); text.field(change.to)
                text.field(change.isUpgrade); text.field(change.day.iso); text.field(change.reason)
                text.endRow()
            }
        }
    }
    try await copy(connection, table: "segment_changes", columns: Rows.segmentColumns) { _, batch, text in
        for logged in batch.events {
            for change in logged.decisions.segmentChanges {
                text.field(logged.event.id); text.field(change.customerID); text.field(change.segment); text.field(change.joined)
                text.field(change.day.iso)
                text.endRow()
            }
        }
    }
    try await copy(connection, table: "outbox", columns: Rows.outboxColumns) { _, batch, text in
        for logged in batch.events {
            for action in logged.decisions.campaignActions {
                text.field(logged.event.id); text.field(action.customerID); text.field(action.campaign); text.field(action.trigger)
                text.field(action.reason); text.field(action.eventType); text.field(action.day.iso)
                text.endRow()
            }
        }
    }
    try await connection.query("UPDATE store_state SET version = \(Int64(decided.batches.count)) WHERE id = 1", logger: logger)
    try await connection.query("COMMIT", logger: logger)
    let elapsed = DecidedBatches.seconds(clock.now - start)
    try await finishReference(connection, schema: schema)
    return elapsed
}

// MARK: - The second reference: multi-row INSERT with binary parameters

/// Every decided row, table by table, flattened once outside the timing.
struct Rows {
    static let ledgerColumns = ["event_id", "customer_id", "key", "kind", "points", "day", "available_on", "last_day", "reason", "rule", "rule_version", "order_id"]
    static let tierColumns = ["event_id", "customer_id", "from_tier", "to_tier", "upgrade", "day", "reason"]
    static let segmentColumns = ["event_id", "customer_id", "segment", "joined", "day"]
    static let outboxColumns = ["event_id", "customer_id", "campaign", "trigger", "reason", "event_type", "day"]

    var customers: [(version: Int64, record: CustomerRecord)] = []
    var events: [(version: Int64, logged: CommitBatch.LoggedEvent)] = []
    var entries: [(eventID: String, entry: CustomerEntry)] = []
    var tierChanges: [(eventID: String, change: TierChange)] = []
    var segmentChanges: [(eventID: String, change: SegmentChange)] = []
    var actions: [(eventID: String, action: CampaignAction)] = []

    init(_ batches: [CommitBatch]) {
        for (number, batch) in batches.enumerated() {
            customers += batch.customers.map { (Int64(number + 1), $0) }
            for logged in batch.events {
                events.append((Int64(number + 1), logged))
                entries += logged.decisions.entries.map { (logged.event.id, $0) }
                tierChanges += logged.decisions.tierChanges.map { (logged.event.id, $0) }
                segmentChanges += logged.decisions.segmentChanges.map { (logged.event.id, $0) }
                actions += logged.decisions.campaignActions.map { (logged.event.id, $0) }
            }
        }
    }
}

/// `INSERT INTO table (columns) VALUES (…), (…)`: as many rows a statement as Postgres's 65,535
/// parameters allow (at most 1,000), every value a binary parameter; `casts` names the columns
/// whose text parameter Postgres must convert (dates, timestamps).
@MainActor func insert(
    _ connection: PostgresConnection, table: String, columns: [String], casts: [String: String] = [:], count: Int,
    bind: (Int, inout PostgresBindings) throws -> Void
) async throws {
    let perStatement = min(1_000, 65_535 / columns.count)
    func statement(rows: Int) -> String {
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        var parameter = 0
        for row in 0..<rows {
            sql += row == 0 ? "(" : ", ("
            for (index, column) in columns.enumerated() {
                parameter += 1
                sql += (index == 0 ? "$" : ", $") + String(parameter) + (casts[column].map { "::" + $0 } ?? "")
            }
            sql += ")"
        }
        return sql
    }
    let full = statement(rows: perStatement)
    for first in stride(from: 0, to: count, by: perStatement) {
        let rows = min(perStatement, count - first)
        var binds = PostgresBindings(capacity: rows * columns.count)
        for row in first..<first + rows { try bind(row, &binds) }
        try await connection.query(PostgresQuery(unsafeSQL: rows == perStatement ? full : statement(rows: rows), binds: binds), logger: logger)
    }
}

@MainActor func runInsert(round: Int) async throws -> Double {
    let schema = "bench_insert_\(getpid())_\(round)"
    let connection = try await prepareReference(schema)
    let rows = Rows(decided.batches)
    let day = ["as_of": "date", "day": "date", "available_on": "date", "last_day": "date"]
    let start = clock.now
    try await connection.query("BEGIN", logger: logger)
    try await insert(
        connection, table: "customers_copy",
        columns: ["id", "version", "state", "as_of", "available", "pending", "lifetime_earned", "tier", "segments", "merged_into"], casts: day,
        count: rows.customers.count
    ) { index, binds in
        let (version, record) = rows.customers[index]
        binds.append(record.id); binds.append(version); binds.append(ByteBuffer(bytes: record.state)); binds.append(record.asOf.iso)
        binds.append(record.available); binds.append(record.pending); binds.append(record.lifetimeEarned); binds.append(record.tier)
        binds.append(record.segments); binds.append(record.mergedInto)
    }
    try await insert(
        connection, table: "events", columns: ["id", "type", "at", "customer_id", "rejected", "error", "version", "payload"],
        casts: ["at": "timestamptz"], count: rows.events.count
    ) { index, binds in
        let (version, logged) = rows.events[index]
        binds.append(logged.event.id); binds.append(logged.event.type); binds.append(logged.event.at.iso); binds.append(logged.event.customerID)
        binds.append(logged.rejection != nil); binds.append(logged.rejection?.message); binds.append(version)
        binds.append(ByteBuffer(bytes: logged.payload))
    }
    try await insert(connection, table: "ledger_entries", columns: Rows.ledgerColumns, casts: day, count: rows.entries.count) { index, binds in
        let (eventID, item) = rows.entries[index]
        let e = item.entry
        binds.append(eventID); binds.append(item.customerID); binds.append(e.key); binds.append(e.kind.rawValue)
        binds.append(e.points.value); binds.append(e.day.iso); binds.append(e.availableOn?.iso); binds.append(e.lastDay?.iso)
        binds.append(e.source.reason); binds.append(e.source.rule); binds.append(e.source.ruleVersion); binds.append(e.source.orderID)
    }
    try await insert(connection, table: "tier_changes", columns: Rows.tierColumns, casts: day, count: rows.tierChanges.count) { index, binds in
        let (eventID, change) = rows.tierChanges[index]
        binds.append(eventID); binds.append(change.customerID); binds.append(change.from); binds.append(change.to)
        binds.append(change.isUpgrade); binds.append(change.day.iso); binds.append(change.reason)
    }
    try await insert(connection, table: "segment_changes", columns: Rows.segmentColumns, casts: day, count: rows.segmentChanges.count) {
        index, binds in
        let (eventID, change) = rows.segmentChanges[index]
        binds.append(eventID); binds.append(change.customerID); binds.append(change.segment); binds.append(change.joined)
        binds.append(change.day.iso)
    }
    try await insert(connection, table: "outbox", columns: Rows.outboxColumns, casts: day, count: rows.actions.count) { index, binds in
        let (eventID, action) = rows.actions[index]
        binds.append(eventID); binds.append(action.customerID); binds.append(action.campaign); binds.append(action.trigger)
        binds.append(action.reason); binds.append(action.eventType); binds.append(action.day.iso)
    }
    try await connection.query("UPDATE store_state SET version = \(Int64(decided.batches.count)) WHERE id = 1", logger: logger)
    try await connection.query("COMMIT", logger: logger)
    let elapsed = DecidedBatches.seconds(clock.now - start)
    try await finishReference(connection, schema: schema)
    return elapsed
}

// Alternating rounds; the best of each.
var best = (store: Double.infinity, copy: Double.infinity, insert: Double.infinity)
for round in 1...2 {
    let copy = try await runCopy(round: round)
    let insert = try await runInsert(round: round)
    let store = try await runStore(round: round)
    best = (min(best.store, store), min(best.copy, copy), min(best.insert, insert))
    print(String(format: "round %d: COPY %.2f s, multi-row INSERT %.2f s, PostgresStore %.2f s", round, copy, insert, store))
}
let count = Double(decided.events.count)
let reference = min(best.copy, best.insert)
print(String(format: """
    COPY (text), one transaction:                  %9.0f events/s
    multi-row INSERT (binary), one transaction:    %9.0f events/s
    PostgresStore, a transaction per batch:        %9.0f events/s
    ratio (store time / faster reference's time):  %.2f× (target: within 2×)
    """, count / best.copy, count / best.insert, count / best.store, best.store / reference))
#else
print("postgres-append-ratio needs PostgreSQL support: swift build -c release --traits Postgres --product postgres-append-ratio")
#endif
