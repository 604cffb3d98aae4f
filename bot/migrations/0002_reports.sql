-- Peer reports about organizations, and the audit trail of every moderation action on them.
-- Times are UTC ISO-8601 text of fixed width, so comparing the text compares the moments.
CREATE TABLE reports (
    id               INTEGER PRIMARY KEY,
    org_id           TEXT,                 -- NULL until a moderator links an unknown org
    org_name         TEXT NOT NULL,        -- as the reporter typed it
    criterion        INTEGER CHECK (criterion IS NULL OR criterion BETWEEN 1 AND 10),
    text             TEXT NOT NULL,
    evidence         TEXT NOT NULL DEFAULT '',  -- http(s) links, one per line
    basis            TEXT NOT NULL
                     CHECK (basis IN ('first-hand', 'documented', 'heard-from-others')),
    reporter_id      INTEGER,              -- erased retention_days after the decision
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    pii_flags        TEXT NOT NULL DEFAULT '',  -- comma-separated kinds, e.g. 'email,phone'
    created_at       TEXT NOT NULL,
    decided_at       TEXT,
    decided_by       INTEGER,              -- moderator id; NULL when the reporter withdrew
    decision_reason  TEXT,
    edited_at        TEXT,
    queue_channel_id INTEGER,
    queue_message_id INTEGER
);
-- Rate limits and duplicate checks look up one reporter's recent reports.
CREATE INDEX reports_by_reporter ON reports (reporter_id, created_at);
-- The moderation queue pages through pending reports in id order.
CREATE INDEX reports_by_status ON reports (status, id);
-- Rating cards count approved reports per org.
CREATE INDEX reports_by_org ON reports (org_id, status);
-- The retention purge finds reports decided long ago.
CREATE INDEX reports_by_decided_at ON reports (decided_at);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    actor_id  INTEGER,                     -- moderator, or the reporter for a withdrawal
    at        TEXT NOT NULL,
    action    TEXT NOT NULL,
    report_id INTEGER REFERENCES reports (id),
    before    TEXT,                        -- JSON of the changed fields
    after     TEXT
);
CREATE INDEX audit_log_by_report ON audit_log (report_id);
