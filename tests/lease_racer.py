"""One of several processes racing for the same leases (see test_leases.py).

``python tests/lease_racer.py TARGET NAME...`` opens the database, prints ``ready``, waits for a
line on standard input (so every racer starts at once), asks for every lease at the same
moment, and prints the names it won as one JSON line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from pathlib import Path

from bot.leases import Leases
from bot.storage import Database

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(minutes=10)


async def race(target: str, names: list[str]) -> list[str]:
    db = await Database.open(target if "://" in target else Path(target))
    leases = Leases(db)
    try:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        await asyncio.to_thread(sys.stdin.readline)
        won = await asyncio.gather(*(leases.acquire(n, ttl=TTL, now=NOW) for n in names))
        return [n for n, ok in zip(names, won, strict=True) if ok]
    finally:
        await db.close()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(race(sys.argv[1], sys.argv[2:]))))
