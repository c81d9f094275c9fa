// Appends the engine's decisions for a synthetic store through PostgresStore, a transaction per
// batch as a host importing would, and the same rows through COPY (one COPY per table, all in
// one transaction, over postgres-nio), in one run on one server. Prints events/s and the ratio.
//
//   postgres-append-ratio [CUSTOMERS] [--batch N] [--url postgres://…]
//
// Build with the Postgres trait: swift build -c release --traits Postgres --product postgres-append-ratio.
// The server is RETENTION_POSTGRES_URL (or --url); each round writes into a fresh schema, dropped
// afterwards. The reference copies customer records into a table without a primary key (COPY
// cannot update), which makes it a little faster than any upsert: a strict reference.
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

@MainActor func copy(_ connection: PostgresConnection, table: String, columns: [String], rows: (inout CopyText) -> Void) async throws {
    var text = CopyText()
    rows(&text)
    try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
        let chunk = 1 << 20
        for first in stride(from: 0, to: text.bytes.count, by: chunk) {
            try await writer.write(ByteBuffer(bytes: text.bytes[first..<min(first + chunk, text.bytes.count)]))
        }
    }
}

@MainActor func runReference(round: Int) async throws -> Double {
    let schema = "bench_copy_\(getpid())_\(round)"
    _ = try PostgresStore(url: schemaURL(schema))  // the same tables, made by the store
    let connection = try await connect(schema: schema)
    try await connection.query("CREATE TABLE customers_copy (LIKE customers)", logger: logger)
    let batches = decided.batches
    let start = clock.now
    try await connection.query("BEGIN", logger: logger)
    try await copy(
        connection, table: "customers_copy",
        columns: ["id", "version", "state", "as_of", "available", "pending", "lifetime_earned", "tier", "segments", "merged_into"]
    ) { text in
        for (number, batch) in batches.enumerated() {
            for record in batch.customers {
                text.field(record.id); text.field(Int64(number + 1)); text.field(bytea: record.state); text.field(record.asOf.iso)
                text.field(record.available); text.field(record.pending); text.field(record.lifetimeEarned); text.field(record.tier)
                text.field(array: record.segments); text.field(record.mergedInto)
                text.endRow()
            }
        }
    }
    try await copy(connection, table: "events", columns: ["id", "type", "at", "customer_id", "rejected", "error", "version", "payload"]) { text in
        for (number, batch) in batches.enumerated() {
            for logged in batch.events {
                text.field(logged.event.id); text.field(logged.event.type); text.field(logged.event.at.iso); text.field(logged.event.customerID)
                text.field(logged.rejection != nil); text.field(logged.rejection?.message); text.field(Int64(number + 1))
                text.field(bytea: logged.payload)
                text.endRow()
            }
        }
    }
    try await copy(
        connection, table: "ledger_entries",
        columns: ["event_id", "customer_id", "key", "kind", "points", "day", "available_on", "last_day", "reason", "rule", "rule_version", "order_id"]
    ) { text in
        for batch in batches {
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
    }
    try await copy(connection, table: "tier_changes", columns: ["event_id", "customer_id", "from_tier", "to_tier", "upgrade", "day", "reason"]) {
        text in
        for batch in batches {
            for logged in batch.events {
                for change in logged.decisions.tierChanges {
                    text.field(logged.event.id); text.field(change.customerID); text.field(change.from); text.field(change.to)
                    text.field(change.isUpgrade); text.field(change.day.iso); text.field(change.reason)
                    text.endRow()
                }
            }
        }
    }
    try await copy(connection, table: "segment_changes", columns: ["event_id", "customer_id", "segment", "joined", "day"]) { text in
        for batch in batches {
            for logged in batch.events {
                for change in logged.decisions.segmentChanges {
                    text.field(logged.event.id); text.field(change.customerID); text.field(change.segment); text.field(change.joined)
                    text.field(change.day.iso)
                    text.endRow()
                }
            }
        }
    }
    try await copy(
        connection, table: "outbox", columns: ["event_id", "customer_id", "campaign", "trigger", "reason", "event_type", "day"]
    ) { text in
        for batch in batches {
            for logged in batch.events {
                for action in logged.decisions.campaignActions {
                    text.field(logged.event.id); text.field(action.customerID); text.field(action.campaign); text.field(action.trigger)
                    text.field(action.reason); text.field(action.eventType); text.field(action.day.iso)
                    text.endRow()
                }
            }
        }
    }
    try await connection.query("UPDATE store_state SET version = \(Int64(batches.count)) WHERE id = 1", logger: logger)
    try await connection.query("COMMIT", logger: logger)
    let elapsed = DecidedBatches.seconds(clock.now - start)
    let copied = try await connection.query("SELECT count(*) FROM events", logger: logger).collect()
    let count = try copied.first?.decode(Int64.self) ?? 0
    precondition(count == Int64(decided.events.count), "the reference copied \(count) events, not \(decided.events.count)")
    try await connection.close()
    try await dropSchema(schema)
    return elapsed
}

// Alternating rounds; the best of each.
var best = (store: Double.infinity, reference: Double.infinity)
for round in 1...2 {
    let reference = try await runReference(round: round)
    let store = try await runStore(round: round)
    best = (min(best.store, store), min(best.reference, reference))
    print(String(format: "round %d: COPY %.2f s, PostgresStore %.2f s", round, reference, store))
}
let count = Double(decided.events.count)
print(String(format: """
    COPY, one transaction:                   %9.0f events/s
    PostgresStore, a transaction per batch:  %9.0f events/s
    ratio (store time / reference time):     %.2f× (target: within 2×)
    """, count / best.reference, count / best.store, best.store / best.reference))
#else
print("postgres-append-ratio needs PostgreSQL support: swift build -c release --traits Postgres --product postgres-append-ratio")
#endif
