"""The one rule of confidentiality: in Python and in SQL alike; emails never name a denouncer."""

from datetime import UTC, datetime

from sqlmodel import Session, select

from models import Case, CaseKind, Notification, Role
from notifications.render import render
from tests.case_rows import make_case
from tests.factories import make_agency, make_head, make_user
from workflows.cases.confidentiality import identity_visible, may_see_identity
from workflows.escalation import sweep as escalation
from workflows.escalation.digest import write_digests
from workflows.escalation.ladder import load_policy

TZ = load_policy().tz
NAME, PHONE, ADDRESS = "Hoàng Thị Bí Mật", "0977 111 222", "Xóm Đồi, xã Phúc Trìu"


def local(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(UTC)


def test_python_rule_and_sql_rule_agree_for_every_role(engine, session):
    province = make_agency(session, "UBND tỉnh")
    commune = make_agency(session, "UBND xã", parent=province)
    other = make_agency(session, "UBND xã bên", parent=province)
    # A head by `head_user_id` only (an acting head whose account sits at the province).
    acting = make_agency(session, "UBND phường", parent=province)
    acting_head = make_user(session, Role.head, province)
    acting.head_user_id = acting_head.id
    session.add(acting)
    session.commit()
    assignee = make_user(session, Role.officer, commune)
    readers = {
        "assignee": assignee,
        "officer": make_user(session, Role.officer, commune),
        "clerk": make_user(session, Role.clerk, commune),
        "head": make_head(session, commune),
        "parent_head": make_head(session, province),
        "other_head": make_head(session, other),
        "inspector": make_user(session, Role.inspector, province),
        "admin": make_user(session, Role.admin),
        "acting_head": acting_head,
        "nobody": None,
    }
    now = local(2026, 3, 2)
    due = local(2026, 4, 1)
    cases = [
        make_case(session, commune, due_at=due, now=now, kind="denunciation", assignee=assignee),
        make_case(session, commune, due_at=due, now=now, kind="denunciation"),
        make_case(session, acting, due_at=due, now=now, kind="denunciation"),
        make_case(session, commune, due_at=due, now=now, kind="complaint"),
    ]
    expected = {
        "assignee": {0, 3},
        "officer": {3},
        "clerk": {3},
        "head": {0, 1, 3},
        "parent_head": {3},  # heads above the resolving agency do not count (module doc)
        "other_head": {3},
        "inspector": {3},
        "admin": {0, 1, 2, 3},
        "acting_head": {2, 3},
        "nobody": {3},
    }
    ids = [c.id for c in cases]
    for name, reader in readers.items():
        in_python = {
            i
            for i, c in enumerate(cases)
            if may_see_identity(session=session, case=c, viewer=reader)
        }
        in_sql = {
            ids.index(i)
            for i in session.exec(select(Case.id).where(Case.id.in_(ids), identity_visible(reader)))
        }
        assert in_python == expected[name], name
        assert in_sql == expected[name], name


def test_escalation_mails_and_digests_never_name_the_denouncer(engine, session):
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    district = make_agency(session, "UBND huyện Đồng Hỷ", parent=province)
    ward = make_agency(session, "UBND xã Hóa Thượng", parent=district)
    for agency in (province, district, ward):
        make_head(session, agency)
    officer = make_user(session, Role.officer, ward)
    due = local(2026, 3, 10, 17, 0)
    case = make_case(
        session,
        ward,
        due_at=due,
        now=local(2026, 3, 2),
        kind=CaseKind.denunciation,
        assignee=officer,
        citizen_phone=PHONE,
        citizen_address=ADDRESS,
    )
    case.citizen_name = NAME
    session.add(case)
    session.commit()
    escalation.sweep(engine=engine, as_of=local(2026, 3, 18))
    with Session(engine) as s:
        assert write_digests(session=s, as_of=local(2026, 3, 18, 7, 0)) >= 1
        s.commit()
    mails = session.exec(select(Notification)).all()
    steps = {n.context.get("step") for n in mails}
    assert {"overdue_head", "overdue_parent", "overdue_grandparent"} <= steps
    assert any(n.template == "daily_digest" for n in mails)
    for mail in mails:
        for language in ("vi", "en"):
            rendered = render(
                template=mail.template,
                context=mail.context,
                recipient_name=mail.recipient_name or "",
                language=language,
            )
            body = rendered.subject + rendered.text + rendered.html
            assert case.code in body
            for secret in (NAME, PHONE, ADDRESS):
                assert secret not in body, (mail.template, language)
