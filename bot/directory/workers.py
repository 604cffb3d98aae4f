"""Directory lookups in worker processes that map the same index file.

Lookups are pure Python and numpy work. In threads they compete with the event loop for the
GIL. In processes they don't; the index pages are shared through the page cache, so each worker
adds only its interpreter (~40 MB).

The processes talk to the bot over their stdin and stdout, read and written by the event loop
itself (length-prefixed pickles, see :mod:`bot.directory.lookup_process`). A
``ProcessPoolExecutor`` needs two helper threads in the bot (one pickling, one feeding the
pipe) and a wake-up pipe write per call: at 8 lookups in flight those threads took the GIL from
the event loop often enough to stall it by 30-100 ms. Here nothing but the loop touches the
pipes.

Autocomplete is not sent here: it would wait behind the fuzzy ``/rate`` lookups in the
queue, and a process of its own measured worse (p99 15-48 ms at 8 in flight, against 2-9 ms on
the loop: waking one more process on a busy machine costs more than its ~0.3 ms of work). On
a machine with no core to spare for each worker, the workers run at a lower priority
(``LOOKUP_NICENESS``), so that the bot's event loop gets a core first when both want one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import struct
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LOOKUP_WORKERS = 2
LOOKUP_NICENESS = 5  # a /rate lookup may wait a little; the event loop may not
FRAME = struct.Struct("<I")  # the byte length of the pickle that follows
_STOP_SECONDS = 5.0


class WorkerFailed(RuntimeError):
    """A worker process died or answered something unreadable (it is replaced)."""


class LookupFailed(RuntimeError):
    """The lookup itself raised in the worker (which goes on serving): a bug, logged there."""


def _child_command(index_path: Path, niceness: int) -> list[str]:
    """The worker's command line. Not ``-m``: that would put the current folder first on the
    child's path, and a ``bot`` folder there (another checkout) would shadow this one. The
    child gets this process's path instead, with the folder of this very ``bot`` package
    first (as multiprocessing's "spawn" does)."""
    path = [str(Path(__file__).resolve().parents[2]), *sys.path]
    code = (
        f"import sys; sys.path[:] = {path!r}; "
        "from bot.directory.lookup_process import main; sys.exit(main())"
    )
    return [sys.executable, "-I", "-c", code, str(index_path), str(niceness)]


class _Worker:
    """One child process and the pipes to it. One request at a time (the pool sees to it)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def spawn(cls, index_path: Path, niceness: int) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            *_child_command(index_path, niceness),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(process)
        try:
            await worker._receive()  # it answers once the index is mapped and warmed up
        except BaseException:
            await worker.stop()
            raise
        return worker

    async def _receive(self) -> Any:
        assert self.process.stdout is not None
        try:
            (size,) = FRAME.unpack(await self.process.stdout.readexactly(FRAME.size))
            status, value = pickle.loads(await self.process.stdout.readexactly(size))
        except (asyncio.IncompleteReadError, pickle.UnpicklingError, ValueError) as exc:
            raise WorkerFailed(f"directory worker {self.process.pid} stopped answering") from exc
        if status != "ok":
            raise LookupFailed(f"directory worker {self.process.pid}: {value}")
        return value

    async def call(self, request: tuple[Any, ...]) -> Any:
        """Send ``request`` and wait for its answer."""
        assert self.process.stdin is not None
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.process.stdin.write(FRAME.pack(len(payload)) + payload)
            await self.process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise WorkerFailed(f"directory worker {self.process.pid} is gone") from exc
        return await self._receive()

    async def stop(self) -> None:
        """End of input tells the worker to exit; kill it if it does not."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), _STOP_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()


class _Pool:
    """Workers of one kind; a request takes an idle one, or waits for one to be free."""

    def __init__(self, index_path: Path, size: int, niceness: int) -> None:
        self._index_path = index_path
        self._size = size
        self._niceness = niceness
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: list[_Worker] = []

    async def start(self) -> None:
        spawned = await asyncio.gather(
            *(_Worker.spawn(self._index_path, self._niceness) for _ in range(self._size)),
            return_exceptions=True,
        )
        for worker in spawned:
            if isinstance(worker, _Worker):
                self._all.append(worker)
                self._idle.put_nowait(worker)
        failed = [w for w in spawned if isinstance(w, BaseException)]
        if failed:
            await self.stop()
            raise failed[0]

    async def call(self, request: tuple[Any, ...]) -> Any:
        """Run ``request`` in an idle worker. Shielded: a caller that gives up (a cancelled
        interaction) must not leave an answer unread in the pipe for the next caller."""
        if not self._all:
            raise WorkerFailed("no directory worker is running")
        worker = await self._idle.get()
        exchange = asyncio.ensure_future(self._exchange(worker, request))
        exchange.add_done_callback(_observed)  # errors are logged where they happen
        return await asyncio.shield(exchange)

    async def _exchange(self, worker: _Worker, request: tuple[Any, ...]) -> Any:
        try:
            answer = await worker.call(request)
        except LookupFailed:
            self._idle.put_nowait(worker)  # answered, so still in step: keep it
            raise
        except WorkerFailed:
            log.exception("A directory worker failed; starting another")
            await self._replace(worker)
            raise
        except BaseException:
            # Interrupted half-way (shutdown): its pipe is out of step, never reuse it.
            self._all.remove(worker)
            await worker.stop()
            raise
        self._idle.put_nowait(worker)
        return answer

    async def _replace(self, worker: _Worker) -> None:
        self._all.remove(worker)
        await worker.stop()
        try:
            fresh = await _Worker.spawn(self._index_path, self._niceness)
        except Exception:
            log.exception("Cannot start a directory worker; %d left", len(self._all))
            return
        self._all.append(fresh)
        self._idle.put_nowait(fresh)

    async def stop(self) -> None:
        await asyncio.gather(*(w.stop() for w in self._all))
        self._all.clear()

    def processes(self) -> list[asyncio.subprocess.Process]:
        return [w.process for w in self._all]


class Workers:
    """The ``/rate`` lookup processes of one index file."""

    def __init__(self, path: Path) -> None:
        self._lookups = _Pool(path, LOOKUP_WORKERS, _niceness(LOOKUP_NICENESS))

    async def start(self) -> None:
        """Start every worker now (about a second), not on the first member's lookup."""
        await self._lookups.start()  # stops whichever started if one fails

    async def lookup(self, query: str):  # -> DirectoryMatch
        """:meth:`Directory.lookup` in a worker."""
        return await self._lookups.call(("lookup", query))

    async def stop(self) -> None:
        """Stop every worker (each exits when its input closes)."""
        await self._lookups.stop()

    def processes(self) -> list[asyncio.subprocess.Process]:
        """The running worker processes (for tests and the benchmark)."""
        return self._lookups.processes()


def _observed(exchange: asyncio.Future[Any]) -> None:
    """Mark the outcome of an exchange as seen (its caller may have given up on it)."""
    if not exchange.cancelled():
        exchange.exception()


def _niceness(wanted: int) -> int:
    """Lower the workers' priority only where cores are scarce: with cores to spare for every
    process, nobody waits and a lower priority would only slow lookups beside other jobs."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return wanted if (cores or 1) <= LOOKUP_WORKERS else 0
