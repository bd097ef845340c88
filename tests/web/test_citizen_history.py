"""The citizen's history page: by phone or CCCD, scoped, denunciations only for who may see
the denouncer."""

from datetime import UTC, datetime

from sqlmodel import select

from models import CaseEvent, Role
from tests.case_factories import act, make_case
from tests.factories import make_agency, make_head, make_user
from tests.web.test_pages import sign_in
from workflows.cases import confidentiality

NOW = datetime.now(UTC)
CCCD = "019085001234"


def test_history_by_phone_or_cccd_scoped_and_confidential(client, session, engine):
    agency = make_agency(session, "UBND xã Phúc Trìu")
    other = make_agency(session, "UBND xã Linh Sơn")
    head = make_head(session, agency)
    clerk = make_user(session, Role.clerk, agency)
    other_clerk = make_user(session, Role.clerk, other)
    citizen = {"name": "Hoàng Thị Lan", "phone": "0912 111 222", "id_number": CCCD}
    complaint = make_case(engine, clerk, agency, now=NOW, citizen=citizen,
                          title="Chậm cấp sổ đỏ")  # fmt: skip
    petition = make_case(engine, clerk, agency, now=NOW, kind="petition", title="Đường ngập",
                         citizen={**citizen, "phone": "0988 333 444"})  # fmt: skip
    denunciation = make_case(engine, clerk, agency, now=NOW, kind="denunciation",
                             title="Tố cáo cán bộ địa chính", citizen=citizen)  # fmt: skip
    act(engine, denunciation, "assign", head, now=NOW, assignee_id=head.id)

    sign_in(client, clerk)
    by_cccd = client.get(f"/citizens?id_number={CCCD}")
    assert by_cccd.status_code == 200
    assert complaint.code in by_cccd.text and petition.code in by_cccd.text
    assert denunciation.code not in by_cccd.text  # the clerk may not see the denouncer
    table = by_cccd.text.split('id="citizen-history"')[1]  # the box keeps what was typed
    assert CCCD not in table and "********1234" in table
    by_phone = client.get("/citizens?phone=0912.111.222")
    assert complaint.code in by_phone.text and petition.code not in by_phone.text

    bad = client.get("/citizens?id_number=123")
    assert (
        bad.status_code == 422
        and "Số CCCD không hợp lệ: gồm 12 chữ số, bắt đầu bằng mã tỉnh." in bad.text
    )
    beside = bad.text[bad.text.index('name="id_number"') :]
    assert 'aria-invalid="true"' in beside[: beside.index("</label>")]
    assert (
        "Số CCCD không hợp lệ: gồm 12 chữ số, bắt đầu bằng mã tỉnh."
        in beside[: beside.index("</label>")]
    )

    sign_in(client, head)
    assert denunciation.code in client.get(f"/citizens?id_number={CCCD}").text
    shown = session.scalars(  # the showing is recorded (workflows/cases/confidentiality.py)
        select(CaseEvent).where(
            CaseEvent.case_id == denunciation.id, CaseEvent.action == confidentiality.SHOWN
        )
    ).all()
    assert [(e.actor_id, e.data["where"]) for e in shown if e.data["where"] == "citizens"] == [
        (head.id, "citizens")
    ]

    sign_in(client, other_clerk)
    elsewhere = client.get(f"/citizens?id_number={CCCD}")
    assert elsewhere.status_code == 200 and complaint.code not in elsewhere.text
