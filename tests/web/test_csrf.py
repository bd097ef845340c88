"""Issue 13, item 4: a page form posted from another origin, or without the session's
token, is refused with 403 and changes nothing."""

import pytest
from sqlmodel import func, select

from api.deps import TOKEN_COOKIE, utcnow
from models import Inspection
from tests.factories import PASSWORD, make_agency, make_user, session_token
from tests.web.conftest import csrf_token

EVIL = "https://evil.example"


@pytest.fixture(autouse=True)
def _clock(client, now):
    client.app.dependency_overrides[utcnow] = lambda: now


def _plan(story) -> dict:
    return {
        "agency_id": str(story.agencies["tinh"].id),
        "title": "Kiểm tra công vụ",
        "kind": "planned",
        "meeting_at": "2026-03-05T14:00",
        "leader_id": str(story.leader.id),
        "member_ids": [str(story.leader.id)],
    }


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Inspection)).one()


def test_cross_origin_post_with_a_valid_cookie_is_403_and_changes_nothing(
    client, settings, session, story
):
    client.cookies.set(TOKEN_COOKIE, session_token(settings, story.leader))
    token = csrf_token(client)
    form = _plan(story) | {"csrf_token": token}
    refused = client.post("/inspections", data=form, headers={"Origin": EVIL})
    assert refused.status_code == 403
    assert "không gửi từ trang này" in refused.text
    referer = client.post("/inspections", data=form, headers={"Referer": f"{EVIL}/x"})
    assert referer.status_code == 403
    assert _count(session) == 0
    # The same form from the site itself goes through.
    own = client.post(
        "/inspections", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False
    )
    assert own.status_code == 303 and _count(session) == 1


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_post_without_the_session_token_is_403(client, settings, session, story, token):
    client.cookies.set(TOKEN_COOKIE, session_token(settings, story.leader))
    form = _plan(story) if token is None else _plan(story) | {"csrf_token": token}
    assert client.post("/inspections", data=form).status_code == 403
    assert _count(session) == 0


def test_another_sessions_token_does_not_work(client, settings, session, story):
    client.cookies.set(TOKEN_COOKIE, session_token(settings, story.member))
    foreign = csrf_token(client)
    client.cookies.set(TOKEN_COOKIE, session_token(settings, story.leader))
    form = _plan(story) | {"csrf_token": foreign}
    assert client.post("/inspections", data=form).status_code == 403
    assert _count(session) == 0


def test_cross_origin_sign_in_and_sign_out_are_refused(client, session):
    client.app.dependency_overrides.pop(utcnow)  # a real sign-in: the real clock
    user = make_user(session, "clerk", make_agency(session))
    form = {"username": user.username, "password": PASSWORD}
    assert client.post("/sign-in", data=form, headers={"Origin": EVIL}).status_code == 403
    assert TOKEN_COOKIE not in client.cookies
    assert client.post("/sign-in", data=form, follow_redirects=False).status_code == 303
    assert client.post("/sign-out", headers={"Origin": EVIL}).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200  # still signed in
