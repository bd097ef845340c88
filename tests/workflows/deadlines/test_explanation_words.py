"""The deadline explanation says what was counted, in words a citizen can check."""

import yaml

from api.i18n import translations
from models import Role
from tests.case_factories import act, at, make_case
from tests.factories import make_agency, make_user
from workflows.deadlines import explanation, policies


def explain(session, case, now, **kwargs):
    kwargs.setdefault("lang", "vi")
    gettext = translations(kwargs["lang"]).gettext
    return explanation.explain(session=session, case=case, now=now, gettext=gettext, **kwargs)


def officer_at(session):
    agency = make_agency(session, "UBND xã Tân Cương")
    return agency, make_user(session, Role.officer, agency)


def test_a_rule_in_days_lists_no_skipped_days_and_names_the_move(engine, session):
    agency, officer = officer_at(session)
    case = make_case(engine, officer, agency, now=at("2026-04-02"))
    case = act(engine, case, "accept", officer, now=at("2026-04-02"))
    # Accepted Thu 02/04/2026; 30 days (Law 02/2011 Art. 28) count every day, 30/04 and 01/05
    # included: day 30 is Sat 02/05, a day off, so the deadline is the end of Mon 04/05/2026
    # (Civil Code Art. 148.5). Nothing was "skipped".
    text = explain(session, case, at("2026-04-03"))["text"]
    assert "bỏ qua" not in text
    assert "Ngày cuối 02/05/2026 là ngày nghỉ (thứ Bảy)" in text and "04/05/2026" in text
    assert "complaint-2011.1" not in text  # no internal ids
    assert "Hạn: hết ngày 04/05/2026" in text


def test_a_worked_saturday_is_mentioned(engine, session):
    agency, officer = officer_at(session)
    case = make_case(engine, officer, agency, now=at("2026-01-08"), kind="dossier")
    # Received Thu 08/01/2026, 3 working days: Fri 09 (1), Sat 10/01 worked in exchange for
    # 02/01 (2), Mon 12/01 (3).
    result = explain(session, case, at("2026-01-08"))
    assert result["worked_days"] == ["2026-01-10"]
    assert "Ngày làm bù được tính là ngày làm việc: 10/01/2026." in result["text"]
    english = explain(session, case, at("2026-01-08"), lang="en")["text"]
    assert "Worked days counted as working days: 10/01/2026." in english
    assert "dossier-2018.1" not in english


def test_a_reset_date_names_the_original_date(engine, session):
    agency, officer = officer_at(session)
    case = make_case(engine, officer, agency, now=at("2026-03-02"), kind="dossier")
    case = act(engine, case, "accept", officer, now=at("2026-03-03"))
    # 20 working days from Mon 02/03/2026: Mon 30/03/2026; reset on Fri 27/03 to 10/04.
    case = act(
        engine,
        case,
        "reset_date",
        officer,
        now=at("2026-03-27"),
        new_due_date="2026-04-10",
        reason="Chờ đo đạc",
    )
    text = explain(session, case, at("2026-03-27"))["text"]
    assert "hẹn lại (một lần) kèm thư xin lỗi: 10/04/2026; ngày hẹn ban đầu là 30/03/2026" in text


def test_a_complaint_pause_is_labelled_a_product_option(engine, session):
    agency, officer = officer_at(session)
    data = yaml.safe_load(policies.DATA_FILE.read_text(encoding="utf-8"))
    for raw in data["policies"]:
        if raw["version"] == "complaint-2011.1":
            raw["on_documents"] = "pause"
    with_option = policies.parse(data)
    case = make_case(engine, officer, agency, now=at("2026-03-02"), policies=with_option)
    case = act(engine, case, "accept", officer, now=at("2026-03-02"), policies=with_option)
    case = act(
        engine,
        case,
        "request_documents",
        officer,
        now=at("2026-03-03"),
        missing="Ảnh",
        policies=with_option,
    )
    text = explain(session, case, at("2026-03-04"), policies=with_option)["text"]
    assert "tùy chọn của cơ quan" in text
