"""Page forms take days as dd/mm/yyyy: a day that is none is said beside its field (422)
and nothing changes."""

from datetime import date

import pytest
from pydantic import ValidationError

from api.pages.cases import action_form
from tests.factories import make_agency, make_head, session_token


def test_a_case_action_takes_its_day_as_dd_mm_yyyy():
    form = action_form("reset_date")
    typed = form.model_validate({"new_due_date": "15/04/2026", "reason": "Chờ", "version": 1})
    assert typed.new_due_date == date(2026, 4, 15)
    with pytest.raises(ValidationError) as refused:
        form.model_validate({"new_due_date": "04/31/2026", "reason": "Chờ", "version": 1})
    assert refused.value.errors()[0]["type"] == "day_format"


def test_the_report_period_is_typed_day_first(client, session, settings):
    head = make_head(session, make_agency(session, "UBND xã Phúc Xuân"))
    client.cookies.set("dondoc_token", session_token(settings, head))
    shown = client.get("/reports", params={"from": "01/11/2026", "to": "28/11/2026"})
    assert shown.status_code == 200
    assert 'name="from" value="01/11/2026"' in shown.text
    assert 'name="to" value="28/11/2026"' in shown.text
    refused = client.get("/reports", params={"from": "11/28/2026", "to": "28/11/2026"})
    assert refused.status_code == 422
    assert (
        '<span class="field-error" data-field-error="from">'
        "Nhập ngày dạng dd/mm/yyyy, ví dụ 28/11/2026.</span>"
    ) in refused.text
    assert 'name="from" value="11/28/2026"' in refused.text  # what was typed, to correct
    assert 'data-field-error="to"' not in refused.text
