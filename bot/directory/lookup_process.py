"""A directory worker process, started by :mod:`bot.directory.workers`.

It maps the index, warms it up, says it is ready, then answers requests read from its standard
input until that closes (the bot stopped or died). Every message, both ways, is a 4-byte
little-endian length and a pickle: a request is ``("lookup", query)``, an answer ``("ok",
value)`` or ``("error", text)``. The pipes join two processes of the same program; nothing else
writes them.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
from pathlib import Path
from typing import IO, Any

from bot.directory.workers import FRAME

log = logging.getLogger(__name__)


def _read(source: IO[bytes], size: int) -> bytes | None:
    data = source.read(size)
    return data if len(data) == size else None


def _send(out: IO[bytes], message: tuple[str, Any]) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(FRAME.pack(len(payload)) + payload)
    out.flush()


def serve(index_path: Path, source: IO[bytes], out: IO[bytes]) -> int:
    """Answer requests from ``source`` on ``out`` until ``source`` ends. Returns an exit code."""
    from bot.directory.index import IndexFile
    from bot.directory.match import Directory

    index = IndexFile.open(index_path)
    if index is None:
        _send(out, ("error", f"cannot open the directory index {index_path}"))
        return 1
    directory = Directory(index)
    directory.warm_up()
    _send(out, ("ok", len(directory)))
    while (header := _read(source, FRAME.size)) is not None:
        (size,) = FRAME.unpack(header)
        body = _read(source, size)
        if body is None:
            break
        op, *args = pickle.loads(body)
        try:
            if op == "lookup":
                answer: tuple[str, Any] = ("ok", directory.lookup(*args))
            else:
                answer = ("error", f"unknown request {op!r}")
        except Exception as exc:  # a bug in one lookup must not take the others down
            log.exception("Directory %s failed for %r", op, args[:1])
            answer = ("error", f"{type(exc).__name__}: {exc}")
        _send(out, answer)
    return 0


def main() -> int:
    """Entry point of the child process: ``INDEX NICENESS`` on its command line."""
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    # Ctrl-C goes to the whole process group: the bot stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    index_path, niceness = Path(sys.argv[1]), int(sys.argv[2])
    if niceness:
        os.nice(niceness)
    # The answers get a private copy of stdout; anything a library prints goes to stderr
    # instead of into the middle of a message.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with out:
        return serve(index_path, sys.stdin.buffer, out)
