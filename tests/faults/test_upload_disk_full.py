"""An upload onto a full disk: a clear 507 (API and the case's files page) and a line in
the log, nothing half-stored (no attachment row, no spooled leftover), and the same upload
goes through once there is room again."""

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from core.settings import get_settings
from models import Attachment, Role
from tests import attachment_files as files
from tests.case_factories import make_case
from tests.factories import auth, make_agency, make_user
from tests.faults.full_disk import fill, small_filesystem
from tests.web.conftest import with_csrf
from tests.web.test_pages import sign_in

NOW = datetime.now(UTC)


@pytest.fixture
def full_disk_client(settings, engine, monkeypatch, tmp_path):
    from api.main import create_app

    with small_filesystem(tmp_path / "small", size_kb=512) as disk:
        monkeypatch.setenv("DONDOC_ATTACHMENT_DIR", str(disk / "attachments"))
        get_settings.cache_clear()
        with TestClient(create_app()) as client:
            yield client, disk
        get_settings.cache_clear()


def _leftovers(disk: Path) -> list[Path]:
    return [p for p in (disk / "attachments").rglob("*") if p.is_file()]


def test_an_upload_onto_a_full_disk(full_disk_client, session, engine, caplog):
    client, disk = full_disk_client
    agency = make_agency(session, "UBND huyện Đại Từ")
    clerk = make_user(session, Role.clerk, agency)
    case = make_case(engine, clerk, agency, now=NOW)
    document = files.pdf() + b"%" + b" " * (100 * 1024) + b"\n"  # 100 KB

    def upload():
        return client.post(
            f"/api/v1/cases/{case.id}/attachments",
            headers=auth(client, clerk),
            files={"file": ("don-khieu-nai.pdf", document, "application/pdf")},
            data={"kind": "letter"},
        )

    (disk / "attachments").mkdir()
    filler = fill(disk)
    with caplog.at_level(logging.ERROR, logger="dondoc.api"):
        refused = upload()
    assert refused.status_code == 507, refused.text
    assert "disk is full" in refused.json()["detail"]
    assert "no room to store the upload" in caplog.text and "No space left" in caplog.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert _leftovers(disk) == []

    # The case's files page says it in the clerk's language (Vietnamese by default).
    sign_in(client, clerk)
    page = client.post(
        f"/cases/{case.id}/attachments",
        data=with_csrf(client, {"kind": "letter"}),
        files={"file": ("don-khieu-nai.pdf", document, "application/pdf")},
    )
    assert page.status_code == 507
    assert "Máy chủ đã hết chỗ lưu tệp: chưa có gì được lưu" in page.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert _leftovers(disk) == []

    filler.unlink()  # the operator frees space
    stored = upload()
    assert stored.status_code == 201, stored.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1
    assert [p.read_bytes() for p in _leftovers(disk)] == [document]
