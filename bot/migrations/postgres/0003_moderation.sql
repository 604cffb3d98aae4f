-- PostgreSQL twin of ../0003_moderation.sql.
CREATE TABLE blocklist (
    user_id    BIGINT PRIMARY KEY,
    blocked_by BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    blocked_at TEXT NOT NULL
);

CREATE TABLE community_orgs (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by BIGINT,
    report_id  BIGINT REFERENCES reports (id)
);
