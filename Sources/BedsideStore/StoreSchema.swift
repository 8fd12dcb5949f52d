import GRDB

/// The outbox's tables. Migrations only ever add: a database written by an older bridge opens.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per feed record, keyed by its seq: the feed line as written, plus the columns
            // resume filters use.
            try db.execute(sql: """
                CREATE TABLE records (
                    seq INTEGER PRIMARY KEY,
                    host_time_ns INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    device_id TEXT NOT NULL,
                    location TEXT,
                    metric TEXT,
                    json BLOB NOT NULL
                );
                CREATE INDEX records_host_time ON records(host_time_ns);
                -- bridge_id, last_seq (survives retention emptying the table), stored_bytes.
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                -- Each forwarding sink's position: the last seq it has fully dealt with.
                CREATE TABLE sink_cursors (sink TEXT PRIMARY KEY, seq INTEGER NOT NULL);
                """)
        }
        return migrator
    }
}
