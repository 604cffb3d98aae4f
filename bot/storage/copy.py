"""Moving a deployment from SQLite to PostgreSQL without losing a row.

:func:`copy_database` brings both databases to the latest schema, refuses a target that
already holds data, copies every table in one target transaction (keeping each row's id), and
then reads both sides back: the row count and a checksum of every table must agree.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.storage.base import Database, Row, StorageError, is_database_url, placeholders

log = logging.getLogger(__name__)

# Every table vetbot keeps, parents before the tables that refer to them.
TABLES = ("meta", "communities", "reports", "audit_log", "blocklist", "community_orgs", "feedback")
# Tables whose ``id`` is generated: PostgreSQL's counter must continue after the copied ids.
_GENERATED_IDS = ("reports", "audit_log", "feedback")


@dataclass(frozen=True)
class TableCopy:
    """What was copied of one table, and whether both sides agree."""

    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def same(self) -> bool:
        return (self.source_rows, self.source_checksum) == (
            self.target_rows,
            self.target_checksum,
        )


async def copy_database(source: str | Path, target: str) -> list[TableCopy]:
    """Copy the SQLite database at ``source`` into the empty PostgreSQL database ``target``.

    Raises :class:`StorageError` when the target is not PostgreSQL, or already has rows.
    """
    if is_database_url(source) or not is_database_url(target):
        raise StorageError("db copy goes from an SQLite file to a postgresql:// URL")
    if not await asyncio.to_thread(Path(source).exists):
        raise StorageError(f"{source} does not exist")
    src = await Database.open(Path(source))
    try:
        dst = await Database.open(target)
        try:
            return await _copy(src, dst)
        finally:
            await dst.close()
    finally:
        await src.close()


async def _copy(src: Database, dst: Database) -> list[TableCopy]:
    for table in TABLES:
        if await dst.fetchval(f"SELECT COUNT(*) FROM {table}"):
            raise StorageError(
                f"{dst.path} already has rows in {table}; copy into an empty database only"
            )
    async with dst.transaction() as conn:
        for table in TABLES:
            rows = await src.fetchall(f"SELECT * FROM {table}")
            if not rows:
                continue
            columns = list(rows[0].keys())
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders(columns)})"
            for row in rows:
                await dst.execute(sql, tuple(row), conn=conn)
            log.info("Copied %d row(s) of %s", len(rows), table)
        for table in _GENERATED_IDS:
            # The next id PostgreSQL hands out comes after the largest one copied.
            await dst.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
                conn=conn,
            )
    return [await _compare(src, dst, table) for table in TABLES]


async def _compare(src: Database, dst: Database, table: str) -> TableCopy:
    source = await src.fetchall(f"SELECT * FROM {table}")
    target = await dst.fetchall(f"SELECT * FROM {table}")
    return TableCopy(table, len(source), len(target), checksum(source), checksum(target))


def checksum(rows: Sequence[Row]) -> str:
    """A digest of a table's rows, column names and values, whatever order they come in."""
    lines = sorted(
        json.dumps(dict(zip(row.keys(), tuple(row), strict=True)), sort_keys=True) for row in rows
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()
