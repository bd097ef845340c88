"""The backlog import: `dondoc import` of a 100,000-row register, as a desk runs it.

    python -m bench.import [--db sqlite|postgresql] [--rows 100000]

A scratch database gets 60 agencies; a CSV register of `--rows` rows (every kind and status,
received 2019-2026, a third resolved or closed, the rest open and mostly years overdue) is
written to a temporary file; then `dondoc import FILE` runs in its own process, once to
import and once more (the rerun, every row skipped). Prints both wall times and the rows per
second; writes bench/results/import-<db>.json. Target (issue 16): under a minute on SQLite.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.common import ROOT, scratch_database, short_url, write_result
from bench.names import person_name
from migrations import upgrade
from models import Agency
from models.db import make_engine
from workflows.imports.reading import COLUMNS

KINDS = ("complaint", "denunciation", "petition", "dossier")
CHANNELS = ("in_person", "hotline", "email", "online")
STATUSES = ("received", "accepted", "accepted", "on_hold", "resolved", "closed", "declined")


def agencies(url: str) -> list[int]:
    engine = make_engine(url)
    ids = []
    with engine.begin() as conn:
        top = conn.execute(sa.insert(Agency).values(name="UBND tỉnh").returning(Agency.id))
        top_id = top.scalar_one()
        for n in range(59):
            ids.append(
                conn.execute(
                    sa.insert(Agency)
                    .values(name=f"UBND huyện {n}", parent_id=top_id)
                    .returning(Agency.id)
                ).scalar_one()
            )
    engine.dispose()
    return ids


def write_register(path: Path, rows: int, agency_ids: list[int]) -> None:
    rng = random.Random(16)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n in range(rows):
            status = STATUSES[n % len(STATUSES)]
            year = rng.randint(2019, 2025)
            month = rng.randint(1, 6)
            resolved = f"{rng.randint(1, 28):02d}/{rng.randint(7, 12):02d}/{year}"
            writer.writerow([
                f"SO-{n:07d}", KINDS[n % 4], f"Đơn số {n}: chậm cấp giấy chứng nhận",
                "", CHANNELS[n % 4], person_name(rng), f"09{n:08d}", "", "Thái Nguyên",
                f"0190{n % 100:02d}{n % 1_000_000:06d}" if n % 2 else "",
                str(rng.choice(agency_ids)), f"{rng.randint(1, 28):02d}/{month:02d}/{year}",
                status, resolved if status in ("resolved", "closed") else "", "",
            ])  # fmt: skip


def timed_import(url: str, path: Path) -> tuple[float, str]:
    env = dict(os.environ, DONDOC_DATABASE_URL=url, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dondoc.cli", "import", str(path)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with scratch_database(args.db) as url, tempfile.TemporaryDirectory() as folder:
        upgrade(url)
        path = Path(folder) / "so-theo-doi.csv"
        write_register(path, args.rows, agencies(url))
        first, out = timed_import(url, path)
        rerun, _ = timed_import(url, path)
        engine = make_engine(url)
        with engine.connect() as conn:
            counts = {
                t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("cases", "case_events", "escalation_steps")
            }
        engine.dispose()
    result = {
        "database": short_url(url), "rows": args.rows, "import_s": round(first, 1),
        "rows_per_s": round(args.rows / first), "rerun_s": round(rerun, 1), **counts,
        "target_s": 60, "met": first < 60,
    }  # fmt: skip
    print(out)
    print(result)
    write_result(f"import-{result['database']}", result)


if __name__ == "__main__":
    main()
