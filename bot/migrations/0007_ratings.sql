-- Community-maintained ratings and organizations' right of reply. Every row belongs to the
-- community (guild) whose moderators decided it. Times are fixed-width UTC ISO-8601 text.

-- A moderator's proposed verdict on one criterion of one organization. It becomes the
-- community's decision ('adopted') once enough different moderators confirmed it; the newest
-- adopted proposal per (guild, org, criterion) is the current decision, the older ones its history.
CREATE TABLE rating_proposals (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    org_id           TEXT NOT NULL,
    criterion        INTEGER NOT NULL CHECK (criterion BETWEEN 1 AND 10),
    verdict          TEXT NOT NULL
                     CHECK (verdict IN ('meets', 'partly', 'fails', 'not-assessed', 'contested')),
    note             TEXT NOT NULL,
    evidence         TEXT NOT NULL DEFAULT '',  -- http(s) links, one per line
    report_ids       TEXT NOT NULL DEFAULT '',  -- approved reports it rests on, comma-separated
    reverts          INTEGER REFERENCES rating_proposals (id),  -- the decision it goes back to
    proposed_by      INTEGER NOT NULL,
    proposed_at      TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'adopted', 'declined')),
    needed           INTEGER NOT NULL CHECK (needed >= 1),  -- confirmations, proposer included
    decided_at       TEXT,
    declined_by      INTEGER,
    decline_reason   TEXT,
    queue_channel_id INTEGER,
    queue_message_id INTEGER
);
CREATE INDEX rating_proposals_current ON rating_proposals (guild_id, org_id, status, criterion);
CREATE INDEX rating_proposals_pending ON rating_proposals (guild_id, status, id);

-- Who agreed with a proposal; the key makes a second confirmation by the same moderator fail.
CREATE TABLE rating_confirmations (
    proposal_id  INTEGER NOT NULL REFERENCES rating_proposals (id),
    moderator_id INTEGER NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (proposal_id, moderator_id)
);

-- What someone speaking for an organization answers, about one criterion or one approved
-- report (or in general), moderated like a report. The newest approved one per subject shows;
-- approving a newer one marks the older 'replaced' (kept for the history).
CREATE TABLE org_responses (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    org_id           TEXT NOT NULL,
    criterion        INTEGER CHECK (criterion IS NULL OR criterion BETWEEN 1 AND 10),
    report_id        INTEGER REFERENCES reports (id),
    text             TEXT NOT NULL,
    links            TEXT NOT NULL DEFAULT '',
    verification     TEXT NOT NULL DEFAULT '',  -- for moderators only, never shown publicly
    sender_id        INTEGER,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected', 'replaced')),
    pii_flags        TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    decided_at       TEXT,
    decided_by       INTEGER,
    decision_reason  TEXT,
    edited_at        TEXT,
    queue_channel_id INTEGER,
    queue_message_id INTEGER
);
CREATE INDEX org_responses_by_org ON org_responses (guild_id, org_id, status);
CREATE INDEX org_responses_by_status ON org_responses (guild_id, status, id);

-- Every decision on a proposal or a response, as the report audit log does for reports.
CREATE TABLE ratings_audit (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    actor_id    INTEGER,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    proposal_id INTEGER REFERENCES rating_proposals (id),
    response_id INTEGER REFERENCES org_responses (id),
    before      TEXT,
    after       TEXT
);
CREATE INDEX ratings_audit_by_proposal ON ratings_audit (proposal_id);
