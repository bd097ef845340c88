"""The case's files page: upload, list, download; resolving with the answer attached."""

from datetime import UTC, datetime

import sqlalchemy as sa

from models import Attachment, Case, CaseStatus, Role
from tests import attachment_files as files
from tests.case_factories import act, make_case
from tests.factories import make_agency, make_head, make_user
from tests.web.conftest import with_csrf
from tests.web.test_pages import sign_in

NOW = datetime.now(UTC)


def test_upload_list_download_and_the_timeline(client, session, engine):
    agency = make_agency(session, "UBND xã Phúc Trìu")
    officer = make_user(session, Role.officer, agency)
    case = make_case(engine, officer, agency, now=NOW)
    sign_in(client, officer)

    uploaded = client.post(
        f"/cases/{case.id}/attachments",
        data=with_csrf(client, {"kind": "letter"}),
        files={"file": ("đơn khiếu nại.pdf", files.pdf(), "application/pdf")},
        follow_redirects=True,
    )

    assert uploaded.status_code == 200, uploaded.text[-3000:]
    assert "đơn khiếu nại.pdf" in uploaded.text and "Đơn" in uploaded.text
    attachment = session.scalar(sa.select(Attachment))
    download = client.get(f"/api/v1/attachments/{attachment.id}")  # the page's link, by cookie
    assert download.content == files.pdf()
    assert "filename*=UTF-8''%C4%91%C6%A1n" in download.headers["content-disposition"]
    page = client.get(f"/cases/{case.id}")
    assert "Thêm tệp đính kèm" in page.text and "đơn khiếu nại.pdf" in page.text
    assert f'href="/cases/{case.id}/attachments"' in page.text

    refused = client.post(
        f"/cases/{case.id}/attachments",
        data=with_csrf(client, {"kind": "document"}),
        files={"file": ("tai-lieu.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 100, "application/pdf")},
    )
    assert refused.status_code == 415 and "PDF, JPEG" in refused.text


def test_resolve_with_the_answer_attached_both_or_neither(client, session, engine):
    agency = make_agency(session, "UBND xã Linh Sơn")
    head = make_head(session, agency)
    case = make_case(engine, head, agency, now=NOW)
    case = act(engine, case, "accept", head, now=NOW)
    sign_in(client, head)
    url = f"/cases/{case.id}/attachments/resolve"

    refused = client.post(
        url,
        data=with_csrf(client, {"version": str(case.version), "answer": "Đã cấp giấy chứng nhận"}),
        files={"file": ("tra-loi.pdf", b"not a pdf", "application/pdf")},
    )
    assert refused.status_code == 415
    session.expire_all()
    assert session.get(Case, case.id).status == CaseStatus.accepted
    assert session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0

    done = client.post(
        url,
        data=with_csrf(client, {"version": str(case.version), "answer": "Đã cấp giấy chứng nhận"}),
        files={"file": ("tra-loi.docx", files.docx(), "application/octet-stream")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get(Case, case.id).status == CaseStatus.resolved
    answer = session.scalar(sa.select(Attachment))
    assert answer.kind == "answer" and answer.case_id == case.id
