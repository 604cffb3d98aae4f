"""The SQLite backend: a single connection, numbered migrations, transactions.

This is the embedded default (``storage.database`` is a file path). The SQLite-specific parts
(PRAGMAs, ``BEGIN IMMEDIATE``, the online backup API) live only in this module; callers see
the interface of :class:`bot.storage.base.Database`.

Concurrency model: the bot shares one connection between many asyncio tasks. aiosqlite runs
statements one at a time, in order, on its own thread. A transaction has the connection to
itself (nothing else may land between its BEGIN and COMMIT), while single statements outside a
transaction may be queued together: each is atomic on its own. Guarded inserts (a report
submission) arriving together share one commit (group commit, see
:mod:`bot.storage.sqlite_batch`): one disk flush for all of them, each answered only once it
is on disk. Helpers take an optional ``conn`` (RoboDanny style) so
several calls can share one transaction; a helper called from the task that owns the open
transaction joins it instead of deadlocking. One writer makes every guarded statement
race-free; the PostgreSQL backend gets the same guarantees from constraints and locks.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.db_errors import is_file_problem, unavailable
from bot.storage.base import (
    FOREIGN_KEYS_OFF,
    Database,
    Migration,
    MigrationError,
    Params,
    load_migrations,
)
from bot.storage.sqlite_batch import GroupCommit, inserted_id

log = logging.getLogger(__name__)

Row = sqlite3.Row


class SQLiteDatabase(Database):
    """The bot's single SQLite connection. Create with :meth:`open`, end with :meth:`close`."""

    backend = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._gate = _Gate()
        self._owner: asyncio.Task[Any] | None = None
        self._group = GroupCommit(conn, self._gate.exclusive)

    # -- life cycle ------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        migrations: Iterable[Migration] | None = None,
        busy_timeout_ms: int = 5000,
        setting: str = "storage.database in the config",
    ) -> SQLiteDatabase:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date.

        ``migrations`` defaults to the files in ``bot/migrations``; tests pass their own.
        Raises :class:`DatabaseUnavailable` when the file cannot be read or written (missing
        folder, not a database, read-only), naming ``setting`` as the thing to change.
        """
        try:
            return await cls._open(path, migrations, busy_timeout_ms)
        except sqlite3.Error as exc:
            if not is_file_problem(exc):
                raise  # a broken migration or query is a bug, not the file's fault
            raise unavailable(path, exc, setting) from exc

    @classmethod
    async def _open(
        cls, path: str | Path, migrations: Iterable[Migration] | None, busy_timeout_ms: int
    ) -> SQLiteDatabase:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            # WAL lets a backup or a read run beside the writer; synchronous=FULL makes every
            # acknowledged commit durable across power loss, not just across a process crash.
            mode = await _scalar(conn, "PRAGMA journal_mode = WAL")
            if str(mode).lower() not in ("wal", "memory"):
                log.warning("SQLite refused WAL mode for %s (got %s)", path, mode)
            await conn.execute("PRAGMA synchronous = FULL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            # Deleted and overwritten content is zeroed on disk, so an erased reporter id
            # cannot be read back from free space in the file.
            await conn.execute("PRAGMA secure_delete = ON")
            db = cls(conn, str(path))
            await db._migrate(load_migrations() if migrations is None else list(migrations))
            await db._check_writable()
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        """Wait for the running unit of work, then close the connection."""
        async with self._gate.exclusive():
            await self._conn.close()
        log.info("Closed database %s", self.path)

    async def version(self) -> int:
        """The schema version (``PRAGMA user_version``): the number of the last migration run."""
        async with self._use(None) as conn:
            return int(await _scalar(conn, "PRAGMA user_version"))

    async def _migrate(self, migrations: list[Migration]) -> None:
        current = await self.version()
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise MigrationError(
                f"{self.path} is at schema version {current}, newer than this code ({latest}); "
                "upgrade vetbot, or change storage.database in the config"
            )
        for migration in migrations:
            if migration.version <= current:
                continue
            log.info("Applying migration %s to %s", migration.name, self.path)
            await self._apply(migration)
            current = migration.version

    async def _check_writable(self) -> None:
        # A read-only file opens and reads fine; without this, the first report would fail.
        version = await self.version()
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            await self._conn.execute(f"PRAGMA user_version = {version}")
        finally:
            await self._conn.execute("ROLLBACK")

    async def _apply(self, migration: Migration) -> None:
        conn = self._conn
        # SQLite's procedure for rebuilding a table (to change a CHECK or a key) needs foreign
        # keys off, which can only be switched outside a transaction; the check below still
        # refuses a migration that leaves a dangling reference.
        keys_off = migration.sql.startswith(FOREIGN_KEYS_OFF)
        if keys_off:
            await conn.execute("PRAGMA foreign_keys = OFF")
        try:
            # executescript runs the whole file; the BEGIN inside it keeps the transaction open
            # afterwards so the foreign-key check and the version bump commit with the change.
            await conn.executescript(f"BEGIN IMMEDIATE;\n{migration.sql}\n;")
            broken = list(await conn.execute_fetchall("PRAGMA foreign_key_check"))
            if broken:
                raise MigrationError(f"{migration.name} leaves broken foreign keys: {broken[:3]}")
            await conn.execute(f"PRAGMA user_version = {migration.version}")
            await conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        finally:
            if keys_off:
                await conn.execute("PRAGMA foreign_keys = ON")

    # -- units of work ---------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``async with db.transaction() as conn:`` — commit on success, roll back on error.

        A transaction opened inside another one (same task) simply joins the outer one.
        """
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            yield self._conn
            return
        async with self._gate.exclusive():
            self._owner = task
            try:
                # IMMEDIATE takes the write lock up front: a read-then-write transaction can
                # then never fail half-way with SQLITE_BUSY if another process writes too.
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    await self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise
            finally:
                self._owner = None

    async def serialize(self, key: str, *, conn: aiosqlite.Connection) -> None:
        """Nothing to do: a transaction here already runs alone (``BEGIN IMMEDIATE`` takes the
        database's write lock, so even another process waits)."""

    @asynccontextmanager
    async def _use(self, conn: aiosqlite.Connection | None) -> AsyncIterator[aiosqlite.Connection]:
        """The connection for one helper call: the caller's, the current transaction's, or a
        shared autocommit turn that never lands inside another task's transaction."""
        task = asyncio.current_task()
        if conn is not None or (task is not None and self._owner is task):
            yield self._conn if conn is None else conn
            return
        async with self._gate.shared():
            yield self._conn

    # -- query helpers ---------------------------------------------------------------------

    async def execute(
        self, sql: str, params: Params = (), *, conn: aiosqlite.Connection | None = None
    ) -> int:
        """Run one statement; return the number of rows it changed."""
        async with self._use(conn) as c:
            cursor = await c.execute(sql, params)
            return cursor.rowcount

    async def executemany(
        self, sql: str, rows: Iterable[Params], *, conn: aiosqlite.Connection | None = None
    ) -> None:
        """Run one statement once per row of parameters."""
        async with self._use(conn) as c:
            await c.executemany(sql, rows)

    async def insert(
        self, sql: str, params: Params = (), *, conn: aiosqlite.Connection | None = None
    ) -> int:
        """Run one ``INSERT``; return the new row's id."""
        async with self._use(conn) as c:
            cursor = await c.execute(sql, params)
            if cursor.lastrowid is None:
                raise RuntimeError("INSERT returned no row id")
            return cursor.lastrowid

    async def insert_if(
        self,
        sql: str,
        params: Params = (),
        *,
        conn: aiosqlite.Connection | None = None,
        serialize_on: str | None = None,
    ) -> int | None:
        """Run an ``INSERT ... SELECT ... WHERE``; the new row's id, or ``None`` if the
        condition held no row. Outside a transaction it commits in a group with the inserts
        queued beside it (:mod:`bot.storage.sqlite_batch`), each still checked in order by the
        one writer, so ``serialize_on`` needs nothing more here."""
        task = asyncio.current_task()
        if conn is None and (task is None or self._owner is not task):
            return await self._group.insert_if(sql, params)
        async with self._use(conn) as c:
            return inserted_id(await c.execute(sql, params))

    async def fetchall(
        self, sql: str, params: Params = (), *, conn: aiosqlite.Connection | None = None
    ) -> list[Row]:
        """All rows of a query."""
        async with self._use(conn) as c:
            return list(await c.execute_fetchall(sql, params))

    async def fetchone(
        self, sql: str, params: Params = (), *, conn: aiosqlite.Connection | None = None
    ) -> Row | None:
        """The first row of a query, or ``None``."""
        rows = await self.fetchall(sql, params, conn=conn)
        return rows[0] if rows else None

    async def fetchval(
        self, sql: str, params: Params = (), *, conn: aiosqlite.Connection | None = None
    ) -> Any:
        """The first column of the first row, or ``None`` when there is no row."""
        row = await self.fetchone(sql, params, conn=conn)
        return None if row is None else row[0]

    # -- notifications between processes ----------------------------------------------------

    async def notify(self, channel: str, payload: str) -> None:
        """Nothing: one process owns an SQLite file, so there is no other process to tell."""

    async def listen(
        self, channel: str, received: Callable[[str], None], missed: Callable[[], None]
    ) -> None:
        """Nothing: one process owns an SQLite file, so no other process changes its data."""

    # -- maintenance -----------------------------------------------------------------------

    async def backup(self, dest_path: str | Path) -> None:
        """Copy the live database to ``dest_path`` with SQLite's online backup API.

        Safe while the bot runs: the copy is a consistent snapshot, writers wait briefly.
        Raises :class:`DatabaseUnavailable` when ``dest_path`` cannot be written.
        """
        try:
            # The copy is written from aiosqlite's worker thread, not the one that opened it.
            dest = sqlite3.connect(str(dest_path), check_same_thread=False)
            try:
                async with self._gate.exclusive():
                    await self._conn.backup(dest)
            finally:
                dest.close()
        except sqlite3.Error as exc:
            raise unavailable(dest_path, exc, "the backup path") from exc
        log.info("Backed up %s to %s", self.path, dest_path)

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it.

        After an erasure this leaves no older copy of the erased rows in ``-wal``.
        """
        async with self._gate.exclusive():
            rows = list(await self._conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
        if rows and rows[0][0]:
            log.warning("Checkpoint of %s incomplete: another connection is reading", self.path)

    async def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check``: ``"ok"``, or the problems found, one per line."""
        async with self._use(None) as conn:
            rows = await conn.execute_fetchall("PRAGMA integrity_check")
        return "\n".join(str(row[0]) for row in rows)


class _Gate:
    """A readers-writer lock: many single statements at once, or one transaction alone.

    A waiting transaction stops new single statements from starting, so a steady stream of
    them cannot starve it.
    """

    def __init__(self) -> None:
        self._cond = asyncio.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        async with self._cond:
            await self._cond.wait_for(lambda: not self._exclusive and not self._waiting)
            self._shared += 1
        try:
            yield
        finally:
            async with self._cond:
                self._shared -= 1
                if not self._shared:
                    self._cond.notify_all()

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        async with self._cond:
            self._waiting += 1
            try:
                await self._cond.wait_for(lambda: not self._exclusive and not self._shared)
            except BaseException:
                self._waiting -= 1
                self._cond.notify_all()  # single statements held back for us may go now
                raise
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            async with self._cond:
                self._exclusive = False
                self._cond.notify_all()


async def _scalar(conn: aiosqlite.Connection, sql: str) -> Any:
    rows = list(await conn.execute_fetchall(sql))
    return rows[0][0] if rows else None
