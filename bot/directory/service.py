"""Opening the directory at start-up and rebuilding its index after an import."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.directory.index import IndexFile, write_index
from bot.directory.match import Directory
from bot.directory.store import current_stamp, index_pages, index_rows, snapshot_stamp
from bot.storage import Database

log = logging.getLogger(__name__)


def build_index(database: Path, index_path: Path) -> int:
    """Write the name index of every imported row (blocking: run it in a thread).

    Returns the number of names indexed.
    """
    stamp = snapshot_stamp(database)
    return write_index(index_path, index_rows(database), stamp=stamp)


async def build_index_from(db: Database, index_path: Path) -> int:
    """:func:`build_index` for a database reached through :class:`Database` (PostgreSQL): the
    writer runs in a thread and pulls its rows a page at a time from the event loop."""
    loop = asyncio.get_running_loop()
    stamp = await current_stamp(db)

    def rows() -> Iterator[tuple[Any, ...]]:
        after = 0
        while page := asyncio.run_coroutine_threadsafe(index_pages(db, after), loop).result():
            after = page[-1][0]
            for row in page:
                yield row[1:]

    return await asyncio.to_thread(write_index, index_path, rows(), stamp=stamp)


def open_directory(index_path: Path, expected_stamp: int | None = None) -> Directory | None:
    """Map the index written by the last import; None when there is none.

    An index older than the database's last import still serves (better than nothing), with a
    warning to run ``python -m bot orgs reindex``; it is never rebuilt at start-up.
    """
    started = time.perf_counter()
    index = IndexFile.open(index_path)
    if index is None:
        return None
    if expected_stamp is not None and index.stamp != expected_stamp:
        log.warning(
            "The directory index %s is older than the last import; "
            "run `python -m bot orgs reindex`",
            index_path,
        )
    directory = Directory(index)
    directory.warm_up()
    log.info(
        "Directory of %d registered organizations mapped in %.1f ms",
        len(index),
        (time.perf_counter() - started) * 1000,
    )
    return directory
