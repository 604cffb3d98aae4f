"""Interactions per second and latency through the real discord.py client and the fake Discord.

    python -m benchmarks.bench_e2e                 # /ask and /rate, 1 and 16 in flight, 2 modes
    python -m benchmarks.bench_e2e --quick         # fewer requests, one round
    python -m benchmarks.bench_e2e --validate      # also check every body against the spec

Latency is measured by the fake, from writing the INTERACTION_CREATE frame to receiving the
bot's visible answer (the callback). "in-process" runs the bot on the fake's event loop (both
share one core); "subprocess" runs ``python -m bot run`` in its own process, as in production.
Spec validation is off by default: it costs the fake about a millisecond per request, which in
the in-process mode would be charged to the bot. Each row is run in several rounds (default 3)
and shows the median rate and the range, because a shared machine's speed drifts by a quarter
from one minute to the next. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakediscord import (
    MEMBER,
    FakeDiscord,
    InProcessBot,
    SubprocessBot,
    pointed_at,
    write_config,
)

log = logging.getLogger(__name__)

P99_TARGET_MS = 5.0
RATE_TARGET = 1000.0

QUESTIONS = [
    "What is criterion 2?",
    "Is the Super Bowl the biggest trafficking event?",
    "What does SWERF mean?",
    "How do raids affect sex workers?",
]
ORGS = ["o.u.r.", "Operation Underground Railroad", "NCMEC", "DecrimNY", "interpol"]


@dataclass
class Result:
    """One round of one row: ``count`` interactions of one command."""

    count: int
    seconds: float
    latencies_ms: list[float]
    cpu_ms: float | None  # the bot's CPU time per interaction (in-process: bot and fake)
    fake_cpu_ms: float | None = None  # the fake's and the load driver's (subprocess mode)

    @property
    def rate(self) -> float:
        return self.count / self.seconds


@dataclass
class Row:
    """One line of the table: the rounds of one command at one concurrency, in one mode."""

    mode: str
    command: str
    in_flight: int
    rounds: list[Result]

    @property
    def count(self) -> int:
        return sum(r.count for r in self.rounds)

    @property
    def rates(self) -> list[float]:
        return sorted(r.rate for r in self.rounds)

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    def percentile(self, q: float) -> float:
        """Over every interaction of every round."""
        ordered = sorted(ms for r in self.rounds for ms in r.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def cpu_ms(self) -> float | None:
        return _median([r.cpu_ms for r in self.rounds])

    @property
    def fake_cpu_ms(self) -> float | None:
        return _median([r.fake_cpu_ms for r in self.rounds])


def _median(values: list[float | None]) -> float | None:
    """The median, or None when any round could not be measured."""
    known = [v for v in values if v is not None]
    return statistics.median(known) if known and len(known) == len(values) else None


def commands_available(fake: FakeDiscord) -> list[str]:
    """/ask and /rate when their cogs are loaded, else /about."""
    chosen = [name for name in ("ask", "rate") if fake.command(name) is not None]
    return chosen or ["about"]


def option_cycle(command: str) -> Callable[[], dict[str, Any]]:
    if command == "ask":
        questions = itertools.cycle(QUESTIONS)
        return lambda: {"question": next(questions)}
    if command == "rate":
        orgs = itertools.cycle(ORGS)
        return lambda: {"org": next(orgs)}
    return dict


def _per_interaction(before: float | None, after: float | None, count: int) -> float | None:
    """CPU milliseconds per interaction between two readings of process_cpu_seconds."""
    return None if before is None or after is None else (after - before) * 1000 / count


def process_cpu_seconds(pid: int | None) -> float | None:
    """CPU time used so far by this process (None) or by ``pid`` (Linux /proc only)."""
    if pid is None:
        return time.process_time()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(
    fake: FakeDiscord,
    command: str,
    in_flight: int,
    count: int,
    bot_pid: int | None = None,
) -> Result:
    """``count`` runs of ``/command`` with ``in_flight`` kept outstanding."""
    options = option_cycle(command)
    latencies: list[float] = []
    remaining = count

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            answer = await fake.slash(command, options(), user=MEMBER, within=30)
            latencies.append(answer.latency * 1000)

    # The fake keeps every request it saw; freeze that history so the load driver's own full
    # garbage collections (which grow with it) do not show up as the bot's latency.
    gc.collect()
    gc.freeze()
    # The bot's process, and this one (the fake and the driver; also the bot when in-process).
    bot_before, own_before = process_cpu_seconds(bot_pid), process_cpu_seconds(None)
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    seconds = time.perf_counter() - started
    bot_after, own_after = process_cpu_seconds(bot_pid), process_cpu_seconds(None)
    cpu_ms = _per_interaction(bot_before, bot_after, count)
    fake_cpu_ms = None if bot_pid is None else _per_interaction(own_before, own_after, count)
    return Result(count, seconds, latencies, cpu_ms, fake_cpu_ms)


async def scenario(
    fake: FakeDiscord,
    mode: str,
    requests: int,
    warmup: int,
    rounds: int,
    bot_pid: int | None = None,
) -> list[Row]:
    """Each available command at 1 and 16 in flight, after a warm-up, ``rounds`` times each."""
    rows = []
    for command in commands_available(fake):
        await drive(fake, command, 4, warmup)  # caches, first-use imports, buckets
        for in_flight in (1, 16):
            row = Row(mode, command, in_flight, [])
            for _ in range(rounds):
                row.rounds.append(await drive(fake, command, in_flight, requests, bot_pid))
                # Keep the fake's records from growing across rounds.
                fake.requests.clear()
                fake.exchanges.clear()
                fake.messages.clear()
            rows.append(row)
    return rows


async def run(
    requests: int, warmup: int, rounds: int, validate: bool, modes: list[str]
) -> list[Row]:
    results: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for mode in modes:
            async with FakeDiscord(validate=validate) as fake:
                (folder / mode).mkdir()
                config = write_config(folder / mode)
                if mode == "in-process":
                    with pointed_at(fake):
                        bot = await InProcessBot(fake, config).start()
                        try:
                            results += await scenario(fake, mode, requests, warmup, rounds)
                        finally:
                            await bot.stop()
                else:
                    bot_process = await SubprocessBot(fake, config, folder / "bot.log").start()
                    try:
                        results += await scenario(
                            fake, mode, requests, warmup, rounds, bot_process.pid
                        )
                    finally:
                        await bot_process.terminate()
                fake.assert_clean()
    return results


def print_table(results: list[Row], validate: bool, rounds: int) -> None:
    print(
        f"\nvetbot end to end through discord.py {discord_version()} and the fake Discord "
        f"(spec validation {'on' if validate else 'off'}; Python {platform.python_version()}, "
        f"{sys.executable}; {os.cpu_count()} CPUs)\n"
    )
    header = (
        f"{'mode':<11} {'command':<8} {'in flight':>9} {'n':>6} {'per s':>7} {'range':>11} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>7} {'fake ms':>7}  target"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        p50, p99 = r.percentile(0.50), r.percentile(0.99)
        cpu, fake_cpu = _ms(r.cpu_ms), _ms(r.fake_cpu_ms)
        spread = f"{r.rates[0]:,.0f}–{r.rates[-1]:,.0f}" if len(r.rates) > 1 else "-"
        if r.in_flight == 1:
            verdict = f"p99 < {P99_TARGET_MS:g} ms: {'met' if p99 < P99_TARGET_MS else 'NOT met'}"
        else:
            verdict = f"≥ {RATE_TARGET:,.0f}/s: {'met' if r.rate >= RATE_TARGET else 'NOT met'}"
        print(
            f"{r.mode:<11} /{r.command:<7} {r.in_flight:>9} {r.count:>6} {r.rate:>7,.0f} "
            f"{spread:>11} {p50:>7.2f} {p99:>7.2f} {cpu:>7} {fake_cpu:>7}  {verdict}"
        )
    print(
        f"per s: median of {rounds} round(s); range: slowest to fastest round. p50/p99: over "
        "every interaction of every round.\n"
        "CPU ms: CPU time per interaction, of the bot process (subprocess) or of the one "
        "process running bot and fake (in-process). fake ms: of the fake Discord and load "
        "driver (subprocess mode).\n"
        "With 16 in flight the busier process sets the rate: about 1,000 / max(CPU ms, "
        "fake ms) per second when each has a core; in one process bot and fake share a core.\n"
        "Targets: p99 applies to 1 in flight, throughput to 16 in flight.\n"
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def discord_version() -> str:
    import discord

    return discord.__version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per row (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per row (default 3)")
    parser.add_argument("--quick", action="store_true", help="300 requests per row, one round")
    parser.add_argument("--validate", action="store_true", help="check bodies against the spec")
    parser.add_argument(
        "--mode", choices=["in-process", "subprocess"], action="append", help="default: both"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    requests = 300 if args.quick else args.requests
    rounds = 1 if args.quick else max(1, args.rounds)
    modes = args.mode or ["in-process", "subprocess"]
    warmup = max(50, requests // 10)
    results = asyncio.run(run(requests, warmup, rounds, args.validate, modes))
    print_table(results, args.validate, rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
