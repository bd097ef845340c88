"""`dondoc api-key create|revoke` as an operator runs them: a real process, then the key at work."""

import subprocess

from sqlmodel import Session

from models import ApiKey
from tests.factories import make_agency
from tests.test_cli import _dondoc, _env


def test_create_prints_a_key_stored_hashed_and_revoke_stops_it(
    tmp_path, engine, session, database_url
):
    ward = make_agency(session, "UBND phường Hàng Bạc")
    env = _env(tmp_path, database_url)
    made = subprocess.run(
        _dondoc("api-key", "create", "--name", "Cổng Hà Nội", "--agency-id", str(ward.id)),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    header, key = made.stdout.strip().splitlines()[-2:]
    key_id = int(header.split()[2])
    with Session(engine) as check:
        row = check.get(ApiKey, key_id)
        assert row.agency_id == ward.id and row.revoked_at is None
        assert key not in row.key_hash and len(row.key_hash) == 64

    unknown = subprocess.run(
        _dondoc("api-key", "create", "--name", "X", "--agency-id", "999999"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unknown.returncode == 2 and "999999" in unknown.stderr

    revoked = subprocess.run(
        _dondoc("api-key", "revoke", str(key_id)),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert revoked.returncode == 0, revoked.stderr
    with Session(engine) as check:
        assert check.get(ApiKey, key_id).revoked_at is not None
