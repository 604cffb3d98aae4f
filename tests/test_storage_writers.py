"""Several writer processes on one database: every guarantee holds without a single writer.

Three processes submit the same reports and decide the same ones at the same moment, on each
backend. SQLite serializes them with its file lock; PostgreSQL with guarded updates, a partial
unique index and advisory locks. Either way: one pending report per reporter, organization and
criterion; the hourly limit counted across processes; exactly one decision per report; one
listing for a new organization approved from two processes at once.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import storage_writer as w

from bot.communities import CommunityStore
from bot.config import load_config
from bot.reports.models import Report
from bot.reports.policy import ReportPolicy
from bot.reports.service import ReportService
from bot.storage import Database

HERE = Path(__file__).resolve().parent
ROLES = ("a", "b", "c")
NEW_ORG = "Brand New Org"


async def _seed(target: Path | str) -> list[int]:
    """Pending reports for the moderators to race on: half about a known org, half about an
    org nobody listed yet."""
    db = await Database.open(target)
    service = ReportService(db, ReportPolicy(), org_exists={"rescue-org"}.__contains__)
    ids = []
    try:
        for i in range(12):
            unknown = {"org_id": None, "org_name": NEW_ORG} if i % 2 else {}
            report = await service.submit(**w.submission(200 + i, **unknown))
            assert isinstance(report, Report), report
            ids.append(report.id)
    finally:
        await db.close()
    return ids


def _race(target: Path | str, ids: list[int]) -> dict[str, dict[str, list[str]]]:
    """Start one writer per role, let them all go at once, and collect what each saw."""
    procs = {
        role: subprocess.Popen(
            [sys.executable, str(HERE / "storage_writer.py"), str(target), role, *map(str, ids)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for role in ROLES
    }
    for proc in procs.values():
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    for proc in procs.values():
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = {}
    for role, proc in procs.items():
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"writer {role} failed"
        results[role] = json.loads(out.strip().splitlines()[-1])
    return results


async def test_writers_in_several_processes_keep_every_guarantee(
    database_target: Path | str,
) -> None:
    ids = await _seed(database_target)
    results = _race(database_target, ids)

    # One pending report per reporter, organization and criterion, whoever sent it.
    same = [r for role in ROLES for r in results[role]["submitted"][: len(w.SAME_REPORT)]]
    assert sum(r.startswith("report:") for r in same) == len(w.SAME_REPORT)
    assert {r for r in same if not r.startswith("report:")} == {"refused:duplicate"}
    # The hourly limit (3) counted over every process's submissions together.
    limited = [r for role in ROLES for r in results[role]["submitted"][len(w.SAME_REPORT) :]]
    assert sum(r.startswith("report:") for r in limited) == 3 * len(w.LIMITED)
    # (A criterion another process just sent may be refused as its duplicate instead.)
    assert {r for r in limited if not r.startswith("report:")} <= {
        "refused:per-hour",
        "refused:duplicate",
    }

    # Exactly one decision per report: one process won it, the others were told it was decided.
    wins = Counter(
        ids[i]
        for role in ROLES
        for i, r in enumerate(results[role]["decided"])
        if r == f"report:{ids[i]}"
    )
    assert wins == Counter(ids)

    db = await Database.open(database_target)
    try:
        per_reporter = await db.fetchall(
            "SELECT reporter_id, COUNT(*) FROM reports WHERE reporter_id < ? GROUP BY reporter_id",
            (200,),
        )
        assert {r[0]: r[1] for r in per_reporter} == {
            **dict.fromkeys(w.SAME_REPORT, 1),
            **dict.fromkeys(w.LIMITED, 3),
        }
        decisions = await db.fetchall(
            "SELECT report_id, COUNT(*) FROM audit_log WHERE action IN ('approve', 'reject') "
            "GROUP BY report_id"
        )
        assert {r[0]: r[1] for r in decisions} == dict.fromkeys(ids, 1)
        pending = await db.fetchval(
            f"SELECT COUNT(*) FROM reports WHERE id IN ({', '.join('?' for _ in ids)}) "
            "AND status = 'pending'",
            ids,
        )
        assert pending == 0
        # However many approvals of the new org's reports won, it is listed once.
        listed = await db.fetchval("SELECT COUNT(*) FROM community_orgs WHERE id = 'brand-new-org'")
        approved_new = await db.fetchval(
            "SELECT COUNT(*) FROM reports WHERE org_name = ? AND status = 'approved'", (NEW_ORG,)
        )
        assert listed == (1 if approved_new else 0)
    finally:
        await db.close()


async def test_settings_changed_at_once_from_two_connections_keep_every_change(
    database_target: Path | str,
) -> None:
    # Two database objects are two connections (two pools on PostgreSQL), as two processes
    # have; three administrators change different settings of one community at once.
    config = load_config()
    first, second = await Database.open(database_target), await Database.open(database_target)
    try:
        stores = [CommunityStore(first, config), CommunityStore(second, config)]
        changes = [("per_user_per_hour", 5), ("per_user_per_day", 20), ("retention_days", 30)]
        await asyncio.gather(
            *(
                stores[i % 2].change(w.GUILD, {key: value}, by=w.MODERATORS["a"], now=w.NOW)
                for i, (key, value) in enumerate(changes)
            )
        )
        community = await CommunityStore(first, config).get(w.GUILD)
        assert community.changed == {key for key, _ in changes}
        assert (community.policy.per_user_per_hour, community.policy.retention_days) == (5, 30)
    finally:
        await first.close()
        await second.close()
