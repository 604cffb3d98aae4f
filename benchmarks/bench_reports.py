"""Throughput of report submission, latency of moderator actions and /rate cards, per backend.

    python -m benchmarks.bench_reports                  # database in a temporary folder
    python -m benchmarks.bench_reports --dir /var/lib/vetbot --seed 100000
    python -m benchmarks.bench_reports --postgres postgresql://vetbot@127.0.0.1/vetbot

With ``--postgres`` (or ``VETBOT_BENCH_POSTGRES``, or the tests' ``VETBOT_TEST_POSTGRES``) the
same rounds run on PostgreSQL too, in a schema of their own that is dropped afterwards, each
backend beside its own ceiling: plain sqlite3 on the disk, plain asyncpg single-row committed
inserts on the server. The target for 16 submissions in flight is half that ceiling.

Submissions go through ``ReportService.submit`` one at a time, each its own committed
transaction with ``synchronous=FULL`` (so "acknowledged" means durable), from distinct users so no
limit refuses them. Approvals run against a database seeded with ``--seed`` reports. The /rate
card of every knowledge-base organization is then built by the real core on that database
(with approved community reports for each), from scratch and from the card cache. Results
depend on the disk's fsync speed: run on the machine (and disk) the bot will use.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import random
import sqlite3
import statistics
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from bot.commands.rate import card_for
from bot.config import load_config
from bot.core import Core
from bot.reports.models import Refusal, Report
from bot.reports.service import ReportService
from bot.storage import POSTGRES_MIGRATIONS_DIR, Database, load_migrations, to_db_time
from tests.fakediscord.config import bot_toml

APPROVE_P99_TARGET_MS = 20.0
CARD_P99_TARGET_MS = 20.0
APPROVED_PER_ORG = 30  # approved community reports behind each timed /rate card
TEXT = "They asked survivors to pose for fundraising photos without consent, twice in 2019."
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
GUILD = 1  # one community holds every report
# Every benchmark submission comes from a new user, so no limit or duplicate rule refuses it.
_users = itertools.count(5_000_000)


def bench_config(folder: Path, database: str = "bench.db") -> Path:
    """A bot.toml in ``folder`` on the shipped knowledge base and ``database`` (a file name
    beside it, an absolute path, or a ``postgresql://`` URL)."""
    path = folder / "bot.toml"
    path.write_text(bot_toml(database=database), encoding="utf-8")
    return path


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


async def _seed(db: Database, count: int, org_ids: list[str] | None = None) -> None:
    """``count`` reports in one transaction: fast set-up, not what is measured. Pending ones
    about made-up organizations; with ``org_ids``, approved ones about those, in turn."""
    status = "pending" if org_ids is None else "approved"
    names = org_ids or [f"org-{n}" for n in range(500)]
    decided = None if org_ids is None else to_db_time(START)
    rows = [
        (
            GUILD,
            names[i % len(names)],
            names[i % len(names)],
            i % 10 + 1,
            TEXT,
            "https://example.org/a",
            "documented",
            1_000_000 + i,
            status,
            to_db_time(START + dt.timedelta(seconds=i)),
            decided,
        )
        for i in range(count)
    ]
    sql = (
        "INSERT INTO reports (guild_id, org_id, org_name, criterion, text, evidence, basis, "
        "reporter_id, status, created_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    if db.backend == "postgresql":
        from bot.storage.postgres import placeholders

        sql = placeholders(sql)
    async with db.transaction() as conn:
        # Both drivers' connections have executemany(sql, rows); only the placeholders differ.
        await conn.executemany(sql, rows)


async def bench_submit(service: ReportService, count: int, in_flight: int = 1) -> float:
    """Sustained accepted submissions per second with ``in_flight`` users submitting at once.

    Each submission is still its own committed, fsync'd transaction: concurrency only lets the
    next report wait in the database queue while the previous one is flushed to disk.
    """
    now = START + dt.timedelta(days=30)
    counter = iter(range(count))

    async def user_stream() -> None:
        for i in counter:
            result = await service.submit(
                guild_id=GUILD,
                reporter_id=next(_users),
                account_age_days=100.0,
                org_id=f"org-{i % 500}",
                org_name=f"Org {i % 500}",
                criterion=i % 10 + 1,
                text=TEXT,
                evidence="https://example.org/evidence",
                basis="first-hand",
                now=now + dt.timedelta(milliseconds=i),
            )
            if isinstance(result, Refusal):
                raise RuntimeError(f"benchmark submission refused: {result.reason}")

    began = time.perf_counter()
    await asyncio.gather(*(user_stream() for _ in range(in_flight)))
    return count / (time.perf_counter() - began)


def raw_ceiling(path: Path, count: int) -> float:
    """Commits per second of plain synchronous sqlite3 on the same disk, same schema and PRAGMAs:
    the most any async layer could reach here, since each commit waits for one disk flush."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        for migration in load_migrations():
            conn.executescript(migration.sql)
        began = time.perf_counter()
        for i in range(count):
            conn.execute(
                "INSERT INTO reports (org_id, org_name, criterion, text, evidence, basis, "
                "reporter_id, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                (
                    "org-1",
                    "Org 1",
                    3,
                    TEXT,
                    "https://example.org/a",
                    "documented",
                    9_000_000 + i,
                    to_db_time(START + dt.timedelta(seconds=i)),
                ),
            )
        return count / (time.perf_counter() - began)
    finally:
        conn.close()


async def raw_postgres_ceiling(url: str, count: int) -> float:
    """Committed single-row inserts per second of plain asyncpg on one connection, same schema:
    the most vetbot's PostgreSQL layer could reach, one round trip and one commit each."""
    conn = await asyncpg.connect(url)
    try:
        for migration in load_migrations(POSTGRES_MIGRATIONS_DIR):
            await conn.execute(migration.sql)
        began = time.perf_counter()
        for i in range(count):
            await conn.execute(
                "INSERT INTO reports (org_id, org_name, criterion, text, evidence, basis, "
                "reporter_id, status, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)",
                "org-1",
                "Org 1",
                3,
                TEXT,
                "https://example.org/a",
                "documented",
                9_000_000 + i,
                to_db_time(START + dt.timedelta(seconds=i)),
            )
        return count / (time.perf_counter() - began)
    finally:
        await conn.close()


@asynccontextmanager
async def postgres_schema(server: str) -> AsyncIterator[str]:
    """A URL whose connections work in a new schema of ``server``'s database, dropped after."""
    name = f"vetbot_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f"CREATE SCHEMA {name}")
        parts = urllib.parse.urlsplit(server)
        query = urllib.parse.urlencode({"search_path": name})
        yield urllib.parse.urlunsplit(parts._replace(query=query))
    finally:
        await admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        await admin.close()


async def bench_approve(service: ReportService, seeded: int, count: int) -> list[float]:
    """Milliseconds per approval of a random pending report among ``seeded``."""
    ids = random.Random(7).sample(range(1, seeded + 1), count)
    now = START + dt.timedelta(days=31)
    timings: list[float] = []
    for n, report_id in enumerate(ids):
        began = time.perf_counter()
        result = await service.approve(report_id, GUILD, 42 + n % 3, now)
        timings.append((time.perf_counter() - began) * 1000)
        if not isinstance(result, Report):
            raise RuntimeError(f"benchmark approval failed: {result}")
    return timings


async def bench_cards(target: Path | str, folder: Path, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per /rate card of each knowledge-base organization, built by the real core
    on the benchmark's database: ``scratch`` with the card and summary caches emptied first
    (the first /rate after a decision), ``cached`` as every other /rate is answered."""
    core = await Core.open(load_config(bench_config(folder, str(target))))
    timings: dict[str, list[float]] = {"scratch": [], "cached": []}
    try:
        org_ids = list(core.knowledge.orgs)
        await _seed(core.db, APPROVED_PER_ORG * len(org_ids), org_ids)
        for _ in range(rounds):
            for org_id in org_ids:
                core.state.cards.clear()
                core.reports._summaries.clear()  # what an approval empties (private, on purpose)
                began = time.perf_counter()
                await card_for(core, org_id, (GUILD,))
                timings["scratch"].append((time.perf_counter() - began) * 1000)
            for org_id in org_ids:  # fill the cache the loop above kept emptying
                await card_for(core, org_id, (GUILD,))
            for org_id in org_ids:
                began = time.perf_counter()
                await card_for(core, org_id, (GUILD,))
                timings["cached"].append((time.perf_counter() - began) * 1000)
    finally:
        await core.close()
    return timings


async def run(
    directory: Path, seed: int, submits: int, approvals: int, repeat: int, postgres: str | None
) -> list[tuple[str, ...]]:
    """Every row of the table: SQLite, then PostgreSQL when a server is given."""
    rows = await run_backend("sqlite", directory, seed, submits, approvals, repeat, None)
    if postgres is None:
        rows.append(("postgresql", "not measured: pass --postgres URL", "-", "-", "-", "-"))
        return rows
    async with postgres_schema(postgres) as url:
        rows += await run_backend("postgresql", directory, seed, submits, approvals, repeat, url)
    return rows


async def run_backend(
    backend: str,
    directory: Path,
    seed: int,
    submits: int,
    approvals: int,
    repeat: int,
    url: str | None,
) -> list[tuple[str, ...]]:
    # fsync time varies a lot on shared disks: take the median of several interleaved rounds.
    ceilings: list[float] = []
    db = await Database.open(url or directory / "bench.db")
    try:
        began = time.perf_counter()
        await _seed(db, seed)
        seed_s = time.perf_counter() - began
        service = ReportService(db)
        runs: dict[int, list[float]] = {1: [], 16: []}
        for round_no in range(repeat):
            if url is None:
                ceilings.append(raw_ceiling(directory / f"raw{round_no}.db", min(submits, 2000)))
            else:
                async with postgres_schema(url.split("?")[0]) as raw_url:
                    ceilings.append(await raw_postgres_ceiling(raw_url, min(submits, 2000)))
            for n, rates_n in runs.items():
                rates_n.append(await bench_submit(service, submits, n))
        rates = {n: statistics.median(r) for n, r in runs.items()}
        ceiling = statistics.median(ceilings)
        load = _load()
        timings = await bench_approve(service, seed, approvals)
        total = await db.fetchval("SELECT COUNT(*) FROM reports")
    finally:
        await db.close()
    cards = await bench_cards(url or directory / "bench.db", directory, 10 * repeat)
    load = f"{load} / {_load()}"
    p50, p99 = _percentile(timings, 50), _percentile(timings, 99)
    raw = "plain sqlite3" if url is None else "plain asyncpg"
    target = ceiling / 2
    rows = [
        ("seed", f"{seed:,} reports in {seed_s:.2f} s", "-", "-"),
        (f"ceiling: {raw}, 1 commit each", f"{ceiling:,.0f} commits/s", "-", "-"),
        ("rounds (median shown)", str(repeat), "-", "-"),
    ]
    for n, rate in rates.items():
        rows.append(
            (
                f"submit, {n} in flight (durable commit)",
                f"{rate:,.0f} reports/s ({min(runs[n]):,.0f}-{max(runs[n]):,.0f})",
                f">= {target:,.0f}/s (half the ceiling)" if n == 16 else "-",
                ("yes" if rate >= target else "NO") if n == 16 else "-",
            )
        )
    rows += [
        ("approve p50", f"{p50:.2f} ms", "-", "-"),
        (
            f"approve p99 ({total:,} in db)",
            f"{p99:.2f} ms",
            f"< {APPROVE_P99_TARGET_MS:.0f} ms",
            "yes" if p99 < APPROVE_P99_TARGET_MS else "NO",
        ),
    ]
    for kind, label in (("scratch", "from scratch"), ("cached", "from the cache")):
        card_p99 = _percentile(cards[kind], 99)
        rows.append(
            (
                f"/rate card p99, {label} ({len(cards[kind]):,} cards)",
                f"{card_p99:.2f} ms (p50 {statistics.median(cards[kind]):.2f})",
                f"< {CARD_P99_TARGET_MS:.0f} ms",
                "yes" if card_p99 < CARD_P99_TARGET_MS else "NO",
            )
        )
    return [(backend, *row, load) for row in rows]


def _load() -> str:
    """The 1-minute load average: the machine's other work, to read each figure beside."""
    return f"{os.getloadavg()[0]:.1f}"


def _table(rows: list[tuple[str, ...]]) -> str:
    header = ("backend", "measure", "result", "target", "met", "load")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header, *rows]
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="where to put the database (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=100_000, help="reports in the database")
    parser.add_argument("--submits", type=int, default=3_000, help="submissions to time")
    parser.add_argument("--approvals", type=int, default=1_000, help="approvals to time")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of submissions")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("VETBOT_BENCH_POSTGRES") or os.environ.get("VETBOT_TEST_POSTGRES"),
        metavar="URL",
        help="also measure PostgreSQL on this server (a schema is made and dropped)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        rows = asyncio.run(
            run(Path(tmp), args.seed, args.submits, args.approvals, args.repeat, args.postgres)
        )
    print(_table(rows))


if __name__ == "__main__":
    main()
