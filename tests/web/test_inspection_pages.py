"""The inspector's pages through the TestClient: who sees and posts what, the planning form,
the meeting's agenda and conclusion forms, refused forms explained in words with nothing
written, stale and double conclusions, measures and the report."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from api.deps import TOKEN_COOKIE, utcnow
from models import (
    CaseEvent,
    CaseStatus,
    Inspection,
    InspectionConclusion,
    InspectionCreate,
    InspectionMeasure,
    InspectionMember,
    Role,
)
from tests.factories import session_token
from tests.inspection_factories import person
from tests.web.conftest import carry_csrf
from workflows.cases import lifecycle
from workflows.inspections import service as inspections

LOCAL_DAY = "%Y-%m-%d"


@pytest.fixture(autouse=True)
def _clock(client, now):
    """The pages read the same fixed instant as the test (Monday 2026-03-02, 09:00)."""
    client.app.dependency_overrides[utcnow] = lambda: now


@pytest.fixture
def meeting(session, story, now) -> Inspection:
    """Seed 002: the province's team inspects UBND tỉnh Thái Nguyên and everything below."""
    inspection = inspections.create(
        session=session,
        data=InspectionCreate(
            agency_id=story.agencies["tinh"].id,
            include_subtree=True,
            title="Kiểm tra công vụ năm 2023 tại các đơn vị, địa phương",
            legal_basis="Kế hoạch số 45/KH-UBND ngày 17/3/2023",
            kind="surprise",
            meeting_at=now + timedelta(hours=1),
            member_ids=[story.leader.id, story.member.id],
        ),
        actor=story.leader,
        now=now,
    )
    session.commit()
    return inspection


def as_user(client, settings, user) -> None:
    """Sign `user` in by cookie (the story's users have no password)."""
    token = session_token(settings, user)
    client.cookies.set(TOKEN_COOKIE, token)
    carry_csrf(client)


def count(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def form_version(page: str, case_id: int) -> str:
    found = re.search(
        rf'name="case_id" value="{case_id}">\s*<input type="hidden" name="version" value="(\d+)"',
        page,
    )
    assert found, f"no conclusion form for case {case_id}"
    return found.group(1)


def conclude(client, meeting, case, **fields):
    body = {"case_id": str(case.id), "version": str(case.version)} | fields
    return client.post(f"/inspections/{meeting.id}/conclusions", data=body, follow_redirects=False)


# --- who sees what ----------------------------------------------------------------------


def test_inspector_home_and_header_link_to_inspections(client, settings, session, story):
    as_user(client, settings, story.leader)
    page = client.get("/").text
    assert page.count('href="/inspections"') == 2  # the header and the home page's buttons
    assert "Kiểm tra công vụ" in page
    # Heads sit on their agencies' self-inspection teams; clerks and officers never do.
    as_user(client, settings, story.heads["tp"])
    assert client.get("/").text.count('href="/inspections"') == 2
    as_user(client, settings, person(session, Role.officer, story.agencies["tp"], "Cán bộ"))
    assert 'href="/inspections"' not in client.get("/").text


def test_list_shows_own_inspections_and_admins_all(client, settings, session, story, meeting):
    other = inspections.create(
        session=session,
        data=InspectionCreate(
            agency_id=story.agencies["dongy"].id,
            title="Tự kiểm tra của huyện Đồng Hỷ",
            kind="self_inspection",
            meeting_at=meeting.meeting_at + timedelta(days=7),
            member_ids=[story.other_inspector.id],
        ),
        actor=story.other_inspector,
        now=meeting.created_at,
    )
    session.commit()
    as_user(client, settings, story.member)
    page = client.get("/inspections").text
    assert f'href="/inspections/{meeting.id}"' in page
    assert f'href="/inspections/{other.id}"' not in page
    assert "Kế hoạch số 45/KH-UBND ngày 17/3/2023" in page
    assert "Nguyễn Văn Hiển" in page  # the leader
    assert 'action="/inspections"' in page  # inspectors may plan

    as_user(client, settings, person(session, Role.admin, None, "Quản trị viên"))
    page = client.get("/inspections").text
    # Every inspection, the latest meeting first.
    assert page.index(f'"/inspections/{other.id}"') < page.index(f'"/inspections/{meeting.id}"')
    assert 'action="/inspections"' in page

    # A head lists the self-inspection they sit on, and may not plan one.
    head = story.heads["dongy"]
    inspections.create(
        session=session,
        data=InspectionCreate(
            agency_id=story.agencies["dongy"].id,
            title="Tự kiểm tra của huyện Đồng Hỷ, đợt 2",
            kind="self_inspection",
            meeting_at=meeting.meeting_at + timedelta(days=14),
            member_ids=[story.other_inspector.id, head.id],
        ),
        actor=story.other_inspector,
        now=meeting.created_at,
    )
    session.commit()
    as_user(client, settings, head)
    page = client.get("/inspections").text
    assert "Tự kiểm tra của huyện Đồng Hỷ, đợt 2" in page
    assert f'"/inspections/{other.id}"' not in page
    assert 'action="/inspections"' not in page
    assert client.post("/inspections", data={"title": "x"}).status_code == 403

    for role in (Role.officer, Role.clerk):
        as_user(client, settings, person(session, role, story.agencies["tp"], "Người khác"))
        response = client.get("/inspections")
        assert response.status_code == 403
        assert "Bạn không có quyền xem trang này" in response.text


def test_meeting_page_for_members_admins_read_only_others_404(
    client, settings, session, story, meeting
):
    url = f"/inspections/{meeting.id}"
    assert client.get(url, follow_redirects=False).headers["location"] == (
        f"/sign-in?next=%2Finspections%2F{meeting.id}"
    )
    as_user(client, settings, story.member)
    page = client.get(url).text
    assert page.count("data-conclusion") == 4
    assert "chỉ thành viên đoàn kiểm tra được ghi kết luận" not in page

    admin = person(session, Role.admin, None, "Quản trị viên")
    as_user(client, settings, admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "data-conclusion" not in response.text and "data-measure-form" not in response.text
    assert "chỉ thành viên đoàn kiểm tra được ghi kết luận" in response.text
    assert story.cases["toan"].code in response.text
    # The API answers the same: an administrator off the team may not conclude.
    posted = conclude(client, meeting, story.cases["toan"], outcome="closed", text="Kết thúc")
    assert posted.status_code == 403
    assert "Chỉ thành viên đoàn kiểm tra" in posted.text

    for outsider in (story.other_inspector, story.heads["tinh"]):
        as_user(client, settings, outsider)
        assert client.get(url).status_code == 404  # as for an id that does not exist
        posted = conclude(client, meeting, story.cases["toan"], outcome="closed", text="Kết thúc")
        assert posted.status_code == 404
    assert client.get("/inspections/999999").status_code == 404
    assert count(session, InspectionConclusion) == 0
    assert count(session, CaseEvent) == 0


# --- planning ---------------------------------------------------------------------------


def test_plan_form_creates_the_inspection(client, settings, session, story):
    as_user(client, settings, story.leader)
    form = client.get("/inspections").text
    assert "Kiểm tra đột xuất" in form and "Tự kiểm tra" in form
    response = client.post(
        "/inspections",
        data={
            "agency_id": str(story.agencies["tinh"].id),
            "include_subtree": "1",
            "title": "Kiểm tra công vụ năm 2023",
            "legal_basis": "Kế hoạch số 45/KH-UBND ngày 17/3/2023",
            "kind": "surprise",
            "meeting_at": "2026-03-05T14:00",
            "leader_id": str(story.leader.id),
            "member_ids": [str(story.member.id), str(story.leader.id)],
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    inspection = session.exec(select(Inspection)).one()
    assert response.headers["location"] == f"/inspections/{inspection.id}?done=planned"
    assert inspection.include_subtree and inspection.kind == "surprise"
    assert inspection.legal_basis == "Kế hoạch số 45/KH-UBND ngày 17/3/2023"
    assert inspection.meeting_at == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)  # 14:00 in Hà Nội
    members = session.exec(
        select(InspectionMember.user_id, InspectionMember.is_leader).order_by(InspectionMember.id)
    ).all()
    assert members == [(story.leader.id, True), (story.member.id, False)]
    page = client.get(response.headers["location"]).text
    assert "Đã lập cuộc kiểm tra." in page
    assert "Nguyễn Văn Hiển (trưởng đoàn)" in page


BAD_TIME = "Nhập ngày giờ dạng dd/mm/yyyy HH:MM, ví dụ 28/11/2026 08:00."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Nhập tên cuộc kiểm tra."),
        ({"leader_id": ""}, "Chọn trưởng đoàn."),
        ({"meeting_at": ""}, "Nhập ngày giờ buổi làm việc."),
        ({"meeting_at": "mai"}, BAD_TIME),
        ({"meeting_at": "05/03/2026 25:00"}, BAD_TIME),
        ({"agency_id": "999999"}, "Đơn vị được kiểm tra không tồn tại."),
        ({"leader_id": "999999"}, "Có thành viên không còn hoạt động trong hệ thống."),
    ],
)
def test_bad_plan_form_is_explained_and_writes_nothing(
    client, settings, session, story, change, message
):
    as_user(client, settings, story.leader)
    body = {
        "agency_id": str(story.agencies["tp"].id),
        "title": "Kiểm tra công vụ",
        "legal_basis": "Quyết định số 853/QĐ-SNV",
        "kind": "planned",
        "meeting_at": "2026-03-05T14:00",
        "leader_id": str(story.leader.id),
    } | change
    response = client.post("/inspections", data=body)
    assert response.status_code == 422
    assert f'role="alert">{message}<' in response.text
    assert "Quyết định số 853/QĐ-SNV" in response.text  # what was typed is kept
    assert count(session, Inspection) == 0 and count(session, InspectionMember) == 0


# --- the meeting ------------------------------------------------------------------------


def test_agenda_lists_the_four_long_pending_cases_in_order(
    client, settings, session, story, meeting, now
):
    as_user(client, settings, story.leader)
    page = client.get(f"/inspections/{meeting.id}").text
    cases = story.cases
    order = [cases[key].code for key in ("toan", "chochu", "thanh", "road")]
    positions = [page.index(f'data-code="{code}"') for code in order]
    assert positions == sorted(positions)
    for key in ("answered", "cantho"):  # resolved already; another province
        assert cases[key].code not in page
    toan_days = (now - cases["toan"].received_at).days
    assert toan_days > 1000  # written with the Vietnamese thousands separator: 4.312
    assert f"{toan_days:,} ngày".replace(",", ".") in page and "hơn 11 năm" in page
    assert f"Quá hạn {toan_days - 30:,} ngày".replace(",", ".") in page
    assert f"/api/v1/inspections/{meeting.id}/agenda?format=html" in page
    assert f"/api/v1/inspections/{meeting.id}/agenda?format=csv" in page
    # Whom a directive on the road case may go to: Linh Sơn's head, then its parents'.
    road = page[page.index(f'id="case-{cases["road"].id}"') :]
    road = road[: road.index("</li>")]
    heads = story.heads
    names = [heads[k].full_name for k in ("linhson", "tp", "tinh")]
    found = [road.index(f">{name} · Người đứng đầu<") for name in names]
    assert found == sorted(found)
    assert heads["phuctriu"].full_name not in road and heads["cantho"].full_name not in road
    # The CSV link works with the page's cookie.
    csv = client.get(f"/api/v1/inspections/{meeting.id}/agenda?format=csv")
    assert csv.status_code == 200 and cases["toan"].code in csv.text


def test_close_one_case_and_give_a_directive_through_the_forms(
    client, settings, session, story, meeting, now
):
    toan, road = story.cases["toan"], story.cases["road"]
    as_user(client, settings, story.leader)
    response = conclude(
        client,
        meeting,
        toan,
        outcome="closed",
        text="Đồng ý chuyển mục đích sử dụng đất; trả kết quả cho ông Trần Quang Toàn",
        # A closing ignores the directive's fields (shown without JavaScript).
        responsible_user_id=str(story.heads["hoathuong"].id),
        due_date="2026-04-01",
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == (
        f"/inspections/{meeting.id}?done=closed&case={toan.id}#conclusions"
    )
    as_user(client, settings, story.member)
    due = (now + timedelta(days=30)).astimezone(lifecycle.deadlines.LOCAL_TZ)
    response = conclude(
        client,
        meeting,
        road,
        outcome="directive",
        text="Vận động hộ dân trả lại lối đi chung, báo cáo Đoàn kiểm tra",
        responsible_user_id=str(story.heads["linhson"].id),
        due_date=due.strftime(LOCAL_DAY),
    )
    assert response.status_code == 303, response.text

    session.refresh(toan)
    session.refresh(road)
    assert toan.status == CaseStatus.closed
    assert road.status == CaseStatus.accepted and road.assignee_id == story.heads["linhson"].id
    assert road.due_at == lifecycle.deadlines.end_of_day(due.date())

    page = client.get(response.headers["location"]).text
    assert f"Đã ghi kết luận: giao chỉ đạo đối với hồ sơ {road.code}." in page
    assert f'data-code="{toan.code}" data-concluded' not in page  # closed: off the agenda
    assert f'data-code="{road.code}" data-concluded="directive"' in page
    assert page.count("data-conclusion") == 2  # the two cases not yet concluded
    assert f'data-code="{toan.code}" data-outcome="closed"' in page
    assert f'data-code="{road.code}" data-outcome="directive"' in page
    assert 'data-figure="reviewed"><span class="value">2<' in page
    assert 'data-figure="directives_pending"><span class="value">1<' in page
    assert f'data-directive="{road.code}"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "Kết thúc"}, "Chọn kết luận: kết thúc hồ sơ hoặc giao chỉ đạo."),
        ({"outcome": "closed", "text": "  "}, "Nhập nội dung kết luận."),
        (
            {"outcome": "directive", "text": "Giải quyết dứt điểm", "due_date": "2026-04-01"},
            "Giao chỉ đạo cần chọn người chịu trách nhiệm.",
        ),
        (
            {"outcome": "directive", "text": "Giải quyết dứt điểm", "responsible": True},
            "Giao chỉ đạo cần hạn hoàn thành",
        ),
        (
            {
                "outcome": "directive",
                "text": "Giải quyết dứt điểm",
                "responsible": True,
                "due_date": "2026-03-01",
            },
            "Hạn phải là một ngày trong tương lai.",
        ),
        (
            {"outcome": "closed", "text": "Kết thúc", "case": "cantho"},
            "Hồ sơ không thuộc đơn vị được kiểm tra",
        ),
        ({"outcome": "closed", "text": "Kết thúc", "case_id": "999999"}, "Hồ sơ không tồn tại."),
    ],
)
def test_bad_conclusion_form_is_explained_and_writes_nothing(
    client, settings, session, story, meeting, fields, message
):
    case = story.cases[fields.pop("case", "road")]
    if fields.pop("responsible", False):
        fields["responsible_user_id"] = str(story.heads["linhson"].id)
    as_user(client, settings, story.leader)
    response = conclude(client, meeting, case, **fields)
    assert response.status_code == 422
    assert '<p class="alert" role="alert">' in response.text
    assert message in response.text
    assert "{&#34;detail&#34;" not in response.text and '{"detail"' not in response.text
    text = fields.get("text", "").strip()
    if text and "case_id" not in fields and case.id == story.cases["road"].id:
        # The failing case's form stays open with what was typed.
        item = response.text[response.text.index(f'id="case-{case.id}"') :]
        assert '<details class="action conclude no-print" open>' in item[:3000]
        assert f">{text}</textarea>" in item
    assert count(session, InspectionConclusion) == 0
    assert count(session, CaseEvent) == 0
    session.refresh(case)
    assert (case.status, case.version) == (CaseStatus.accepted, 1)


def test_english_page_and_error(client, settings, session, story, meeting):
    as_user(client, settings, story.leader)
    page = client.get(f"/inspections/{meeting.id}?lang=en").text
    assert "Agenda: long-pending cases" in page and "Record the conclusion" in page
    response = conclude(
        client,
        meeting,
        story.cases["road"],
        outcome="directive",
        text="Giải quyết dứt điểm",
        responsible_user_id=str(story.heads["linhson"].id),
        due_date="2020-01-01",
    )
    assert response.status_code == 422
    assert "The deadline must be a future date." in response.text


def test_double_conclusion_is_explained(client, settings, session, story, meeting):
    toan = story.cases["toan"]
    as_user(client, settings, story.leader)
    first = conclude(client, meeting, toan, outcome="closed", text="Đã trả kết quả")
    assert first.status_code == 303
    # The member's page was opened before: same form, same version, a second click.
    as_user(client, settings, story.member)
    second = conclude(client, meeting, toan, outcome="closed", text="Kết thúc hồ sơ")
    assert second.status_code == 409
    assert f"Hồ sơ {toan.code} đã có kết luận tại buổi làm việc này" in second.text
    assert "Kết thúc hồ sơ, do Nguyễn Văn Hiển ghi lúc 02/03/2026 09:00" in second.text
    assert count(session, InspectionConclusion) == 1
    assert count(session, CaseEvent) == 1


def test_stale_conclusion_is_explained(client, settings, session, story, meeting, now):
    road = story.cases["road"]
    as_user(client, settings, story.leader)
    seen = form_version(client.get(f"/inspections/{meeting.id}").text, road.id)
    # Meanwhile the commune's head assigns the case to himself: the page is now stale.
    lifecycle.apply(
        session=session,
        case=road,
        action="assign",
        actor=story.heads["linhson"],
        now=now,
        base_url=settings.base_url,
        assignee_id=story.heads["linhson"].id,
    )
    session.commit()
    events = count(session, CaseEvent)
    text = "Giải quyết dứt điểm trong 15 ngày"
    response = client.post(
        f"/inspections/{meeting.id}/conclusions",
        data={
            "case_id": str(road.id),
            "version": seen,
            "outcome": "directive",
            "text": text,
            "responsible_user_id": str(story.heads["linhson"].id),
            "due_date": "2026-03-20",
        },
    )
    assert response.status_code == 409
    assert f"Hồ sơ {road.code} vừa được cập nhật sau khi trang được mở" in response.text
    assert count(session, InspectionConclusion) == 0
    assert count(session, CaseEvent) == events
    # The page shows the case as it is now, the form open with what was typed.
    assert form_version(response.text, road.id) == str(int(seen) + 1)
    assert f">{text}</textarea>" in response.text
    assert 'value="directive" checked' in response.text


# --- measures ---------------------------------------------------------------------------


def test_measures_form_and_report(client, settings, session, story, meeting, now):
    url = f"/inspections/{meeting.id}/measures"
    as_user(client, settings, story.leader)
    chochu = story.agencies["chochu"]
    body = {
        "target": f"agency:{chochu.id}",
        "measure": "explanation_report",
        "text": "Báo cáo giải trình việc giữ 17 giấy chứng nhận",
    }
    refused = client.post(url, data=body)
    assert refused.status_code == 422
    assert "Yêu cầu báo cáo giải trình cần hạn báo cáo." in refused.text
    outside = client.post(
        url, data=body | {"target": f"agency:{story.agencies['stc'].id}", "due_date": "2026-03-20"}
    )
    assert outside.status_code == 422
    assert "Biện pháp chỉ áp dụng với đơn vị, cán bộ thuộc phạm vi kiểm tra." in outside.text
    assert count(session, InspectionMeasure) == 0

    done = client.post(url, data=body | {"due_date": "2026-03-20"}, follow_redirects=False)
    assert done.status_code == 303
    official = story.heads["chochu"]
    body = {"target": f"user:{official.id}", "measure": "discipline", "text": "Kỷ luật khiển trách"}
    assert client.post(url, data=body, follow_redirects=False).status_code == 303
    measures = session.exec(select(InspectionMeasure).order_by(InspectionMeasure.id)).all()
    assert [(m.target_agency_id, m.target_user_id, m.measure) for m in measures] == [
        (chochu.id, None, "explanation_report"),
        (None, official.id, "discipline"),
    ]
    assert measures[0].due_at == lifecycle.deadlines.end_of_day(date(2026, 3, 20))

    mark = f"{url}/{measures[0].id}/done"
    assert client.post(mark, follow_redirects=False).status_code == 303
    again = client.post(mark)
    assert again.status_code == 409
    assert "Biện pháp này đã được ghi nhận là đã thực hiện." in again.text
    page = client.get(f"/inspections/{meeting.id}").text
    assert official.full_name in page and "Kỷ luật khiển trách" in page
    row = page[page.index('data-measure-kind="explanation_report"') :]
    assert re.match(
        r'data-measure-kind="explanation_report"><td>[^<]+</td><td class="num">1</td>'
        r'<td class="num">1</td>',
        row,
    )
    # Only members record measures.
    as_user(client, settings, person(session, Role.admin, None, "Quản trị viên"))
    assert client.post(url, data=body).status_code == 403
    assert count(session, InspectionMeasure) == 2


def test_team_members_open_the_cases_of_the_inspected_agencies(
    client, settings, session, story, meeting
):
    toan, cantho = story.cases["toan"], story.cases["cantho"]
    as_user(client, settings, story.member)
    page = client.get(f"/inspections/{meeting.id}").text
    assert f'<a href="/cases/{toan.id}">{toan.code}</a>' in page
    case_page = client.get(f"/cases/{toan.id}")
    assert case_page.status_code == 200 and "Trần Quang Toàn" in case_page.text
    assert client.get(f"/cases/{cantho.id}").status_code == 404  # another province
    listed = {c["code"] for c in client.get("/api/v1/cases?limit=100").json()["items"]}
    assert toan.code in listed and cantho.code not in listed
    # An inspector of another team sees none of them.
    as_user(client, settings, story.other_inspector)
    assert client.get(f"/cases/{toan.id}").status_code == 404
    assert client.get("/api/v1/cases").json()["total"] == 0
