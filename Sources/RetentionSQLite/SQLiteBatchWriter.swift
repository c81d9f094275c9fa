import Foundation
import GRDB
import RetentionKit

/// Writes one ``CommitBatch`` inside the caller's transaction, with one cached statement per
/// table.
struct SQLiteBatchWriter {
    let db: Database
    let version: Int64

    func write(_ batch: CommitBatch) throws {
        try checkReads(batch.reads)
        try writeCustomers(batch.customers)
        if let shared = batch.shared {
            try db.execute(
                sql: "UPDATE store_state SET shared = ?, shared_version = ? WHERE id = 1 AND shared_version = ?",
                arguments: [Data(shared.state), version, shared.version])
            guard db.changesCount == 1 else {
                throw StoreError(.conflict, message: "the shared state (campaign budgets, merges) changed since it was read")
            }
        }
        let event = try db.cachedStatement(sql: """
            INSERT INTO events (id, type, at, customer_id, rejected, error, version, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let entry = try db.cachedStatement(sql: """
            INSERT INTO ledger_entries (event_id, customer_id, key, kind, points, day, available_on, last_day, reason, rule, rule_version, order_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for logged in batch.events {
            let id = logged.event.id
            event.setUncheckedArguments([
                id, logged.event.type, logged.event.at.milliseconds, logged.event.customerID, logged.rejection != nil,
                logged.rejection?.message, version, Data(logged.payload),
            ])
            try event.execute()
            let decisions = logged.decisions
            for item in decisions.entries {
                let e = item.entry
                entry.setUncheckedArguments([
                    id, item.customerID, e.key, e.kind.rawValue, e.points.value, e.day.iso, e.availableOn?.iso, e.lastDay?.iso,
                    e.source.reason, e.source.rule, e.source.ruleVersion, e.source.orderID,
                ])
                try entry.execute()
            }
            if !decisions.tierChanges.isEmpty {
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO tier_changes (event_id, customer_id, from_tier, to_tier, upgrade, day, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for change in decisions.tierChanges {
                    try statement.execute(arguments: [id, change.customerID, change.from, change.to, change.isUpgrade, change.day.iso, change.reason])
                }
            }
            if !decisions.segmentChanges.isEmpty {
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO segment_changes (event_id, customer_id, segment, joined, day) VALUES (?, ?, ?, ?, ?)
                    """)
                for change in decisions.segmentChanges {
                    try statement.execute(arguments: [id, change.customerID, change.segment, change.joined, change.day.iso])
                }
            }
            if !decisions.campaignActions.isEmpty {
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO outbox (event_id, customer_id, campaign, trigger, reason, event_type, day) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for action in decisions.campaignActions {
                    try statement.execute(arguments: [
                        id, action.customerID, action.campaign, action.trigger, action.reason, action.eventType, action.day.iso,
                    ])
                }
            }
        }
    }

    /// Customers the batch only read must still be at the version it read them at (absent for
    /// version 0). The caller's write transaction keeps other writers out until it ends.
    private func checkReads(_ reads: [CustomerRead]) throws {
        guard !reads.isEmpty else { return }
        let select = try db.cachedStatement(sql: "SELECT version FROM customers WHERE id = ?")
        for read in reads {
            let current = try Int64.fetchOne(select, arguments: [read.id]) ?? 0
            guard current == read.version else {
                throw StoreError(.conflict, message: "customer \(read.id) changed since it was read (at version \(read.version), now \(current))")
            }
        }
    }

    /// New customers are inserted (a clash means another writer created them first); known
    /// ones are updated only at the version they were read at.
    private func writeCustomers(_ records: [CustomerRecord]) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO customers (id, version, state, as_of, available, pending, lifetime_earned, tier, segments, merged_into)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let update = try db.cachedStatement(sql: """
            UPDATE customers SET version = ?, state = ?, as_of = ?, available = ?, pending = ?, lifetime_earned = ?, tier = ?, segments = ?,
            merged_into = ? WHERE id = ? AND version = ?
            """)
        for record in records {
            let segments = record.segments.joined(separator: ",")
            if record.version == 0 {
                insert.setUncheckedArguments([
                    record.id, version, Data(record.state), record.asOf.iso, record.available, record.pending, record.lifetimeEarned, record.tier,
                    segments, record.mergedInto,
                ])
                try insert.execute()
            } else {
                update.setUncheckedArguments([
                    version, Data(record.state), record.asOf.iso, record.available, record.pending, record.lifetimeEarned, record.tier, segments,
                    record.mergedInto, record.id, record.version,
                ])
                try update.execute()
                guard db.changesCount == 1 else {
                    throw StoreError(.conflict, message: "customer \(record.id) changed since it was read (at version \(record.version))")
                }
            }
        }
    }
}
