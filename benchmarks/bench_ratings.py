"""Latency of community rating decisions, and what they add to a rating card.

    python -m benchmarks.bench_ratings                 # database in a temporary folder
    python -m benchmarks.bench_ratings --history 20    # decisions kept per criterion

Seeds every organization of the shipped knowledge base with ``--history`` adopted decisions per
criterion in one community (plus approved responses), then times: a second moderator's
confirmation that adopts a proposal (its own committed transaction, ``synchronous=FULL``), a
rating card built from scratch with the community's decisions beside the knowledge base's, the
same card without them (the ceiling: what the knowledge base alone costs, measured in the same
run), and a rating history. Results depend on the disk: run on the machine the bot will use.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_reports import _percentile, bench_config
from bot.commands.rate import card_for
from bot.config import load_config
from bot.core import Core
from bot.ratings.models import Proposal, Response, Verdict

GUILD = 1
MOD, MOD2 = 11, 12
CONFIRM_P99_TARGET_MS = 20.0
CARD_P99_TARGET_MS = 20.0
NOTE = "The organization's own reports describe police-led raids with no services offered."
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
VERDICTS = list(Verdict)


async def _seed(core: Core, history: int) -> int:
    """``history`` adopted decisions per criterion of every organization, and a response each."""
    made = 0
    for sender, org_id in enumerate(core.knowledge.orgs, start=1_000):
        for criterion in range(1, 11):
            for n in range(history):
                result = await core.ratings.propose(
                    guild_id=GUILD,
                    org_id=org_id,
                    criterion=criterion,
                    verdict=VERDICTS[(n + criterion) % len(VERDICTS)],
                    note=NOTE,
                    evidence="https://example.org/annual-report",
                    report_ids="",
                    proposer=MOD,
                    needed=1,
                    now=START + dt.timedelta(minutes=made),
                )
                assert isinstance(result, Proposal), result
                made += 1
        answer = await core.responses.submit(
            guild_id=GUILD,
            org_id=org_id,
            criterion=3,
            report_id=None,
            text=NOTE + " We have changed since.",
            links="",
            verification="",
            sender_id=sender,  # one each: responses are rate-limited like reports
            now=START,
        )
        assert isinstance(answer, Response)
        await core.responses.approve(answer.id, GUILD, MOD, START)
    return made


async def _confirms(core: Core, count: int) -> list[float]:
    """Milliseconds for the confirmation that adopts each of ``count`` fresh proposals."""
    org_ids = list(core.knowledge.orgs)
    timings = []
    for i in range(count):
        proposal = await core.ratings.propose(
            guild_id=GUILD,
            org_id=org_ids[i % len(org_ids)],
            criterion=i % 10 + 1,
            verdict=Verdict.PARTLY,
            note=NOTE,
            evidence="",
            report_ids="",
            proposer=MOD,
            needed=2,
            now=dt.datetime.now(dt.UTC),
        )
        assert isinstance(proposal, Proposal)
        began = time.perf_counter()
        adopted = await core.ratings.confirm(proposal.id, GUILD, MOD2, dt.datetime.now(dt.UTC))
        timings.append((time.perf_counter() - began) * 1000)
        assert isinstance(adopted, Proposal) and adopted.status == "adopted"
    return timings


async def _cards(core: Core, sees: tuple[int, ...], rounds: int) -> list[float]:
    """Milliseconds per card built from scratch (the card cache is emptied before each)."""
    timings = []
    for _ in range(rounds):
        for org_id in core.knowledge.orgs:
            core.state.cards.clear()
            began = time.perf_counter()
            await card_for(core, org_id, sees)
            timings.append((time.perf_counter() - began) * 1000)
    return timings


def _plain_commits(path: Path, count: int) -> list[float]:
    """Milliseconds per plain synchronous sqlite3 commit on the same disk with the same PRAGMAs:
    the ceiling for any durable decision here, since each waits for one disk flush."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT)")
        timings = []
        for i in range(count):
            began = time.perf_counter()
            conn.execute("INSERT INTO t (at) VALUES (?)", (str(i),))
            timings.append((time.perf_counter() - began) * 1000)
        return timings
    finally:
        conn.close()


async def _histories(core: Core) -> list[float]:
    timings = []
    for org_id in core.knowledge.orgs:
        began = time.perf_counter()
        await core.ratings.history(GUILD, org_id, None)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def _row(name: str, values: list[float], target: float | None) -> tuple[str, ...]:
    p50, p99 = statistics.median(values), _percentile(values, 99)
    met = "-" if target is None else ("yes" if p99 <= target else "NO")
    return (name, f"{p50:.2f} ms", f"{p99:.2f} ms", f"≤ {target:.0f} ms" if target else "-", met)


async def run(folder: Path, history: int, confirms: int, rounds: int) -> list[tuple[str, ...]]:
    core = await Core.open(load_config(bench_config(folder)))
    try:
        seeded = await _seed(core, history)
        confirm = await _confirms(core, confirms)
        with_community = await _cards(core, (GUILD,), rounds)
        knowledge_only = await _cards(core, (), rounds)
        histories = await _histories(core)
    finally:
        await core.close()
    plain = _plain_commits(folder / "plain.db", confirms)
    header = (f"{seeded:,} decisions seeded", "p50", "p99", "target", "met")
    return [
        header,
        _row("ceiling: one plain durable sqlite3 commit", plain, None),
        _row("confirm that adopts (durable commit)", confirm, CONFIRM_P99_TARGET_MS),
        _row("card from scratch, with community verdicts", with_community, CARD_P99_TARGET_MS),
        _row("baseline: the same card, knowledge base only", knowledge_only, None),
        _row(f"history of one org ({10 * history} decisions)", histories, None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="where to put the database (default: a temp dir)")
    parser.add_argument("--history", type=int, default=10, help="decisions per criterion")
    parser.add_argument("--confirms", type=int, default=300, help="confirmations to time")
    parser.add_argument("--rounds", type=int, default=5, help="cards per organization")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        rows = asyncio.run(run(Path(tmp), args.history, args.confirms, args.rounds))
    header, *body = rows
    print(_table(header, body))


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header, *rows]
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
