"""Every page, as each role sees it, checked by axe-core (axe-playwright-python bundles it;
nothing is fetched) at 1366×768 and at 390×844: no WCAG 2.0/2.1 A or AA violation. The case
page is checked with every form open; the citizen's pages without signing in."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from models import CaseNotice, MailboxUpdate, Role
from notifications.delivery import deliver_due
from notifications.mailbox import list_mail
from tests.case_factories import act, make_case
from tests.case_rows import make_case as make_case_row
from tests.factories import PASSWORD, make_user
from tests.web.conftest import OFFICE_SCREEN, PHONE_SCREEN, sign_in
from workflows.channels import mailbox as mailboxes
from workflows.escalation import sweep as escalation
from workflows.org import users

pytestmark = pytest.mark.slow
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPEN_ALL = "document.querySelectorAll('details').forEach(d => d.open = true)"


@pytest.fixture
def world(session, settings, engine, story, meeting, live_server):
    """Seed 002's Thái Nguyên and its inspection meeting, a desk and an officer at the city,
    cases in every state the pages show (one escalated to the head), and their emails."""
    now = datetime.now(UTC)
    city = story.agencies["tp"]
    clerk = make_user(session, Role.clerk, city, "letan.axe", "Hoàng Thị Lan")
    officer = make_user(session, Role.officer, city, "chuyenvien.axe", "Phạm Văn Đức")
    admin = make_user(session, Role.admin, None, "quantri.axe", "Quản trị viên")
    received = make_case(engine, clerk, city, now=now, citizen={"name": "Nguyễn Văn An",
                         "phone": "0912 345 678"})  # fmt: skip
    dossier = make_case(engine, clerk, city, now=now, kind="dossier")
    dossier = act(engine, dossier, "accept", officer, now=now)
    dossier = act(engine, dossier, "request_documents", officer, now=now, missing="Bản đồ")
    resolved = act(engine, make_case(engine, clerk, city, now=now), "accept", officer, now=now)
    resolved = act(engine, resolved, "resolve", officer, now=now, answer="Đã trả lời")
    escalated = make_case_row(
        session, city, due_at=now - timedelta(days=6), now=now, assignee=officer
    )
    escalation.sweep(engine=engine, as_of=now, base_url=live_server.url)
    box = mailboxes.configure(
        session=session, agency_id=city.id, secret=settings.secret_key, now=now,
        data=MailboxUpdate(address="gopy@thainguyen.gov.vn", host="imap.thainguyen.gov.vn",
                           login="gopy", password="mat-khau-hop-thu"),
    )  # fmt: skip
    box.last_fetch_at = box.last_error_at = now
    box.last_error = "[AUTHENTICATIONFAILED] Authentication failed."
    deliver_due(engine=engine, settings=settings, now=now + timedelta(days=10))
    notice = session.exec(select(CaseNotice).where(CaseNotice.case_id == dossier.id)).first()
    mail = next(m.file for m in list_mail(settings.mail_dir) if officer.email in m.to)
    head = story.heads["tp"]
    for person in (head, story.leader):  # seed 002's people have no password of their own
        person.password_hash = users.hash_password(PASSWORD)
        session.add(person)
    session.commit()
    cases = [received, dossier, resolved, escalated]
    case_pages = [f"/cases/{c.id}" for c in cases]
    return {
        None: ["/sign-in", "/tra-cuu", f"/tra-cuu?code={received.code}&phone_last4=5678",
               "/danh-gia"],
        clerk.username: ["/", "/cases/new", f"/cases/{received.id}/receipt",
                         f"/cases/{received.id}", "/citizens?phone=0912345678", "/mail"],
        officer.username: ["/", "/queue", *case_pages, f"/cases/{dossier.id}/attachments",
                           f"/cases/{dossier.id}/notices/{notice.id}" if notice else "/queue",
                           "/mail", f"/mail/{mail}"],
        head.username: ["/", "/queue", "/queue?due=overdue", "/dashboard", "/reports",
                        "/inspections", f"/cases/{escalated.id}?open=acknowledge"],
        story.leader.username: ["/inspections", f"/inspections/{meeting.id}", "/dashboard",
                                "/reports",
                                f"/api/v1/inspections/{meeting.id}/agenda?format=html"],
        admin.username: ["/", "/users", "/admin/agencies", "/calendar", "/mailboxes",
                         f"/mailboxes?agency={city.id}", "/admin/import", "/dashboard", "/mail",
                         f"/cases/{resolved.id}"],
    }  # fmt: skip


@pytest.mark.parametrize("screen", [OFFICE_SCREEN, PHONE_SCREEN], ids=["office", "phone"])
def test_no_wcag_violation_on_any_page(browser, live_server, world, screen):
    axe = axe_api.Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}}
    found = []
    for username, paths in world.items():
        context = browser.new_context(viewport=screen, locale="vi-VN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        if username:
            sign_in(page, live_server, username, PASSWORD)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status < 400, (username, path, response.status)
            page.evaluate(OPEN_ALL)
            results = axe.run(page, options=options)
            for violation in results.response["violations"]:
                targets = [n["target"] for n in violation["nodes"]][:3]
                found.append(f"{username} {path}: {violation['id']} {targets}")
        context.close()
    assert not found, "\n".join(found)


def test_axe_finds_a_violation_when_there_is_one(page, live_server):
    """The check above can fail: an image without a text alternative is reported."""
    page.goto(f"{live_server.url}/sign-in")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}}
    results = axe_api.Axe().run(page, options=options)
    assert "image-alt" in {v["id"] for v in results.response["violations"]}
