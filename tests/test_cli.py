"""The command line, run as a user runs it: a real process, a real port."""

import os
import socket
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import empty_database


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database nobody else uses (a new SQLite file or PostgreSQL schema)."""
    with empty_database(tmp_path) as url:
        yield url


def _env(tmp_path, url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DONDOC_DATABASE_URL=url,
        DONDOC_VAR_DIR=str(tmp_path / "var"),
        DONDOC_SCHEDULER_ENABLED="false",
        PYTHONPATH=os.getcwd(),
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dondoc(*args: str) -> list[str]:
    return [sys.executable, "-m", "dondoc.cli", *args]


def test_create_admin_then_sign_in_through_serve(tmp_path, fresh_database_url):
    env = _env(tmp_path, fresh_database_url)
    made = subprocess.run(
        _dondoc(
            "create-admin",
            "--username",
            "quantri",
            "--password",
            "mật-khẩu-dài",
            "--email",
            "quantri@ubnd.gov.vn",
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    again = subprocess.run(
        _dondoc(
            "create-admin",
            "--username",
            "quantri",
            "--password",
            "another-password",
            "--email",
            "quantri@ubnd.gov.vn",
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 2 and "taken" in again.stderr

    port = _free_port()
    log = tmp_path / "serve.log"
    server = _start(_dondoc("serve", "--port", str(port)), env, log)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, server, log)
        token = httpx.post(
            f"{base}/api/v1/auth/token", data={"username": "quantri", "password": "mật-khẩu-dài"}
        )
        assert token.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


# Seed 002: what the 2023 inspection found pending, where, since when, and where it is now
# (the district and the town were dissolved on 01/07/2025: dondoc/demo_reorganisation.py).
SEED_002_CASES = [
    ("Trần Quang Toàn", 2014, "UBND huyện Đồng Hỷ", "HS", "UBND xã Đồng Hỷ"),
    ("17 giấy chứng nhận", 2017, "UBND thị trấn Chợ Chu", "KNPA", "UBND xã Định Hóa"),
    ("Bùi Thị Thanh", 2020, "UBND xã Phúc Trìu", "HS", "UBND xã Phúc Trìu"),
    ("xóm Nam Sơn", 2020, "UBND xã Linh Sơn", "KNPA", "UBND xã Linh Sơn"),
]


def test_demo_serves_the_seed_agencies_and_prints_working_passwords(tmp_path, fresh_database_url):
    """Through the served demo's API, what a user notices: the agencies and accounts, the
    long-pending cases of seed 002 with their years, the 380 dossiers of Sở Tài chính in 2014
    (69 open), the citizen's look-up, the inspection agenda, and mail in the mail folder."""
    port = _free_port()
    log = tmp_path / "demo.log"
    server = _start(_dondoc("demo", "--port", str(port)), _env(tmp_path, fresh_database_url), log)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        lines = _wait_healthy(base.removesuffix("/api/v1"), server, log)
        assert any("380 cases" in line and "69 open" in line for line in lines), lines
        passwords = _printed_passwords(lines)
        admin = _sign_in(base, "admin", passwords["admin"])
        agencies = httpx.get(f"{base}/agencies", headers=admin).json()
        agency_ids = {agency["name"]: agency["id"] for agency in agencies}
        assert {"UBND xã Phúc Trìu", "UBND thị trấn Hóa Thượng", "Sở Tài chính TP. Cần Thơ"} <= set(
            agency_ids
        )
        roles = {u["role"] for u in httpx.get(f"{base}/users", headers=admin).json()}
        assert roles == {"clerk", "officer", "head", "inspector", "admin"}

        seed_codes = []
        for text, year, received_at, prefix, agency in SEED_002_CASES:
            page = httpx.get(f"{base}/cases", params={"q": text}, headers=admin).json()
            assert page["total"] == 1, (text, [c["title"] for c in page["items"]])
            case = page["items"][0]
            assert case["code"].startswith(f"{prefix}-{year}-"), case["code"]
            assert _local_year(case["received_at"]) == year
            assert case["agency_id"] == agency_ids[agency]
            events = httpx.get(f"{base}/cases/{case['id']}/events", headers=admin).json()
            moved = [e for e in events if e["action"] == "reorganise"]
            if agency != received_at:  # moved as of 01/07/2025 from the seed's place
                assert [e["data"]["effective_on"] for e in moved] == ["2025-07-01"]
                assert moved[0]["data"]["from_agency_id"] == agency_ids[received_at]
                assert "giải thể từ ngày 01/07/2025" in moved[0]["data"]["reason"]
            else:
                assert moved == []
            assert case["status"] in ("received", "accepted") and case["overdue"] is True
            assert _local_year(case["due_at"]) in (year, year + 1)
            seed_codes.append(case["code"])
            if received_at == "UBND thị trấn Chợ Chu":  # sent to the district and back
                assert case["transfer_count"] == 2 and case["ping_pong"] is True

        finance = agency_ids["Sở Tài chính TP. Cần Thơ"]
        in_2014 = {
            "agency_id": finance,
            "kind": "dossier",
            "received_after": "2014-01-01T00:00:00+07:00",
            "received_before": "2015-01-01T00:00:00+07:00",
            "limit": 1,
        }

        def total(**filters) -> int:
            params = {**in_2014, **filters}
            return httpx.get(f"{base}/cases", params=params, headers=admin).json()["total"]

        assert total() == 380
        assert sum(total(status=s) for s in ("received", "accepted", "on_hold")) == 69
        assert total(status="resolved") == 311
        assert total(overdue="true") == total(status="received") + total(status="accepted")
        report = httpx.get(
            f"{base}/reports/summary",
            params={"from": "2014-01-01", "to": "2014-12-31", "agency_id": finance},
            headers=admin,
        ).json()
        assert report["received"] == 380 and report["resolved"] == 311
        assert 0.95 <= report["on_time_rate"] < 1  # "mostly before the appointment"

        # The citizen's look-up: the tracking code and the last four digits of the phone.
        case = httpx.get(f"{base}/cases", params={"q": "Bùi Thị Thanh"}, headers=admin).json()
        code, phone = case["items"][0]["code"], case["items"][0]["citizen"]["phone"]
        digits = "".join(ch for ch in phone if ch.isdigit())[-4:]
        found = httpx.get(f"{base}/public/cases/{code}", params={"phone_last4": digits})
        assert found.status_code == 200
        assert found.json()["agency_name"] == "UBND xã Phúc Trìu"
        assert found.json()["status_text"] == "Đang giải quyết"
        wrong = "0000" if digits != "0000" else "1111"
        missed = httpx.get(f"{base}/public/cases/{code}", params={"phone_last4": wrong})
        assert missed.status_code == 404

        # The inspector's agenda: the four seed cases first, longest pending first.
        inspector = _sign_in(base, "kiemtra.tn", passwords["kiemtra.tn"])
        [inspection] = httpx.get(f"{base}/inspections", headers=inspector).json()
        assert inspection["legal_basis"].startswith("Kế hoạch số 45/KH-UBND ngày 17/3/2023")
        leader = next(m for m in inspection["members"] if m["is_leader"])
        assert leader["full_name"] == "Nguyễn Văn Hiển"
        agenda = httpx.get(
            f"{base}/inspections/{inspection['id']}/agenda", headers=inspector
        ).json()
        assert [item["code"] for item in agenda["items"][:4]] == seed_codes

        # The officer's queue has overdue work; the mail folder is not empty.
        officer = _sign_in(base, "chuyenvien.tn", passwords["chuyenvien.tn"])
        mine = httpx.get(f"{base}/cases", params={"overdue": "true"}, headers=officer).json()
        assert mine["total"] >= 1
        mail = httpx.get(f"{base}/notifications/mailbox", headers=admin).json()
        assert any("@example.com" in m["to"] for m in mail)  # a citizen's receipt or answer
        assert any("chutich.tptn@" in m["to"] for m in mail)  # the head, of overdue work
    finally:
        server.terminate()
        server.wait(timeout=30)


def _printed_passwords(lines: list[str]) -> dict[str, str]:
    """username -> password from the accounts the demo printed."""
    roles = {"admin", "clerk", "officer", "head", "inspector"}
    return {
        parts[1]: parts[2]
        for line in lines
        if len(parts := line.split()) >= 3 and parts[0] in roles
    }


def _sign_in(base: str, username: str, password: str) -> dict[str, str]:
    token = httpx.post(f"{base}/auth/token", data={"username": username, "password": password})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _local_year(instant: str) -> int:
    return datetime.fromisoformat(instant).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).year


def _start(command: list[str], env: dict[str, str], log) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_healthy(base: str, server: subprocess.Popen, log) -> list[str]:
    """Wait until /healthz answers; returns the lines the server printed so far."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        lines = log.read_text().splitlines()
        if server.poll() is not None:
            pytest.fail("server exited:\n" + "\n".join(lines))
        try:
            if httpx.get(f"{base}/healthz", timeout=1).json() == {"status": "ok"}:
                return log.read_text().splitlines()
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("server never became healthy:\n" + log.read_text())


def test_sweep_escalates_an_overdue_case_and_writes_its_mail(tmp_path, session, database_url):
    from datetime import UTC, datetime

    from sqlmodel import select

    from models import CaseEvent, Notification, Role
    from tests.case_rows import make_case
    from tests.factories import make_agency, make_head, make_user

    agency = make_agency(session, "UBND xã Linh Sơn", email="linhson@ubnd.gov.vn")
    make_head(session, agency, full_name="Trịnh Văn Bình")
    officer = make_user(session, Role.officer, agency)
    due = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 17:00 in Hà Nội
    case = make_case(session, agency, due_at=due, now=due, assignee=officer)

    env = _env(tmp_path, database_url)
    # Wednesday 4 March 2026, 09:00 local: two working days overdue.
    done = subprocess.run(
        _dondoc("sweep", "--as-of", "2026-03-04T09:00"),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "steps applied" in done.stdout and "delivery" in done.stdout

    actions = session.exec(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).all()
    assert any(action.startswith("escalat") for action in actions)
    mail = session.exec(select(Notification).where(Notification.case_id == case.id)).all()
    assert {n.template for n in mail} >= {"head_escalation"}
    assert list((tmp_path / "var" / "mail").glob("*.eml")), "mail folder stays empty"

    bad = subprocess.run(
        _dondoc("sweep", "--as-of", "yesterday"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "ISO" in bad.stderr


def test_db_tidy_removes_what_no_rule_reads_any_more(tmp_path, session, database_url):
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from models import ThrottleCounter

    now = datetime.now(UTC)
    for key, age in (("old", timedelta(hours=3)), ("recent", timedelta(minutes=5))):
        session.add(ThrottleCounter(rule="sign-in-client", key=key, hits=9,
                                    window_start=now - age))  # fmt: skip
    session.commit()
    done = subprocess.run(
        _dondoc("db", "tidy"), env=_env(tmp_path, database_url), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "throttle_counters: 1 removed" in done.stdout
    session.expire_all()
    assert session.scalars(sa.select(ThrottleCounter.key)).all() == ["recent"]
