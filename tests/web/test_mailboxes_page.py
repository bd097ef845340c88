"""The administrator's feedback mailboxes page: set, replace and stop fetching an agency's
mailbox through the same rules as the JSON API; the password is never shown back; a refused
form changes nothing and says why beside the field; only administrators see the page."""

from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from api.deps import TOKEN_COOKIE
from models import AgencyMailbox, InboxItem, MailboxUpdate, Role
from tests.factories import make_agency, make_user, session_token
from tests.web.conftest import with_csrf
from workflows.channels import mailbox as mailboxes

SECRET_WORD = "mat-khau-hop-thu-2026"
NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def _as(client, settings, user):
    client.cookies.set(TOKEN_COOKIE, session_token(settings, user))


def _form(agency, **changes) -> dict:
    form = {
        "agency_id": str(agency.id),
        "address": "gopy@quangtrung.gov.vn",
        "host": "imap.quangtrung.gov.vn",
        "port": "993",
        "security": "ssl",
        "login": "gopy",
        "password": SECRET_WORD,
        "folder": "INBOX",
        "enabled": "1",
    }
    return {k: v for k, v in (form | changes).items() if v is not None}


def _kept(box: AgencyMailbox) -> tuple:
    return (box.address, box.host, box.port, box.login, box.password_encrypted, box.updated_at)


def _configured(session, settings, agency) -> AgencyMailbox:
    """A mailbox set as the JSON API sets it."""
    data = MailboxUpdate(
        address="gopy@quangtrung.gov.vn", host="imap.quangtrung.gov.vn", login="gopy",
        password=SECRET_WORD,
    )  # fmt: skip
    return mailboxes.configure(
        session=session, agency_id=agency.id, secret=settings.secret_key, now=NOW, data=data
    )


def _box(session, agency) -> AgencyMailbox | None:
    session.expire_all()
    return session.get(AgencyMailbox, agency.id)


@pytest.fixture
def admin(client, settings, session):
    user = make_user(session, Role.admin)
    _as(client, settings, user)
    return user


@pytest.fixture
def agency(session):
    return make_agency(session, "UBND phường Quang Trung")


def test_admin_sets_a_mailbox_and_its_password_never_shows(
    client, settings, session, admin, agency
):
    page = client.get("/mailboxes")
    assert page.status_code == 200 and "UBND phường Quang Trung" in page.text
    form = _form(agency, acknowledge="1")
    response = client.post("/mailboxes", data=with_csrf(client, form), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/mailboxes?done=set"
    box = _box(session, agency)
    assert (box.address, box.host, box.port, box.security) == (
        "gopy@quangtrung.gov.vn", "imap.quangtrung.gov.vn", 993, "ssl"
    )  # fmt: skip
    assert box.acknowledge and box.enabled and box.folder == "INBOX"
    assert SECRET_WORD not in box.password_encrypted
    assert mailboxes.decrypt(box.password_encrypted, secret=settings.secret_key) == SECRET_WORD
    shown = client.get("/mailboxes?done=set")
    assert f'data-mailbox="{agency.id}"' in shown.text
    assert "imap.quangtrung.gov.vn:993" in shown.text and "Đã lưu hộp thư." in shown.text
    assert SECRET_WORD not in shown.text and box.password_encrypted not in shown.text
    # The form to replace it is filled with the stored settings, never the password.
    replace = client.get(f"/mailboxes?agency={agency.id}")
    assert 'value="imap.quangtrung.gov.vn"' in replace.text and SECRET_WORD not in replace.text


def test_a_replacement_without_password_keeps_the_stored_one(
    client, settings, session, admin, agency
):
    client.post("/mailboxes", data=with_csrf(client, _form(agency)))
    stored = _box(session, agency).password_encrypted
    form = _form(agency, host="mail.quangtrung.gov.vn", port="143", security="starttls",
                 password="", enabled=None)  # fmt: skip
    response = client.post("/mailboxes", data=with_csrf(client, form), follow_redirects=False)
    assert response.status_code == 303
    box = _box(session, agency)
    assert (box.host, box.port, box.security, box.enabled) == (
        "mail.quangtrung.gov.vn", 143, "starttls", False
    )  # fmt: skip
    assert box.password_encrypted == stored


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"port": "99999"}, "port", "Cổng là một số nguyên từ 1 đến 65535."),
        ({"port": "imap"}, "port", "Cổng là một số nguyên từ 1 đến 65535."),
        ({"host": ""}, "host", "Mục này cần được nhập."),
        ({"address": "gopy"}, "address", "Nhập một địa chỉ thư điện tử"),
        ({"agency_id": "²"}, "agency_id", "Chọn một trong các lựa chọn."),  # "²".isdigit()
    ],
)
def test_bad_input_is_refused_beside_its_field_and_changes_nothing(
    client, session, admin, agency, changes, field, words
):
    client.post("/mailboxes", data=with_csrf(client, _form(agency)))
    before = _kept(_box(session, agency))
    form = _form(agency, host="moi.quangtrung.gov.vn", password="mat-khau-moi") | changes
    response = client.post("/mailboxes", data=with_csrf(client, form))
    assert response.status_code == 422
    assert f'data-field-error="{field}"' in response.text and words in response.text
    assert 'aria-invalid="true"' in response.text
    assert "mat-khau-moi" not in response.text  # not even refused
    assert _kept(_box(session, agency)) == before


def test_an_address_with_no_agency_number_shows_the_new_form(client, admin):
    assert client.get("/mailboxes?agency=²").status_code == 200


def test_a_new_mailbox_without_password_is_explained(client, session, admin, agency):
    response = client.post("/mailboxes", data=with_csrf(client, _form(agency, password="")))
    assert response.status_code == 422
    assert 'data-field-error="password"' in response.text
    assert "Hộp thư mới cần có mật khẩu." in response.text
    assert _box(session, agency) is None


def test_a_dissolved_agency_gets_no_mailbox(client, session, admin):
    gone = make_agency(session, "UBND xã Cũ", dissolved_at=NOW)
    assert "UBND xã Cũ" not in client.get("/mailboxes").text  # not offered
    response = client.post("/mailboxes", data=with_csrf(client, _form(gone)))
    assert response.status_code == 422 and 'data-field-error="agency_id"' in response.text
    assert "Cơ quan này đã giải thể" in response.text
    assert _box(session, gone) is None


@pytest.mark.parametrize("role", [Role.clerk, Role.head])
def test_other_roles_get_the_admin_pages_refusal(client, settings, session, agency, role):
    _configured(session, settings, agency)
    session.commit()
    _as(client, settings, make_user(session, role, agency))
    assert client.get("/calendar").status_code == 403
    page = client.get("/mailboxes")
    assert page.status_code == 403 and "Bạn không có quyền xem trang này." in page.text
    form = with_csrf(client, _form(agency, host="evil.example"))
    assert client.post("/mailboxes", data=form).status_code == 403
    removed = client.post(f"/mailboxes/{agency.id}/remove", data=with_csrf(client, {}))
    assert removed.status_code == 403
    assert _box(session, agency).host == "imap.quangtrung.gov.vn"


def test_a_post_without_the_form_token_is_refused(client, session, admin, agency):
    assert client.post("/mailboxes", data=_form(agency)).status_code == 403
    assert _box(session, agency) is None


def test_stop_fetching_removes_the_mailbox_and_keeps_the_items(client, session, admin, agency):
    client.post("/mailboxes", data=with_csrf(client, _form(agency)))
    session.add(InboxItem(agency_id=agency.id, message_id="<a@b>", received_at=NOW,
                          fetched_at=NOW))  # fmt: skip
    session.commit()
    response = client.post(
        f"/mailboxes/{agency.id}/remove", data=with_csrf(client, {}), follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/mailboxes?done=removed"
    assert _box(session, agency) is None
    assert session.exec(select(func.count()).select_from(InboxItem)).one() == 1
    page = client.get("/mailboxes?done=removed").text
    assert f'data-mailbox="{agency.id}"' not in page
    # Twice (another administrator was quicker): said, nothing breaks.
    again = client.post(f"/mailboxes/{agency.id}/remove", data=with_csrf(client, {}))
    assert again.status_code == 404 and "không (còn) có hộp thư" in again.text


def test_the_last_error_shows_with_its_time(client, settings, session, admin, agency):
    _configured(session, settings, agency)
    box = _box(session, agency)
    box.last_fetch_at = box.last_error_at = NOW
    box.last_error = "LOGIN failed"
    session.add(box)
    session.commit()
    page = client.get("/mailboxes").text
    assert "LOGIN failed" in page and "02/03/2026 08:30" in page
    assert 'href="/mailboxes"' in client.get("/dashboard").text
