"""The end-to-end benchmark still runs: a few requests per row, every body checked by the spec.

Speed is the benchmark's business, never asserted here; this only keeps it from rotting.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_e2e_prints_a_row_per_command_and_concurrency() -> None:
    options = ["--requests", "20", "--rounds", "1", "--mode", "in-process", "--validate"]
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_e2e", *options],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    rows = [line.split() for line in run.stdout.splitlines() if line.startswith("in-process")]
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("/ask", "1", "20"),
        ("/ask", "16", "20"),
        ("/rate", "1", "20"),
        ("/rate", "16", "20"),
    ]
    assert "spec validation on" in run.stdout
