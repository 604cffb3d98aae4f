"""Group commit for SQLite: guarded inserts that arrive together share one commit.

With ``synchronous = FULL`` every commit waits for a disk flush, and one connection commits
one transaction at a time. When many members submit at once, each insert waiting for its own
flush makes the flush the limit. Here the inserts that queued up while the previous group was
being written go in together: one ``BEGIN IMMEDIATE``, each statement in order (so every guard
sees the rows of the statements before it, as with separate transactions), one ``COMMIT``.
Nobody is answered before that commit is on disk, so an acknowledged report is as durable as
before; a report whose group failed to commit is refused as a whole, never half-stored.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

MAX_GROUP = 64  # statements in one commit at most: a bounded wait for the last of them
# Errors that concern one statement (a constraint, a type mismatch), after which SQLite keeps
# the transaction open; I/O and disk errors roll the transaction back and fail the group.
_STATEMENT_ERRORS = (sqlite3.IntegrityError, sqlite3.DataError)


def inserted_id(cursor: aiosqlite.Cursor) -> int | None:
    """The id of the row an ``INSERT ... SELECT ... WHERE`` added, or ``None`` if it added
    none (``lastrowid`` keeps an older value then, so ``rowcount`` decides)."""
    return cursor.lastrowid if cursor.rowcount == 1 else None


@dataclass
class _Pending:
    sql: str
    params: Any
    done: asyncio.Future[int | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class GroupCommit:
    """Queues ``INSERT ... SELECT ... WHERE`` statements and commits them in groups."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        exclusive: Callable[[], AbstractAsyncContextManager[None]],
    ) -> None:
        """``exclusive()`` gives the connection to one unit of work (the database's gate)."""
        self._conn = conn
        self._exclusive = exclusive
        self._queue: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None

    async def insert_if(self, sql: str, params: Any) -> int | None:
        """Run the guarded insert in the next group; the new row's id, or ``None`` if its
        condition held no row. Returns once the group's commit is on disk."""
        pending = _Pending(sql, params)
        self._queue.append(pending)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_groups())
        return await asyncio.shield(pending.done)

    async def _write_groups(self) -> None:
        while self._queue:
            group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
            try:
                results = await self._commit(group)
            except BaseException as exc:
                for pending in group:
                    if not pending.done.done():
                        pending.done.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            for pending, result in zip(group, results, strict=True):
                if pending.done.done():
                    continue
                if isinstance(result, BaseException):
                    pending.done.set_exception(result)
                else:
                    pending.done.set_result(result)

    async def _commit(self, group: list[_Pending]) -> list[int | BaseException | None]:
        results: list[int | BaseException | None] = []
        async with self._exclusive():
            conn = self._conn
            if len(group) == 1:
                # Alone: one statement is its own transaction, one round trip instead of three.
                return [inserted_id(await conn.execute(group[0].sql, group[0].params))]
            await conn.execute("BEGIN IMMEDIATE")
            try:
                for pending in group:
                    try:
                        cursor = await conn.execute(pending.sql, pending.params)
                    except _STATEMENT_ERRORS as exc:
                        # A failed statement is undone by SQLite alone; the rest stand.
                        if not conn.in_transaction:
                            raise  # the whole transaction went with it: fail the group
                        results.append(exc)
                        continue
                    results.append(inserted_id(cursor))
                await conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise
        log.debug("Committed %d guarded inserts together", len(group))
        return results
