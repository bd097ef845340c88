"""/mail: the folder is listed once and kept until it changes (notifications/mailbox.py), so
a new mail must still appear at once; the reader's mail comes newest first, 50 a page."""

import os
import re

from models import Role
from tests.factories import make_agency, make_user
from tests.web.test_pages import _write_mail, sign_in


def _subjects(page: str) -> list[str]:
    return re.findall(r'<a href="/mail/[^"]+">([^<]+)</a>', page)


def test_new_mail_appears_and_pages_go_newest_first(client, session, settings):
    officer = make_user(session, Role.officer, make_agency(session, "UBND xã Phúc Trìu"))
    folder = settings.mail_dir
    for n in range(1, 56):
        _write_mail(folder, f"{n:08d}.eml", officer.email, f"Nhắc hạn số {n}", "Còn 3 ngày.")
    _write_mail(folder, "00000100.eml", "other@example.gov.vn", "Thư của người khác", "Không.")
    old = 1_600_000_000  # the folder last changed long ago: its listing is kept as it is
    os.utime(folder, (old, old))
    sign_in(client, officer)

    first = client.get("/mail").text
    assert _subjects(first) == [f"Nhắc hạn số {n}" for n in range(55, 5, -1)]
    assert 'href="/mail?page=2"' in first and 'data-page="1"' in first
    second = client.get("/mail?page=2").text
    assert _subjects(second) == [f"Nhắc hạn số {n}" for n in range(5, 0, -1)]
    assert 'href="/mail?page=1"' in second and "page=3" not in second
    assert "Thư của người khác" not in first + second

    _write_mail(folder, "00000101.eml", officer.email, "Thư mới đến", "Vừa gửi.")
    os.utime(folder, (old + 60, old + 60))  # a later time, still long past
    assert _subjects(client.get("/mail").text)[:2] == ["Thư mới đến", "Nhắc hạn số 55"]
    assert _subjects(client.get("/mail?page=2").text)[0] == "Nhắc hạn số 6"
    (folder / "00000055.eml").unlink()
    os.utime(folder, (old + 120, old + 120))
    assert "Nhắc hạn số 55<" not in client.get("/mail").text

    sign_in(client, make_user(session, Role.admin))
    assert _subjects(client.get("/mail").text)[:2] == ["Thư mới đến", "Thư của người khác"]
