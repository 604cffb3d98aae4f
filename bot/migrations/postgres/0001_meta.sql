-- PostgreSQL twin of ../0001_meta.sql. Every SQLite migration has a file here with the same
-- number that brings a PostgreSQL database to the same schema (tests/test_storage_migrations.py
-- fails when one is missing). Discord ids are 64-bit, so they are BIGINT here.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
