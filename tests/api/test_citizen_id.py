"""The citizen's CCCD: checked at intake, used by the duplicate hint, never public, masked in
lists."""

import pytest
from sqlmodel import func, select

from models import Case, Role
from tests.case_factories import case_body
from tests.factories import auth, make_agency, make_user

CCCD = "019085001234"  # Thái Nguyên, a man born in 1985


@pytest.fixture
def clerk(client, session):
    agency = make_agency(session, "UBND xã Tân Cương")
    return agency, make_user(session, Role.clerk, agency)


def _post(client, agency, user, **citizen):
    body = case_body(agency, citizen={"name": "Trần Văn C", "phone": "0912 345 678", **citizen})
    return client.post("/api/v1/cases", json=body, headers=auth(client, user))


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("01908500123", "exactly 12 digits"),
        ("01908500123a", "exactly 12 digits"),
        ("003085001234", "province code"),
        ("019585001234", "century"),
    ],
)
def test_a_bad_cccd_is_422_and_nothing_is_written(client, session, clerk, number, words):
    agency, user = clerk
    response = _post(client, agency, user, id_number=number)
    assert response.status_code == 422
    assert words in str(response.json()["detail"])
    assert session.exec(select(func.count()).select_from(Case)).one() == 0


def test_cccd_finds_the_same_citizen_with_another_phone(client, session, clerk):
    agency, user = clerk
    first = _post(client, agency, user, id_number=CCCD)
    assert first.status_code == 201 and first.json()["citizen"]["id_number"] == CCCD
    second = _post(client, agency, user, id_number=CCCD, phone="0987 000 111")
    assert [c["id"] for c in second.json()["possible_duplicates"]] == [first.json()["id"]]


def test_never_public_and_only_last_digits_in_lists(client, session, clerk):
    agency, user = clerk
    case = _post(client, agency, user, id_number=CCCD).json()
    public = client.get(f"/api/v1/public/cases/{case['code']}?phone_last4=5678")
    assert public.status_code == 200
    # No field shows any part of the number (the instants' digits may hold anything).
    shown = [str(v) for k, v in public.json().items() if not k.endswith("_at")]
    assert not [text for text in shown if "1234" in text or CCCD[:6] in text]
    assert "id_number" not in public.text
    listed = client.get("/api/v1/cases", headers=auth(client, user)).json()["items"]
    assert listed[0]["citizen"]["id_number"] == "********1234"
    detail = client.get(f"/api/v1/cases/{case['id']}", headers=auth(client, user)).json()
    assert detail["citizen"]["id_number"] == CCCD
