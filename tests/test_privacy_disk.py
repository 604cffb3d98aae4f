"""Privacy that survives the disk and the logs: an erased reporter id cannot be read back from
the database files, the retention purge keeps running after a failure, and logs carry no user
ids (nor the debug chatter of libraries that would print them)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pytest

from bot.cli import setup_logging
from bot.config import load_config
from bot.core import Core
from bot.reports.models import Report
from tests.conftest import REPO

# Shaped like a Discord snowflake: too big for SQLite's short integer forms, so it is stored
# as an 8-byte big-endian integer in table and index records.
REPORTER = 1183412345678901234
MOD = 9001
GUILD = 4242
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
LONG_AGO = NOW - dt.timedelta(days=200)  # well past the 90-day retention
STILL_KNOWN = "SELECT COUNT(*) FROM reports WHERE reporter_id IS NOT NULL"
TEXT = "They asked survivors to pose for fundraising photos without consent."


def _forms(number: int) -> dict[str, bytes]:
    return {
        "decimal text": str(number).encode(),
        "8-byte big-endian": number.to_bytes(8, "big"),
        "8-byte little-endian": number.to_bytes(8, "little"),
    }


def _found_on_disk(database: Path, number: int) -> list[str]:
    """Which files hold ``number`` in which form: the database, its -wal and -shm."""
    found = []
    for suffix in ("", "-wal", "-shm"):
        path = database.with_name(database.name + suffix)
        if path.exists():
            data = path.read_bytes()
            found += [f"{path.name}: {form}" for form, raw in _forms(number).items() if raw in data]
    return found


async def _decided_reports(core: Core) -> list[int]:
    """Three reports by REPORTER, decided long ago: approved, rejected and withdrawn."""
    ids = []
    for criterion in (1, 2, 3):
        report = await core.reports.submit(
            guild_id=GUILD,
            reporter_id=REPORTER,
            account_age_days=400.0,
            org_id="amnesty-international",
            org_name="Amnesty International",
            criterion=criterion,
            text=TEXT,
            evidence="https://example.org/article",
            basis="first-hand",
            now=LONG_AGO,
        )
        assert isinstance(report, Report), report
        ids.append(report.id)
    await core.reports.approve(ids[0], GUILD, MOD, LONG_AGO)
    await core.reports.reject(ids[1], GUILD, MOD, "Not about this organization.", LONG_AGO)
    await core.reports.withdraw(ids[2], GUILD, REPORTER, LONG_AGO)
    return ids


async def test_a_purged_reporter_id_is_nowhere_in_the_database_files(config) -> None:
    core = await Core.open(config)
    try:
        await _decided_reports(core)
        assert _found_on_disk(config.database, REPORTER)  # the scan can see it before
        assert await core.purge_reporters(NOW) == 3
        assert (
            await core.db.fetchval("SELECT COUNT(*) FROM reports WHERE reporter_id IS NOT NULL")
            == 0
        )
        # While the bot keeps running, and after it closes.
        assert _found_on_disk(config.database, REPORTER) == []
    finally:
        await core.close()
    assert _found_on_disk(config.database, REPORTER) == []


async def test_the_purge_follows_each_communitys_retention(config) -> None:
    core = await Core.open(config)
    try:
        await _decided_reports(core)
        # This community keeps reporter ids for 400 days: 200 days on, they stay.
        await core.communities.change(GUILD, {"retention_days": 400}, by=MOD, now=LONG_AGO)
        assert await core.purge_reporters(NOW) == 0
        await core.communities.change(GUILD, {}, by=MOD, now=LONG_AGO, reset=("retention_days",))
        assert await core.purge_reporters(NOW) == 3
    finally:
        await core.close()


async def test_the_purge_loop_survives_a_failed_run(config, caplog) -> None:
    from bot.client import Vetbot
    from cogs.reports import Reports

    core = await Core.open(config)
    try:
        [approved, *_] = await _decided_reports(core)
        cog = Reports(Vetbot(core))
        # A real failure inside the purge's transaction, as a full or damaged disk would give.
        await core.db.execute(
            "CREATE TEMP TRIGGER purge_breaks BEFORE UPDATE OF reporter_id ON reports "
            "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
        )
        with caplog.at_level(logging.ERROR):
            await cog.purge_reporters()  # one run of the loop's body: must not raise
        [failure] = [r for r in caplog.records if "Retention purge failed" in r.getMessage()]
        assert failure.exc_info is not None and "disk trouble" in str(failure.exc_info[1])
        assert str(REPORTER) not in failure.getMessage()
        stored = await core.reports.get(approved, GUILD)
        assert stored is not None and stored.reporter_id == REPORTER  # nothing half-erased

        await core.db.execute("DROP TRIGGER temp.purge_breaks")
        await cog.purge_reporters()  # the next run erases
        assert (
            await core.db.fetchval("SELECT COUNT(*) FROM reports WHERE reporter_id IS NOT NULL")
            == 0
        )
    finally:
        await core.close()


# -- logs --------------------------------------------------------------------------------


@pytest.mark.usefixtures("restore_logging")
def test_debug_is_for_vetbots_own_loggers(config_path: Path) -> None:
    config = load_config(config_path)
    setup_logging("DEBUG", config.debug_loggers)
    for own in ("bot.storage.sqlite", "bot.reports.service", "cogs.reports"):
        assert logging.getLogger(own).getEffectiveLevel() == logging.DEBUG, own
    # At DEBUG these log gateway payloads, request bodies and SQL parameters: report texts
    # and user ids.
    for chatty in ("discord.gateway", "discord.http", "aiosqlite"):
        assert logging.getLogger(chatty).getEffectiveLevel() == logging.INFO, chatty


@pytest.mark.usefixtures("restore_logging")
def test_debug_loggers_setting_opts_a_library_in(config_path: Path) -> None:
    text = (
        config_path.read_text() + '\n[logging]\nlevel = "DEBUG"\ndebug_loggers = ["discord.http"]\n'
    )
    config_path.write_text(text)
    config = load_config(config_path)
    assert config.debug_loggers == ("discord.http",)
    setup_logging(config.log_level, config.debug_loggers)
    assert logging.getLogger("discord.http").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("discord.gateway").getEffectiveLevel() == logging.INFO


@pytest.mark.usefixtures("restore_logging")
def test_info_level_keeps_every_logger_at_info(config_path: Path) -> None:
    setup_logging("INFO")
    for name in ("bot.storage.sqlite", "discord.http", "aiosqlite"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.INFO, name


_LOG_CALL = re.compile(r"log\.(?:error|warning|exception|critical)\((?:[^()]|\([^()]*\))*\)", re.S)
_PERSON = re.compile(r"\.user\.id|\.user\.name|\buser_id\b|\.author\b|display_name|reporter_id")


def test_no_warning_or_error_log_line_names_a_person() -> None:
    """ERROR and WARNING lines outlive the retention period in log files: they identify the
    interaction, never the person."""
    offenders = []
    for path in sorted([*(REPO / "bot").rglob("*.py"), *(REPO / "cogs").rglob("*.py")]):
        for call in _LOG_CALL.finditer(path.read_text(encoding="utf-8")):
            if _PERSON.search(call.group(0)):
                offenders.append(f"{path.relative_to(REPO)}: {' '.join(call.group(0).split())}")
    assert offenders == []
