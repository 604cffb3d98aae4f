"""The database owner: PRAGMAs, migrations, transactions, meta, backup."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db import Database, Migration, MigrationError, load_migrations

MIGRATIONS = load_migrations()
LATEST = MIGRATIONS[-1].version
T = "2026-01-01T00:00:00.000000+00:00"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.db")
    yield database
    await database.close()


def _schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return sorted(
            conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
        )


async def test_pragmas_make_commits_durable(db: Database) -> None:
    assert str(await db.fetchval("PRAGMA journal_mode")).lower() == "wal"
    assert await db.fetchval("PRAGMA synchronous") == 2  # FULL
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA busy_timeout") > 0


def test_migration_files_are_numbered_from_one_without_duplicates() -> None:
    versions = [m.version for m in MIGRATIONS]
    # Contiguous: user_version only records the highest applied, so a file numbered into a
    # gap below it would silently never run on existing databases.
    assert versions == list(range(1, len(versions) + 1))


async def test_fresh_database_is_at_latest_version(db: Database) -> None:
    assert await db.version() == LATEST
    assert await db.integrity_check() == "ok"


async def _seed(db: Database, version: int) -> None:
    """Rows that exist at ``version``, written with the SQL of that version."""
    if version >= 1:
        await db.execute("INSERT INTO meta (key, value) VALUES ('sync-hash', 'abc')")
    if version >= 2:
        await db.execute(
            "INSERT INTO reports (id, org_id, org_name, criterion, text, basis, reporter_id, "
            "status, created_at) VALUES (7, 'x', 'X', 2, 'kept text', 'documented', 5, "
            "'pending', ?)",
            (T,),
        )
        await db.execute(
            "INSERT INTO audit_log (actor_id, at, action, report_id) VALUES (1, ?, 'edit', 7)",
            (T,),
        )
    if version >= 3:
        await db.execute(
            "INSERT INTO blocklist (user_id, blocked_by, reason, blocked_at) "
            "VALUES (66, 1, 'spam', ?)",
            (T,),
        )
        await db.execute(
            "INSERT INTO community_orgs (id, name, created_at) VALUES ('x', 'X', ?)", (T,)
        )
    if version >= 4:
        await db.execute(
            "INSERT INTO feedback (kind, entry_id, helpful, reason, created_at) "
            "VALUES ('myths', 'm', 0, 'why', ?)",
            (T,),
        )


@pytest.mark.parametrize("applied", range(len(MIGRATIONS)))
async def test_every_earlier_version_upgrades_without_loss(tmp_path: Path, applied: int) -> None:
    version = MIGRATIONS[applied - 1].version if applied else 0
    old = await Database.open(tmp_path / "old.db", migrations=MIGRATIONS[:applied])
    assert await old.version() == version
    await _seed(old, version)
    await old.close()

    db = await Database.open(tmp_path / "old.db")
    try:
        assert await db.version() == LATEST
        if version >= 1:
            assert await db.get_meta("sync-hash") == "abc"
        if version >= 2:
            assert await db.fetchval("SELECT text FROM reports WHERE id = 7") == "kept text"
            assert await db.fetchval("SELECT COUNT(*) FROM audit_log") == 1
        if version >= 3:
            assert await db.fetchval("SELECT reason FROM blocklist WHERE user_id = 66") == "spam"
            assert await db.fetchval("SELECT name FROM community_orgs") == "X"
        if version >= 4:
            assert await db.fetchval("SELECT reason FROM feedback") == "why"
    finally:
        await db.close()
    fresh = await Database.open(tmp_path / "fresh.db")
    await fresh.close()
    assert _schema(tmp_path / "old.db") == _schema(tmp_path / "fresh.db")


async def test_later_migration_files_apply_in_order_over_existing_data(tmp_path: Path) -> None:
    await (await Database.open(tmp_path / "t.db")).close()
    db = await Database.open(tmp_path / "t.db")
    await db.set_meta("k", "v")
    await db.close()
    # Features added later, numbered after a gap (as a deployment might carry its own).
    extra = [
        *MIGRATIONS,
        Migration(LATEST + 5, "later.sql", "CREATE TABLE later (id INTEGER PRIMARY KEY);"),
        Migration(LATEST + 6, "later2.sql", "ALTER TABLE later ADD COLUMN note TEXT;"),
    ]
    db = await Database.open(tmp_path / "t.db", migrations=extra)
    try:
        assert await db.version() == LATEST + 6
        assert await db.get_meta("k") == "v"
        await db.execute("INSERT INTO later (note) VALUES ('n')")
    finally:
        await db.close()


async def test_failing_migration_rolls_back_completely(tmp_path: Path) -> None:
    broken = [
        *MIGRATIONS,
        Migration(
            LATEST + 1, "broken.sql", "CREATE TABLE half (id INTEGER);\nSELECT * FROM nowhere;"
        ),
    ]
    with pytest.raises(sqlite3.OperationalError):
        await Database.open(tmp_path / "t.db", migrations=broken)
    db = await Database.open(tmp_path / "t.db")
    try:
        assert await db.version() == LATEST
        assert await db.fetchval("SELECT name FROM sqlite_master WHERE name = 'half'") is None
    finally:
        await db.close()


async def test_database_newer_than_code_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    with pytest.raises(MigrationError, match="newer than this code"):
        await Database.open(tmp_path / "t.db")


def test_duplicate_migration_numbers_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0001_b.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="also used"):
        load_migrations(tmp_path)


def test_stray_files_are_not_migrations(tmp_path: Path) -> None:
    (tmp_path / "0002_b.sql").write_text("SELECT 2;")
    (tmp_path / "notes.sql").write_text("DROP TABLE reports;")
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    assert [m.name for m in load_migrations(tmp_path)] == ["0001_a.sql", "0002_b.sql"]


async def test_meta_get_set_replace(db: Database) -> None:
    assert await db.get_meta("missing") is None
    assert await db.get_meta("missing", "d") == "d"
    await db.set_meta("hash", "1")
    await db.set_meta("hash", "2")
    assert await db.get_meta("hash") == "2"
    assert await db.fetchval("SELECT COUNT(*) FROM meta") == 1


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await db.set_meta("a", "1", conn=conn)
            raise RuntimeError("boom")
    assert await db.get_meta("a") is None


async def test_helpers_without_conn_join_the_open_transaction(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.set_meta("a", "1")  # no conn: must not deadlock nor commit on its own
            async with db.transaction():  # nested: joins the outer one
                await db.set_meta("b", "2")
            raise RuntimeError("boom")
    assert await db.get_meta("a") is None
    assert await db.get_meta("b") is None


async def test_concurrent_transactions_do_not_interleave(db: Database) -> None:
    order: list[str] = []

    async def work(name: str, fail: bool) -> None:
        async with db.transaction() as conn:
            order.append(f"{name} begin")
            await db.set_meta(name, "1", conn=conn)
            await asyncio.sleep(0)  # let the other task try to run in between
            order.append(f"{name} end")
            if fail:
                raise RuntimeError(name)

    results = await asyncio.gather(work("a", True), work("b", False), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert order in (
        ["a begin", "a end", "b begin", "b end"],
        ["b begin", "b end", "a begin", "a end"],
    )
    # a's failure rolled back only a's write.
    assert await db.get_meta("a") is None
    assert await db.get_meta("b") == "1"


async def test_statements_from_other_tasks_never_land_in_a_transaction(db: Database) -> None:
    opened = asyncio.Event()

    async def failing_transaction() -> None:
        async with db.transaction() as conn:
            await db.set_meta("inside", "1", conn=conn)
            opened.set()
            for _ in range(5):
                await asyncio.sleep(0)  # give the other task every chance to slip in
            raise RuntimeError("roll back")

    async def single_statements() -> None:
        await opened.wait()
        await db.execute("INSERT INTO meta (key, value) VALUES ('outside', '1')")

    results = await asyncio.gather(
        failing_transaction(), single_statements(), return_exceptions=True
    )
    assert isinstance(results[0], RuntimeError) and results[1] is None
    assert await db.get_meta("inside") is None
    assert await db.get_meta("outside") == "1"


async def test_many_single_statements_run_concurrently(db: Database) -> None:
    await asyncio.gather(*(db.set_meta(f"k{i}", str(i)) for i in range(50)))
    await asyncio.gather(
        *(db.execute("UPDATE meta SET value = 'x' WHERE key = ?", (f"k{i}",)) for i in range(50)),
        db.set_meta("k0", "last"),
    )
    assert await db.fetchval("SELECT COUNT(*) FROM meta") == 50


async def test_backup_is_a_sound_copy_with_the_rows(db: Database, tmp_path: Path) -> None:
    await db.set_meta("kept", "yes")
    await db.backup(tmp_path / "copy.db")
    copy = await Database.open(tmp_path / "copy.db")
    try:
        assert await copy.integrity_check() == "ok"
        assert await copy.get_meta("kept") == "yes"
        assert await copy.version() == LATEST
    finally:
        await copy.close()


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO audit_log (at, action, report_id) VALUES (?, 'edit', 12345)", (T,)
        )
