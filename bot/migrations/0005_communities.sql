-- vetbot: foreign_keys=off
-- Communities: every record belongs to the Discord server (guild) it came from. Rows from
-- before this version get their guild when the bot next starts (the single guild in
-- discord.guild_ids) or from `python -m bot db assign-guild GUILD_ID`; until then guild_id is
-- NULL and the bot refuses to start. Rebuilding tables is SQLite's way to change a CHECK or a
-- primary key; foreign keys are checked once the migration is done.

CREATE TABLE communities (
    guild_id   INTEGER PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    settings   TEXT NOT NULL DEFAULT '{}',  -- JSON: only what this community changed
    updated_at TEXT,
    updated_by INTEGER
);

CREATE TABLE reports_v5 (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER,              -- the community it was sent in
    org_id           TEXT,
    org_name         TEXT NOT NULL,
    criterion        INTEGER CHECK (criterion IS NULL OR criterion BETWEEN 1 AND 10),
    text             TEXT NOT NULL,
    evidence         TEXT NOT NULL DEFAULT '',
    basis            TEXT NOT NULL
                     CHECK (basis IN ('first-hand', 'documented', 'heard-from-others')),
    reporter_id      INTEGER,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn',
                                       'retracted')),
    pii_flags        TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    decided_at       TEXT,
    decided_by       INTEGER,
    decision_reason  TEXT,
    edited_at        TEXT,
    queue_channel_id INTEGER,
    queue_message_id INTEGER
);
INSERT INTO reports_v5 (id, guild_id, org_id, org_name, criterion, text, evidence, basis,
    reporter_id, status, pii_flags, created_at, decided_at, decided_by, decision_reason,
    edited_at, queue_channel_id, queue_message_id)
SELECT id, NULL, org_id, org_name, criterion, text, evidence, basis, reporter_id, status,
    pii_flags, created_at, decided_at, decided_by, decision_reason, edited_at,
    queue_channel_id, queue_message_id
FROM reports;
DROP TABLE reports;
ALTER TABLE reports_v5 RENAME TO reports;
CREATE INDEX reports_by_reporter ON reports (guild_id, reporter_id, created_at);
CREATE INDEX reports_by_status ON reports (guild_id, status, id);
CREATE INDEX reports_by_org ON reports (org_id, status, guild_id);
CREATE INDEX reports_by_decided_at ON reports (decided_at);

CREATE TABLE blocklist_v5 (
    guild_id   INTEGER,
    user_id    INTEGER NOT NULL,
    blocked_by INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    blocked_at TEXT NOT NULL,
    UNIQUE (guild_id, user_id)
);
INSERT INTO blocklist_v5 (guild_id, user_id, blocked_by, reason, blocked_at)
SELECT NULL, user_id, blocked_by, reason, blocked_at FROM blocklist;
DROP TABLE blocklist;
ALTER TABLE blocklist_v5 RENAME TO blocklist;

CREATE TABLE community_orgs_v5 (
    guild_id   INTEGER,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER,
    report_id  INTEGER REFERENCES reports (id),
    UNIQUE (guild_id, id)
);
INSERT INTO community_orgs_v5 (guild_id, id, name, created_at, created_by, report_id)
SELECT NULL, id, name, created_at, created_by, report_id FROM community_orgs;
DROP TABLE community_orgs;
ALTER TABLE community_orgs_v5 RENAME TO community_orgs;

ALTER TABLE audit_log ADD COLUMN guild_id INTEGER;
ALTER TABLE feedback ADD COLUMN guild_id INTEGER;
CREATE INDEX feedback_guild ON feedback (guild_id, kind, entry_id);
