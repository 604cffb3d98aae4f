-- One-time work (command sync, the retention purge) runs in exactly one process: the process
-- that holds a job's lease row until it expires. Times are fixed-width UTC text, as elsewhere.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
