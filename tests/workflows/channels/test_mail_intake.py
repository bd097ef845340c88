"""Issue 17: an agency's feedback mailbox, fetched from a real Dovecot the test starts, into
its inbox. Each rule of the issue: the item's facts decoded right (RFC 2047, UTF-8,
windows-1252, windows-1258), seen only after the commit, one item per Message-ID (also after
a crash between the commit and marking it seen), an oversized file kept out with a note, the
acknowledgement once, a server down or a refused login on the health panel."""

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from api.deps import TOKEN_COOKIE
from models import (
    InboxAttachment,
    InboxItem,
    JobRun,
    MailboxSecurity,
    MailboxUpdate,
    Notification,
    Role,
)
from models.mailbox import AgencyMailbox
from tests import attachment_files
from tests.factories import make_agency, make_user, session_token
from tests.imap_server import imap_server
from tests.mail_messages import plain, with_files
from workflows.attachments.storage import FileStorage
from workflows.channels import imap
from workflows.channels import mailbox as mailboxes
from workflows.flows.fetch_mailboxes import run_fetch

ROOT = Path(__file__).resolve().parents[3]
ARRIVED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội, the server's receipt
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


@pytest.fixture
def server():
    with imap_server() as running:
        yield running


@pytest.fixture
def agency(session):
    return make_agency(session, "UBND phường Hoàng Văn Thụ", email="ubnd@agency.example.vn")


def configure(session, agency, server, secret, **changes):
    values = dict(
        address=server.user, host=server.host, port=server.port, security=MailboxSecurity.none,
        login=server.user, password=server.password, folder="INBOX",
    )  # fmt: skip
    values.update(changes)
    mailboxes.configure(session=session, agency_id=agency.id, data=MailboxUpdate(**values),
                        secret=secret, now=NOW)  # fmt: skip
    session.commit()


def fetch(engine, agency, server, storage, max_bytes=5 * 1024 * 1024):
    return imap.fetch(engine=engine, agency_id=agency.id, password=server.password,
                      storage=storage, max_bytes=max_bytes, now=NOW)  # fmt: skip


def items(session, agency):
    session.expire_all()
    return list(session.exec(select(InboxItem).where(InboxItem.agency_id == agency.id)))


def test_each_message_becomes_an_item_decoded_right_and_is_seen_after(
    session, engine, agency, server, settings, tmp_path
):
    configure(session, agency, server, settings.secret_key)
    server.deliver(plain(message_id="<utf8@citizen>", subject="Phản ánh đèn đường hỏng ở tổ 5",
                         body="Đèn đường trước nhà số 12 đã hỏng hai tuần."), ARRIVED)  # fmt: skip
    server.deliver(plain(message_id="<cp1258@citizen>", charset="windows-1258",
                         subject="Kiến nghị sửa cống thoát nước",
                         body="Cống thoát nước ở ngõ 7 bị tắc, nước tràn vào nhà dân."),
                   ARRIVED)  # fmt: skip
    server.deliver(plain(message_id="<cp1252@citizen>", charset="windows-1252",
                         subject="Résumé “trạng thái”".replace("trạng thái", "état"),
                         body="Café — naïve façade, 50 €."), ARRIVED)  # fmt: skip
    assert server.unseen() == 3

    report = fetch(engine, agency, server, FileStorage(tmp_path / "files"))

    assert (report.new, report.known, report.error) == (3, 0, None)
    found = {item.message_id: item for item in items(session, agency)}
    utf8, cp1258, cp1252 = (
        found["<utf8@citizen>"],
        found["<cp1258@citizen>"],
        found["<cp1252@citizen>"],
    )
    assert utf8.subject == "Phản ánh đèn đường hỏng ở tổ 5"
    assert utf8.text == "Đèn đường trước nhà số 12 đã hỏng hai tuần."
    assert (utf8.sender_name, utf8.sender_email) == ("Nguyễn Văn An", "an@example.vn")
    # windows-1258 writes tone marks as combining characters: read back as ordinary text
    assert cp1258.subject == "Kiến nghị sửa cống thoát nước"
    assert cp1258.text == "Cống thoát nước ở ngõ 7 bị tắc, nước tràn vào nhà dân."
    assert cp1252.subject == "Résumé “état”"
    assert cp1252.text == "Café — naïve façade, 50 €."
    # the legal clock runs from the server's receipt, not from the sender's Date header
    assert utf8.received_at == ARRIVED
    assert utf8.sent_at == datetime(2026, 3, 2, 1, 15, tzinfo=UTC)
    assert server.unseen() == 0 and server.seen() == 3


def test_the_same_message_id_never_makes_two_items(session, engine, agency, server, settings,
                                                   tmp_path):  # fmt: skip
    configure(session, agency, server, settings.secret_key)
    raw = plain(message_id="<once@citizen>", subject="Một lần", body="Nội dung.")
    server.deliver(raw, ARRIVED)
    server.deliver(raw, ARRIVED)  # the sender's program sent it twice
    storage = FileStorage(tmp_path / "files")
    first = fetch(engine, agency, server, storage)
    assert (first.new, first.known) == (1, 1)
    with server.client() as box:  # someone marks everything unread again
        box.flag(box.uids(), "\\Seen", False)
    again = fetch(engine, agency, server, storage)
    assert (again.new, again.known) == (0, 2)
    assert [i.message_id for i in items(session, agency)] == ["<once@citizen>"]
    assert server.unseen() == 0


CRASHING_FETCH = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from models.db import engine_for
    from workflows.attachments.storage import FileStorage
    from workflows.channels import imap
    from datetime import UTC, datetime

    url, agency_id, password, files = sys.argv[1:5]

    @event.listens_for(Session, "after_commit")
    def crash(session):  # the process dies right after the item's commit
        if session.in_nested_transaction():  # a savepoint released, not the commit
            return
        os.kill(os.getpid(), signal.SIGKILL)

    imap.fetch(engine=engine_for(url), agency_id=int(agency_id), password=password,
               storage=FileStorage(Path(files)), max_bytes=10**6, now=datetime.now(UTC))
    """
)


def test_a_crash_between_commit_and_seen_makes_no_second_item(
    session, engine, agency, server, settings, tmp_path
):
    configure(session, agency, server, settings.secret_key, acknowledge=True)
    server.deliver(plain(message_id="<crash@citizen>", subject="Đơn kiến nghị",
                         body="Xin giải quyết."), ARRIVED)  # fmt: skip
    files = tmp_path / "files"
    child = subprocess.run(
        [sys.executable, "-c", CRASHING_FETCH, settings.database_url, str(agency.id),
         server.password, str(files)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    # committed, and not marked seen: the process died in between
    assert len(items(session, agency)) == 1
    assert server.unseen() == 1

    report = fetch(engine, agency, server, FileStorage(files))

    assert (report.new, report.known, report.error) == (0, 1, None)
    assert len(items(session, agency)) == 1
    assert server.unseen() == 0
    acks = session.exec(select(Notification).where(Notification.template == "inbox_ack")).all()
    assert [a.recipient for a in acks] == ["an@example.vn"]  # written once, with the item


def test_files_are_stored_and_an_oversized_one_is_kept_out_with_a_note(
    session, engine, agency, server, settings, tmp_path
):
    configure(session, agency, server, settings.secret_key)
    pdf = attachment_files.pdf()
    big = pdf + b"%" + b"x" * 4000  # still a PDF, over the limit below
    server.deliver(with_files(message_id="<files@citizen>", subject="Hồ sơ kèm theo",
                              body="Gửi kèm đơn.",
                              files=[("đơn kiến nghị.pdf", pdf), ("ảnh lớn.pdf", big),
                                     ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100)]),
                   ARRIVED)  # fmt: skip
    storage = FileStorage(tmp_path / "files")

    report = fetch(engine, agency, server, storage, max_bytes=len(pdf) + 100)

    assert report.new == 1 and report.error is None
    (item,) = items(session, agency)
    kept = {f.filename: f for f in session.exec(select(InboxAttachment).where(
        InboxAttachment.item_id == item.id))}  # fmt: skip
    assert kept["đơn kiến nghị.pdf"].refused is None
    assert kept["đơn kiến nghị.pdf"].content_type == "application/pdf"
    assert storage.path(kept["đơn kiến nghị.pdf"].sha256).read_bytes() == pdf
    assert (kept["ảnh lớn.pdf"].refused, kept["ảnh lớn.pdf"].sha256) == ("too_large", None)
    assert kept["ảnh lớn.pdf"].size == len(big)
    assert (kept["virus.exe"].refused, kept["virus.exe"].sha256) == ("type", None)
    assert server.unseen() == 0


def test_the_acknowledgement_goes_once_and_never_to_an_automatic_mail(
    session, engine, agency, server, settings, tmp_path
):
    configure(session, agency, server, settings.secret_key, acknowledge=True)
    server.deliver(plain(message_id="<ack@citizen>", subject="Xin hỏi", body="Nội dung."),
                   ARRIVED)  # fmt: skip
    server.deliver(plain(message_id="<auto@citizen>", subject="Vắng mặt", body="Tự động.",
                         sender="Hệ thống <robot@example.vn>",
                         extra="Auto-Submitted: auto-replied\r\n"), ARRIVED)  # fmt: skip
    storage = FileStorage(tmp_path / "files")
    fetch(engine, agency, server, storage)
    with server.client() as box:
        box.flag(box.uids(), "\\Seen", False)
    fetch(engine, agency, server, storage)

    acks = session.exec(select(Notification).where(Notification.template == "inbox_ack")).all()
    assert [(a.recipient, a.context["subject"]) for a in acks] == [("an@example.vn", "Xin hỏi")]
    assert len(items(session, agency)) == 2


def test_without_acknowledgement_nothing_is_written_to_the_outbox(
    session, engine, agency, server, settings, tmp_path
):
    configure(session, agency, server, settings.secret_key, acknowledge=False)
    server.deliver(plain(message_id="<quiet@citizen>", subject="Xin hỏi", body="Nội dung."))
    fetch(engine, agency, server, FileStorage(tmp_path / "files"))
    assert len(items(session, agency)) == 1
    assert session.exec(select(Notification)).all() == []


def test_a_server_down_or_a_refused_login_shows_on_the_health_panel(
    session, engine, agency, server, settings, client
):
    other = make_agency(session, "UBND xã Phúc Trìu")
    configure(session, agency, server, settings.secret_key, password="sai-mat-khau")
    configure(session, other, server, settings.secret_key)
    server.deliver(plain(message_id="<ok@citizen>", subject="Được đọc", body="."), ARRIVED)

    total = run_fetch(now=NOW)  # the embedded scheduler's job: the real Prefect flow

    assert total == {"mailboxes": 2, "new": 1, "known": 0, "failed": 1}
    session.expire_all()
    refused = session.get(AgencyMailbox, agency.id)
    assert "MailboxLoginError" in refused.last_error
    assert session.get(AgencyMailbox, other.id).last_error is None
    run = session.get(JobRun, "fetch-mailboxes")
    assert run.summary == "2 mailboxes, 1 new messages, 1 could not be read"

    server.stop()
    total = run_fetch(now=NOW)
    assert total["failed"] == 2
    session.expire_all()
    assert "ConnectionRefusedError" in session.get(AgencyMailbox, other.id).last_error

    client.cookies.set(TOKEN_COOKIE, session_token(settings, make_user(session, Role.admin)))
    panel = client.get("/dashboard?lang=en")
    assert panel.status_code == 200
    assert 'data-health="problem"' in panel.text
    assert "Mailbox not read: UBND xã Phúc Trìu" in panel.text
    assert "2 mailboxes, 0 new messages, 2 could not be read" in panel.text


def test_the_password_is_stored_encrypted(session, agency, server, settings):
    configure(session, agency, server, settings.secret_key)
    stored = session.get(AgencyMailbox, agency.id).password_encrypted
    assert server.password not in stored
    assert mailboxes.decrypt(stored, secret=settings.secret_key) == server.password
    with pytest.raises(mailboxes.PasswordUnreadable):
        mailboxes.decrypt(stored, secret="another secret key")
