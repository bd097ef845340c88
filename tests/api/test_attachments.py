"""Attachments over the API: every allowed type by content, programs refused, the size limit
while streaming, scope and the denouncer's confidentiality, both storages."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from core.settings import get_settings
from models import Attachment, AttachmentBlob, CaseEvent, Role
from tests import attachment_files as files
from tests.case_factories import act, make_case
from tests.factories import auth, make_agency, make_head, make_user

NOW = datetime.now(UTC)


@pytest.fixture
def desk(session, engine):
    agency = make_agency(session, "UBND huyện Đại Từ")
    head = make_head(session, agency)
    officer = make_user(session, Role.officer, agency)
    clerk = make_user(session, Role.clerk, agency)
    case = make_case(engine, clerk, agency, now=NOW)
    return agency, head, officer, clerk, case


def _upload(client, user, case_id, name, data, kind="letter"):
    return client.post(
        f"/api/v1/cases/{case_id}/attachments",
        headers=auth(client, user),
        files={"file": (name, data, "application/octet-stream")},
        data={"kind": kind},
    )


def _stored_files(settings) -> list[Path]:
    root = Path(settings.attachment_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("name", sorted(files.ALLOWED))
def test_each_allowed_type_is_stored_and_comes_back_identical(client, settings, desk, name):
    _, _, officer, _, case = desk
    make, content_type = files.ALLOWED[name]
    data = make()

    created = _upload(client, officer, case.id, name, data, kind="document")

    assert created.status_code == 201, created.text
    body = created.json()
    import hashlib

    assert body["content_type"] == content_type and body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest() and body["filename"] == name
    stored = Path(settings.attachment_dir) / body["sha256"][:2] / body["sha256"][2:]
    assert stored.read_bytes() == data  # var/attachments/ab/cdef…
    back = client.get(f"/api/v1/attachments/{body['id']}", headers=auth(client, officer))
    assert back.status_code == 200 and back.content == data
    assert back.headers["content-type"].startswith(content_type)
    listed = client.get(f"/api/v1/cases/{case.id}/attachments", headers=auth(client, officer))
    assert [a["id"] for a in listed.json()] == [body["id"]]


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("don.pdf", lambda: Path("/bin/true").read_bytes()),  # a program renamed .pdf
        ("tai-lieu.docx", files.plain_zip),  # a ZIP that is no document
        ("tai-lieu.docx", files.docx_with_macros),
        ("ghi-chu.pdf", lambda: b"just some text, named like a PDF"),
        ("trong.pdf", lambda: b""),
    ],
)
def test_other_content_is_refused_and_leaves_nothing(client, settings, session, desk, name, make):
    _, _, officer, _, case = desk

    refused = _upload(client, officer, case.id, name, make())

    assert refused.status_code == 415, refused.text
    assert "detail" in refused.json()
    assert session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert _stored_files(settings) == []


def test_one_byte_over_the_limit_is_413_and_leaves_nothing(client, settings, session, desk,
                                                           monkeypatch):  # fmt: skip
    _, _, officer, _, case = desk
    monkeypatch.setenv("DONDOC_ATTACHMENT_MAX_MB", "1")
    get_settings.cache_clear()
    limit = 1024 * 1024
    base = files.pdf()
    exactly = base + b"%" + b" " * (limit - len(base) - 2) + b"\n"
    assert len(exactly) == limit

    assert _upload(client, officer, case.id, "don.pdf", exactly).status_code == 201
    over = _upload(client, officer, case.id, "don-2.pdf", exactly + b"\n")

    assert over.status_code == 413 and "1 MB" in over.json()["detail"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1
    assert len(_stored_files(settings)) == 1  # the first file only; no spooled leftovers


def test_another_agency_cannot_see_upload_or_download(client, session, engine, desk):
    _, _, officer, _, case = desk
    other = make_agency(session, "UBND huyện Phú Lương")
    stranger = make_user(session, Role.officer, other)
    stranger_head = make_head(session, other)
    created = _upload(client, officer, case.id, "don.pdf", files.pdf()).json()

    for user in (stranger, stranger_head):
        headers = auth(client, user)
        assert (
            client.get(f"/api/v1/attachments/{created['id']}", headers=headers).status_code == 404
        )
        listed = client.get(f"/api/v1/cases/{case.id}/attachments", headers=headers)
        assert listed.status_code == 404
        assert _upload(client, user, case.id, "x.pdf", files.pdf()).status_code == 404
    assert (
        client.get("/api/v1/attachments/999999", headers=auth(client, officer)).status_code == 404
    )


def test_bad_kind_and_bad_body_are_422(client, session, desk):
    _, _, officer, _, case = desk
    assert (
        _upload(client, officer, case.id, "don.pdf", files.pdf(), kind="photo").status_code == 422
    )
    no_file = client.post(
        f"/api/v1/cases/{case.id}/attachments",
        headers=auth(client, officer),
        data={"kind": "letter"},
    )
    assert no_file.status_code == 422 and "detail" in no_file.json()
    assert session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_a_denunciations_files_follow_the_denouncers_confidentiality(client, session, engine, desk):
    agency, head, officer, clerk, _ = desk
    assignee = make_user(session, Role.officer, agency)
    case = make_case(engine, clerk, agency, now=NOW, kind="denunciation")
    act(engine, case, "assign", head, now=NOW, assignee_id=assignee.id)
    letter = _upload(client, clerk, case.id, "don-to-cao.pdf", files.pdf())
    assert letter.status_code == 201  # the desk files the letter it received
    attachment_id = letter.json()["id"]

    for user in (officer, clerk):  # in the agency, but neither assignee nor head
        headers = auth(client, user)
        assert (
            client.get(f"/api/v1/attachments/{attachment_id}", headers=headers).status_code == 404
        )
        listed = client.get(f"/api/v1/cases/{case.id}/attachments", headers=headers)
        assert listed.status_code == 404
    for user in (assignee, head):
        back = client.get(f"/api/v1/attachments/{attachment_id}", headers=auth(client, user))
        assert back.status_code == 200 and back.content == files.pdf()
    reads = session.scalars(
        sa.select(CaseEvent.actor_id).where(
            CaseEvent.case_id == case.id, CaseEvent.action == "attachment_read"
        )
    ).all()
    assert sorted(reads) == sorted([assignee.id, head.id])
    added = session.scalar(
        sa.select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.action == "attachment_added"
        )
    )
    assert "filename" not in added.data  # the timeline does not name the letter


def test_the_timeline_shows_the_upload(client, session, desk):
    _, _, officer, _, case = desk
    created = _upload(client, officer, case.id, "tra-loi.docx", files.docx(), kind="answer").json()
    events = client.get(f"/api/v1/cases/{case.id}/events", headers=auth(client, officer)).json()
    added = [e for e in events if e["action"] == "attachment_added"]
    assert added and added[0]["data"] == {
        "attachment_id": created["id"], "kind": "answer", "size": created["size"],
        "filename": "tra-loi.docx",
    }  # fmt: skip


def test_database_storage_is_read_by_another_server_process(settings, engine, session, desk,
                                                            monkeypatch, tmp_path):  # fmt: skip
    """Scale-out: two servers that share only the database (different var/ folders)."""
    from api.main import create_app

    _, _, officer, _, case = desk
    monkeypatch.setenv("DONDOC_ATTACHMENT_STORAGE", "database")
    get_settings.cache_clear()
    with TestClient(create_app()) as first:
        created = _upload(first, officer, case.id, "anh.png", files.png())
    assert created.status_code == 201
    monkeypatch.setenv("DONDOC_VAR_DIR", str(tmp_path / "another-server"))
    get_settings.cache_clear()
    with TestClient(create_app()) as second:
        back = second.get(
            f"/api/v1/attachments/{created.json()['id']}", headers=auth(second, officer)
        )
    assert back.status_code == 200 and back.content == files.png()
    assert session.scalar(sa.select(AttachmentBlob.size)) == len(files.png())
    assert not (tmp_path / "var" / "attachments").exists() or _stored_files(get_settings()) == []


def test_inspection_minutes(client, settings, session, engine):
    from tests.inspection_factories import bearer, thai_nguyen

    story = thai_nguyen(session)
    member, outsider = story.leader, story.other_inspector
    planned = client.post(
        "/api/v1/inspections",
        headers=bearer(settings, member),
        json={
            "agency_id": story.agencies["tinh"].id, "include_subtree": True,
            "title": "Kiểm tra công vụ", "meeting_at": NOW.isoformat(),
            "member_ids": [story.leader.id, story.member.id],
        },
    )  # fmt: skip
    assert planned.status_code == 201, planned.text
    inspection_id = planned.json()["id"]
    url = f"/api/v1/inspections/{inspection_id}/attachments"
    # Built once: a zip records its entries' times, so two builds seconds apart differ.
    document = files.odt()
    upload = {"file": ("bien-ban.odt", document, "application/octet-stream")}

    created = client.post(url, headers=bearer(settings, member), files=upload)

    assert created.status_code == 201 and created.json()["kind"] == "minutes"
    assert client.post(url, headers=bearer(settings, outsider), files=upload).status_code == 404
    assert client.get(url, headers=bearer(settings, outsider)).status_code == 404
    listed = client.get(url, headers=bearer(settings, member)).json()
    assert [a["filename"] for a in listed] == ["bien-ban.odt"]
    back = client.get(f"/api/v1/attachments/{listed[0]['id']}", headers=bearer(settings, member))
    assert back.content == document
