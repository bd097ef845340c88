"""Issue 13: the public look-up and sign-in are throttled (429 with Retry-After), with
counters in the database, so every server process shares them."""

from datetime import timedelta

from sqlmodel import select

from api import throttle
from api.deps import utcnow
from models import Role, ThrottleCounter
from tests.factories import PASSWORD, make_agency, make_user

TOKEN = "/api/v1/auth/token"


def _case_with_phone(session, phone="0912 345 678"):
    from tests.inspection_factories import at, make_case

    return make_case(
        session,
        make_agency(session),
        received_at=at(2026, 1, 5),
        citizen_phone=phone,
        phone_digits=phone.replace(" ", ""),
    )


def test_thirty_wrong_digits_get_429_even_for_the_right_ones_afterwards(client, session):
    case = _case_with_phone(session)
    answers = [
        client.get(f"/api/v1/public/cases/{case.code}", params={"phone_last4": f"{n:04d}"})
        for n in range(1000, 1030)
    ]
    statuses = [response.status_code for response in answers]
    assert statuses[:10] == [404] * 10
    assert set(statuses[10:]) == {429}
    assert int(answers[-1].headers["Retry-After"]) > 0
    right = client.get(f"/api/v1/public/cases/{case.code}", params={"phone_last4": "5678"})
    assert right.status_code == 429


def test_a_client_trying_many_codes_is_refused(client, session):
    statuses = [
        client.get(f"/api/v1/public/cases/HS-{n:06d}", params={"phone_last4": "1234"}).status_code
        for n in range(25)
    ]
    assert statuses[:20] == [404] * 20 and set(statuses[20:]) == {429}


def test_the_look_up_page_is_throttled_too(client, session):
    case = _case_with_phone(session)
    for n in range(10):
        client.get("/tra-cuu", params={"code": case.code, "phone_last4": f"{n:04d}"})
    page = client.get("/tra-cuu", params={"code": case.code, "phone_last4": "5678"})
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "Quá nhiều lần tra cứu sai" in page.text


def test_thirty_wrong_passwords_slow_that_username_only(client, session):
    victim = make_user(session, Role.officer, make_agency(session))
    colleague = make_user(session, Role.officer, make_agency(session))
    statuses = [
        client.post(TOKEN, data={"username": victim.username, "password": f"guess-{n}"}).status_code
        for n in range(30)
    ]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    # The right password is refused too while the username is slowed down…
    right = client.post(TOKEN, data={"username": victim.username, "password": PASSWORD})
    assert right.status_code == 429 and int(right.headers["Retry-After"]) <= 300
    # …while another user of the same office (same address) still signs in.
    other = client.post(TOKEN, data={"username": colleague.username, "password": PASSWORD})
    assert other.status_code == 200


def test_the_slow_down_ends_by_itself(client, session, now):
    victim = make_user(session, Role.officer, make_agency(session))
    client.app.dependency_overrides[utcnow] = lambda: now
    for n in range(6):
        client.post(TOKEN, data={"username": victim.username, "password": f"guess-{n}"})
    form = {"username": victim.username, "password": PASSWORD}
    assert client.post(TOKEN, data=form).status_code == 429
    # Ten minutes later (two windows), the user signs in; the token is checked on the real
    # clock, so it is only read here, not used.
    client.app.dependency_overrides[utcnow] = lambda: now + timedelta(minutes=10)
    assert client.post(TOKEN, data=form).status_code == 200


def test_the_sign_in_page_answers_429_with_a_message(client, session):
    victim = make_user(session, Role.officer, make_agency(session))
    for n in range(5):
        client.post("/sign-in", data={"username": victim.username, "password": f"x{n}"})
    page = client.post("/sign-in", data={"username": victim.username, "password": PASSWORD})
    assert page.status_code == 429 and "Quá nhiều lần đăng nhập sai" in page.text


def test_counters_are_rows_any_process_reads(database_url, engine, now):
    """Two engines (two connection pools) stand for two server processes: the hits counted
    through one are what the other reads, and concurrent upserts all count."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlmodel import Session

    from models.db import make_engine

    rule = throttle.Rule("test", 12, timedelta(minutes=1))
    first, second = make_engine(database_url), make_engine(database_url)

    def hit_once(bind) -> None:
        with Session(bind) as db:
            throttle.hit(session=db, rule=rule, key="203.0.113.9", now=now)
            db.commit()

    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(hit_once, [first, second] * 6))
        with Session(second) as db:
            assert db.exec(select(ThrottleCounter.hits)).one() == 12
            assert throttle.retry_after(session=db, rule=rule, key="203.0.113.9", now=now) > 0
            other = throttle.retry_after(session=db, rule=rule, key="203.0.113.10", now=now)
            assert other is None
            later = now + timedelta(minutes=2)
            assert throttle.retry_after(session=db, rule=rule, key="203.0.113.9", now=later) is None
    finally:
        first.dispose()
        second.dispose()
