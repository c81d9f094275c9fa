#if Postgres
/// The store's tables in PostgreSQL, as migrations. A migration, once released, never
/// changes: a new schema is a new migration appended to ``migrations``.
///
/// Per-customer tables carry `customer_id`, so a distributed PostgreSQL (Citus) can shard them
/// by customer; Documentation/Storage.md shows how.
enum PostgresSchema {
    /// Identifiers, in order, with the statements of each (run one by one, in one transaction).
    static let migrations: [(identifier: String, statements: [String])] = [
        ("v1: event log, customers, decisions, outbox", v1)
    ]

    /// Serialises schema changes between processes opening the same database at once
    /// (an arbitrary constant: "RK" and 1).
    static let migrationLock: Int64 = 0x524B_0001

    static let migrationsTable = """
        CREATE TABLE IF NOT EXISTS retention_migrations (
            identifier text PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    private static let v1 = [
        """
        CREATE TABLE store_state (
            id integer PRIMARY KEY CHECK (id = 1),
            version bigint NOT NULL,        -- the latest commit; its row lock orders commits
            clock bigint,                   -- the latest event time, ms since 1970
            shared bytea,                   -- campaign budgets spent, merges
            shared_version bigint NOT NULL
        )
        """,
        "INSERT INTO store_state (id, version, clock, shared, shared_version) VALUES (1, 0, NULL, NULL, 0)",
        """
        CREATE TABLE events (
            id text PRIMARY KEY,            -- the idempotency key
            seq bigint GENERATED ALWAYS AS IDENTITY,
            type text NOT NULL,
            at timestamptz NOT NULL,
            customer_id text,
            rejected boolean NOT NULL,
            error text,
            version bigint NOT NULL,
            payload bytea NOT NULL
        )
        """,
        """
        CREATE TABLE customers (
            id text PRIMARY KEY,
            version bigint NOT NULL,
            state bytea NOT NULL,
            as_of date NOT NULL,            -- the day the points figures are for
            available bigint NOT NULL,
            pending bigint NOT NULL,
            lifetime_earned bigint NOT NULL,
            tier text,
            segments text[] NOT NULL,
            merged_into text
        )
        """,
        "CREATE INDEX customers_by_version ON customers (version)",
        """
        CREATE TABLE ledger_entries (
            seq bigint GENERATED ALWAYS AS IDENTITY,
            event_id text NOT NULL,
            customer_id text NOT NULL,
            key text NOT NULL,
            kind text NOT NULL,
            points bigint NOT NULL,
            day date NOT NULL,
            available_on date,
            last_day date,
            reason text NOT NULL,
            rule text,
            rule_version text,
            order_id text
        )
        """,
        "CREATE INDEX ledger_by_customer ON ledger_entries (customer_id, seq)",
        """
        CREATE TABLE tier_changes (
            seq bigint GENERATED ALWAYS AS IDENTITY,
            event_id text NOT NULL,
            customer_id text NOT NULL,
            from_tier text,
            to_tier text,
            upgrade boolean NOT NULL,
            day date NOT NULL,
            reason text NOT NULL
        )
        """,
        """
        CREATE TABLE segment_changes (
            seq bigint GENERATED ALWAYS AS IDENTITY,
            event_id text NOT NULL,
            customer_id text NOT NULL,
            segment text NOT NULL,
            joined boolean NOT NULL,
            day date NOT NULL
        )
        """,
        """
        CREATE TABLE outbox (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id text NOT NULL,
            customer_id text NOT NULL,
            campaign text NOT NULL,
            trigger text NOT NULL,
            reason text NOT NULL,
            event_type text NOT NULL,
            day date NOT NULL,
            delivered boolean NOT NULL DEFAULT false
        )
        """,
        "CREATE INDEX outbox_waiting ON outbox (id) WHERE NOT delivered",
        // Raises a conflict (SQLSTATE RK001) inside a pipelined commit, so the transaction
        // aborts on the server without a round trip to decide.
        """
        CREATE FUNCTION retention_expect(ok boolean, message text) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT ok THEN
                RAISE EXCEPTION '%', message USING ERRCODE = 'RK001';
            END IF;
        END $$
        """,
    ]
}
#endif
