-- Small key/value settings the bot keeps between runs (e.g. the hash of the synced commands).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
