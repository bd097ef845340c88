"""Backups: SQLite's online backup during intake (`dondoc backup` / `dondoc restore`), and
the PostgreSQL procedure of docs/operations.md (pg_dump / pg_restore)."""

import subprocess
import time
import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from core.settings import get_settings
from dondoc.cli import main
from migrations import upgrade
from models import Case, CaseEvent
from tests.conftest import ON_POSTGRES, TEST_DB, empty_database
from tests.faults.live import IntakeClients, ServerProcess, intake_desk

PG_BIN = sorted(__import__("glob").glob("/usr/lib/postgresql/*/bin"))


def _history(url: str) -> dict[str, int]:
    """Each case's code and how many events its history holds."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(Case.code, sa.func.count(CaseEvent.id))
                .join(CaseEvent, CaseEvent.case_id == Case.id, isouter=True)
                .group_by(Case.code)
            ).all()
        return dict(rows)
    finally:
        engine.dispose()


def _use(monkeypatch, url: str, var_dir) -> None:
    monkeypatch.setenv("DONDOC_DATABASE_URL", url)
    monkeypatch.setenv("DONDOC_VAR_DIR", str(var_dir))
    get_settings.cache_clear()


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's online backup (PostgreSQL: the test below)")
@pytest.mark.slow
def test_a_backup_taken_during_intake_restores_every_acknowledged_case(
    tmp_path, monkeypatch, capsys
):
    live_url = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade(live_url)
    secret = "backup-" + uuid.uuid4().hex
    server = ServerProcess(
        url=live_url, var_dir=tmp_path / "var", secret=secret, log=tmp_path / "server.log"
    )
    server.start()
    load = IntakeClients(server.base, intake_desk(live_url, secret), clients=3)
    backup_file = tmp_path / "backups" / "dondoc-backup.db"
    backup_file.parent.mkdir()
    try:
        load.start()
        while len([a for a in load.answers if a.status == 201]) < 15:
            time.sleep(0.1)
        _use(monkeypatch, live_url, tmp_path / "var")
        began = time.monotonic()
        assert main(["backup", str(backup_file)]) == 0
        ended = time.monotonic()
        time.sleep(1)  # intake goes on after the backup
    finally:
        load.stop()
        server.stop()

    answers = load.answers
    assert {a.status for a in answers} == {201}, "intake failed during the backup"
    before = {a.code for a in answers if a.acknowledged < began}
    after = {a.code for a in answers if a.started > ended}
    assert before and after

    # A database that holds data is not overwritten unless told to.
    assert main(["restore", str(backup_file)]) == 2
    assert "holds data" in capsys.readouterr().err
    assert len(_history(live_url)) == len(answers)

    restored_url = f"sqlite:///{tmp_path / 'restored' / 'dondoc.db'}"
    _use(monkeypatch, restored_url, tmp_path / "var2")
    assert main(["restore", str(backup_file)]) == 0
    restored = _history(restored_url)
    missing = before - restored.keys()
    assert not missing, f"acknowledged before the backup, missing from it: {sorted(missing)}"
    assert all(restored[code] >= 1 for code in before), "a case lost its history"
    assert not after & restored.keys(), "the backup holds cases made after it ended"

    # --force replaces a database that holds data.
    _use(monkeypatch, live_url, tmp_path / "var")
    assert main(["restore", "--force", str(backup_file)]) == 0
    assert _history(live_url) == restored


def test_backup_and_restore_refuse_what_they_cannot_do(tmp_path, monkeypatch, capsys):
    _use(monkeypatch, f"sqlite:///{tmp_path / 'none.db'}", tmp_path / "var")
    assert main(["backup", str(tmp_path / "b.db")]) == 2
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    assert main(["restore", str(not_a_backup)]) == 2
    _use(monkeypatch, "postgresql://postgres@127.0.0.1:5432/test", tmp_path / "var")
    assert main(["backup", str(tmp_path / "b.db")]) == 2
    errors = capsys.readouterr().err
    assert "no database at" in errors
    assert "not a SQLite database" in errors
    assert "pg_dump" in errors
    assert not (tmp_path / "b.db").exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL procedure needs PostgreSQL")
@pytest.mark.skipif(not PG_BIN, reason="pg_dump/pg_restore not found in /usr/lib/postgresql")
def test_the_postgresql_procedure_restores_cases_and_their_history(tmp_path):
    bin_dir = PG_BIN[-1]
    secret = "pg-backup-" + uuid.uuid4().hex
    with empty_database(tmp_path) as url:
        upgrade(url)
        server = ServerProcess(
            url=url, var_dir=tmp_path / "var", secret=secret, log=tmp_path / "server.log"
        )
        server.start()
        load = IntakeClients(server.base, intake_desk(url, secret), clients=3)
        try:
            load.start()
            while len([a for a in load.answers if a.status == 201]) < 15:
                time.sleep(0.1)
            began = time.monotonic()
            schema = url.rsplit("search_path%3D", 1)[1]
            dump = tmp_path / "dondoc.dump"
            # docs/operations.md: pg_dump --format=custom (one schema here, the test's own)
            subprocess.run(
                [f"{bin_dir}/pg_dump", "--format=custom", f"--schema={schema}",
                 f"--file={dump}", TEST_DB],
                check=True, timeout=120,
            )  # fmt: skip
        finally:
            load.stop()
            server.stop()
        acknowledged = {a.code for a in load.answers if a.status == 201 and a.acknowledged < began}
        original = _history(url)

    database = f"restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        TEST_DB.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    base = TEST_DB.rsplit("/", 1)[0]
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {database}")
        subprocess.run(
            [f"{bin_dir}/pg_restore", "--no-owner", "--exit-on-error",
             f"--dbname={base}/{database}", str(dump)],
            check=True, timeout=120,
        )  # fmt: skip
        restored = _history(f"{base}/{database}?options=-csearch_path%3D{schema}")
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.dispose()
    assert acknowledged and not acknowledged - restored.keys()
    assert all(restored[code] >= 1 for code in acknowledged)
    assert {code: original[code] for code in restored} == restored
