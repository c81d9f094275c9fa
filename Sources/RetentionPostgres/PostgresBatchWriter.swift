#if Postgres
import NIOCore
import PostgresNIO
import RetentionKit

/// Commits one ``CommitBatch`` as one transaction: a statement per table, each row's values
/// sent as array parameters and unpacked with `unnest`, all sent at once and waited for
/// together.
///
/// The first statement takes the store's version row lock, so commits are ordered by their
/// versions. Customers the batch only read must still be at the version it read them at,
/// customers are updated only at the version they were read at and the shared state
/// only at its version; when any of them changed, `retention_expect` raises a conflict and the
/// transaction is rolled back, as it is when an event id or a new customer is already stored.
struct PostgresBatchWriter {
    let batch: CommitBatch

    /// The version this transaction takes, for statements that stamp rows with it.
    private static let currentVersion = "(SELECT version FROM store_state WHERE id = 1)"
    /// Joins segment names for `string_to_array` (the unit separator, which names never hold).
    private static let segmentSeparator = "\u{1F}"

    func commit(_ op: PostgresSession.Operation) throws -> Int64 {
        var sent = [
            op.send("BEGIN"),
            op.send("UPDATE store_state SET version = version + 1, clock = greatest(clock, \(batch.clock?.milliseconds)) WHERE id = 1 RETURNING version"),
        ]
        if !batch.reads.isEmpty { sent.append(op.send(checkReads(batch.reads))) }
        let created = batch.customers.filter { $0.version == 0 }
        let known = batch.customers.filter { $0.version != 0 }
        if !created.isEmpty { sent.append(op.send(insertCustomers(created))) }
        if !known.isEmpty { sent.append(op.send(updateCustomers(known))) }
        if let shared = batch.shared { sent.append(op.send(updateShared(shared))) }
        sent.append(op.send(insertEvents()))
        let entries = batch.events.flatMap { logged in logged.decisions.entries.map { (logged.event.id, $0) } }
        if !entries.isEmpty { sent.append(op.send(insertLedgerEntries(entries))) }
        let tierChanges = batch.events.flatMap { logged in logged.decisions.tierChanges.map { (logged.event.id, $0) } }
        if !tierChanges.isEmpty { sent.append(op.send(insertTierChanges(tierChanges))) }
        let segmentChanges = batch.events.flatMap { logged in logged.decisions.segmentChanges.map { (logged.event.id, $0) } }
        if !segmentChanges.isEmpty { sent.append(op.send(insertSegmentChanges(segmentChanges))) }
        let actions = batch.events.flatMap { logged in logged.decisions.campaignActions.map { (logged.event.id, $0) } }
        if !actions.isEmpty { sent.append(op.send(insertOutbox(actions))) }
        sent.append(op.send("COMMIT"))

        let results = try op.wait(sent)
        guard results.last?.metadata.command == "COMMIT", let row = results[1].rows.first else {
            throw StoreError(.failed, message: "the transaction ended with \(results.last?.metadata.command ?? "nothing") instead of COMMIT")
        }
        return try row.decode(Int64.self)
    }

    /// Customers the batch only read must still be at the version it read them at (absent for
    /// version 0). Taken after the version lock, so no commit can change them before this one ends.
    private func checkReads(_ reads: [CustomerRead]) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            WITH changed AS (
                SELECT r.id FROM unnest($1::text[], $2::int8[]) AS r(id, base)
                LEFT JOIN customers c ON c.id = r.id
                WHERE coalesce(c.version, 0) <> r.base
            )
            SELECT retention_expect(NOT EXISTS (SELECT 1 FROM changed),
                'customers changed since they were read: ' || coalesce((SELECT string_agg(id, ', ') FROM changed), ''))
            """)
        query.binds.append(PostgresColumn(reads.map(\.id)))
        query.binds.append(PostgresColumn(reads.map(\.version)))
        return query
    }

    private func insertCustomers(_ records: [CustomerRecord]) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            INSERT INTO customers (id, version, state, as_of, available, pending, lifetime_earned, tier, segments, merged_into)
            SELECT u.id, \(Self.currentVersion), u.state, u.as_of::date, u.available, u.pending, u.lifetime_earned, u.tier,
                   string_to_array(u.segments, chr(31)), u.merged_into
            FROM unnest($1::text[], $2::bytea[], $3::text[], $4::int8[], $5::int8[], $6::int8[], $7::text[], $8::text[], $9::text[])
                 AS u(id, state, as_of, available, pending, lifetime_earned, tier, segments, merged_into)
            """)
        query.binds.append(PostgresColumn(records.map(\.id)))
        query.binds.append(PostgresColumn(records.map { ByteBuffer(bytes: $0.state) }))
        appendFigures(of: records, to: &query.binds)
        return query
    }

    private func updateCustomers(_ records: [CustomerRecord]) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            WITH u AS (
                SELECT * FROM unnest($1::text[], $2::int8[], $3::bytea[], $4::text[], $5::int8[], $6::int8[], $7::int8[], $8::text[], $9::text[], $10::text[])
                    AS u(id, base, state, as_of, available, pending, lifetime_earned, tier, segments, merged_into)
            ), updated AS (
                UPDATE customers c SET version = \(Self.currentVersion), state = u.state, as_of = u.as_of::date, available = u.available,
                    pending = u.pending, lifetime_earned = u.lifetime_earned, tier = u.tier, segments = string_to_array(u.segments, chr(31)),
                    merged_into = u.merged_into
                FROM u WHERE c.id = u.id AND c.version = u.base
                RETURNING c.id
            )
            SELECT retention_expect(
                (SELECT count(*) FROM updated) = $11,
                'customers changed since they were read: ' || coalesce((SELECT string_agg(u.id, ', ') FROM u WHERE u.id NOT IN (SELECT id FROM updated)), ''))
            """)
        query.binds.append(PostgresColumn(records.map(\.id)))
        query.binds.append(PostgresColumn(records.map(\.version)))
        query.binds.append(PostgresColumn(records.map { ByteBuffer(bytes: $0.state) }))
        appendFigures(of: records, to: &query.binds)
        query.binds.append(Int64(records.count))
        return query
    }

    /// The columns both customer statements share, in the order they list them.
    private func appendFigures(of records: [CustomerRecord], to binds: inout PostgresBindings) {
        binds.append(PostgresColumn(records.map(\.asOf.iso)))
        binds.append(PostgresColumn(records.map(\.available)))
        binds.append(PostgresColumn(records.map(\.pending)))
        binds.append(PostgresColumn(records.map(\.lifetimeEarned)))
        binds.append(PostgresColumn(records.map(\.tier)))
        binds.append(PostgresColumn(records.map { $0.segments.joined(separator: Self.segmentSeparator) }))
        binds.append(PostgresColumn(records.map(\.mergedInto)))
    }

    private func updateShared(_ shared: SharedState) -> PostgresQuery {
        """
        WITH s AS (
            UPDATE store_state SET shared = \(ByteBuffer(bytes: shared.state)), shared_version = version
            WHERE id = 1 AND shared_version = \(shared.version) RETURNING 1
        )
        SELECT retention_expect(EXISTS (SELECT 1 FROM s), 'the shared state (campaign budgets, merges) changed since it was read')
        """
    }

    private func insertEvents() -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            INSERT INTO events (id, type, at, customer_id, rejected, error, version, payload)
            SELECT u.id, u.type, timestamptz 'epoch' + u.at * interval '1 millisecond', u.customer_id, u.rejected, u.error,
                   \(Self.currentVersion), u.payload
            FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::bool[], $6::text[], $7::bytea[]) WITH ORDINALITY
                 AS u(id, type, at, customer_id, rejected, error, payload, n)
            ORDER BY u.n
            """)
        let events = batch.events
        query.binds.append(PostgresColumn(events.map(\.event.id)))
        query.binds.append(PostgresColumn(events.map(\.event.type)))
        query.binds.append(PostgresColumn(events.map(\.event.at.milliseconds)))
        query.binds.append(PostgresColumn(events.map(\.event.customerID)))
        query.binds.append(PostgresColumn(events.map { $0.rejection != nil }))
        query.binds.append(PostgresColumn(events.map { $0.rejection?.message }))
        query.binds.append(PostgresColumn(events.map { ByteBuffer(bytes: $0.payload) }))
        return query
    }

    private func insertLedgerEntries(_ rows: [(String, CustomerEntry)]) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            INSERT INTO ledger_entries (event_id, customer_id, key, kind, points, day, available_on, last_day, reason, rule, rule_version, order_id)
            SELECT u.event_id, u.customer_id, u.key, u.kind, u.points, u.day::date, u.available_on::date, u.last_day::date, u.reason,
                   u.rule, u.rule_version, u.order_id
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::text[], $8::text[], $9::text[],
                        $10::text[], $11::text[], $12::text[]) WITH ORDINALITY
                 AS u(event_id, customer_id, key, kind, points, day, available_on, last_day, reason, rule, rule_version, order_id, n)
            ORDER BY u.n
            """)
        query.binds.append(PostgresColumn(rows.map(\.0)))
        query.binds.append(PostgresColumn(rows.map(\.1.customerID)))
        query.binds.append(PostgresColumn(rows.map(\.1.entry.key)))
        query.binds.append(PostgresColumn(rows.map(\.1.entry.kind.rawValue)))
        query.binds.append(PostgresColumn(rows.map(\.1.entry.points.value)))
        query.binds.append(PostgresColumn(rows.map(\.1.entry.day.iso)))
        query.binds.append(PostgresColumn(rows.map { $0.1.entry.availableOn?.iso }))
        query.binds.append(PostgresColumn(rows.map { $0.1.entry.lastDay?.iso }))
        query.binds.append(PostgresColumn(rows.map(\.1.entry.source.reason)))
        query.binds.append(PostgresColumn(rows.map(\.1.entry.source.rule)))
        query.binds.append(PostgresColumn(rows.map(\.1.entry.source.ruleVersion)))
        query.binds.append(PostgresColumn(rows.map(\.1.entry.source.orderID)))
        return query
    }

    private func insertTierChanges(_ rows: [(String, TierChange)]) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            INSERT INTO tier_changes (event_id, customer_id, from_tier, to_tier, upgrade, day, reason)
            SELECT u.event_id, u.customer_id, u.from_tier, u.to_tier, u.upgrade, u.day::date, u.reason
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::text[], $7::text[]) WITH ORDINALITY
                 AS u(event_id, customer_id, from_tier, to_tier, upgrade, day, reason, n)
            ORDER BY u.n
            """)
        query.binds.append(PostgresColumn(rows.map(\.0)))
        query.binds.append(PostgresColumn(rows.map(\.1.customerID)))
        query.binds.append(PostgresColumn(rows.map(\.1.from)))
        query.binds.append(PostgresColumn(rows.map(\.1.to)))
        query.binds.append(PostgresColumn(rows.map(\.1.isUpgrade)))
        query.binds.append(PostgresColumn(rows.map(\.1.day.iso)))
        query.binds.append(PostgresColumn(rows.map(\.1.reason)))
        return query
    }

    private func insertSegmentChanges(_ rows: [(String, SegmentChange)]) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            INSERT INTO segment_changes (event_id, customer_id, segment, joined, day)
            SELECT u.event_id, u.customer_id, u.segment, u.joined, u.day::date
            FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::text[]) WITH ORDINALITY AS u(event_id, customer_id, segment, joined, day, n)
            ORDER BY u.n
            """)
        query.binds.append(PostgresColumn(rows.map(\.0)))
        query.binds.append(PostgresColumn(rows.map(\.1.customerID)))
        query.binds.append(PostgresColumn(rows.map(\.1.segment)))
        query.binds.append(PostgresColumn(rows.map(\.1.joined)))
        query.binds.append(PostgresColumn(rows.map(\.1.day.iso)))
        return query
    }

    /// Written after the version lock is taken, so outbox ids increase in commit order and a
    /// host paging with `after:` never skips a message committed later with a smaller id.
    private func insertOutbox(_ rows: [(String, CampaignAction)]) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            INSERT INTO outbox (event_id, customer_id, campaign, trigger, reason, event_type, day)
            SELECT u.event_id, u.customer_id, u.campaign, u.trigger, u.reason, u.event_type, u.day::date
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
                 AS u(event_id, customer_id, campaign, trigger, reason, event_type, day, n)
            ORDER BY u.n
            """)
        query.binds.append(PostgresColumn(rows.map(\.0)))
        query.binds.append(PostgresColumn(rows.map(\.1.customerID)))
        query.binds.append(PostgresColumn(rows.map(\.1.campaign)))
        query.binds.append(PostgresColumn(rows.map(\.1.trigger)))
        query.binds.append(PostgresColumn(rows.map(\.1.reason)))
        query.binds.append(PostgresColumn(rows.map(\.1.eventType)))
        query.binds.append(PostgresColumn(rows.map(\.1.day.iso)))
        return query
    }
}
#endif
