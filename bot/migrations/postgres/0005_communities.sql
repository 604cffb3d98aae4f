-- PostgreSQL twin of ../0005_communities.sql: every record belongs to its Discord server.
-- PostgreSQL changes a CHECK or a key in place, so no table is rebuilt here.

CREATE TABLE communities (
    guild_id   BIGINT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    settings   TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT,
    updated_by BIGINT
);

ALTER TABLE reports ADD COLUMN guild_id BIGINT;
ALTER TABLE reports DROP CONSTRAINT reports_status_check;
ALTER TABLE reports ADD CONSTRAINT reports_status_check
    CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn', 'retracted'));
DROP INDEX reports_by_reporter;
DROP INDEX reports_by_status;
DROP INDEX reports_by_org;
CREATE INDEX reports_by_reporter ON reports (guild_id, reporter_id, created_at);
CREATE INDEX reports_by_status ON reports (guild_id, status, id);
CREATE INDEX reports_by_org ON reports (org_id, status, guild_id);
-- Several processes may write at once: the database itself keeps one pending report per
-- reporter, organization (by id, or by name ignoring case while it has none) and criterion in
-- each community. SQLite needs no such index: it has one writer, and the INSERT checks first.
CREATE UNIQUE INDEX reports_one_pending ON reports (
    guild_id, reporter_id, COALESCE(org_id, ''),
    (CASE WHEN org_id IS NULL THEN LOWER(org_name) ELSE '' END), COALESCE(criterion, 0)
) WHERE status = 'pending';

ALTER TABLE blocklist ADD COLUMN guild_id BIGINT;
ALTER TABLE blocklist DROP CONSTRAINT blocklist_pkey;
ALTER TABLE blocklist ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE blocklist ADD CONSTRAINT blocklist_guild_id_user_id_key UNIQUE (guild_id, user_id);

ALTER TABLE community_orgs ADD COLUMN guild_id BIGINT;
ALTER TABLE community_orgs DROP CONSTRAINT community_orgs_pkey;
ALTER TABLE community_orgs
    ADD CONSTRAINT community_orgs_guild_id_id_key UNIQUE (guild_id, id);

ALTER TABLE audit_log ADD COLUMN guild_id BIGINT;
ALTER TABLE feedback ADD COLUMN guild_id BIGINT;
CREATE INDEX feedback_guild ON feedback (guild_id, kind, entry_id);
