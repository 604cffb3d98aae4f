"""A PostgreSQL connection that LISTENs on one channel and comes back after a drop.

Notifications reach only the sessions listening when they are sent, so a listener that lost
its connection may have missed some: after reconnecting it says so (``missed``), and the
caller forgets whatever it cached.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

# Waits between reconnection attempts: doubling from the first to the last.
RETRY_FIRST = 0.1
RETRY_LAST = 5.0


class Listener:
    """One dedicated connection (not from the pool: LISTEN belongs to a session)."""

    def __init__(
        self,
        url: str,
        channel: str,
        received: Callable[[str], None],
        missed: Callable[[], None],
        shown_as: str,
    ) -> None:
        self.url = url
        self.channel = channel
        self.received = received
        self.missed = missed
        self.shown_as = shown_as
        self._conn: asyncpg.Connection | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closing = False

    async def start(self) -> None:
        """Connect and LISTEN (errors propagate: start-up should fail loudly)."""
        await self._connect()

    @property
    def server_pid(self) -> int | None:
        """The PostgreSQL backend process of the listening session (None while reconnecting)."""
        conn = self._conn
        return None if conn is None or conn.is_closed() else conn.get_server_pid()

    async def close(self) -> None:
        """Stop listening for good."""
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()

    async def _connect(self) -> None:
        # Named, so operators can tell it apart in pg_stat_activity.
        conn = await asyncpg.connect(
            self.url, server_settings={"application_name": "vetbot notifications"}
        )
        try:
            await conn.add_listener(self.channel, self._notified)
        except BaseException:
            await conn.close()
            raise
        conn.add_termination_listener(self._lost)
        self._conn = conn

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.received(payload)

    def _lost(self, _conn: Any) -> None:
        if self._closing:
            return
        log.warning(
            "Lost the notifications connection to %s; reconnecting (other processes' changes "
            "reach this one again once it is back)",
            self.shown_as,
        )
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        wait = RETRY_FIRST
        while not self._closing:
            try:
                await self._connect()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.debug("Notifications connection not back yet: %s", exc)
                await asyncio.sleep(wait)
                wait = min(wait * 2, RETRY_LAST)
                continue
            log.info(
                "Notifications connection to %s is back; forgetting cached data that may "
                "have changed meanwhile",
                self.shown_as,
            )
            self.missed()
            return
