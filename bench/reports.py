"""Reports: latency of GET /api/v1/reports/summary and the head's dashboard over many cases,
and of the pages a head opens most beside them (the queue, a case's page).

    python -m bench.reports --database-url URL      # a database made by bench.generate
    python -m bench.reports --db postgresql --cases 1000000   # generate into a scratch copy

One client, requests one after another against the real app under uvicorn on 127.0.0.1;
the baseline is GET /healthz (one SELECT 1) on the same server. Writes
bench/results/reports-<db>.json.
"""

import argparse
import json
import os
import sys
import time

import httpx
import sqlalchemy as sa

from bench.common import (
    peak_rss_mb,
    percentile,
    scratch_database,
    served,
    short_url,
    write_result,
)
from bench.generate import BENCH_PASSWORD, generate
from migrations import upgrade
from models.db import make_engine

TARGET_P99_MS = 300  # summary over 1,000,000 cases, PostgreSQL


def who(url: str) -> dict[str, str]:
    """The people whose views are measured: the admin (whole country), a province head,
    a commune head, and the head of an agency with an accepted case (its page)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        province = conn.execute(
            sa.text("SELECT id FROM agencies WHERE parent_id IS NULL ORDER BY id LIMIT 1")
        ).scalar_one()
        commune = conn.execute(
            sa.text("SELECT id FROM agencies WHERE name LIKE 'UBND x%' ORDER BY id LIMIT 1")
        ).scalar_one()
        cases = conn.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
        # An accepted case (its page offers the assign and transfer forms) and its agency's head.
        case = conn.execute(
            sa.text("SELECT c.id, u.username FROM cases c JOIN users u "
                    "ON u.agency_id = c.agency_id AND u.username = 'head.' || c.agency_id "
                    "WHERE c.status = 'accepted' ORDER BY c.id LIMIT 1")
        ).first()  # fmt: skip
    engine.dispose()
    return {"admin": "admin", "province_head": f"head.{province}",
            "commune_head": f"head.{commune}", "cases": cases,
            "case_id": case[0] if case else None,
            "case_head": case[1] if case else None}  # fmt: skip


def timed(http: httpx.Client, path: str, token: str, n: int, warmup: int = 2) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    cookies = {"dondoc_token": token}
    latencies, statuses = [], {}
    for i in range(warmup + n):
        t0 = time.perf_counter()
        response = http.get(path, headers=headers, cookies=cookies)
        elapsed = (time.perf_counter() - t0) * 1000
        if i >= warmup:
            latencies.append(elapsed)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return {
        "path": path,
        "requests": n,
        "statuses": {str(k): v for k, v in statuses.items()},
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
    }


def measure(url: str, n: int) -> dict:
    people = who(url)
    probes = {
        "summary_admin_this_month": ("admin", "/api/v1/reports/summary?from=2026-11-01"),
        "summary_admin_this_quarter": ("admin", "/api/v1/reports/summary?from=2026-10-01"),
        "summary_admin_this_year": ("admin", "/api/v1/reports/summary"),
        "summary_admin_ten_years": ("admin", "/api/v1/reports/summary?from=2016-01-01"),
        "summary_province_head_month": (
            "province_head",
            "/api/v1/reports/summary?from=2026-11-01",
        ),
        "summary_province_head_quarter": (
            "province_head",
            "/api/v1/reports/summary?from=2026-10-01",
        ),
        "summary_province_head": ("province_head", "/api/v1/reports/summary"),
        "summary_commune_head": ("commune_head", "/api/v1/reports/summary"),
        "dashboard_admin": ("admin", "/dashboard"),
        "dashboard_province_head": ("province_head", "/dashboard"),
        "dashboard_commune_head": ("commune_head", "/dashboard"),
        "queue_commune_head": ("commune_head", "/queue"),
    }
    if people["case_id"] is not None:  # an accepted case offers the transfer and assign forms
        probes["case_page_head"] = ("case_head", f"/cases/{people['case_id']}")
    out: dict = {"database": short_url(url), "cases": people["cases"], "requests_each": n,
                 "load_average_before": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip
    with (
        served("api.main:app", url) as (base, proc),
        httpx.Client(base_url=base, timeout=120) as http,
    ):
        tokens = {}
        for role in ("admin", "province_head", "commune_head", "case_head"):
            if people[role] is None:
                continue
            response = http.post(
                "/api/v1/auth/token", data={"username": people[role], "password": BENCH_PASSWORD}
            )
            response.raise_for_status()
            tokens[role] = response.json()["access_token"]
        out["baseline_healthz"] = timed(http, "/healthz", tokens["admin"], max(n, 50))
        base_p50 = out["baseline_healthz"]["p50_ms"]
        for name, (role, path) in probes.items():
            result = timed(http, path, tokens[role], n)
            result["p50_ratio_vs_healthz"] = round(result["p50_ms"] / base_p50, 1)
            out[name] = result
            print(f"  {name:<26} p50 {result['p50_ms']:>8} ms  p99 {result['p99_ms']:>8} ms"
                  f"  x{result['p50_ratio_vs_healthz']:<6} {result['statuses']}",
                  flush=True)  # fmt: skip
        out["server_peak_rss_mb"] = peak_rss_mb(proc.pid)
    # The machine is shared: the 1-, 5- and 15-minute load averages say how busy it was.
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    summaries = [v["p99_ms"] for k, v in out.items() if k.startswith("summary_")]
    out["target_p99_ms"] = TARGET_P99_MS
    out["worst_summary_p99_ms"] = max(summaries)
    out["meets_target"] = max(summaries) < TARGET_P99_MS
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--database-url", help="a database made by bench.generate")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30, help="measured requests per view")
    parser.add_argument("--name", help="result file name (default reports-<db>)")
    args = parser.parse_args(argv)
    if args.database_url:
        upgrade(args.database_url)  # a database generated before later migrations
        result = measure(args.database_url, args.requests)
    else:
        with scratch_database(args.db) as url:
            load = generate(url, args.cases)
            result = measure(url, args.requests)
            result["load_seconds"] = load.seconds
    path = write_result(args.name or f"reports-{result['database']}", result)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
