"""Helpers shared by the report tests: a fixed clock and a valid submission."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bot.reports.models import Refusal, Report
from bot.reports.policy import ReportPolicy
from bot.reports.service import ReportService
from bot.storage import Database

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
TEXT = "They asked survivors to pose for fundraising photos without consent."
MOD, MOD2 = 9001, 9002
# The community (Discord server) the reports are sent in.
GUILD = 4242
# The database the current test runs on when it is not an SQLite file in its tmp_path (set by
# the ``database_target`` fixture in conftest.py, which runs every report test on each backend).
TARGET: Path | str | None = None


async def open_service(
    tmp_path: Path, policy: ReportPolicy | None = None, **kw: Any
) -> ReportService:
    """A service over the test's fresh database (in ``tmp_path`` on SQLite)."""
    target = tmp_path / "reports.db" if TARGET is None or isinstance(TARGET, Path) else TARGET
    db = await Database.open(target)
    return ReportService(db, policy or ReportPolicy(), **kw)


def submission(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for a submission that is accepted under the default policy."""
    values: dict[str, Any] = {
        "guild_id": GUILD,
        "reporter_id": 1,
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


async def submit_ok(service: ReportService, **overrides: Any) -> Report:
    """Submit and insist it was accepted."""
    result = await service.submit(**submission(**overrides))
    assert isinstance(result, Report), result
    return result


async def submit_refused(service: ReportService, **overrides: Any) -> Refusal:
    """Submit and insist it was refused, with the exact text and links handed back."""
    args = submission(**overrides)
    result = await service.submit(**args)
    assert isinstance(result, Refusal), result
    assert result.text_back == args["text"]
    assert result.evidence_back == args["evidence"]
    return result
