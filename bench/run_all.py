"""Run the benchmarks, one command each, or all of them in turn.

    python -m bench.run_all                 # everything, both databases (long: ~1.5 h)
    python -m bench.run_all generate intake # some of them
    python -m bench.run_all --list

Each benchmark runs in its own process (so peak RSS figures are its own), prints its
figures with the ratio against the baseline it measured in the same run, and writes
bench/results/<name>.json.
"""

import argparse
import subprocess
import sys
from pathlib import Path

from bench.common import PG_BASE

ROOT = Path(__file__).parent.parent
PY = sys.executable

BENCHMARKS: dict[str, list[list[str]]] = {
    "generate": [
        [PY, "-m", "bench.run_all", "--generate-one", "sqlite"],
        [PY, "-m", "bench.run_all", "--generate-one", "postgresql"],
    ],
    "intake": [
        [PY, "-m", "bench.intake", "--db", "sqlite"],
        [PY, "-m", "bench.intake", "--db", "postgresql"],
    ],
    "reports": [
        [PY, "-m", "bench.reports", "--db", "sqlite"],
        [PY, "-m", "bench.reports", "--db", "postgresql"],
    ],
    "escalation": [
        [PY, "-m", "bench.escalation"],
        [PY, "-m", "bench.escalation", "--database-url", PG_BASE],
    ],
    "delivery": [
        [PY, "-m", "bench.delivery"],
        [PY, "-m", "bench.delivery", "--database-url", PG_BASE],
    ],
    "soak": [[PY, "-m", "bench.soak", "--db", "postgresql"]],  # ten minutes
}


def generate_one(db: str, cases: int) -> None:
    """Load time of `cases` cases into a scratch database; bench/results/generate-<db>.json."""
    from dataclasses import asdict

    from bench.common import scratch_database, write_result
    from bench.generate import generate

    with scratch_database(db) as url:
        report = asdict(generate(url, cases))
    report.pop("counters")
    path = write_result(f"generate-{db}", report)
    print(report, f"\nwritten to {path}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all")
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(BENCHMARKS)}")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--generate-one", choices=["sqlite", "postgresql"])
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    if args.generate_one:
        generate_one(args.generate_one, args.cases)
        return 0
    if args.list:
        for name, commands in BENCHMARKS.items():
            print(name, *(" ".join(c[1:]) for c in commands), sep="\n  ")
        return 0
    failed = []
    for name in args.names or list(BENCHMARKS):
        for command in BENCHMARKS[name]:
            print(f"== {name}: {' '.join(command[1:])}", flush=True)
            if subprocess.run(command, cwd=ROOT).returncode != 0:
                failed.append(" ".join(command[1:]))
    if failed:
        print("failed:", *failed, sep="\n  ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
