"""The intake form's one-time token: one case per form, also for two submissions at once."""

import threading
from datetime import UTC, datetime

from sqlmodel import Session, func, select

from models import Case, CaseCreate, Role, User
from tests.case_factories import BASE_URL
from tests.factories import make_agency, make_user
from workflows.cases import form_tokens, intake

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def submit(engine, clerk_id: int, token: str, title: str) -> tuple[int, bool]:
    """What the intake page does with a posted form: (the case's id, registered now)."""
    with Session(engine, expire_on_commit=False) as session:
        clerk = session.get(User, clerk_id)
        earlier = form_tokens.claim(session=session, token=token, user=clerk, now=NOW)
        if earlier is not None:
            session.commit()
            return earlier.id, False
        data = CaseCreate(
            kind="complaint",
            channel="in_person",
            agency_id=clerk.agency_id,
            title=title,
            citizen={"name": "Nguyễn Văn An", "phone": "0912345678"},
        )
        result = intake.intake(session=session, data=data, actor=clerk, now=NOW, base_url=BASE_URL)
        form_tokens.attach(session=session, token=token, case=result.case)
        session.commit()
        return result.case.id, True


def test_a_form_submitted_again_gives_its_first_case(engine, session):
    clerk = make_user(session, Role.clerk, make_agency(session, "UBND phường Tân Lập")).id
    token = form_tokens.new_token()
    first, created = submit(engine, clerk, token, "Đường ngõ 12 ngập nước")
    assert created
    # Back, a changed subject, submit again: the first case, nothing new.
    again, created_again = submit(engine, clerk, token, "Đường ngõ 12 ngập nước (sửa)")
    assert (again, created_again) == (first, False)
    assert session.scalar(select(func.count()).select_from(Case)) == 1
    other, created_other = submit(engine, clerk, form_tokens.new_token(), "Đèn đường hỏng")
    assert created_other and other != first


def test_two_submissions_at_once_register_one_case(engine, session):
    clerk = make_user(session, Role.clerk, make_agency(session, "UBND phường Tân Lập")).id
    token = form_tokens.new_token()
    start = threading.Barrier(2)
    results: list = []

    def click():
        start.wait()
        results.append(submit(engine, clerk, token, "Đường ngõ 12 ngập nước"))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    assert {case_id for case_id, _ in results} == {results[0][0]}
    assert sorted(created for _, created in results) == [False, True]
    assert session.scalar(select(func.count()).select_from(Case)) == 1


def test_a_malformed_token_is_refused_and_writes_nothing(engine, session):
    clerk = make_user(session, Role.clerk, make_agency(session, "UBND phường Tân Lập")).id
    for token in ("", "x" * 32, "'; drop table cases; --"):
        try:
            submit(engine, clerk, token, "Đèn đường hỏng")
        except Exception as exc:  # noqa: BLE001
            assert getattr(exc, "code", None) == "intake.form_token"
        else:
            raise AssertionError(f"{token!r} was accepted")
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_codes_typed_by_citizens_are_normalised():
    for typed in ("KN-2026-000123", "kn2026000123", " kn 2026 000123 ", "Kn-2026 000123"):
        assert intake.normalise_code(typed) == "KN-2026-000123"
    assert intake.normalise_code("knpa2026000007") == "KNPA-2026-000007"
    assert intake.normalise_code("hs 2025 000380") == "HS-2025-000380"
    assert intake.normalise_code("XX2026000123") == "XX2026000123"  # matches no case
