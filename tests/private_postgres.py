"""A throw-away PostgreSQL cluster of the test's own, for faults that stop and start the server.

The shared server (``VETBOT_TEST_POSTGRES``) serves other tests and sessions and must never be
restarted; a test that needs an outage starts its own cluster like ``.ci/run`` does: the
distribution's binaries, a fresh folder, a free port on 127.0.0.1, trust auth, and run as the
``postgres`` user when we are root (the server refuses to run as root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with initdb and pg_ctl, if any."""
    found = [
        b
        for b in Path("/usr/lib/postgresql").glob("*/bin")
        if (b / "initdb").exists() and (b / "pg_ctl").exists()
    ]
    return max(found, key=lambda b: int(b.parent.name)) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateCluster:
    """One PostgreSQL server in its own folder; :meth:`stop` and :meth:`start` at will."""

    def __init__(self, binaries: Path, folder: Path) -> None:
        self.binaries = binaries
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.binaries / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if done.returncode != 0:
            raise AssertionError(f"{tool} {' '.join(args)} failed:\n{done.stdout}{done.stderr}")

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def start(self) -> None:
        """Start the server and return once it accepts connections (pg_ctl -w)."""
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=50"
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; ``immediate`` is a crash (recovery from the WAL at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """A running cluster of the test's own, removed afterwards; skip without the binaries."""
    binaries = _binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
    # Not pytest's tmp_path: the postgres user cannot enter root's private temporary folders.
    folder = Path(tempfile.mkdtemp(prefix="vetbot-test-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    cluster = PrivateCluster(binaries, folder)
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
