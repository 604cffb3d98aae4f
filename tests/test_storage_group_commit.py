"""SQLite group commit (bot.storage.sqlite_batch): guarded inserts that arrive together share
one commit, each still checked in order, none answered before it is on disk."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage import Database, Migration

SCHEMA = Migration(
    version=1,
    name="0001_notes.sql",
    sql="CREATE TABLE notes (id INTEGER PRIMARY KEY, who INTEGER NOT NULL, tag TEXT UNIQUE);",
)
# At most two notes per person: the guard counts the rows the statements before it inserted.
GUARDED = (
    "INSERT INTO notes (who, tag) SELECT ?, ? WHERE (SELECT COUNT(*) FROM notes WHERE who = ?) < 2"
)


async def test_inserts_that_arrive_together_are_checked_in_order_and_durable(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "notes.db", migrations=[SCHEMA])
    try:
        ids = await asyncio.gather(
            *(db.insert_if(GUARDED, (who, f"{who}-{n}", who)) for who in range(8) for n in range(3))
        )
        # Each person got exactly two of their three, whatever group they landed in.
        for who in range(8):
            mine = ids[who * 3 : who * 3 + 3]
            assert sum(i is not None for i in mine) == 2, mine
        stored = [i for i in ids if i is not None]
        assert len(set(stored)) == 16
        # Answered means committed: another connection sees every id it was told about.
        with sqlite3.connect(tmp_path / "notes.db") as other:
            seen = {row[0] for row in other.execute("SELECT id FROM notes")}
        assert seen == set(stored)
    finally:
        await db.close()


async def test_a_failing_statement_fails_alone_and_the_rest_of_its_group_commits(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "notes.db", migrations=[SCHEMA])
    try:
        results = await asyncio.gather(
            db.insert_if(GUARDED, (1, "first", 1)),
            db.insert_if(GUARDED, (2, "taken", 2)),
            db.insert_if(GUARDED, (3, "taken", 3)),  # the same unique tag: refused by SQLite
            db.insert_if(GUARDED, (4, "last", 4)),
            return_exceptions=True,
        )
        assert isinstance(results[2], sqlite3.IntegrityError)
        assert all(isinstance(r, int) for r in (results[0], results[1], results[3]))
        tags = {row[0] for row in await db.fetchall("SELECT tag FROM notes")}
        assert tags == {"first", "taken", "last"}
    finally:
        await db.close()


async def test_inside_a_transaction_the_insert_joins_it(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "notes.db", migrations=[SCHEMA])
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                assert await db.insert_if(GUARDED, (1, "kept?", 1)) is not None
                raise RuntimeError("undo it")
        assert await db.fetchall("SELECT tag FROM notes") == []
    finally:
        await db.close()
