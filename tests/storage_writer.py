"""One of several writer processes racing on the same database (see test_storage_writers.py).

``python tests/storage_writer.py TARGET ROLE`` opens the database, prints ``ready``, waits for a
line on standard input (so every writer starts at once), then submits and decides the same
reports as the other writers, and prints what each call returned as one JSON line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bot.reports.models import Refusal, Report
from bot.reports.policy import ReportPolicy
from bot.reports.service import ReportService
from bot.storage import Database

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
GUILD = 4242
TEXT = "They asked survivors to pose for fundraising photos without consent."
# Who does what: the same reporters submit the same reports from every process.
SAME_REPORT = range(1, 21)  # one report each, sent by every writer
# Each sends different criteria from every writer: the hourly limit holds overall.
LIMITED = range(100, 106)
MODERATORS = {"a": 9001, "b": 9002, "c": 9003}


def submission(reporter_id: int, **overrides: Any) -> dict[str, Any]:
    """A valid submission about a known org."""
    values: dict[str, Any] = {
        "guild_id": GUILD,
        "reporter_id": reporter_id,
        "account_age_days": 400.0,
        "org_id": "rescue-org",
        "org_name": "Rescue Org",
        "criterion": 3,
        "text": TEXT,
        "evidence": "https://example.org/article",
        "basis": "first-hand",
        "now": NOW,
    }
    values.update(overrides)
    return values


def outcome(result: object) -> str:
    """What one call returned, in a word: the report id that won, or the refusal."""
    if isinstance(result, Report):
        return f"report:{result.id}"
    if isinstance(result, Refusal):
        return f"refused:{result.reason.value}"
    return type(result).__name__


async def race(target: str, role: str, decide: list[int]) -> dict[str, list[str]]:
    db = await Database.open(target if "://" in target else Path(target))
    service = ReportService(db, ReportPolicy(), org_exists={"rescue-org"}.__contains__)
    try:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        await asyncio.to_thread(sys.stdin.readline)
        moderator = MODERATORS[role]
        later = NOW + dt.timedelta(minutes=5)
        submitted = await asyncio.gather(
            *(service.submit(**submission(r)) for r in SAME_REPORT),
            *(service.submit(**submission(r, criterion=c)) for r in LIMITED for c in range(1, 6)),
        )
        # Moderators in different processes decide the same reports at the same moment: two
        # approve (in opposite orders, so they meet mid-way on different reports about the
        # same new org), one rejects.
        if role == "c":
            decided = await asyncio.gather(
                *(service.reject(i, GUILD, moderator, "not credible", later) for i in decide)
            )
        else:
            order = decide if role == "a" else decide[::-1]
            approved = await asyncio.gather(
                *(service.approve(i, GUILD, moderator, later) for i in order)
            )
            decided = list(approved) if role == "a" else list(approved)[::-1]
        return {
            "submitted": [outcome(r) for r in submitted],
            "decided": [outcome(r) for r in decided],
        }
    finally:
        await db.close()


def main() -> None:
    target, role, *ids = sys.argv[1:]
    result = asyncio.run(race(target, role, [int(i) for i in ids]))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
