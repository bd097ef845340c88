"""Issue 17: the triage page of an agency's feedback mailbox (/inbox) and the administrator's
mailbox settings (PUT /api/v1/agencies/{id}/mailbox): a message becomes a case received when
it arrived, joins a case, or is discarded with a reason; only the agency's clerks, officers
and heads see it; forms carry the session's token; a denouncer's message is kept
confidential once it became a denunciation; the password is never shown."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from api.deps import TOKEN_COOKIE
from models import Attachment, Case, CaseEvent, InboxAttachment, InboxItem, Role
from models.db import engine_for
from tests import attachment_files
from tests.case_factories import make_case
from tests.factories import auth, make_agency, make_head, make_user, session_token
from tests.web.conftest import carry_csrf
from workflows.attachments.storage import make_storage
from workflows.channels import inbox

ARRIVED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


@pytest.fixture
def desk(session):
    agency = make_agency(session, "UBND phường Tân Lập", email="tanlap@example.gov.vn")
    other = make_agency(session, "UBND phường Đồng Quang")
    return {
        "agency": agency,
        "clerk": make_user(session, Role.clerk, agency),
        "clerk2": make_user(session, Role.clerk, agency),
        "head": make_head(session, agency),
        "outsider": make_user(session, Role.clerk, other),
        "admin": make_user(session, Role.admin),
    }


def an_item(settings, agency, *, message_id="<1@citizen>", files=()):
    storage = make_storage(kind=settings.attachment_storage, directory=settings.attachment_dir)
    message = inbox.Message(
        message_id=message_id, sender_email="binh@example.vn", sender_name="Trần Thị Bình",
        subject="Tố cáo cán bộ địa chính", text="Tôi tố cáo việc nhận tiền khi cấp sổ đỏ.",
        sent_at=ARRIVED, received_at=ARRIVED, files=list(files),
    )  # fmt: skip
    with Session(engine_for(settings.database_url)) as db:
        item = inbox.record(session=db, agency=agency, message=message, now=ARRIVED,
                            storage=storage, max_bytes=10**6, acknowledge=False)  # fmt: skip
        db.commit()
        return item.id


def sign_in(client, settings, user):
    client.cookies.set(TOKEN_COOKIE, session_token(settings, user))
    carry_csrf(client, "/inbox" if user.role != Role.admin else "/")


def test_only_the_agencys_desk_sees_the_inbox(client, settings, desk):
    item_id = an_item(settings, desk["agency"])
    sign_in(client, settings, desk["clerk"])
    page = client.get("/inbox")
    assert page.status_code == 200 and "Tố cáo cán bộ địa chính" in page.text
    client.cookies.clear()
    sign_in(client, settings, desk["outsider"])  # a clerk of another agency: their own inbox
    assert client.get(f"/inbox/{item_id}").status_code == 404
    other = client.get("/inbox")
    assert other.status_code == 200 and "Tố cáo cán bộ địa chính" not in other.text
    client.cookies.clear()
    client.cookies.set(TOKEN_COOKIE, session_token(settings, desk["admin"]))
    assert client.get("/inbox").status_code == 404
    assert client.get(f"/inbox/{item_id}").status_code == 404


def test_a_message_becomes_a_case_received_when_it_arrived(client, settings, session, desk):
    pdf = attachment_files.pdf()
    item_id = an_item(
        settings, desk["agency"], files=[inbox.MailFile("đơn.pdf", "application/pdf", pdf)]
    )
    sign_in(client, settings, desk["clerk"])
    form = client.get(f"/inbox/{item_id}").text
    assert 'value="Tố cáo cán bộ địa chính"' in form  # prefilled from the message
    (file_id,) = session.exec(select(InboxAttachment.id)).all()
    assert f'href="/inbox/{item_id}/files/{file_id}"' in form
    read = client.get(f"/inbox/{item_id}/files/{file_id}")  # read before deciding
    assert read.status_code == 200 and read.content == pdf
    assert read.headers["content-type"] == "application/pdf"
    posted = client.post(f"/inbox/{item_id}/case", data={
        "kind": "petition", "title": "Phản ánh việc cấp sổ đỏ", "description": "Nội dung thư.",
        "citizen_name": "Trần Thị Bình", "citizen_email": "binh@example.vn",
    }, follow_redirects=False)  # fmt: skip
    assert posted.status_code == 303, posted.text[-500:]
    case = session.exec(select(Case)).one()
    assert posted.headers["location"] == f"/cases/{case.id}"
    assert (case.received_at, case.channel, case.agency_id) == (ARRIVED, "email", desk["agency"].id)
    (kept,) = session.exec(select(Attachment).where(Attachment.case_id == case.id)).all()
    assert (kept.filename, kept.kind, kept.size) == ("đơn.pdf", "letter", len(pdf))
    item = session.get(InboxItem, item_id)
    assert (item.state, item.case_id, item.handled_by_id) == ("case", case.id, desk["clerk"].id)
    again = client.post(f"/inbox/{item_id}/discard", data={"reason": "trùng"})
    assert again.status_code == 409
    assert len(session.exec(select(Case)).all()) == 1


def test_forms_need_the_session_token(client, settings, session, desk):
    item_id = an_item(settings, desk["agency"])
    client.cookies.set(TOKEN_COOKIE, session_token(settings, desk["clerk"]))
    refused = client.post(f"/inbox/{item_id}/discard", data={"reason": "Thư rác quảng cáo"})
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(InboxItem, item_id).state == "new"


def test_discard_needs_a_reason_and_add_needs_a_case_in_scope(
    client, settings, session, engine, desk
):
    item_id = an_item(settings, desk["agency"])
    sign_in(client, settings, desk["clerk"])
    assert client.post(f"/inbox/{item_id}/discard", data={"reason": " "}).status_code == 422
    far = make_agency(session, "Sở Xây dựng")
    foreign = make_case(engine, make_user(session, Role.clerk, far), far, now=ARRIVED)
    assert client.post(f"/inbox/{item_id}/add", data={"code": foreign.code}).status_code == 404
    session.expire_all()
    assert session.get(InboxItem, item_id).state == "new"
    own = make_case(engine, desk["clerk"], desk["agency"], now=ARRIVED)
    added = client.post(f"/inbox/{item_id}/add", data={"code": own.code}, follow_redirects=False)
    assert added.status_code == 303
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "mail_added")).one()
    assert event.case_id == own.id and event.data["subject"] == "Tố cáo cán bộ địa chính"
    other = an_item(settings, desk["agency"], message_id="<2@citizen>")
    done = client.post(f"/inbox/{other}/discard", data={"reason": "Thư quảng cáo"},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    session.expire_all()
    assert (session.get(InboxItem, other).state, session.get(InboxItem, other).reason) == (
        "discarded", "Thư quảng cáo")  # fmt: skip


def test_a_denouncers_message_is_kept_confidential_once_a_denunciation(
    client, settings, session, desk
):
    letter = inbox.MailFile("don-to-cao.pdf", "application/pdf", attachment_files.pdf())
    item_id = an_item(settings, desk["agency"], files=[letter])
    sign_in(client, settings, desk["clerk"])
    posted = client.post(f"/inbox/{item_id}/case", data={
        "kind": "denunciation", "title": "Tố cáo cán bộ địa chính",
        "citizen_name": "Trần Thị Bình", "citizen_email": "binh@example.vn",
    }, follow_redirects=False)  # fmt: skip
    assert posted.status_code == 303, posted.text[-500:]
    client.cookies.clear()
    sign_in(client, settings, desk["clerk2"])  # a clerk of the agency, not the assignee
    hidden = client.get(f"/inbox/{item_id}")
    assert hidden.status_code == 200
    assert "binh@example.vn" not in hidden.text and "Trần Thị Bình" not in hidden.text
    assert "nhận tiền" not in hidden.text
    assert "binh@example.vn" not in client.get("/inbox").text
    (file_id,) = session.exec(select(InboxAttachment.id)).all()
    assert client.get(f"/inbox/{item_id}/files/{file_id}").status_code == 404
    client.cookies.clear()
    sign_in(client, settings, desk["head"])  # the head of the resolving agency may see
    assert "binh@example.vn" in client.get(f"/inbox/{item_id}").text


def test_the_admin_sets_the_mailbox_and_never_reads_the_password_back(client, desk):
    agency = desk["agency"]
    url = f"/api/v1/agencies/{agency.id}/mailbox"
    body = dict(address="phananh@tanlap.gov.vn", host="mail.tanlap.gov.vn", port=993,
                security="ssl", login="phananh", folder="INBOX", acknowledge=True)  # fmt: skip
    admin = auth(client, desk["admin"])
    assert client.put(url, json=body, headers=admin).status_code == 422  # a new one needs it
    made = client.put(url, json={**body, "password": "Bi-mat-123"}, headers=admin)
    assert made.status_code == 200
    assert made.json()["password_set"] is True and "Bi-mat-123" not in made.text
    assert 'password"' not in made.text.replace("password_set", "")
    kept = client.put(url, json={**body, "folder": "Phan anh"}, headers=admin)  # keeps it
    assert kept.json()["folder"] == "Phan anh" and kept.json()["password_set"] is True
    read = client.get(url, headers=admin)
    assert read.status_code == 200 and "Bi-mat-123" not in read.text
    clerk = auth(client, desk["clerk"])
    assert client.get(url, headers=clerk).status_code == 403
    assert client.put(url, json=body, headers=clerk).status_code == 403
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404
