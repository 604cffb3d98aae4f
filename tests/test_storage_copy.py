"""`db copy` moves an SQLite deployment to PostgreSQL without loss; `db migrate` alone."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from reports_fixtures import GUILD, MOD, NOW, submission
from storage_backends import postgres_database

from bot.feedback import FeedbackStore
from bot.reports.models import Report
from bot.reports.policy import ReportPolicy
from bot.reports.service import ReportService
from bot.storage import Database, StorageError
from bot.storage.copy import TABLES, copy_database

REPO = Path(__file__).resolve().parent.parent


async def _deployment(path: Path) -> None:
    """An SQLite database with rows in every table, as a running bot leaves it."""
    db = await Database.open(path)
    service = ReportService(db, ReportPolicy(), org_exists={"rescue-org"}.__contains__)
    try:
        for i in range(4):
            unknown = {"org_id": None, "org_name": "Brand New Org"} if i % 2 else {}
            report = await service.submit(**submission(reporter_id=10 + i, **unknown))
            assert isinstance(report, Report)
            if i < 3:
                await service.approve(report.id, GUILD, MOD, NOW)
        await service.block(GUILD, 66, MOD, "spam", NOW)
        await FeedbackStore(db).record("myths", "m1", False, "unclear", NOW, GUILD)
        await db.set_meta("sync-hash", "abc")
        await db.execute("INSERT INTO communities (guild_id, name) VALUES (?, 'Home')", (GUILD,))
    finally:
        await db.close()


async def test_copy_keeps_every_row_and_refuses_a_second_time(tmp_path: Path) -> None:
    source = tmp_path / "vetbot.db"
    await _deployment(source)
    with postgres_database() as target:
        tables = await copy_database(source, target)
        assert [t.table for t in tables] == list(TABLES)
        assert all(t.same and t.source_rows > 0 for t in tables), tables

        db = await Database.open(target)
        try:
            # Ids were kept, and new ones continue after them.
            assert await db.fetchval("SELECT COUNT(*) FROM reports WHERE id <= 4") == 4
            new = await ReportService(db, ReportPolicy()).submit(**submission(reporter_id=99))
            assert isinstance(new, Report) and new.id == 5
            assert await db.get_meta("sync-hash") == "abc"
        finally:
            await db.close()

        with pytest.raises(StorageError, match="already has rows"):
            await copy_database(source, target)


async def test_copy_only_goes_from_sqlite_to_postgresql(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="SQLite file to a postgresql"):
        await copy_database(tmp_path / "a.db", str(tmp_path / "b.db"))
    with pytest.raises(StorageError, match="does not exist"):
        await copy_database(tmp_path / "missing.db", "postgresql://nobody@127.0.0.1:1/x")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


async def test_db_copy_command_says_every_table_matches(tmp_path: Path) -> None:
    source = tmp_path / "vetbot.db"
    await _deployment(source)
    with postgres_database() as target:
        result = await asyncio.to_thread(_cli, "db", "copy", str(source), target)
        assert result.returncode == 0, result.stderr
        assert "counts and checksums match" in result.stdout
        assert result.stdout.count(" same") == len(TABLES)


async def test_db_migrate_brings_an_empty_database_up(config_path: Path) -> None:
    result = await asyncio.to_thread(_cli, "--config", str(config_path), "db", "migrate")
    assert result.returncode == 0, result.stderr
    assert "is at schema version" in result.stdout
    again = await asyncio.to_thread(_cli, "--config", str(config_path), "db", "migrate")
    assert again.stdout == result.stdout


def test_an_unreachable_server_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    from fakediscord.config import bot_toml

    # Port 1 on the loopback: nothing listens, so the connection is refused at once.
    url = "postgresql://vetbot@127.0.0.1:1/vetbot"
    path.write_text(bot_toml().replace('database = "vetbot.db"', f'database = "{url}"'))
    result = _cli("--config", str(path), "db", "migrate")
    assert result.returncode == 2  # a set-up error, like an unusable SQLite file
    assert result.stderr.startswith(
        "Cannot connect to PostgreSQL at postgresql://vetbot@127.0.0.1:1"
    )
    assert "Traceback" not in result.stderr
