"""The PostgreSQL backend: a pool of asyncpg connections, for several bot processes at once.

Callers' SQL is the same as for SQLite: ``?`` placeholders become ``$1, $2, …`` here, an
``insert`` gets its id through ``RETURNING id``, and rows are asyncpg records (indexed by name
or position, like sqlite3 rows).

With several writers nothing is serialized for free, so every guarantee rests on the database:
guarded updates (``… WHERE status = 'pending'``) decide once because a second writer waits for
the first and then re-checks the row; a partial unique index keeps one pending report per
reporter, organization and criterion; and conditional inserts that count rows (rate limits)
take a transaction-scoped advisory lock on what they count. Migrations run under an advisory
lock too, so two processes starting at once apply each one exactly once.

When the server goes away (a restart, a network cut), every call fails fast with
:class:`StorageUnavailable` — the bot answers "try again" — and the pool opens new connections
by itself once the server is back; both moments are logged once.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg

from bot.storage.base import (
    POSTGRES_MIGRATIONS_DIR,
    Database,
    Migration,
    MigrationError,
    Params,
    StorageError,
    StorageUnavailable,
    load_migrations,
)
from bot.storage.listener import Listener
from bot.storage.pg_dump import dump, redact

log = logging.getLogger(__name__)

# Where the schema version lives (SQLite keeps it in PRAGMA user_version).
VERSION_TABLE = "vetbot_schema"
# Advisory lock keys are one 64-bit number; this one guards migrations (b"vetbot:m").
_MIGRATION_LOCK = 0x7665_7462_6F74_3A6D
POOL_MAX = 10
# Seconds to wait for a new connection: an unreachable server should give "try again" while
# the person is still looking, not after asyncpg's default minute.
CONNECT_TIMEOUT = 5.0
# What a lost server looks like: refused or cut connections, a server shutting down, starting
# up or recovering, and asyncpg's own "the connection is closed".
_OUTAGES = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
)


class PostgresDatabase(Database):
    """A pool of connections to one PostgreSQL database. Create with :meth:`open`."""

    backend = "postgresql"

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self.url = url
        self.path = redact(url)
        # The connection of each task's open transaction, so helpers called without ``conn``
        # from that task join it (as with SQLite) instead of taking another connection.
        self._owners: dict[asyncio.Task[Any], asyncpg.Connection] = {}
        self._listeners: list[Listener] = []
        self._schema = "public"
        # When the server was found gone (monotonic seconds); None while it answers.
        self._lost_since: float | None = None

    # -- life cycle ------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        migrations: Iterable[Migration] | None = None,
        setting: str = "storage.database in the config",
        **_: Any,
    ) -> PostgresDatabase:
        """Connect to the database at the URL ``path`` and bring its schema up to date.

        ``migrations`` defaults to the files in ``bot/migrations/postgres``.
        """
        url = str(path)
        # No connection floor (min_size=0): asyncpg would keep re-opening it in the background
        # through an outage, logging a traceback each time; connections open on demand.
        pool = asyncpg.create_pool(
            url,
            min_size=0,
            max_size=POOL_MAX,
            timeout=CONNECT_TIMEOUT,
            reset=_keep_session,
        )
        try:
            await pool
            async with pool.acquire():  # so a wrong URL or a stopped server fails here
                pass
        except (OSError, asyncpg.PostgresError) as exc:
            await pool.close()
            raise StorageError(
                f"Cannot connect to PostgreSQL at {redact(url)}: {exc}; start the server, "
                f"or change {setting}"
            ) from exc
        db = cls(pool, url)
        try:
            chosen = load_migrations(POSTGRES_MIGRATIONS_DIR) if migrations is None else migrations
            await db._migrate(list(chosen))
            db._schema = str(await pool.fetchval("SELECT current_schema()"))
        except BaseException:
            await pool.close()
            raise
        return db

    async def close(self) -> None:
        """Wait for the connections in use to be given back, then close them."""
        for listener in self._listeners:
            await listener.close()
        await self._pool.close()
        log.info("Closed database %s", self.path)

    async def version(self) -> int:
        """The number of the last migration run (0 for an empty database)."""
        async with self._connection() as conn:
            return await _version(conn)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection from the pool for one unit of work.

        A lost server (while connecting, or during the work) becomes :class:`StorageUnavailable`;
        the first unit of work that succeeds afterwards logs that the server is back. asyncpg's
        pool replaces closed connections itself, so reconnecting needs nothing more.
        """
        started = time.monotonic()
        try:
            async with self._pool.acquire() as conn:
                yield conn
        except Exception as exc:
            if not _is_outage(exc):
                raise
            raise await self._lost(exc) from exc
        # Only work begun after the loss proves the server back: work in flight when it went
        # may still finish on answers that were already on their way.
        if self._lost_since is not None and started > self._lost_since:
            log.info(
                "Reconnected to PostgreSQL at %s after %.1f s",
                self.path,
                time.monotonic() - self._lost_since,
            )
            self._lost_since = None

    async def _lost(self, exc: BaseException) -> StorageUnavailable:
        """Note that the server is gone (logged once per outage) and say so to the caller."""
        if self._lost_since is None:
            self._lost_since = time.monotonic()
            log.warning(
                "Lost the connection to PostgreSQL at %s (%s); asking people to try again "
                "until it is back",
                self.path,
                _describe(exc),
            )
            # The other idle connections died with the server: open fresh ones next time.
            await self._pool.expire_connections()
        return StorageUnavailable(f"PostgreSQL at {self.path} is unreachable: {_describe(exc)}")

    async def _migrate(self, migrations: list[Migration]) -> None:
        latest = migrations[-1].version if migrations else 0
        async with self._pool.acquire() as conn:
            for migration in [*migrations, None]:
                # One transaction per migration, each under the lock, so a second process
                # starting at the same moment waits and then finds the work done.
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
                    await conn.execute(
                        f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} ("
                        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                    )
                    current = await _version(conn)
                    if current > latest:
                        raise MigrationError(
                            f"{self.path} is at schema version {current}, newer than this code "
                            f"({latest}); upgrade vetbot, or change storage.database in the config"
                        )
                    if migration is None or migration.version <= current:
                        continue
                    log.info("Applying migration %s to %s", migration.name, self.path)
                    await conn.execute(migration.sql)
                    await conn.execute(
                        f"INSERT INTO {VERSION_TABLE} (version, name) VALUES ($1, $2)",
                        migration.version,
                        migration.name,
                    )

    # -- units of work ---------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        """``async with db.transaction() as conn:`` — commit on success, roll back on error.

        A transaction opened inside another one (same task) simply joins the outer one. Unlike
        SQLite's, transactions of different tasks run side by side (READ COMMITTED).
        """
        task = asyncio.current_task()
        owned = self._owners.get(task) if task is not None else None
        if owned is not None:
            yield owned
            return
        async with self._connection() as conn, conn.transaction():
            if task is not None:
                self._owners[task] = conn
            try:
                yield conn
            finally:
                if task is not None:
                    self._owners.pop(task, None)

    async def serialize(self, key: str, *, conn: asyncpg.Connection) -> None:
        """A transaction-scoped advisory lock on ``key`` (released at COMMIT or ROLLBACK)."""
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)

    @asynccontextmanager
    async def _use(self, conn: asyncpg.Connection | None) -> AsyncIterator[asyncpg.Connection]:
        """The connection for one helper call: the caller's, the current transaction's, or
        one from the pool in autocommit."""
        if conn is not None:
            yield conn
            return
        task = asyncio.current_task()
        owned = self._owners.get(task) if task is not None else None
        if owned is not None:
            yield owned
            return
        async with self._connection() as pooled:
            yield pooled

    # -- query helpers ---------------------------------------------------------------------

    async def execute(
        self, sql: str, params: Params = (), *, conn: asyncpg.Connection | None = None
    ) -> int:
        """Run one statement; return the number of rows it changed."""
        async with self._use(conn) as c:
            status = await c.execute(placeholders(sql), *_args(params))
        # The command tag ends with the row count: "UPDATE 3", "INSERT 0 1", "DELETE 0".
        last = status.rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0

    async def executemany(
        self, sql: str, rows: Iterable[Params], *, conn: asyncpg.Connection | None = None
    ) -> None:
        """Run one statement once per row of parameters (asyncpg pipelines them)."""
        async with self._use(conn) as c:
            await c.executemany(placeholders(sql), [_args(r) for r in rows])

    async def insert(
        self, sql: str, params: Params = (), *, conn: asyncpg.Connection | None = None
    ) -> int:
        """Run one ``INSERT``; return the new row's id."""
        async with self._use(conn) as c:
            new_id = await c.fetchval(f"{_bare(sql)} RETURNING id", *_args(params))
        if new_id is None:
            raise RuntimeError("INSERT returned no row id")
        return int(new_id)

    async def insert_if(
        self,
        sql: str,
        params: Params = (),
        *,
        conn: asyncpg.Connection | None = None,
        serialize_on: str | None = None,
    ) -> int | None:
        """Run an ``INSERT ... SELECT ... WHERE``; the new row's id, or ``None`` if the
        condition held no row or a unique index already has its twin.

        With ``serialize_on``, the statement runs in a transaction holding an advisory lock on
        that key, so a count in the condition (a rate limit) cannot be passed by two writers
        that each saw one row too few.
        """
        statement = f"{_bare(sql)} ON CONFLICT DO NOTHING RETURNING id"
        args = _args(params)
        if serialize_on is None:
            async with self._use(conn) as c:
                return await c.fetchval(statement, *args)
        task = asyncio.current_task()
        if conn is not None or (task is not None and task in self._owners):
            async with self._use(conn) as c:
                await self.serialize(serialize_on, conn=c)
                return await c.fetchval(statement, *args)
        # A transaction of its own, in three round trips rather than four: BEGIN and the lock
        # go in one simple query (its key as a literal: the simple protocol takes no
        # parameters). The INSERT is a statement of its own, so that it reads the rows
        # committed while it waited for the lock (READ COMMITTED takes a snapshot per
        # statement).
        async with self._connection() as c:
            key = _literal(serialize_on)
            await c.execute(f"BEGIN; SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))")
            try:
                new_id = await c.fetchval(statement, *args)
            except BaseException:
                if not c.is_closed():
                    await c.execute("ROLLBACK")
                raise
            await c.execute("COMMIT")
            return new_id

    async def fetchall(
        self, sql: str, params: Params = (), *, conn: asyncpg.Connection | None = None
    ) -> list[asyncpg.Record]:
        """All rows of a query."""
        async with self._use(conn) as c:
            return list(await c.fetch(placeholders(sql), *_args(params)))

    # -- notifications between processes ----------------------------------------------------

    def _scoped(self, channel: str) -> str:
        """``channel`` for this schema only. Notifications are per database, and two
        deployments in two schemas of one database must not hear each other's changes."""
        tag = hashlib.sha256(self._schema.encode()).hexdigest()[:12]
        return f"{channel}_{tag}"  # well under PostgreSQL's 63-byte identifiers

    async def notify(self, channel: str, payload: str) -> None:
        """``NOTIFY`` every session listening on ``channel``, this process's own included."""
        async with self._pool.acquire() as conn:
            await conn.execute("SELECT pg_notify($1, $2)", self._scoped(channel), payload)

    async def listen(
        self, channel: str, received: Callable[[str], None], missed: Callable[[], None]
    ) -> None:
        """LISTEN on a connection of its own, which reconnects (and says so) after a drop."""
        listener = Listener(self.url, self._scoped(channel), received, missed, self.path)
        await listener.start()
        self._listeners.append(listener)

    # -- maintenance -----------------------------------------------------------------------

    async def backup(self, dest_path: str | Path) -> None:
        """A consistent snapshot in ``pg_dump``'s custom format (``pg_restore`` reads it)."""
        await dump(self.url, dest_path)
        log.info("Backed up %s to %s", self.path, dest_path)

    async def checkpoint(self) -> None:
        """Nothing vetbot can do: PostgreSQL's write-ahead log and the space of deleted rows
        belong to the server (its checkpoints and VACUUM reclaim them)."""

    async def integrity_check(self) -> str:
        """``"ok"`` when the server answers and every constraint is validated."""
        rows = await self.fetchall(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE NOT convalidated AND connamespace = current_schema()::regnamespace"
        )
        return "\n".join(f"{r[0]}: {r[1]} not validated" for r in rows) or "ok"


@functools.lru_cache(maxsize=1024)
def placeholders(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2, …``; a ``?`` inside quotes is left alone."""
    out: list[str] = []
    number = 0
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            number += 1
            out.append(f"${number}")
            continue
        out.append(char)
    return "".join(out)


def _bare(sql: str) -> str:
    """The statement translated, without a trailing semicolon, ready for a suffix."""
    return placeholders(sql.strip().rstrip(";").rstrip())


def _args(params: Params) -> Sequence[Any]:
    if isinstance(params, dict):
        raise TypeError("the PostgreSQL backend takes positional ? parameters, not named ones")
    return params


@asynccontextmanager
async def _joined(conn: asyncpg.Connection) -> AsyncIterator[asyncpg.Connection]:
    yield conn


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What the pool does to a connection given back, beyond ending an open transaction
    (which asyncpg always does): nothing. Its default reset (unlock all advisory locks, close
    cursors, UNLISTEN, RESET ALL) is one more round trip per unit of work, for session state
    vetbot never leaves behind: its advisory locks are transaction-scoped, and it sets no
    session settings or cursors on pooled connections (a LISTEN must hold its own connection).
    """


def _literal(text: str) -> str:
    """``text`` as an SQL string literal (standard_conforming_strings, on by default)."""
    if "\0" in text:
        raise ValueError("a NUL character cannot be in a PostgreSQL string")
    return "'" + text.replace("'", "''") + "'"


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` means the server is out of reach, rather than a problem with the SQL."""
    if isinstance(exc, asyncpg.InterfaceError):
        return "closed" in str(exc)  # "connection is closed", "… was closed in the middle …"
    return isinstance(exc, _OUTAGES)


async def _version(conn: asyncpg.Connection) -> int:
    if await conn.fetchval("SELECT to_regclass($1)", VERSION_TABLE) is None:
        return 0
    return int(await conn.fetchval(f"SELECT COALESCE(MAX(version), 0) FROM {VERSION_TABLE}"))
