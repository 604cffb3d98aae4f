"""The directory benchmark still runs, at a tiny size: it prints its tables.

Speed is the benchmark's business, never asserted here; this only keeps it from rotting.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_bench_directory_prints_its_tables(tmp_path: Path) -> None:
    options = ["--rows", "3000", "--queries", "35", "--requests", "80", "--serve-runs", "2"]
    options += ["--workdir", str(tmp_path)]
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_directory", *options],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "3,000 rows imported (0 malformed)" in run.stdout
    for line in (
        "bot + lookup workers PSS (MB)",
        "/rate p99 (8 in flight, ms)",
        "worst event-loop stall",
        "import: name index (s)",
        "run 2 (load",
    ):
        assert line in run.stdout
    kinds = [line.split()[0] for line in run.stdout.splitlines() if line.strip()]
    for kind in ("verbatim", "typo", "dropped", "swapped", "abbreviation", "nonsense", "all"):
        assert kind in kinds
