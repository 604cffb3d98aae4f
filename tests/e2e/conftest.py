"""Fixtures for end-to-end tests: the fake Discord, the real bot logged in to it, and a guard
that fails a test on any ERROR logged by the bot or discord.py (which otherwise only log the
exceptions raised in handlers) unless the test says it expects it."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fakediscord import FakeDiscord, InProcessBot, pointed_at, write_config

WATCHED_LOGGERS = ("bot", "cogs", "discord")


class ErrorLog(logging.Handler):
    """Every record at ERROR or above from the bot's and discord.py's loggers."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._expected: list[re.Pattern[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED_LOGGERS:
            self.records.append(record)

    def expect(self, pattern: str) -> None:
        """Allow ERROR records whose message matches ``pattern`` (the test provokes them)."""
        self._expected.append(re.compile(pattern))

    def matching(self, pattern: str) -> list[logging.LogRecord]:
        """The records whose message matches ``pattern``."""
        return [r for r in self.records if re.search(pattern, r.getMessage())]

    def unexpected(self) -> list[logging.LogRecord]:
        return [
            r for r in self.records if not any(p.search(r.getMessage()) for p in self._expected)
        ]


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


@pytest.fixture
def bot_config(tmp_path: Path) -> Path:
    """A bot.toml syncing to the fake guild, its database in the test's temporary folder."""
    return write_config(tmp_path)


@pytest.fixture
async def bot(fake: FakeDiscord, bot_config: Path) -> AsyncIterator[InProcessBot]:
    """The real vetbot, logged in to the fake and connected to its gateway."""
    runner = InProcessBot(fake, bot_config)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()
