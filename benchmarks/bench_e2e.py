"""Interactions per second and latency through the real discord.py client and the fake Discord.

    python -m benchmarks.bench_e2e                 # /ask and /rate, 1 and 16 in flight, 2 modes
    python -m benchmarks.bench_e2e --quick         # fewer requests
    python -m benchmarks.bench_e2e --validate      # also check every body against the spec

Latency is measured by the fake, from writing the INTERACTION_CREATE frame to receiving the
bot's visible answer (the callback). "in-process" runs the bot on the fake's event loop (both
share one core); "subprocess" runs ``python -m bot run`` in its own process, as in production.
Spec validation is off by default: it costs the fake about a millisecond per request, which in
the in-process mode would be charged to the bot. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import logging
import os
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
    """One row of the table."""

    mode: str
    command: str
    in_flight: int
    count: int
    seconds: float
    latencies_ms: list[float]
    cpu_ms: float | None  # the bot's CPU time per interaction (in-process: bot and fake)
    fake_cpu_ms: float | None = None  # the fake's and the load driver's (subprocess mode)

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


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
    mode: str,
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
    cpu_before = process_cpu_seconds(bot_pid)
    own_before = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    seconds = time.perf_counter() - started
    own_ms = (time.process_time() - own_before) * 1000 / count
    cpu_after = process_cpu_seconds(bot_pid)
    cpu_ms = None
    if cpu_before is not None and cpu_after is not None:
        cpu_ms = (cpu_after - cpu_before) * 1000 / count
    fake_cpu_ms = own_ms if bot_pid is not None else None
    return Result(mode, command, in_flight, count, seconds, latencies, cpu_ms, fake_cpu_ms)


async def scenario(
    fake: FakeDiscord, mode: str, requests: int, warmup: int, bot_pid: int | None = None
) -> list[Result]:
    """Each available command at 1 and 16 in flight, after a warm-up."""
    results = []
    for command in commands_available(fake):
        await drive(fake, mode, command, 4, warmup)  # caches, first-use imports, buckets
        for in_flight in (1, 16):
            row = await drive(fake, mode, command, in_flight, requests, bot_pid)
            results.append(row)
            # Keep the fake's records from growing across rows.
            fake.requests.clear()
            fake.exchanges.clear()
            fake.messages.clear()
    return results


async def run(requests: int, warmup: int, validate: bool, modes: list[str]) -> list[Result]:
    results: list[Result] = []
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
                            results += await scenario(fake, mode, requests, warmup)
                        finally:
                            await bot.stop()
                else:
                    bot_process = await SubprocessBot(fake, config, folder / "bot.log").start()
                    try:
                        results += await scenario(fake, mode, requests, warmup, bot_process.pid)
                    finally:
                        await bot_process.terminate()
                fake.assert_clean()
    return results


def print_table(results: list[Result], validate: bool) -> None:
    print(
        f"\nvetbot end to end through discord.py {discord_version()} and the fake Discord "
        f"(spec validation {'on' if validate else 'off'})\n"
    )
    header = (
        f"{'mode':<11} {'command':<8} {'in flight':>9} {'n':>6} {'per s':>8} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>7} {'fake ms':>7}  target"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        p50, p99 = r.percentile(0.50), r.percentile(0.99)
        cpu = "-" if r.cpu_ms is None else f"{r.cpu_ms:.2f}"
        fake_cpu = "-" if r.fake_cpu_ms is None else f"{r.fake_cpu_ms:.2f}"
        if r.in_flight == 1:
            verdict = f"p99 < {P99_TARGET_MS:g} ms: {'met' if p99 < P99_TARGET_MS else 'NOT met'}"
        else:
            verdict = f"≥ {RATE_TARGET:,.0f}/s: {'met' if r.rate >= RATE_TARGET else 'NOT met'}"
        print(
            f"{r.mode:<11} /{r.command:<7} {r.in_flight:>9} {r.count:>6} {r.rate:>8,.0f} "
            f"{p50:>7.2f} {p99:>7.2f} {cpu:>7} {fake_cpu:>7}  {verdict}"
        )
    print(
        "CPU ms: CPU time per interaction, of the bot process (subprocess) or of the one "
        "process running bot and fake (in-process). fake ms: of the fake Discord and load "
        "driver (subprocess mode).\n"
        "With 16 in flight the busier of the two processes sets the rate: about 1,000 / "
        "max(CPU ms, fake ms) per second when each has a core of its own.\n"
        "Targets: p99 applies to 1 in flight, throughput to 16 in flight.\n"
    )


def discord_version() -> str:
    import discord

    return discord.__version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per row (default 2000)")
    parser.add_argument("--quick", action="store_true", help="300 requests per row")
    parser.add_argument("--validate", action="store_true", help="check bodies against the spec")
    parser.add_argument(
        "--mode", choices=["in-process", "subprocess"], action="append", help="default: both"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    requests = 300 if args.quick else args.requests
    modes = args.mode or ["in-process", "subprocess"]
    results = asyncio.run(run(requests, max(50, requests // 10), args.validate, modes))
    print_table(results, args.validate)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
