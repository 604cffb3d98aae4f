"""Directory lookups in worker processes that map the same index file.

Lookups are pure Python and numpy work. In threads they compete with the event loop for the
GIL: eight in flight stalled the loop by 20-150 ms. In processes they don't; the index pages are
shared through the page cache, so each worker adds only its interpreter (~40 MB). Two
processes serve ``/rate`` lookups, one per core. (Autocomplete stays on the event loop: its work
is bounded and smaller than the round trip to a process.)
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

log = logging.getLogger(__name__)

LOOKUP_WORKERS = 2

_directory = None  # the worker's own Directory, opened by _start


def _start(path: str) -> None:
    """Worker initializer: map the index; leave Ctrl-C to the bot, which shuts workers down."""
    global _directory
    from bot.directory.index import IndexFile
    from bot.directory.match import Directory

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    index = IndexFile.open(Path(path))
    if index is None:
        raise RuntimeError(f"cannot open the directory index {path}")
    _directory = Directory(index)
    _directory.warm_up()


def _lookup(query: str):  # -> DirectoryMatch
    return _directory.lookup(query)  # type: ignore[union-attr]


def _ready() -> bool:
    return _directory is not None


class Workers:
    """The lookup processes of one index file."""

    def __init__(self, path: Path) -> None:
        # "spawn": a fresh interpreter, never a fork of the bot's threads and sockets.
        context = multiprocessing.get_context("spawn")
        self._lookups = ProcessPoolExecutor(
            LOOKUP_WORKERS, mp_context=context, initializer=_start, initargs=(str(path),)
        )

    async def start(self) -> None:
        """Start every worker now (about a second), not on the first member's lookup."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self._lookups, _ready) for _ in range(LOOKUP_WORKERS))
        )

    async def lookup(self, query: str):  # -> DirectoryMatch
        """:meth:`Directory.lookup` in a worker process."""
        return await asyncio.get_running_loop().run_in_executor(self._lookups, _lookup, query)

    def close(self) -> None:
        """Stop the workers (blocking: call it from a thread)."""
        self._lookups.shutdown(wait=True, cancel_futures=True)
