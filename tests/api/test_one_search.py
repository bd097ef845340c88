"""One case search answers GET /cases, the CSV export and the officer's queue page alike:
the same scope, the same filters, the same overdue rule (a case on hold is not overdue)."""

import csv
import io
import re
from datetime import timedelta

from api.deps import utcnow
from models import CaseStatus, Role
from tests.case_rows import make_case
from tests.factories import auth, make_agency, make_user
from tests.web.test_pages import sign_in


def _case(session, agency, now, status, due_in, title, assignee=None):
    case = make_case(
        session, agency, due_at=now + due_in, now=now, status=status, assignee=assignee
    )
    case.title = title
    session.add(case)
    session.commit()
    return case


def test_api_export_and_queue_find_the_same_cases(client, session, now):
    ward, other = make_agency(session, "UBND phường Túc Duyên"), make_agency(session, "UBND xã B")
    officer = make_user(session, Role.officer, ward)
    colleague = make_user(session, Role.officer, ward)
    day = timedelta(days=1)
    cases = {
        "late": _case(session, ward, now, CaseStatus.accepted, -5 * day, "Đường ngập nước"),
        "late_new": _case(session, ward, now, CaseStatus.received, -day, "Cống tắc nghẽn"),
        "paused": _case(session, ward, now, CaseStatus.on_hold, -9 * day, "Đất lấn chiếm"),
        "soon": _case(session, ward, now, CaseStatus.accepted, day, "Đèn đường hỏng"),
        "later": _case(session, ward, now, CaseStatus.accepted, 30 * day, "Cây đổ"),
        "done": _case(session, ward, now, CaseStatus.resolved, -20 * day, "Rác thải"),
        "theirs": _case(
            session, ward, now, CaseStatus.accepted, -3 * day, "Nước bẩn", assignee=colleague
        ),
        "elsewhere": _case(session, other, now, CaseStatus.accepted, -4 * day, "Ồn ào"),
    }
    codes = {name: case.code for name, case in cases.items()}
    headers = auth(client, officer)
    sign_in(client, officer, "/queue")  # both before the clock is set back: tokens expire
    client.app.dependency_overrides[utcnow] = lambda: now

    def api(**params) -> set[str]:
        body = client.get("/api/v1/cases", params=params, headers=headers).json()
        assert body["total"] == len(body["items"])
        return {item["code"] for item in body["items"]}

    def export(**params) -> set[str]:
        response = client.get(
            "/api/v1/exports/cases", params={"format": "csv", **params}, headers=headers
        )
        text = response.content.decode("utf-8-sig")
        return {row["Mã hồ sơ / Code"] for row in csv.DictReader(io.StringIO(text))}

    overdue = {codes["late"], codes["late_new"], codes["theirs"]}
    assert api(overdue="true") == export(overdue="true") == overdue
    in_ward = {code for name, code in codes.items() if name != "elsewhere"}
    assert api(overdue="false") == export(overdue="false") == in_ward - overdue
    assert api(q="nước") == export(q="nước") == {codes["late"], codes["theirs"]}
    assert api(status="on_hold") == export(status="on_hold") == {codes["paused"]}

    # The queue page: open cases of the ward, the officer's and nobody's (not the colleague's),
    # most urgent first, the overdue ones marked as the API filter finds them.
    page = client.get("/queue").text
    rows = re.findall(r'<tr class="(\w*)" data-code="([^"]+)"', page)
    listed = [code for _mark, code in rows]
    marked = {code for mark, code in rows if mark == "overdue"}
    assert listed == [codes[n] for n in ("paused", "late", "late_new", "soon", "later")]
    assert marked == overdue - {codes["theirs"]}
