"""The meeting page's forms refused field by field: the reason beside the field, in the
case's own open form, what was typed kept, nothing written."""

from sqlmodel import func, select

from api.deps import utcnow
from models import InspectionConclusion, InspectionMeasure
from tests.web.test_inspection_pages import as_user


def _count(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def test_refused_fields_are_marked_beside_them(client, settings, session, story, meeting, now):
    client.app.dependency_overrides[utcnow] = lambda: now
    as_user(client, settings, story.leader)
    road = story.cases["road"]
    url = f"/inspections/{meeting.id}/conclusions"
    body = {"case_id": str(road.id), "version": str(road.version), "outcome": "directive"}
    response = client.post(url, data=body | {"text": "Giải quyết dứt điểm", "due_date": "mai"})
    assert response.status_code == 422
    item = response.text[response.text.index(f'id="case-{road.id}"') :]
    item = item[: item.index("</li>")]
    assert '<span class="field-error" data-field-error="due_date">' in item
    assert "Nhập ngày dạng dd/mm/yyyy, ví dụ 28/11/2026." in item
    assert ">Giải quyết dứt điểm</textarea>" in item
    assert 'data-field-error="text"' not in item

    measures = f"/inspections/{meeting.id}/measures"
    refused = client.post(measures, data={"target": "agency:²", "measure": "discipline"})
    assert refused.status_code == 422
    form = refused.text[refused.text.index('id="measure-form"') :]
    assert 'data-field-error="target"' in form and 'data-field-error="text"' in form
    assert 'data-field-error="measure"' not in form
    assert '<details class="action no-print" id="measure-form" open>' in refused.text
    assert _count(session, InspectionConclusion) == 0 and _count(session, InspectionMeasure) == 0
