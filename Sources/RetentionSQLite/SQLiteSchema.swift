import GRDB

/// The store's tables, as migrations. A migration, once released, never changes: a new
/// schema is a new migration appended here.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: event log, customers, decisions, outbox") { db in
            try db.execute(sql: """
                CREATE TABLE store_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version INTEGER NOT NULL,           -- the latest commit
                    clock INTEGER,                      -- the latest event time, ms since 1970
                    shared BLOB,                        -- campaign budgets spent, merges
                    shared_version INTEGER NOT NULL
                );
                INSERT INTO store_state (id, version, clock, shared, shared_version) VALUES (1, 0, NULL, NULL, 0);

                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,            -- the idempotency key
                    type TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    customer_id TEXT,
                    rejected INTEGER NOT NULL,
                    error TEXT,
                    version INTEGER NOT NULL,
                    payload BLOB NOT NULL
                );

                CREATE TABLE customers (
                    id TEXT PRIMARY KEY,
                    version INTEGER NOT NULL,
                    state BLOB NOT NULL,
                    as_of TEXT NOT NULL,                -- the day the points figures are for
                    available INTEGER NOT NULL,
                    pending INTEGER NOT NULL,
                    lifetime_earned INTEGER NOT NULL,
                    tier TEXT,
                    segments TEXT NOT NULL,             -- names joined by commas
                    merged_into TEXT
                ) WITHOUT ROWID;
                CREATE INDEX customers_by_version ON customers (version);

                CREATE TABLE ledger_entries (
                    seq INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    points INTEGER NOT NULL,
                    day TEXT NOT NULL,
                    available_on TEXT,
                    last_day TEXT,
                    reason TEXT NOT NULL,
                    rule TEXT,
                    rule_version TEXT,
                    order_id TEXT
                );
                CREATE INDEX ledger_by_customer ON ledger_entries (customer_id, seq);

                CREATE TABLE tier_changes (
                    seq INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    from_tier TEXT,
                    to_tier TEXT,
                    upgrade INTEGER NOT NULL,
                    day TEXT NOT NULL,
                    reason TEXT NOT NULL
                );

                CREATE TABLE segment_changes (
                    seq INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    segment TEXT NOT NULL,
                    joined INTEGER NOT NULL,
                    day TEXT NOT NULL
                );

                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    campaign TEXT NOT NULL,
                    trigger TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    day TEXT NOT NULL,
                    delivered INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX outbox_waiting ON outbox (id) WHERE delivered = 0;
                """)
        }
        return migrator
    }
}
