"""No SMTP configured: emails are written to the mail folder and can be listed and read."""

from email import policy
from email.parser import BytesParser

import pytest

from core.errors import NotFound
from notifications.delivery import claim, deliver_due
from notifications.mailbox import list_mail, read_mail
from tests.notifications.conftest import BASE_URL, enqueue_for_case, make_case


@pytest.fixture
def folder_settings(settings):
    assert not settings.smtp_configured
    return settings.model_copy(update={"base_url": BASE_URL})


def test_writes_readable_eml_files_and_lists_them(engine, session, folder_settings, agency, now):
    case = make_case(session, agency, now=now, due_in_days=2)
    enqueue_for_case(
        engine,
        case,
        now=now,
        template="citizen_receipt",
        recipient="ngoc@example.vn",
        recipient_name="Trần Thị Bích Ngọc",
    )
    enqueue_for_case(engine, case, now=now, language="en")

    report = deliver_due(engine=engine, settings=folder_settings, now=now)

    assert report.transport == "mail_dir" and report.sent == 2
    files = sorted(folder_settings.mail_dir.glob("*.eml"))
    assert len(files) == 2
    with files[0].open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    assert message["Subject"] == f"Giấy tiếp nhận hồ sơ {case.code} — hạn giải quyết 04/03/2026"
    assert message["To"].addresses[0].display_name == "Trần Thị Bích Ngọc"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"Mã tra cứu của ông/bà là {case.code}" in text
    assert f"{BASE_URL}/tra-cuu?code={case.code}" in text

    listed = list_mail(folder_settings.mail_dir)
    assert [m.file for m in listed] == [f.name for f in reversed(files)]
    assert listed[1].subject == message["Subject"]
    assert listed[1].to == "Trần Thị Bích Ngọc <ngoc@example.vn>"
    assert listed[1].date.isoformat() == "2026-03-02T09:00:00+07:00"
    assert listed[0].subject.startswith(f"[Đôn Đốc] Reminder: case {case.code} is due 04/03/2026")

    content = read_mail(folder_settings.mail_dir, listed[1].file)
    assert content.text == text and "Hòa Khánh Bắc" in content.html
    with pytest.raises(NotFound):
        read_mail(folder_settings.mail_dir, "../secret_key")


def test_a_rerun_after_a_crash_writes_the_same_file_once(
    engine, session, folder_settings, agency, now
):
    from notifications.delivery import DEFAULT_POLICY

    case = make_case(session, agency, now=now)
    enqueue_for_case(engine, case, now=now)
    claim(engine=engine, now=now, limit=10, lease=DEFAULT_POLICY.lease)  # dies after claiming

    later = now + DEFAULT_POLICY.lease * 2
    assert deliver_due(engine=engine, settings=folder_settings, now=later).sent == 1
    assert deliver_due(engine=engine, settings=folder_settings, now=later).sent == 0
    assert len(list(folder_settings.mail_dir.glob("*.eml"))) == 1


def test_empty_or_missing_mail_folder_lists_nothing(tmp_path):
    assert list_mail(tmp_path / "nowhere") == []
