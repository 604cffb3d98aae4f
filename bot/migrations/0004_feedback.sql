-- Helpful / not helpful votes on answers. No user ids: feedback is about entries, not people.
CREATE TABLE feedback (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    entry_id   TEXT    NOT NULL,
    helpful    INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    reason     TEXT,
    created_at TEXT    NOT NULL
);
CREATE INDEX feedback_entry ON feedback (kind, entry_id);
