-- PostgreSQL twin of ../0008_leases.sql: which process holds each one-time job, and until when.
-- A lease row (rather than an advisory lock) outlives a dropped connection for its whole term,
-- so a process that reconnects does not hand its job to another mid-way.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
