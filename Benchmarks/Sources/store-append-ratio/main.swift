// Appends the engine's decisions for a synthetic store through SQLiteStore, batch by batch as a
// host importing would, and the same rows through the sqlite3 C API (one prepared statement per
// table, one transaction), in one run on one disk. Prints events/s for both and the ratio.
//
//   store-append-ratio [CUSTOMERS] [--batch N] [--folder PATH]
//
// 143,000 customers give about a million events. The decisions are computed first (the engine
// with the built-in reference program, outside the timing), so both sides write exactly the
// same rows: events with their encoded payloads, ledger entries, tier and segment changes,
// outbox messages, and the changed customers' records.
import CSQLite3
import Foundation
import RetentionKit
import RetentionSQLite
import DecidedBatches

let arguments = StoreBenchmarkArguments()
let customers = arguments.customers
let batchSize = arguments.batchSize
let folder = arguments.option("--folder") ?? FileManager.default.temporaryDirectory.path

let clock = ContinuousClock()
let decided = try DecidedBatches(customers: customers, batchSize: batchSize)
let events = decided.events
let batches = decided.batches
print(decided.summary)
let seconds = DecidedBatches.seconds

func freshPath(_ name: String) -> String {
    let path = "\(folder)/store-append-\(name)-\(getpid()).sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    return path
}

// MARK: - SQLiteStore

func runStore() throws -> Double {
    let path = freshPath("store")
    let store = try SQLiteStore(path: path)
    let start = clock.now
    for batch in batches { _ = try store.commit(batch) }
    return seconds(clock.now - start)
}

// MARK: - The reference: the sqlite3 C API

struct SQLiteFailure: Error { var message: String }

/// SQLITE_TRANSIENT: SQLite copies what is bound.
nonisolated(unsafe) let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

final class Statement {
    let handle: OpaquePointer
    let db: OpaquePointer
    init(_ db: OpaquePointer, _ sql: String) throws {
        var handle: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &handle, nil) == SQLITE_OK, let handle else {
            throw SQLiteFailure(message: String(cString: sqlite3_errmsg(db)))
        }
        self.handle = handle
        self.db = db
    }
    deinit { sqlite3_finalize(handle) }

    func bind(_ index: Int32, _ text: String?) {
        guard let text else { sqlite3_bind_null(handle, index); return }
        sqlite3_bind_text(handle, index, text, -1, transient)
    }
    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient) }
    }
    func step() throws {
        guard sqlite3_step(handle) == SQLITE_DONE else { throw SQLiteFailure(message: String(cString: sqlite3_errmsg(db))) }
        sqlite3_reset(handle)
    }
}

func runReference() throws -> Double {
    let path = freshPath("reference")
    _ = try SQLiteStore(path: path)  // the same schema, made by the store, then closed
    var db: OpaquePointer?
    guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw SQLiteFailure(message: "cannot open \(path)") }
    defer { sqlite3_close(db) }
    sqlite3_exec(db, "PRAGMA journal_mode = WAL", nil, nil, nil)
    let event = try Statement(db, "INSERT INTO events (id, type, at, customer_id, rejected, error, version, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    let entry = try Statement(db, """
        INSERT INTO ledger_entries (event_id, customer_id, key, kind, points, day, available_on, last_day, reason, rule, rule_version, order_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    let tier = try Statement(db, "INSERT INTO tier_changes (event_id, customer_id, from_tier, to_tier, upgrade, day, reason) VALUES (?, ?, ?, ?, ?, ?, ?)")
    let segment = try Statement(db, "INSERT INTO segment_changes (event_id, customer_id, segment, joined, day) VALUES (?, ?, ?, ?, ?)")
    let outbox = try Statement(db, "INSERT INTO outbox (event_id, customer_id, campaign, trigger, reason, event_type, day) VALUES (?, ?, ?, ?, ?, ?, ?)")
    let customer = try Statement(db, """
        INSERT OR REPLACE INTO customers (id, version, state, as_of, available, pending, lifetime_earned, tier, segments, merged_into)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    let start = clock.now
    sqlite3_exec(db, "BEGIN", nil, nil, nil)
    for (number, batch) in batches.enumerated() {
        let version = Int64(number + 1)
        for record in batch.customers {
            customer.bind(1, record.id); customer.bind(2, version); customer.bind(3, record.state); customer.bind(4, record.asOf.iso)
            customer.bind(5, record.available); customer.bind(6, record.pending); customer.bind(7, record.lifetimeEarned)
            customer.bind(8, record.tier); customer.bind(9, record.segments.joined(separator: ",")); customer.bind(10, record.mergedInto)
            try customer.step()
        }
        for logged in batch.events {
            let id = logged.event.id
            event.bind(1, id); event.bind(2, logged.event.type); event.bind(3, logged.event.at.milliseconds)
            event.bind(4, logged.event.customerID); event.bind(5, logged.rejection == nil ? 0 : 1); event.bind(6, logged.rejection?.message)
            event.bind(7, version); event.bind(8, logged.payload)
            try event.step()
            for item in logged.decisions.entries {
                let e = item.entry
                entry.bind(1, id); entry.bind(2, item.customerID); entry.bind(3, e.key); entry.bind(4, e.kind.rawValue)
                entry.bind(5, e.points.value); entry.bind(6, e.day.iso); entry.bind(7, e.availableOn?.iso); entry.bind(8, e.lastDay?.iso)
                entry.bind(9, e.source.reason); entry.bind(10, e.source.rule); entry.bind(11, e.source.ruleVersion); entry.bind(12, e.source.orderID)
                try entry.step()
            }
            for change in logged.decisions.tierChanges {
                tier.bind(1, id); tier.bind(2, change.customerID); tier.bind(3, change.from); tier.bind(4, change.to)
                tier.bind(5, change.isUpgrade ? 1 : 0); tier.bind(6, change.day.iso); tier.bind(7, change.reason)
                try tier.step()
            }
            for change in logged.decisions.segmentChanges {
                segment.bind(1, id); segment.bind(2, change.customerID); segment.bind(3, change.segment)
                segment.bind(4, change.joined ? 1 : 0); segment.bind(5, change.day.iso)
                try segment.step()
            }
            for action in logged.decisions.campaignActions {
                outbox.bind(1, id); outbox.bind(2, action.customerID); outbox.bind(3, action.campaign); outbox.bind(4, action.trigger)
                outbox.bind(5, action.reason); outbox.bind(6, action.eventType); outbox.bind(7, action.day.iso)
                try outbox.step()
            }
        }
    }
    sqlite3_exec(db, "COMMIT", nil, nil, nil)
    return seconds(clock.now - start)
}

// Alternating rounds; the best of each.
var best = (store: Double.infinity, reference: Double.infinity)
for round in 1...2 {
    let reference = try runReference()
    let store = try runStore()
    best = (min(best.store, store), min(best.reference, reference))
    print(String(format: "round %d: reference %.2f s, SQLiteStore %.2f s", round, reference, store))
}
let count = Double(events.count)
print(String(format: """
    sqlite3 C API, one transaction:        %9.0f events/s
    SQLiteStore, a transaction per batch:  %9.0f events/s
    ratio (store time / reference time):   %.2f× (target: within 2×)
    """, count / best.reference, count / best.store, best.store / best.reference))
