"""The page's sign-out ends the session on the server: a copy of the cookie taken before
(a shared computer, a stolen cookie) no longer opens anything."""

from api.deps import TOKEN_COOKIE
from models import Role
from tests.factories import PASSWORD, make_agency, make_user
from tests.web.conftest import with_csrf


def test_a_copied_cookie_stops_working_after_sign_out(client, session):
    officer = make_user(session, Role.officer, make_agency(session))
    form = {"username": officer.username, "password": PASSWORD}
    assert client.post("/sign-in", data=form, follow_redirects=False).status_code == 303
    copied = client.cookies[TOKEN_COOKIE]
    assert (
        client.post("/sign-out", data=with_csrf(client, {}), follow_redirects=False).status_code
        == 303
    )
    client.cookies.set(TOKEN_COOKIE, copied)
    assert client.get("/queue", follow_redirects=False).status_code == 303  # to sign-in
    assert client.get("/api/v1/users/me").status_code == 401
