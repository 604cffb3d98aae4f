"""Catch what the bot logs at ERROR: discord.py only logs the exceptions raised in handlers,
so an ERROR record is often the only sign that something failed."""

from __future__ import annotations

import logging
import re

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
