"""``python -m benchmarks``: every benchmark, one after another, each printing its table.

``--quick`` runs the small sizes only (a minute or two); without it the org benchmark goes up
to 1,000,000 names, the reports benchmark seeds 100,000 reports and the directory benchmark
imports 1.9 million registry rows (about 20 minutes on two cores).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

BENCHMARKS = {
    # module: (full arguments, quick arguments)
    "bench_ask": ([], ["--questions", "200"]),
    "bench_orgs": ([], ["--quick"]),
    "bench_reports": ([], ["--seed", "20000", "--submits", "1000", "--approvals", "300"]),
    "bench_ratings": ([], ["--history", "3", "--confirms", "100", "--rounds", "2"]),
    "bench_e2e": ([], ["--quick"]),
    "bench_directory": ([], ["--rows", "20000", "--requests", "400"]),
    "bench_site": ([], ["--reports", "1000", "--rounds", "50"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("only", nargs="*", help=f"some of: {', '.join(BENCHMARKS)}")
    args = parser.parse_args()
    if unknown := set(args.only) - set(BENCHMARKS):
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    failed = []
    for module, (full, quick) in BENCHMARKS.items():
        if args.only and module not in args.only:
            continue
        print(f"\n=== {module} ===", flush=True)
        command = [sys.executable, "-m", f"benchmarks.{module}", *(quick if args.quick else full)]
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
