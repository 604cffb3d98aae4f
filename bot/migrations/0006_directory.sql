-- The registered-nonprofit directory: rows imported from public registries (the IRS exempt
-- organizations extract, or another registry's CSV), kept apart from the reviewed knowledge base.
CREATE TABLE directory_orgs (
    id         INTEGER PRIMARY KEY,
    registry   TEXT    NOT NULL,  -- "irs", or the name given to a --format csv import
    reg_id     TEXT    NOT NULL,  -- the EIN (9 digits) for the IRS, the registry's number otherwise
    name       TEXT    NOT NULL,
    city       TEXT    NOT NULL DEFAULT '',
    region     TEXT    NOT NULL DEFAULT '',  -- US state, province, county...
    subsection TEXT,               -- 501(c) subsection code, "03" for 501(c)(3)
    ruling     TEXT,               -- YYYYMM the exemption was granted
    ntee       TEXT,               -- NTEE category code, e.g. "R99"
    tax_period TEXT,               -- YYYYMM of the latest return
    revenue    INTEGER,
    assets     INTEGER,
    income     INTEGER,
    source     TEXT    NOT NULL,  -- the file it came from: a newer copy replaces its rows
    generation INTEGER NOT NULL,  -- the import that last saw it (rows not seen are removed)
    UNIQUE (registry, reg_id)
);
CREATE INDEX directory_orgs_source ON directory_orgs (registry, source, generation);

-- One row per import of one file: resumable from resume_offset, skipped when digest is unchanged.
CREATE TABLE directory_imports (
    id            INTEGER PRIMARY KEY,
    registry      TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    digest        TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('running', 'done')),
    resume_offset INTEGER NOT NULL DEFAULT 0,
    resume_line   INTEGER NOT NULL DEFAULT 0,
    rows          INTEGER NOT NULL DEFAULT 0,
    malformed     INTEGER NOT NULL DEFAULT 0,
    removed       INTEGER NOT NULL DEFAULT 0,
    started_at    TEXT    NOT NULL,
    finished_at   TEXT
);
CREATE INDEX directory_imports_source ON directory_imports (registry, source, status);
