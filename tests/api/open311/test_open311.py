"""Open311 GeoReport v2 as the published spec shows it (wiki.open311.org/GeoReport_v2):
element names, XML roots, W3C datetimes with an offset, the error list; a POST goes through
the real intake; GET answers carry nothing personal."""

from xml.etree import ElementTree

import pytest
from sqlmodel import Session, select

from api.deps import utcnow
from models import Case
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_user
from workflows.channels import api_keys

# The fields of a service request in GET answers, in the spec's order.
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
]
NOW = at("2026-03-02")


@pytest.fixture
def ward(session):
    return make_agency(session, "UBND phường Hàng Bạc")


@pytest.fixture
def partner_key(engine, ward):
    with Session(engine) as session:
        _row, key = api_keys.create(
            session=session, name="Hà Nội Smart City", agency_id=ward.id, now=NOW
        )
        session.commit()
    return key


@pytest.fixture
def api(client):
    client.app.dependency_overrides[utcnow] = lambda: NOW
    return client


def _post(api, fmt, **form):
    return api.post(f"/open311/v2/requests.{fmt}", data=form)


def _petition(key, **extra):
    form = {
        "api_key": key,
        "service_code": "petition",
        "description": "Đèn chiếu sáng ngõ 12 Hàng Bạc hỏng từ tuần trước.\nTối rất nguy hiểm.",
        "first_name": "Lê",
        "last_name": "Thị Hoa",
        "phone": "0987 654 321",
        "email": "hoa@example.vn",
        "address_string": "Ngõ 12 Hàng Bạc, Hoàn Kiếm",
    }
    form.update(extra)
    return form


def test_services_in_json_and_xml(api):
    as_json = api.get("/open311/v2/services.json")
    assert as_json.status_code == 200
    services = as_json.json()
    assert [s["service_code"] for s in services] == ["petition", "complaint"]
    assert set(services[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert services[0]["metadata"] is False and services[0]["type"] == "realtime"

    as_xml = api.get("/open311/v2/services.xml")
    assert as_xml.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(as_xml.content)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == [
        "petition",
        "complaint",
    ]
    assert root.find("service").findtext("metadata") == "false"
    assert root.find("service").findtext("service_name") == "Phản ánh, kiến nghị"


def test_service_definition_and_unknown_service(api):
    definition = api.get("/open311/v2/services/petition.json").json()
    assert definition == {"service_code": "petition", "attributes": []}
    root = ElementTree.fromstring(api.get("/open311/v2/services/petition.xml").content)
    assert root.tag == "service_definition" and root.findtext("service_code") == "petition"
    assert root.find("attributes") is not None

    for code in ("denunciation", "nope"):
        missing = api.get(f"/open311/v2/services/{code}.xml")
        assert missing.status_code == 404
        errors = ElementTree.fromstring(missing.content)
        assert errors.tag == "errors"
        assert errors.find("error").findtext("code") == "404"
        assert code in errors.find("error").findtext("description")
    assert api.get("/open311/v2/services/nope.json").json()[0]["code"] == 404


def test_post_goes_through_intake_and_get_shows_nothing_personal(api, session, ward, partner_key):
    posted = _post(api, "xml", **_petition(partner_key))
    assert posted.status_code == 201, posted.text
    root = ElementTree.fromstring(posted.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    code = request.findtext("service_request_id")
    assert code.startswith("KNPA-2026-")

    case = session.exec(select(Case).where(Case.code == code)).one()
    assert case.channel == "online" and case.agency_id == ward.id and case.kind == "petition"
    assert case.citizen_name == "Lê Thị Hoa" and case.phone_digits == "0987654321"
    assert case.title == "Đèn chiếu sáng ngõ 12 Hàng Bạc hỏng từ tuần trước."
    assert case.due_at is not None  # the legal clock runs like any other intake

    one = api.get(f"/open311/v2/requests/{code}.json")
    assert one.status_code == 200
    [item] = one.json()
    assert list(item) == REQUEST_FIELDS
    assert item["status"] == "open" and item["status_notes"] == "Đã tiếp nhận"
    assert item["agency_responsible"] == "UBND phường Hàng Bạc"
    assert item["requested_datetime"] == "2026-03-02T09:00:00+07:00"
    assert item["expected_datetime"].endswith("+07:00")
    for personal in ("Hoa", "0987", "hoa@example.vn", "Hàng Bạc, Hoàn Kiếm", "Đèn chiếu sáng"):
        assert personal not in one.text

    as_xml = ElementTree.fromstring(api.get(f"/open311/v2/requests/{code}.xml").content)
    assert as_xml.tag == "service_requests"
    assert [child.tag for child in as_xml.find("request")] == REQUEST_FIELDS
    assert as_xml.find("request").findtext("status") == "open"


def test_get_requests_filters(api, engine, session, ward, partner_key):
    officer = make_user(session, "officer", ward)
    older = make_case(engine, officer, ward, now=at("2026-01-05"), kind="petition")
    act(engine, older, "decline", officer, now=at("2026-01-06"), reason="Không thuộc thẩm quyền")
    recent = make_case(engine, officer, ward, now=at("2026-02-20"), kind="complaint")
    make_case(engine, officer, ward, now=at("2026-02-21"), kind="denunciation")

    def codes(query: str) -> list[str]:
        answer = api.get(f"/open311/v2/requests.json{query}")
        assert answer.status_code == 200, answer.text
        return [item["service_request_id"] for item in answer.json()]

    assert codes("") == [recent.code, older.code]  # the last 90 days; no denunciation
    assert codes("?status=open") == [recent.code]
    assert codes("?status=closed") == [older.code]
    assert codes("?start_date=2026-02-01T00:00:00%2B07:00") == [recent.code]
    assert codes("?end_date=2026-02-01T00:00:00Z") == [older.code]
    assert codes(f"?service_request_id={older.code},{recent.code}") == [recent.code, older.code]
    closed = api.get(f"/open311/v2/requests/{older.code}.json").json()[0]
    assert closed["status"] == "closed" and closed["status_notes"] == "Không thụ lý"

    bad = api.get("/open311/v2/requests.json?start_date=yesterday")
    assert bad.status_code == 400 and "start_date" in bad.json()[0]["description"]
    assert api.get("/open311/v2/requests.json?status=pending").status_code == 400
    assert api.get("/open311/v2/requests/KNPA-2026-999999.xml").status_code == 404


def test_bad_posts_are_refused_in_the_spec_format_and_write_nothing(
    api, engine, session, partner_key
):
    cases = lambda: len(session.exec(select(Case)).all())  # noqa: E731
    before = cases()

    wrong = _post(api, "xml", **_petition("not-a-key"))
    assert wrong.status_code == 403
    error = ElementTree.fromstring(wrong.content).find("error")
    assert error.findtext("code") == "403" and "api_key" in error.findtext("description")

    for form, field in (
        (_petition(partner_key, service_code=""), "service_code"),
        (_petition("", service_code="petition"), "api_key"),
        (_petition(partner_key, address_string=""), "address_string"),
        (_petition(partner_key, first_name="", last_name=""), "first_name"),
        (_petition(partner_key, description="  "), "description"),
        (_petition(partner_key, phone="call me"), "phone"),
    ):
        refused = _post(api, "json", **form)
        assert refused.status_code == 400, (field, refused.text)
        assert field in refused.json()[0]["description"]
    assert (
        _post(api, "json", **_petition(partner_key, service_code="denunciation")).status_code == 404
    )
    assert _post(api, "yaml", **_petition(partner_key)).status_code == 404
    assert cases() == before

    # lat/long stand in for an address, as the spec allows
    placed = _post(
        api, "json", **_petition(partner_key, address_string="", lat="21.03", long="105.85")
    )
    assert placed.status_code == 201
    code = placed.json()[0]["service_request_id"]
    assert (
        session.exec(select(Case).where(Case.code == code)).one().citizen_address == "21.03, 105.85"
    )


def test_a_revoked_key_stops_at_once(api, engine, partner_key):
    assert _post(api, "json", **_petition(partner_key)).status_code == 201
    with Session(engine) as session:
        row = api_keys.authenticate(session=session, key=partner_key)
        api_keys.revoke(session=session, key_id=row.id, now=NOW)
        session.commit()
    refused = _post(api, "json", **_petition(partner_key))
    assert refused.status_code == 403
    assert refused.json() == [{"code": 403, "description": "api_key is not valid or was revoked"}]


def test_the_partner_account_cannot_sign_in(api, engine, ward):
    with Session(engine) as session:
        row, _key = api_keys.create(
            session=session, name="Cổng dịch vụ công", agency_id=ward.id, now=NOW
        )
        session.commit()
        account = row.user_id
    from models import User

    with Session(engine) as session:
        user = session.get(User, account)
        assert user.is_active is False and user.agency_id == ward.id
