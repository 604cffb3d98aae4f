"""The directory's rows in the database: fetching one for a card, and the index's snapshot."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.directory.index import FIELD_SEP
from bot.directory.registry import RegistryRow
from bot.storage import Database

_COLUMNS = (
    "registry, reg_id, name, city, region, subsection, ruling, ntee, tax_period, "
    "revenue, assets, income"
)


def _row(row: sqlite3.Row | tuple) -> RegistryRow:
    return RegistryRow(*row)


async def fetch_row(db: Database, registry: str, reg_id: str) -> RegistryRow | None:
    """The stored row of one registered organization, or None."""
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM directory_orgs WHERE registry = ? AND reg_id = ?",
        (registry, reg_id),
    )
    return None if row is None else _row(tuple(row))


async def row_count(db: Database) -> int:
    """How many registered organizations are imported."""
    return int(await db.fetchval("SELECT COUNT(*) FROM directory_orgs") or 0)


async def current_stamp(db: Database) -> int:
    """The id of the last finished import: an index built from an older one is out of date."""
    return int(
        await db.fetchval("SELECT MAX(id) FROM directory_imports WHERE status = 'done'") or 0
    )


# The facts after the place, joined by the database as the index stores them: one string per
# row instead of seven Python objects (the index writer reads 1.9M rows). The same SQL on SQLite
# and PostgreSQL (CAST, not ::text; the separator a literal, not char() or chr()).
_JOINED_FACTS = f" || '{FIELD_SEP}' || ".join(
    f"coalesce(CAST({column} AS TEXT), '')"
    for column in ("subsection", "ruling", "ntee", "tax_period", "revenue", "assets", "income")
)
_INDEX_COLUMNS = f"registry, reg_id, name, city, region, {_JOINED_FACTS}"
_PAGE = 20_000


def index_rows(database: Path) -> Iterator[tuple[Any, ...]]:
    """Every row as ``(registry, reg_id, name, city, region, facts)``, ``facts`` the other
    :class:`RegistryRow` fields joined by :data:`FIELD_SEP` ('' for none), streamed from a
    read-only snapshot.

    A second, read-only connection (WAL lets it read beside the bot's writer) so that 1.9M
    rows stream through a worker thread instead of being fetched into memory at once.
    """
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        cursor = conn.execute(f"SELECT {_INDEX_COLUMNS} FROM directory_orgs")
        while batch := cursor.fetchmany(10_000):
            yield from batch
    finally:
        conn.close()


def snapshot_stamp(database: Path) -> int:
    """:func:`current_stamp`, read through a plain connection (for the index writer)."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        value = conn.execute(
            "SELECT MAX(id) FROM directory_imports WHERE status = 'done'"
        ).fetchone()[0]
    finally:
        conn.close()
    return int(value or 0)


async def index_pages(db: Database, after: int = 0) -> list[tuple[Any, ...]]:
    """The next :data:`_PAGE` rows after row id ``after``, as :func:`index_rows` gives them but
    each led by its row id: the index of a database reached through :class:`Database`
    (PostgreSQL), a page at a time in the order of the primary key."""
    rows = await db.fetchall(
        f"SELECT id, {_INDEX_COLUMNS} FROM directory_orgs WHERE id > ? ORDER BY id LIMIT ?",
        (after, _PAGE),
    )
    return [tuple(row) for row in rows]
