"""The storage interface every backend implements, and what the backends share.

Callers write plain standard SQL with ``?`` placeholders and get rows they index by column name
or position. Which database answers — SQLite (a file path, the embedded default) or PostgreSQL
(a ``postgresql://`` URL, for several processes) — is chosen once, by :meth:`Database.open`;
nothing above this package knows. A ``conn`` handed out by :meth:`Database.transaction` is an
opaque handle: pass it back to the helpers so several calls share one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeAlias

from bot.errors import SetupError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
POSTGRES_MIGRATIONS_DIR = MIGRATIONS_DIR / "postgres"
# A migration file that starts with this line runs with foreign keys off (table rebuilds).
FOREIGN_KEYS_OFF = "-- vetbot: foreign_keys=off"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_URL_SCHEMES = ("postgresql://", "postgres://")

Params: TypeAlias = Sequence[Any] | dict[str, Any]
# The handle of an open transaction. Opaque on purpose: its type is the backend's business.
Conn: TypeAlias = Any


class Row(Protocol):
    """One result row: ``row["column"]`` or ``row[0]`` (sqlite3.Row and asyncpg.Record both);
    iterating gives the values, ``keys()`` the column names."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def keys(self) -> Iterable[str]: ...


class MigrationError(SetupError):
    """The migrations on disk, or the database's version, cannot be applied safely."""


class StorageError(SetupError):
    """A storage operation this backend cannot do (the server is unreachable, a tool is
    missing, a copy's target is not empty), said in one line a person can act on."""


class StorageUnavailable(StorageError):
    """The database server cannot be reached right now (restarting, network down): what was
    asked did not go through. Passing: the person may try again once it is back."""


@dataclass(frozen=True)
class Migration:
    """One numbered schema change, ``NNNN_name.sql``; ``version`` is ``NNNN``."""

    version: int
    name: str
    sql: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every ``NNNN_name.sql`` in ``directory``, ordered by number.

    Two files with the same number are an error (which one ran would be ambiguous); other files
    are ignored with a warning so a stray editor backup cannot silently become schema.
    """
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            log.warning("Ignoring %s: migrations are named NNNN_name.sql", path.name)
            continue
        version = int(match.group(1))
        if version == 0:
            raise MigrationError(f"{path.name}: version 0 means 'empty database'; start at 0001")
        if version in found:
            raise MigrationError(
                f"{path.name}: version {version} is also used by {found[version].name}"
            )
        found[version] = Migration(version, path.name, path.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def placeholders(values: Sequence[Any]) -> str:
    """``?, ?, ?`` for the values of an ``IN (…)`` list or a row; ``NULL`` for none, since
    ``IN ()`` is not valid SQL (and ``IN (NULL)`` matches nothing)."""
    return ", ".join("?" for _ in values) or "NULL"


def to_db_time(moment: dt.datetime) -> str:
    """A timezone-aware moment as fixed-width UTC ISO-8601 text, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass a timezone-aware one")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_db_time(text: str | None) -> dt.datetime | None:
    """The inverse of :func:`to_db_time`; ``None`` stays ``None``."""
    return None if text is None else dt.datetime.fromisoformat(text)


def is_database_url(target: str | Path) -> bool:
    """Whether ``storage.database`` names a PostgreSQL server rather than an SQLite file."""
    return isinstance(target, str) and target.startswith(_URL_SCHEMES)


class Database(ABC):
    """The bot's database. Create with :meth:`open`, end with :meth:`close`.

    ``path`` names the database for people (a file path, or a URL without its password).
    """

    path: str
    backend: str

    # -- life cycle ------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        migrations: Iterable[Migration] | None = None,
        busy_timeout_ms: int = 5000,
        setting: str = "storage.database in the config",
    ) -> Database:
        """Open the database ``path`` names and bring its schema up to date.

        A ``postgresql://`` URL opens PostgreSQL; anything else is an SQLite file, created if
        needed. ``migrations`` defaults to the backend's own files; tests pass their own.
        A database that cannot be used raises a :class:`~bot.errors.SetupError` whose message
        names ``setting`` as the thing to change.
        """
        if is_database_url(path):
            from bot.storage.postgres import PostgresDatabase

            return await PostgresDatabase.open(str(path), migrations=migrations, setting=setting)
        from bot.storage.sqlite import SQLiteDatabase

        return await SQLiteDatabase.open(
            path, migrations=migrations, busy_timeout_ms=busy_timeout_ms, setting=setting
        )

    @abstractmethod
    async def close(self) -> None:
        """Wait for the running unit of work, then close the connection(s)."""

    @abstractmethod
    async def version(self) -> int:
        """The schema version: the number of the last migration run."""

    # -- units of work ---------------------------------------------------------------------

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Conn]:
        """``async with db.transaction() as conn:`` — commit on success, roll back on error.

        A transaction opened inside another one (same task) simply joins the outer one, and so
        does a helper called without ``conn`` from that task.
        """

    @abstractmethod
    async def serialize(self, key: str, *, conn: Conn) -> None:
        """Inside the transaction ``conn``: wait until no other transaction, in any process,
        holds ``key``, and hold it until this one ends. For read-then-write units of work
        (read the settings, change one, write them back) that must not interleave."""

    # -- query helpers ---------------------------------------------------------------------

    @abstractmethod
    async def execute(self, sql: str, params: Params = (), *, conn: Conn | None = None) -> int:
        """Run one statement; return the number of rows it changed."""

    @abstractmethod
    async def executemany(
        self, sql: str, rows: Iterable[Params], *, conn: Conn | None = None
    ) -> None:
        """Run one statement once per row of parameters (a bulk load: one call, not one
        round trip per row)."""

    @abstractmethod
    async def insert(self, sql: str, params: Params = (), *, conn: Conn | None = None) -> int:
        """Run one ``INSERT`` into a table with an ``id`` key; return the new row's id."""

    @abstractmethod
    async def insert_if(
        self,
        sql: str,
        params: Params = (),
        *,
        conn: Conn | None = None,
        serialize_on: str | None = None,
    ) -> int | None:
        """Run an ``INSERT ... SELECT ... WHERE``; the new row's id, or ``None`` if the
        condition held no row (or a unique index refused it). One statement is one atomic
        transaction of its own.

        ``serialize_on`` names what the condition counts (e.g. one reporter's reports): two
        writers with the same key, in any process, never evaluate the condition at once.
        """

    @abstractmethod
    async def fetchall(
        self, sql: str, params: Params = (), *, conn: Conn | None = None
    ) -> Sequence[Row]:
        """All rows of a query."""

    async def fetchone(
        self, sql: str, params: Params = (), *, conn: Conn | None = None
    ) -> Row | None:
        """The first row of a query, or ``None``."""
        rows = await self.fetchall(sql, params, conn=conn)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Params = (), *, conn: Conn | None = None) -> Any:
        """The first column of the first row, or ``None`` when there is no row."""
        row = await self.fetchone(sql, params, conn=conn)
        return None if row is None else row[0]

    # -- meta key/value --------------------------------------------------------------------

    async def get_meta(
        self, key: str, default: str | None = None, *, conn: Conn | None = None
    ) -> str | None:
        """The stored value for ``key`` (e.g. the command-sync hash), or ``default``."""
        value = await self.fetchval("SELECT value FROM meta WHERE key = ?", (key,), conn=conn)
        return default if value is None else str(value)

    async def set_meta(self, key: str, value: str, *, conn: Conn | None = None) -> None:
        """Store ``value`` under ``key``, replacing any earlier value."""
        async with self.transaction() if conn is None else _joined(conn) as c:
            # ON CONFLICT is standard enough (SQLite 3.24+, PostgreSQL 9.5+) and, unlike an
            # UPDATE-then-INSERT, cannot fail when two processes set a new key at once.
            await self.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
                conn=c,
            )

    # -- notifications between processes ----------------------------------------------------

    @abstractmethod
    async def notify(self, channel: str, payload: str) -> None:
        """Tell every process listening on ``channel`` (PostgreSQL ``NOTIFY``). Nothing on a
        backend one process owns (SQLite): there is no other process to tell."""

    @abstractmethod
    async def listen(
        self, channel: str, received: Callable[[str], None], missed: Callable[[], None]
    ) -> None:
        """Call ``received(payload)`` for every notification on ``channel`` until :meth:`close`,
        and ``missed()`` when some may have been lost (the connection dropped and came back).
        Nothing on a backend one process owns (SQLite)."""

    # -- maintenance -----------------------------------------------------------------------

    @abstractmethod
    async def backup(self, dest_path: str | Path) -> None:
        """A consistent copy of the live database in the file ``dest_path``."""

    @abstractmethod
    async def checkpoint(self) -> None:
        """After an erasure: leave no older copy of the erased rows in the backend's own
        files (SQLite's write-ahead log), where the backend lets vetbot reach them."""

    @abstractmethod
    async def integrity_check(self) -> str:
        """``"ok"``, or the problems found, one per line."""


@asynccontextmanager
async def _joined(conn: Conn) -> AsyncIterator[Conn]:
    """A no-op context: the caller already holds a transaction on ``conn``."""
    yield conn
