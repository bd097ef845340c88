"""Every page form, fuzzed (hypothesis over each form's fields, through the TestClient): a
malformed, missing, repeated or absurd field is never a 5xx, and a refused form is a page."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api.deps import utcnow
from api.pages.cases import ACTION_FIELDS
from models import Role
from tests.case_factories import make_case
from tests.factories import make_agency, make_head, make_user
from tests.web.test_inspection_pages import as_user
from tests.web.test_pages import sign_in
from workflows.cases import lifecycle

ODD = [
    "",
    " ",
    "²",
    "٣",
    "99999999999999999999",
    "2147483648",
    "-1",
    "0",
    "1",
    "2",
    "1.5",
    "1e3",
    "NaN",
    "true",
    "on",
    "\x00",
    "a\x00b",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-03-20",
    "2020-01-01",
    "2026-03-05T14:00",
    "2026-03-05T25:00",
    "10000-01-01T00:00",
    "agency:1",
    "user:1",
    "agency:99999999999",
    "user:",
    "closed",
    "directive",
    "complex",
    "explanation_report",
    "discipline",
    "surprise",
    "dossier",
    "online",
    "x" * 6000,
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%s",
    "../../etc/passwd",
    "ﬀ",
    "🙂",
]
value = st.one_of(st.sampled_from(ODD), st.text(max_size=40), st.integers().map(str))
field_value = st.one_of(value, st.lists(value, min_size=2, max_size=3))
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def form_of(*names: str):
    """Some of the form's fields (each maybe missing, repeated, or absurd), and a stray one."""
    optional = {name: field_value for name in names} | {"stray": value}
    return st.fixed_dictionaries({}, optional=optional)


def assert_answered(response) -> None:
    assert response.status_code < 500, response.text[:2000]
    if 400 <= response.status_code < 500:
        assert response.headers["content-type"].startswith("text/html")
        assert "<!doctype html>" in response.text  # a page, never a JSON body or a trace


@pytest.fixture(autouse=True)
def _clock(client, now):
    client.app.dependency_overrides[utcnow] = lambda: now


@pytest.fixture
def desk(session, engine, now):
    agency = make_agency(session, "UBND xã Phúc Trìu")
    make_agency(session, "UBND xã Linh Sơn")
    head = make_head(session, agency, full_name="Nguyễn Văn Sơn")
    make_user(session, Role.officer, agency, full_name="Lê Thị Hoa")
    case = make_case(engine, head, agency, now=now - timedelta(days=3), kind="dossier")
    return head, case


@FUZZ
@given(form=form_of("username", "password", "next"))
def test_sign_in_form(client, form):
    assert_answered(client.post("/sign-in", data=form, follow_redirects=False))


INTAKE = (
    "kind",
    "channel",
    "agency_id",
    "title",
    "description",
    "citizen_name",
    "citizen_phone",
    "citizen_email",
    "citizen_address",
    "citizen_id_number",
    "idempotency_key",
)


@FUZZ
@given(form=form_of(*INTAKE))
def test_intake_form(client, desk, form):
    sign_in(client, desk[0])
    assert_answered(client.post("/cases/new", data=form, follow_redirects=False))


@pytest.mark.parametrize("action", lifecycle.PUBLIC_ACTIONS)
def test_case_action_forms(client, desk, action):
    head, case = desk
    sign_in(client, head)
    names = [name for name, _, _ in ACTION_FIELDS[action]]

    @FUZZ
    @given(form=form_of("version", *names))
    @example(form={"version": "99999999999999999999"})  # the two 500s of issue 12
    @example(form={"version": "1", "assignee_id": "²", "agency_id": "²"})
    def post(form):
        response = client.post(f"/cases/{case.id}/act/{action}", data=form, follow_redirects=False)
        assert_answered(response)

    post()


@FUZZ
@given(
    form=form_of(
        "agency_id",
        "include_subtree",
        "title",
        "legal_basis",
        "kind",
        "meeting_at",
        "leader_id",
        "member_ids",
    )
)
def test_inspection_planning_form(client, settings, story, form):
    as_user(client, settings, story.leader)
    assert_answered(client.post("/inspections", data=form, follow_redirects=False))


@FUZZ
@given(form=form_of("case_id", "version", "outcome", "text", "responsible_user_id", "due_date"))
@example(form={"case_id": "²", "outcome": "closed", "text": "Kết thúc"})  # once a 500
@example(form={"case_id": "1", "version": "99999999999999999999", "outcome": "closed"})
def test_conclusion_form(client, settings, story, meeting, form):
    as_user(client, settings, story.leader)
    url = f"/inspections/{meeting.id}/conclusions"
    assert_answered(client.post(url, data=form, follow_redirects=False))


@FUZZ
@given(form=form_of("target", "measure", "text", "due_date"))
def test_measure_form(client, settings, story, meeting, form):
    as_user(client, settings, story.leader)
    url = f"/inspections/{meeting.id}/measures"
    assert_answered(client.post(url, data=form, follow_redirects=False))


@FUZZ
@given(measure_id=st.sampled_from(ODD[1:12]))
def test_measure_done_form(client, settings, story, meeting, measure_id):
    as_user(client, settings, story.leader)
    url = f"/inspections/{meeting.id}/measures/{measure_id}/done"
    assert_answered(client.post(url, follow_redirects=False))
