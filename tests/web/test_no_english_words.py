"""Every page, as each role sees it in Vietnamese, and every letter rendered in Vietnamese,
read as a person reads them: no message key (`action.reminder`, `citizen_answer`), no policy
id (`petition-2013.1`) and no English sentence (docs/glossary.md).

The data is the demo's (dondoc/demo.py): the seed stories replayed through the real intake,
lifecycle, escalation sweep and mail delivery, so there are cases in every state with their
history, escalations to heads and parents, emails sent, a reorganisation and an inspection;
one refused action is posted on top.
"""

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from fastapi.routing import APIRoute
from sqlmodel import select

from api.deps import TOKEN_COOKIE
from dondoc import demo
from models import (
    Agency,
    AgencyMailbox,
    Case,
    CaseEvent,
    CaseStatus,
    Inspection,
    MailboxUpdate,
    User,
)
from models.notice import CaseNotice
from notifications.render import TEMPLATES, render
from tests.factories import make_agency, session_token
from tests.notifications.conftest import BASE_URL
from tests.notifications.conftest import make_case as make_mail_case
from tests.web.conftest import carry_csrf
from workflows.channels import mailbox as mailboxes
from workflows.deadlines.mail_facts import case_context, digest_context

# Words that are English and never Vietnamese, matched whole and case-sensitively on the
# visible text (a product name or a code such as "CCCD" or "PDF" is not among them).
ENGLISH = [
    "the", "The", "of", "and", "is", "was", "may", "must", "cannot", "should", "only",
    "policy", "allows", "Input", "String", "pending", "SMTP", "default", "extension",
    "extensions", "reset", "case", "cases", "field", "required", "invalid", "None", "null",
    "True", "False", "Not", "not", "found", "error", "Error", "please", "Please",
]  # fmt: skip
ENGLISH_RE = re.compile(r"(?<![\w/.@-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w/@-])")
# A message key: a dotted or snake_case identifier (Vietnamese words have neither).
KEY_RE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+_[a-z_]+\b")
POLICY_RE = re.compile(r"\b[a-z]+-\d{4}\.\d+\b")
# What a page may show although it looks like the above: the language switch, the product's
# name in its own footer, file names and addresses of the demo's data.
ALLOWED = {"English"}


class _Visible(HTMLParser):
    """The text a person reads: element text outside scripts and styles, and the words of
    placeholders, titles, labels and button values."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        for name in ("placeholder", "title", "aria-label", "alt"):
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(part.strip() for part in parser.parts if part.strip())


def _strip_links(text: str) -> str:
    """Web and mail addresses are read as addresses, not words."""
    return re.sub(r"\S+@\S+|https?://\S+|/\S+", " ", text)


def problems(text: str) -> list[str]:
    text = _strip_links(text)
    found = [f"key {m}" for m in KEY_RE.findall(text)]
    found += [f"policy id {m}" for m in POLICY_RE.findall(text)]
    found += [f"English {m!r}" for m in ENGLISH_RE.findall(text) if m not in ALLOWED]
    return found


def _context_of(text: str, word: str) -> str:
    at = text.find(word)
    return text[max(0, at - 60) : at + 60].replace("\n", " | ")


def test_the_checker_catches_what_the_tester_saw():
    """The checks of this module fail on the texts of issue 19."""
    for seen in (
        "citizen.phone: String should match pattern '^\\+?[0-9]'",
        "title: Input should be a valid string",
        "Gia hạn: policy petition-2013.1 allows 0 extension(s)",
        "the return date may be reset only once",
        "action.notification_sent",
        "citizen_answer (pending)",
        "mặc định của sản phẩm (SMTP)",
    ):
        assert problems(seen), seen
    assert problems("Kính gửi ông/bà Lê Quang Minh, hồ sơ 100,0 % — 4.427 ngày") == []


@pytest.fixture
def demo_data(settings, engine, session):
    now = datetime.now(UTC)
    demo.load(settings=settings, now=now)
    # The demo has no feedback mailbox: one, with a fetch error, for the administrator's pages.
    agency = session.exec(select(Agency).order_by(Agency.id)).first()
    box = mailboxes.configure(
        session=session, agency_id=agency.id, secret=settings.secret_key, now=now,
        data=MailboxUpdate(address="gopy@thainguyen.gov.vn", host="imap.thainguyen.gov.vn",
                           login="gopy", password="mat-khau-hop-thu", acknowledge=True),
    )  # fmt: skip
    box.last_fetch_at = box.last_error_at = now
    box.last_error = "[AUTHENTICATIONFAILED] Authentication failed."
    session.commit()
    return now


def _page_routes(app) -> set[str]:
    return {
        route.path
        for route in app.routes
        if isinstance(route, APIRoute)
        and "GET" in route.methods
        and not route.path.startswith("/api/")
        and route.include_in_schema is False
    }


def _urls(session, settings) -> dict[str, list[str]]:
    """The pages to read, by route: each with the demo's rows in several states."""
    cases = list(session.exec(select(Case).order_by(Case.id)))
    by_status: dict[str, Case] = {}
    for case in cases:
        by_status.setdefault(case.status, case)
    escalated = [c for c in cases if c.escalation_level][:3]
    chosen = list({c.id: c for c in [*by_status.values(), *escalated]}.values())
    events = {
        e.case_id for e in session.exec(select(CaseEvent).where(CaseEvent.action == "reorganise"))
    }
    chosen += [c for c in cases if c.id in events][:1]
    notice = session.exec(select(CaseNotice)).first()
    inspection = session.exec(select(Inspection)).first()
    mails = sorted(settings.mail_dir.glob("*.eml"))
    case_urls = [f"/cases/{c.id}" for c in chosen]
    mailbox_agency = session.exec(select(AgencyMailbox.agency_id)).first()
    return {
        "/": ["/"],
        "/cases/new": ["/cases/new"],
        "/cases/{case_id}": case_urls,
        "/cases/{case_id}/receipt": [f"/cases/{c.id}/receipt" for c in chosen[:2]],
        "/cases/{case_id}/attachments": [f"/cases/{c.id}/attachments" for c in chosen[:2]],
        "/cases/{case_id}/notices/{notice_id}": (
            [f"/cases/{notice.case_id}/notices/{notice.id}"] if notice else []
        ),
        "/queue": ["/queue"],
        "/dashboard": ["/dashboard"],
        "/reports": ["/reports"],
        "/calendar": ["/calendar"],
        "/mailboxes": ["/mailboxes", f"/mailboxes?agency={mailbox_agency}"],
        "/admin/agencies": ["/admin/agencies"],
        "/admin/import": ["/admin/import"],
        "/citizens": ["/citizens", f"/citizens?phone={cases[0].citizen_phone or ''}"],
        "/users": ["/users"],
        "/mail": ["/mail"],
        "/mail/{name}": [f"/mail/{m.name}" for m in mails[:3]],
        "/inspections": ["/inspections"],
        "/inspections/{inspection_id}": [f"/inspections/{inspection.id}"] if inspection else [],
        "/tra-cuu": ["/tra-cuu"],
        "/lookup": ["/lookup"],
        "/danh-gia": ["/danh-gia"],
        "/sign-in": ["/sign-in"],
    }


def test_every_page_in_vietnamese_for_every_role(client, session, settings, demo_data):
    urls = _urls(session, settings)
    assert sum(len(v) for v in urls.values()) > 20
    roles = {}
    for user in session.exec(select(User).order_by(User.id)):
        roles.setdefault(user.role, user)
    overdue = session.exec(
        select(Case).where(Case.status == CaseStatus.accepted, Case.due_at < demo_data)
    ).first()
    seen: dict[str, list[str]] = {}
    for role, user in sorted(roles.items()):
        client.cookies.clear()
        client.cookies.set(TOKEN_COOKIE, session_token(settings, user))
        carry_csrf(client)
        for targets in urls.values():
            for url in targets:
                response = client.get(url, follow_redirects=True)
                if response.status_code in (403, 404):
                    continue
                text = visible_text(response.text)
                for problem in problems(text):
                    word = problem.split(" ", 1)[1].strip("'")
                    seen.setdefault(f"{role} {url}: {problem}", []).append(_context_of(text, word))
    # A refused action (an extension after the deadline) is explained in Vietnamese.
    assert overdue is not None
    officer = session.exec(
        select(User).where(User.agency_id == overdue.agency_id, User.role == "head")
    ).first()
    client.cookies.clear()
    client.cookies.set(TOKEN_COOKIE, session_token(settings, officer))
    carry_csrf(client)
    form = {"version": str(overdue.version), "reason": "Chờ kết quả đo đạc"}
    refused = client.post(f"/cases/{overdue.id}/act/extend", data=form)
    assert refused.status_code == 422
    # (after the deadline, or a kind whose policy allows none: both said in Vietnamese)
    assert any(
        words in refused.text
        for words in (
            "Việc gia hạn phải quyết định trước khi hết hạn giải quyết.",
            "chính sách của loại đơn này không cho phép gia hạn.",
        )
    )
    for problem in problems(visible_text(refused.text)):
        seen.setdefault(f"refused extend: {problem}", []).append("")
    assert not seen, "\n".join(f"{key}: {found[0]}" for key, found in sorted(seen.items()))


def test_every_page_route_is_walked(client, session, settings, demo_data):
    routes = _page_routes(client.app)
    walked = set(_urls(session, settings))
    downloads = {"/admin/import/template.{ext}", "/admin/import/{token}/rejects"}
    other = {"/cases/similar", "/lang/{code}", "/docs", "/redoc"}  # a fragment, a switch, the API's
    assert sorted(routes - walked - downloads - other) == []


@pytest.fixture
def letters(session, now):
    agency = make_agency(session, "UBND TP. Thái Nguyên")
    cases = [
        make_mail_case(session, agency, now=now, due_in_days=days, title="Chậm cấp sổ đỏ")
        for days in (-4, 2, 0)
    ]
    context = json.loads(
        json.dumps(case_context(session=session, case=cases[0], now=now, base_url=BASE_URL))
    )
    digest = json.loads(
        json.dumps(
            digest_context(
                session=session,
                cases=cases,
                now=now,
                base_url=BASE_URL,
                agency_name=agency.name,
            )
        )
    )
    extra = {
        "head_name": "Phạm Quốc Hưng",
        "reason": "Chưa có kết quả đo đạc của Văn phòng đăng ký đất đai",
        "new_due_at": "2026-03-20T10:00:00+00:00",
        "answer": "Ủy ban đồng ý cấp giấy chứng nhận.",
        "from_agency": "UBND huyện Định Hóa",
        "to_agency": "UBND thị trấn Chợ Chu",
        "transfer_count": 2,
        "agency_name": "UBND phường Phúc Xá",
        "subject": "Đề nghị sửa đường ngõ 12",
        "received_at": "2026-03-02T02:00:00+00:00",
        "instruction": "Đồng chí khẩn trương đo đạc, báo cáo trước ngày 20/3.",
        "notice": {
            "kind": "completion_request",
            "source": "NĐ 61/2018 Điều 19.4 (mẫu 02)",
            "missing": "Bản sao sổ đỏ",
        },
    }
    return {"case": context, **extra}, digest


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_letter_in_vietnamese(template, letters):
    context, digest = letters
    email = render(
        template=template,
        context=digest if template == "daily_digest" else context,
        recipient_name="Lê Quang Minh",
        language="vi",
    )
    for text in (email.subject, email.text, visible_text(email.html)):
        assert problems(text) == [], text
    # Every link is a real link in the HTML part ("Mở hồ sơ", "Tra cứu hồ sơ", the digest's codes).
    if template == "daily_digest":
        links = [item["url"] for item in digest["cases"]]
    elif template == "inbox_ack":  # before any case: nothing to open yet
        links = []
    else:
        citizen = template.startswith("citizen_")
        links = [context["case"]["lookup_url" if citizen else "url"]]
    # a link may carry the form to open: the escalations' "Đã nắm, chỉ đạo"
    assert template == "inbox_ack" or links
    assert all(f'<a href="{link}' in email.html for link in links)
    to_citizen = template.startswith("citizen") or template == "inbox_ack"
    title = "ông/bà" if to_citizen else "đồng chí"
    assert f"Kính gửi {title} Lê Quang Minh," in email.text
    assert f"Kính gửi {title} Lê Quang Minh," in email.html
