"""Leases: one-time work (command sync, the retention purge) runs in exactly one process.

Several bot processes (shards on several machines) share one database. A job that must not run
twice takes a lease: a row naming the job, the process holding it and when it expires. Taking
it is one statement, so two processes racing for a free lease cannot both win, on either
backend; the holder renews it while it works, and a lease its holder stopped renewing (the
process died) passes to the next process that asks once it expires. A periodic job (the purge)
takes turns instead: the first process to ask once a period is over runs it for that period.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid

from bot.storage import Database, to_db_time

log = logging.getLogger(__name__)


def process_name() -> str:
    """Who this process is, for a lease row: host, pid and a random tag (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Leases:
    """The leases this process takes, all under one holder name."""

    def __init__(self, db: Database, holder: str | None = None) -> None:
        self.db = db
        self.holder = holder or process_name()

    async def acquire(self, name: str, *, ttl: dt.timedelta, now: dt.datetime) -> bool:
        """Take or renew the lease ``name`` until ``now + ttl``; whether this process holds it.

        Refused while another holder's lease has not expired.
        """
        return await self._claim(name, now + ttl, now, renew=True)

    async def take_turn(self, name: str, *, every: dt.timedelta, now: dt.datetime) -> bool:
        """Claim the run of the periodic job ``name`` due at ``now``: true for exactly one
        process per period of ``every``, the first to ask once the last turn's period is over.

        Unlike :meth:`acquire`, nobody keeps a turn: the row only says when the next one is
        due, so a process that crashed or restarted delays nothing, and asking again within
        the same period (the same process included) is refused.
        """
        return await self._claim(name, now + every, now, renew=False)

    async def release(self, name: str) -> None:
        """Give the lease (or a turn) up now, so another process need not wait for expiry."""
        await self.db.execute(
            "DELETE FROM leases WHERE name = ? AND holder = ?", (name, self.holder)
        )

    async def _claim(self, name: str, until: dt.datetime, now: dt.datetime, *, renew: bool) -> bool:
        # The conflict's WHERE decides: a row not yet expired (and, with ``renew``, held by
        # someone else) stays as it is, and the statement changes no row. A second writer
        # racing on the same new row waits for the first to commit, then evaluates the WHERE
        # against its row.
        mine = "leases.holder = excluded.holder OR " if renew else ""
        taken = await self.db.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            f"expires_at = excluded.expires_at WHERE {mine}leases.expires_at <= ?",
            (name, self.holder, to_db_time(until), to_db_time(now)),
        )
        return taken == 1

    async def holder_of(self, name: str, now: dt.datetime) -> str | None:
        """Who holds ``name`` at ``now``, if anyone."""
        return await self.db.fetchval(
            "SELECT holder FROM leases WHERE name = ? AND expires_at > ?", (name, to_db_time(now))
        )
