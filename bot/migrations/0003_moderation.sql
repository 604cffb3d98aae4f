-- Who may not submit reports, and organizations created by approving reports about unknown ones.
CREATE TABLE blocklist (
    user_id    INTEGER PRIMARY KEY,
    blocked_by INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    blocked_at TEXT NOT NULL
);

CREATE TABLE community_orgs (
    id         TEXT PRIMARY KEY,            -- slug made from the name, as /rate looks it up
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER,                     -- the moderator who approved the first report
    report_id  INTEGER REFERENCES reports (id)
);
