"""The reports benchmark still runs on both backends: a few of each measure, every row printed.

Speed is the benchmark's business, never asserted here; this only keeps it from rotting.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storage_backends import postgres_server

REPO = Path(__file__).resolve().parent.parent


def test_bench_reports_prints_every_measure_for_both_backends(tmp_path: Path) -> None:
    server = postgres_server()  # skips (fails in CI) without a PostgreSQL server
    sizes = ["--seed", "300", "--submits", "40", "--approvals", "20", "--repeat", "1"]
    where = ["--dir", str(tmp_path), "--postgres", server]
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_reports", *sizes, *where],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    rows = [[c.strip() for c in line.split("|")] for line in run.stdout.splitlines()[2:]]
    for backend in ("sqlite", "postgresql"):
        measures = [r[1] for r in rows if r[0] == backend]
        assert any(m.startswith("ceiling: plain") for m in measures)
        assert "submit, 16 in flight (durable commit)" in measures
        assert any(m.startswith("approve p99") for m in measures)
        assert any(m.startswith("/rate card p99, from scratch") for m in measures)
        assert any(m.startswith("/rate card p99, from the cache") for m in measures)
