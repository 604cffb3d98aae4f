"""Fixtures for end-to-end tests: the fake Discord, the real bot logged in to it, and a guard
that fails a test on any ERROR logged by the bot or discord.py (which otherwise only log the
exceptions raised in handlers) unless the test says it expects it.

Every test that starts the bot through ``bot_config`` (or asks for ``bot_database``) runs once
per storage backend: SQLite in the test's folder, and PostgreSQL in a schema of its own on the
server named by ``VETBOT_TEST_POSTGRES`` (skipped without one, failing in CI).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fakediscord import ErrorLog, FakeDiscord, InProcessBot, pointed_at, write_config
from storage_backends import BACKENDS, postgres_database


@pytest.fixture
def error_log() -> Iterator[ErrorLog]:
    """Fail the test on an unexpected ERROR record; ``error_log.expect(...)`` to allow one."""
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    unexpected = handler.unexpected()
    if unexpected:
        lines = []
        for record in unexpected:
            text = f"{record.name}: {record.getMessage()}"
            if record.exc_info and record.exc_info[1] is not None:
                text += f" ({record.exc_info[1]!r})"
            lines.append(text)
        pytest.fail("ERROR logged during the test:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture
async def fake(error_log: ErrorLog) -> AsyncIterator[FakeDiscord]:
    """A fake Discord on 127.0.0.1 with discord.py pointed at it; fails on what it flagged."""
    async with FakeDiscord() as server:
        with pointed_at(server):
            yield server
    server.assert_clean()


@pytest.fixture(params=BACKENDS)
def bot_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """``storage.database`` for the bot under test: an SQLite file beside its bot.toml, or the
    URL of a fresh PostgreSQL schema (dropped afterwards)."""
    if request.param == "sqlite":
        yield "vetbot.db"
        return
    with postgres_database() as url:
        yield url


@pytest.fixture
def bot_config(tmp_path: Path, bot_database: str) -> Path:
    """A bot.toml syncing to the fake guild, its database the test's own (on each backend)."""
    return write_config(tmp_path, database=bot_database)


@pytest.fixture
async def bot(fake: FakeDiscord, bot_config: Path) -> AsyncIterator[InProcessBot]:
    """The real vetbot, logged in to the fake and connected to its gateway."""
    runner = InProcessBot(fake, bot_config)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()
