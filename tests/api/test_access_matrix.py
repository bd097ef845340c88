"""Issue 13: every route (JSON and pages) × every role × the place of what it touches (own
agency, child, sibling, other province; or an inspection the user is on or not), with the
status each cell must answer. The route list comes from the application's routers, so a new
route without an entry here fails the test.

State-changing calls are sent with an empty body: a cell that answers 422 (or re-renders a
form) got past every access check; 401, 403 and 404 are refusals. A `*` after 200 marks
an answer that shows the tracking code of the column's case (in a list filtered to that
agency, say): where it is missing, the list kept the case out. Each request carries a
fresh session (pages: the cookie and the session's CSRF token), so no cell depends on
another. To print the table as observed (after a deliberate change of access rules):
`DONDOC_MATRIX_PRINT=1 pytest tests/api/test_access_matrix.py -s`.
"""

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from fastapi.routing import APIRoute
from sqlmodel import Session

from api import health, main
from api.deps import TOKEN_COOKIE
from api.security import create_token
from models import Attachment, CaseNotice
from models.attachment import AttachmentKind
from models.db import engine_for
from tests.api.access_matrix_expected import EXPECTED
from tests.api.access_world import PLACES, ROLES, TEAMS, World, build
from workflows.attachments.storage import make_storage
from workflows.org import sessions

SAFE = {"GET", "HEAD"}
FIXED = {
    "action": "accept",
    "measure_id": "999999",
    "notification_id": "999999",
    "name": "x.eml",
    "day": "2026-12-31",
    "code": "en",
    "fmt": "json",
    "service_code": "999999",
    "ext": "csv",
    "token": "no-such-import",
    "item_id": "999999",
    "file_id": "999999",  # an inbox item: none exists, every cell is a refusal
}
# `{notice_id}`: a fresh unsent notice of the column's case (see _fresh_notice);
# `{attachment_id}`: an attachment of the column's case (see _attachment).


def routes() -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) of every API and page route, and the app's own."""
    found = []
    for group, prefix in ((main.API_ROUTERS, main.API_PREFIX), (main.PAGE_ROUTERS, "")):
        for module in group:
            for route in module.router.routes:
                found += [(m, prefix + route.path, route) for m in sorted(route.methods)]
    # the app's own routes, and the health router (/healthz, /readyz) it includes
    app_routes = [r for r in main.app.routes if isinstance(r, APIRoute)]
    app_routes += [r for r in health.router.routes if isinstance(r, APIRoute)]
    found += [(m, r.path, r) for r in app_routes for m in sorted(r.methods)]
    return found


def _query_names(dependant) -> set[str]:
    names = {param.name for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def columns(path: str, route: APIRoute) -> tuple[str, tuple[str, ...]]:
    """What varies along a row: a place (of a case, agency, user), a team, or nothing."""
    for name in ("case_id", "agency_id", "user_id"):
        if "{" + name + "}" in path:
            return name, PLACES
    if "{attachment_id}" in path:
        return "attachment_id", PLACES
    if "{inspection_id}" in path:
        return "inspection_id", TEAMS
    queries = _query_names(route.dependant)
    if "agency_id" in queries:
        return "?agency_id", PLACES
    return "", ("-",)


def target(world: World, kind: str, column: str) -> str:
    if kind == "case_id":
        return str(world.cases[column].id)
    if kind in ("agency_id", "?agency_id"):
        return str(world.agencies[column].id)
    if kind == "user_id":
        return str(world.people[column].id)
    return str(world.inspections[column].id)


def _open_session(settings, user_id: int, now: datetime) -> tuple[str, str]:
    with Session(engine_for(settings.database_url)) as db:
        record = sessions.start(session=db, user_id=user_id, now=now, minutes=5)
        db.commit()
        return record.id, record.csrf_token


def _fresh_notice(settings, case_id: int) -> str:
    """An unsent notice of the column's case, new for each cell: marking one sent must not
    change what the next cell sees."""
    now = datetime.now(UTC)
    with Session(engine_for(settings.database_url)) as db:
        notice = CaseNotice(
            case_id=case_id, kind="acceptance", due_at=now, created_at=now, channel="print"
        )
        db.add(notice)
        db.commit()
        return str(notice.id)


def _attachment(settings, case_id: int) -> str:
    """A PDF kept with the column's case, stored where the application reads it."""
    now = datetime.now(UTC)
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    storage = make_storage(kind=settings.attachment_storage, directory=settings.attachment_dir)
    with Session(engine_for(settings.database_url)) as db, TemporaryDirectory() as folder:
        source = Path(folder) / "don.pdf"
        source.write_bytes(data)
        storage.put(session=db, sha256=hashlib.sha256(data).hexdigest(), source=source)
        attachment = Attachment(
            case_id=case_id, kind=AttachmentKind.letter, filename="don.pdf", size=len(data),
            content_type="application/pdf", sha256=hashlib.sha256(data).hexdigest(),
            uploaded_at=now,
        )  # fmt: skip
        db.add(attachment)
        db.commit()
        return str(attachment.id)


def request(client, settings, world: World, role: str, method: str, path: str, kind, column):
    values = dict(FIXED)
    if "{code}" in path and path.startswith("/api"):
        values["code"] = world.cases["own"].code
    if "{service_request_id}" in path:  # Open311 reads a request by its tracking code
        values["service_request_id"] = world.cases["own"].code
    if "/act/{action}" in path:  # each offered action has its own route; this one is the rest
        values["action"] = "no_such_action"
    params = {}
    if kind == "?agency_id":
        params["agency_id"] = target(world, kind, column)
    elif kind == "attachment_id":
        values[kind] = _attachment(settings, world.cases[column].id)
    elif kind:
        values[kind] = target(world, kind, column)
    if "{notice_id}" in path:
        values["notice_id"] = _fresh_notice(settings, world.cases[column].id)
    url = path.format(**values)
    headers = {}
    if role != "anonymous":
        user = world.users[role]
        now = datetime.now(UTC)
        session_id, csrf = _open_session(settings, user.id, now)
        token = create_token(
            user_id=user.id, session_id=session_id, secret=settings.secret_key, now=now, minutes=5
        )
        if url.startswith("/api"):
            headers["Authorization"] = f"Bearer {token}"
        else:
            headers["Cookie"] = f"{TOKEN_COOKIE}={token}"
            headers["X-CSRF-Token"] = csrf
    if method in SAFE:
        return client.request(method, url, params=params, headers=headers, follow_redirects=False)
    body = {"json": {}} if url.startswith("/api") else {"data": {}}
    return client.request(
        method, url, params=params, headers=headers, follow_redirects=False, **body
    )


def _cell(world: World, response, column: str) -> str:
    """The status, with `*` when a 200 shows the tracking code of the column's case: a
    list filtered to another agency must answer 200 without it."""
    case = world.cases.get(column)
    if response.status_code == 200 and case is not None and case.code in response.text:
        return "200*"
    return str(response.status_code)


@pytest.fixture
def world(session) -> World:
    return build(session)


def test_every_route_answers_as_the_matrix_says(client, settings, world):
    observed: dict[str, dict[str, str]] = {}
    for method, path, route in routes():
        kind, cols = columns(path, route)
        row = {}
        for role in ROLES:
            cells = []
            for column in cols:
                response = request(client, settings, world, role, method, path, kind, column)
                cells.append(_cell(world, response, column))
            row[role] = " ".join(cells)
        observed[f"{method} {path}"] = row
    if os.environ.get("DONDOC_MATRIX_PRINT"):
        for key, row in observed.items():
            print(f"    {key!r}: {row!r},")
    missing = sorted(set(observed) - set(EXPECTED))
    assert not missing, f"routes without an entry in the access matrix: {missing}"
    stale = sorted(set(EXPECTED) - set(observed))
    assert not stale, f"entries for routes that no longer exist: {stale}"
    wrong = [
        f"{key} as {role}: expected {EXPECTED[key][role]}, got {observed[key][role]}"
        for key in EXPECTED
        for role in ROLES
        if EXPECTED[key][role] != observed[key][role]
    ]
    assert not wrong, "\n".join(wrong)
