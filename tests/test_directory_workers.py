"""The directory's lookup processes: the same answers as in-process lookups, and robust to a
worker that dies or a caller that gives up half-way."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from benchmarks.irs_synthetic import irs_rows, write_irs_file
from bot.directory import Directory, build_index, open_directory
from bot.directory.importer import import_file
from bot.directory.workers import LOOKUP_WORKERS, WorkerFailed
from bot.storage import Database
from tests.test_directory import LOOKALIKES

QUERIES = [
    "hope house",  # a choice among look-alikes
    "safe harbr workers aliance",  # typos
    "friends library foundation",  # abbreviations and "of the"
    "zzqx vrumble",  # nothing
]


@pytest.fixture
async def directory(tmp_path: Path):
    db = await Database.open(tmp_path / "dir.db")
    try:
        rows = [*LOOKALIKES, *irs_rows(300, seed=3, first_ein=500_000_000)]
        await import_file(db, write_irs_file(tmp_path / "eo1.csv", rows), progress=False)
    finally:
        await db.close()
    build_index(tmp_path / "dir.db", tmp_path / "dir.idx")
    found = open_directory(tmp_path / "dir.idx")
    assert found is not None
    await found.start_workers()
    try:
        yield found
    finally:
        await found.aclose()


async def test_workers_answer_as_the_directory_does(directory: Directory) -> None:
    answers = await asyncio.gather(*(directory.lookup_async(q) for q in QUERIES * 2))
    assert answers == [directory.lookup(q) for q in QUERIES * 2]


async def test_a_dead_worker_is_replaced(directory: Directory) -> None:
    assert directory.workers is not None
    dead = directory.workers.processes()
    assert len(dead) == LOOKUP_WORKERS
    for process in dead:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    failures = 0
    for query in QUERIES * LOOKUP_WORKERS:
        try:
            assert await directory.lookup_async(query) == directory.lookup(query)
        except WorkerFailed:
            failures += 1  # the lookup that met a dead worker fails; the worker is replaced
    assert failures == LOOKUP_WORKERS
    fresh = directory.workers.processes()
    assert len(fresh) == LOOKUP_WORKERS
    assert not {p.pid for p in fresh} & {p.pid for p in dead}


async def test_a_caller_that_gives_up_leaves_the_workers_in_step(directory: Directory) -> None:
    abandoned = [asyncio.create_task(directory.lookup_async(q)) for q in QUERIES]
    await asyncio.sleep(0)  # let them take the workers and send their queries
    for task in abandoned:
        task.cancel()
    # Had an abandoned answer stayed unread in a pipe, a later caller would read it instead.
    for query in reversed(QUERIES * 2):
        assert await directory.lookup_async(query) == directory.lookup(query)


async def test_closing_stops_the_workers(tmp_path: Path, directory: Directory) -> None:
    assert directory.workers is not None
    processes = directory.workers.processes()
    await directory.aclose()
    assert all(p.returncode is not None for p in processes)
