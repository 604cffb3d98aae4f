"""How long the public site takes to build, and to answer one page when served.

    python -m benchmarks.bench_site                 # 0, 1,000 and 10,000 approved reports
    python -m benchmarks.bench_site --reports 500   # one size

The shipped knowledge base plus ``--reports`` approved reports spread over its organizations
(and as many rejected ones, which the community chart counts). "build" is ``site build``'s work:
gathering the data and writing every file. "serve" asks the running aiohttp server for pages one
at a time over 127.0.0.1; the ceiling beside it is the same server answering a trivial page in
the same run, i.e. what HTTP alone costs here.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, web

from benchmarks.bench_reports import bench_config
from bot.config import load_config
from bot.core import Core
from bot.site import urls
from bot.site.data import load_site
from bot.site.render import build
from bot.site.serve import make_app
from bot.storage import to_db_time

BUILD_TARGET_S = 5.0  # the whole site with 10,000 approved reports
PAGE_P99_TARGET_MS = 50.0
TEXT = "They asked survivors to pose for fundraising photos without consent, twice in 2019."
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
GUILD = 1  # one community, as `site build --guild 1` would publish


async def _seed(core: Core, count: int) -> None:
    orgs = list(core.knowledge.orgs)
    rows = []
    for i in range(2 * count):
        created = START + dt.timedelta(hours=7 * i)
        rows.append(
            (
                GUILD,
                orgs[i % len(orgs)],
                "An organization",
                i % 10 + 1,
                f"{TEXT} ({i})",
                "documented",
                "approved" if i % 2 == 0 else "rejected",
                to_db_time(created),
                to_db_time(created + dt.timedelta(days=i % 9 + 1)),
            )
        )
    async with core.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO reports (guild_id, org_id, org_name, criterion, text, basis, status, "
            "created_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def _ms(seconds: list[float], pct: float) -> float:
    ordered = sorted(seconds)
    return 1000 * ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def _serve_latency(core: Core, pages: list[str], rounds: int) -> dict[str, list[float]]:
    app = make_app(core, GUILD)

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="<p>hello</p>", content_type="text/html")

    # The ceiling is its own app: the site's catch-all route would shadow any route added after.
    ceiling_app = web.Application()
    ceiling_app.router.add_get("/", hello)
    timings: dict[str, list[float]] = {}
    runners = []
    try:
        bases = []
        for application in (app, ceiling_app):
            runner = web.AppRunner(application, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            runners.append(runner)
            bases.append(f"http://127.0.0.1:{runner.addresses[0][1]}/")
        async with ClientSession() as session:
            targets = [(page, bases[0] + page) for page in pages] + [("(ceiling)", bases[1])]
            for name, url in targets:
                async with session.get(url) as response:  # warm the cache
                    await response.read()
                spent = []
                for _ in range(rounds):
                    t0 = time.perf_counter()
                    async with session.get(url) as response:
                        await response.read()
                    spent.append(time.perf_counter() - t0)
                timings[name] = spent
    finally:
        for runner in runners:
            await runner.cleanup()
    return timings


async def run(count: int, rounds: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        core = await Core.open(load_config(bench_config(folder)))
        try:
            await _seed(core, count)
            t0 = time.perf_counter()
            site = await load_site(core, guild_id=GUILD)
            t1 = time.perf_counter()
            written = build(site, folder / "public")
            t2 = time.perf_counter()
            size = sum(p.stat().st_size for p in written) / 1e6
            ok = "ok" if t2 - t0 <= BUILD_TARGET_S else "OVER"
            print(
                f"| {count:>7,} | {1000 * (t1 - t0):>8.0f} | {1000 * (t2 - t1):>9.0f} | "
                f"{t2 - t0:>7.2f} ≤ {BUILD_TARGET_S:.0f} {ok:<4} | {len(written):>5} | "
                f"{size:>6.1f} |"
            )
            busiest = max(site.orgs, key=lambda o: len(o.reports))
            pages = [urls.INDEX, urls.org_path(busiest.id), "community.html"]
            timings = await _serve_latency(core, pages, rounds)
            for name, spent in timings.items():
                target = "" if name == "(ceiling)" else f"≤ {PAGE_P99_TARGET_MS:.0f}"
                print(
                    f"|         | serve {name:<52} p50 {_ms(spent, 50):6.2f} ms, "
                    f"p99 {_ms(spent, 99):6.2f} ms {target} |"
                )
        finally:
            await core.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_site", description=__doc__)
    parser.add_argument("--reports", type=int, action="append", help="approved reports to seed")
    parser.add_argument("--rounds", type=int, default=200, help="requests per served page")
    args = parser.parse_args()
    print("| reports | gather ms | render+write ms | build s (target) | files |   MB |")
    print("|--------:|----------:|----------------:|-----------------:|------:|-----:|")
    for count in args.reports or [0, 1000, 10000]:
        asyncio.run(run(count, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
