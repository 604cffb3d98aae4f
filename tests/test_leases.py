"""One-time work runs in exactly one process: processes racing for a lease, one winner each;
a lease its holder stops renewing passes to another when it expires."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.core import PURGE_LEASE
from bot.leases import Leases
from bot.storage import Database

HERE = Path(__file__).resolve().parent
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
RACERS = 3
JOBS = [f"job-{i}" for i in range(30)]


def _race(target: Path | str) -> list[list[str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, str(HERE / "lease_racer.py"), str(target), *JOBS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(RACERS)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    won = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        won.append(json.loads(out.strip().splitlines()[-1]))
    return won


async def test_processes_racing_for_a_lease_have_one_winner(database_target: Path | str) -> None:
    db = await Database.open(database_target)  # migrated before the racers start
    try:
        won = _race(database_target)
        assert Counter(name for names in won for name in names) == Counter(JOBS)
        holders = await db.fetchall("SELECT name, holder FROM leases")
        assert len({h["holder"] for h in holders}) <= RACERS
        assert sorted(h["name"] for h in holders) == sorted(JOBS)
    finally:
        await db.close()


async def test_expiry_hands_the_lease_over(database_target: Path | str) -> None:
    # Two database objects are two connections (two pools on PostgreSQL), as two processes have.
    one_db, two_db = await Database.open(database_target), await Database.open(database_target)
    one, two = Leases(one_db), Leases(two_db)
    try:
        assert await one.acquire("sync", ttl=MINUTE, now=NOW)
        assert not await two.acquire("sync", ttl=MINUTE, now=NOW + MINUTE / 2)
        # The holder renews before expiry and keeps it.
        assert await one.acquire("sync", ttl=MINUTE, now=NOW + MINUTE / 2)
        assert not await two.acquire("sync", ttl=MINUTE, now=NOW + MINUTE)
        assert await one.holder_of("sync", NOW + MINUTE) == one.holder
        # The holder stopped renewing (it died): once expired, the next asker takes it over.
        assert await two.acquire("sync", ttl=MINUTE, now=NOW + 2 * MINUTE)
        assert not await one.acquire("sync", ttl=MINUTE, now=NOW + 2 * MINUTE)
        # A released lease is free at once.
        await two.release("sync")
        assert await one.acquire("sync", ttl=MINUTE, now=NOW + 2 * MINUTE)
    finally:
        await one_db.close()
        await two_db.close()


async def test_the_retention_purge_runs_once_a_period_in_whichever_process_asks_first(
    core,
) -> None:
    every = dt.timedelta(hours=6)
    hour = dt.timedelta(hours=1)
    other = Leases(core.db, holder="another process")
    assert await other.take_turn(PURGE_LEASE, every=every, now=NOW)
    # Every process offers hourly; within the period nobody runs it again, the taker included.
    assert await core.scheduled_purge(NOW + hour, every) is None
    assert not await other.take_turn(PURGE_LEASE, every=every, now=NOW + 5 * hour)
    # The period is over: the first to ask runs it (the other process may be dead), once.
    assert await core.scheduled_purge(NOW + every, every) == 0
    assert await core.scheduled_purge(NOW + every + hour, every) is None
    assert not await other.take_turn(PURGE_LEASE, every=every, now=NOW + every + hour)
    # A process restarted under a new name is not held up by the turn of the one it replaced.
    restarted = Leases(core.db, holder="restarted process")
    assert await restarted.take_turn(PURGE_LEASE, every=every, now=NOW + 2 * every)
