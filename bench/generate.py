"""Generate a national-scale database: 34 provinces, ~3,300 communes, people, N cases.

    python -m bench.generate --database-url URL --cases 1000000 [--seed 8] [--no-events]

Migrates first, refuses a database that already holds agencies or cases, and prints the
load time and rows per second. Every user's password is BENCH_PASSWORD; usernames are
`head.<agency id>`, `officer.<agency id>.<n>`, `clerk.<agency id>`, `inspector.<agency id>`
and `admin`.
"""

import argparse
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import islice

import sqlalchemy as sa

from bench.cases import CaseMaker, World
from bench.loader import BulkLoader
from bench.names import DEPARTMENTS, PROVINCES, commune_names, person_name, slug
from migrations import upgrade
from models.db import make_engine

BENCH_PASSWORD = "bench-password-2026"
CHUNK = 50_000
AS_OF = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
MOUNTAIN = {
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Cao Bằng",
    "Lào Cai",
    "Tuyên Quang",
    "Gia Lai",
    "Đắk Lắk",
    "Lạng Sơn",
    "Lâm Đồng",
}


@dataclass
class LoadReport:
    database: str
    cases: int
    events: int
    agencies: int
    users: int
    seconds: float
    analyze_seconds: float
    rows_per_second: float
    cases_per_second: float
    counters: dict = field(default_factory=dict)


def build_world(as_of: datetime, seed: int, password_hash: str):
    """Agency and user rows, and the World the cases are spread over."""
    rng = random.Random(seed)
    world = World(as_of=as_of)
    agencies, users = [], []
    ids = iter(range(1, 10**7))
    user_ids = iter(range(1, 10**7))

    def agency(name, parent, email, place, remote=False):
        row = {
            "id": next(ids),
            "name": name,
            "parent_id": parent,
            "email": email,
            "remote_area": remote,
            "head_user_id": None,
            "successor_id": None,
            "dissolved_at": None,
        }
        agencies.append(row)
        world.place[row["id"]] = place
        return row["id"]

    def user(role, agency_id, name):
        n = len(world.officers.get(agency_id, []))
        username = f"{role}.{agency_id}" + (f".{n + 1}" if role == "officer" else "")
        row = {
            "id": next(user_ids),
            "username": username,
            "full_name": name,
            "email": f"{username}@bench.dondoc.vn",
            "role": role,
            "agency_id": agency_id,
            "password_hash": password_hash,
            "is_active": True,
            "created_at": as_of,
        }
        users.append(row)
        if role == "officer":
            world.officers.setdefault(agency_id, []).append(row["id"])
        if role == "clerk":
            world.clerk[agency_id] = row["id"]
        return row["id"]

    for province, is_city, n_communes in PROVINCES:
        label = f"TP. {province}" if is_city else f"tỉnh {province}"
        code = slug(province)
        root = agency(f"UBND {label}", None, f"ubnd@{code}.gov.vn", label)
        world.provinces.append(root)
        members = [root]
        for dept, short in DEPARTMENTS:
            dept_id = agency(f"{dept} {label}", root, f"{short}@{code}.gov.vn", label)
            world.departments.append(dept_id)
            members.append(dept_id)
        for i, name in enumerate(commune_names(rng, n_communes)):
            unit = "phường" if is_city and i % 3 else "xã"
            remote = province in MOUNTAIN and rng.random() < 0.4
            commune = agency(
                f"UBND {unit} {name}",
                root,
                f"{slug(unit + name)}@{code}.gov.vn",
                f"{unit} {name}, {label}",
                remote,
            )
            world.communes.append(commune)
            members.append(commune)
            if remote:
                world.remote.add(commune)
        for member in members:
            world.neighbours[member] = [m for m in members[:13] if m != member] or [root]
            user("head", member, person_name(rng))
            for _ in range(3 if member in (root,) or member in world.departments else 2):
                user("officer", member, person_name(rng))
            user("clerk", member, person_name(rng))
        user("inspector", members[1], person_name(rng))  # at the Sở Nội vụ
    user("admin", None, "Quản trị hệ thống")
    users[-1].update(username="admin", email="admin@bench.dondoc.vn")
    return agencies, users, world


def generate(
    url: str,
    cases: int,
    seed: int = 8,
    as_of: datetime = AS_OF,
    with_events: bool = True,
    quiet: bool = False,
) -> LoadReport:
    """Migrate, then load agencies, users and `cases` cases (with events) into `url`."""
    from workflows.org.users import hash_password

    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for table in ("agencies", "cases"):
                if conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar():
                    raise SystemExit(f"{table} is not empty: the generator needs a fresh database")
        started = time.perf_counter()
        agencies, users, world = build_world(as_of, seed, hash_password(BENCH_PASSWORD))
        loader = BulkLoader(engine)
        loader.load("agencies", agencies)
        loader.load("users", users)
        maker = CaseMaker(world, seed=seed, with_events=with_events)
        events: list[dict] = []
        schedule: list[dict] = []  # the sweep's next look at each running case

        def case_rows():
            for case_id in range(1, cases + 1):
                case, case_events = maker.make(case_id)
                events.extend(case_events)
                next_action_at = case.pop("next_action_at")
                if next_action_at is not None:
                    schedule.append({"case_id": case_id, "next_action_at": next_action_at})
                if not quiet and case_id % 100_000 == 0:
                    print(f"  {case_id:,} cases  {time.perf_counter() - started:.0f} s", flush=True)
                yield case

        n_cases = n_events = 0
        rows = case_rows()
        with loader.indexes_dropped(["cases", "case_events", "case_schedule"]):
            for chunk_start in range(0, cases, CHUNK):  # cases, then their events, by chunks
                n_cases += loader.load("cases", islice(rows, min(CHUNK, cases - chunk_start)))
                n_events += loader.load("case_events", events)
                loader.load("case_schedule", schedule)
                events.clear()
                schedule.clear()
        _finish(engine, world, users, maker.counters)
        loaded = time.perf_counter() - started
        _analyze(engine)
        analyze = time.perf_counter() - started - loaded
    finally:
        engine.dispose()
    rows = len(agencies) + len(users) + n_cases + n_events
    return LoadReport(
        database=engine.dialect.name,
        cases=n_cases,
        events=n_events,
        agencies=len(agencies),
        users=len(users),
        seconds=round(loaded, 2),
        analyze_seconds=round(analyze, 2),
        rows_per_second=round(rows / loaded),
        cases_per_second=round(n_cases / loaded),
        counters={f"{p}-{y}": v for (p, y), v in sorted(maker.counters.items())},
    )


def _finish(engine, world, users, counters) -> None:
    """Heads on their agencies, code counters past the generated codes, sequences reset."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE agencies SET head_user_id = (SELECT u.id FROM users u WHERE "
                "u.agency_id = agencies.id AND u.role = 'head')"
            )
        )
        conn.execute(
            sa.text("INSERT INTO code_counters (prefix, year, value) VALUES (:p, :y, :v)"),
            [{"p": p, "y": y, "v": v} for (p, y), v in counters.items()],
        )
        if engine.dialect.name == "postgresql":
            for table in ("agencies", "users", "cases", "case_events"):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                    )
                )


def _analyze(engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name != "postgresql":
            conn.exec_driver_sql("ANALYZE")
            return
        # VACUUM too, so the visibility map allows index-only scans at once. Only the loaded
        # tables: a database-wide VACUUM also visits every other schema of a shared server
        # and deadlocked with another run's index builds.
        for table in ("agencies", "users", "cases", "case_events", "case_schedule"):
            conn.exec_driver_sql(f"VACUUM ANALYZE {table}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--as-of", type=datetime.fromisoformat, default=AS_OF)
    parser.add_argument("--no-events", action="store_true", help="cases only, no history rows")
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args(argv)
    report = generate(args.database_url, args.cases, args.seed, args.as_of, not args.no_events)
    summary = {k: v for k, v in asdict(report).items() if k != "counters"}
    print(json.dumps(summary, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(asdict(report), f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
