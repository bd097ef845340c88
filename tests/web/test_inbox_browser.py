"""Issue 17 end to end in Debian's chromium: a citizen's message in the agency's real IMAP
mailbox (Dovecot), the scheduler's fetch, and a clerk turning it into a case on the triage
page; the case is received when the message arrived."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from models import Case, MailboxSecurity, MailboxUpdate, Role
from tests.factories import PASSWORD, make_agency, make_user
from tests.imap_server import imap_server
from tests.mail_messages import plain
from tests.web.conftest import sign_in
from workflows.channels import mailbox as mailboxes
from workflows.flows.fetch_mailboxes import run_fetch

pytestmark = pytest.mark.slow
ARRIVED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def test_a_message_from_the_mailbox_becomes_a_case(
    page, live_server, session, settings, output_dir
):
    agency = make_agency(session, "UBND phường Quang Trung")
    make_user(session, Role.clerk, agency, "thu.qt", "Đỗ Thị Thu")
    with imap_server() as server:
        mailboxes.configure(
            session=session, agency_id=agency.id, secret=settings.secret_key, now=ARRIVED,
            data=MailboxUpdate(address=server.user, host=server.host, port=server.port,
                               security=MailboxSecurity.none, login=server.user,
                               password=server.password),
        )  # fmt: skip
        session.commit()
        server.deliver(plain(message_id="<den@citizen>", charset="windows-1258",
                             subject="Phản ánh đèn đường hỏng",
                             body="Đèn đường ngõ 3 hỏng đã hai tuần."), ARRIVED)  # fmt: skip
        assert run_fetch()["new"] == 1

    sign_in(page, live_server, "thu.qt", PASSWORD)
    page.get_by_role("link", name="Hộp thư góp ý").click()
    page.get_by_role("link", name="Phản ánh đèn đường hỏng").click()
    assert page.get_by_label("Nội dung tóm tắt").input_value() == "Phản ánh đèn đường hỏng"
    page.get_by_label("Loại việc").select_option("petition")
    page.screenshot(path=output_dir / "inbox-item.png", full_page=True)
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.wait_for_url("**/cases/*")

    case = session.exec(select(Case)).one()
    assert page.url.endswith(f"/cases/{case.id}")
    assert case.code in page.content()
    assert (case.received_at, case.channel) == (ARRIVED, "email")
    assert case.citizen_email == "an@example.vn"
