"""The administrator's users page: disable, reset a password, change role and agency;
each change ends or keeps sessions as the API does, and is listed with the sign-ins."""

from api.deps import TOKEN_COOKIE
from models import Role, User
from tests.factories import make_agency, make_user, session_token
from tests.web.conftest import with_csrf


def _as(client, settings, user):
    client.cookies.set(TOKEN_COOKIE, session_token(settings, user))


def test_admin_disables_a_user_and_their_session_ends(client, settings, session):
    agency = make_agency(session)
    admin = make_user(session, Role.admin)
    officer = make_user(session, Role.officer, agency)
    officer_token = session_token(settings, officer)
    _as(client, settings, admin)
    page = client.get("/users")
    assert page.status_code == 200 and officer.username in page.text
    form = with_csrf(client, {"role": "officer", "agency_id": str(agency.id)})  # unchecked
    response = client.post(f"/users/{officer.id}", data=form, follow_redirects=False)
    assert response.status_code == 303
    session.expire_all()
    assert session.get(User, officer.id).is_active is False
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {officer_token}"})
    assert me.status_code == 401
    page = client.get("/users").text
    assert 'data-event="user_changed"' in page


def test_weak_password_is_explained_and_changes_nothing(client, settings, session):
    agency = make_agency(session)
    admin = make_user(session, Role.admin)
    clerk = make_user(session, Role.clerk, agency)
    before = session.get(User, clerk.id).password_hash
    _as(client, settings, admin)
    form = {"role": "clerk", "agency_id": str(agency.id), "is_active": "1", "password": "123456"}
    response = client.post(f"/users/{clerk.id}", data=with_csrf(client, form))
    assert response.status_code == 422 and "Mật khẩu quá yếu" in response.text
    session.expire_all()
    assert session.get(User, clerk.id).password_hash == before


def test_admin_changes_role_and_jurisdiction(client, settings, session):
    province, other = make_agency(session), make_agency(session)
    admin = make_user(session, Role.admin)
    user = make_user(session, Role.officer, province)
    _as(client, settings, admin)
    form = {
        "role": "inspector",
        "agency_id": str(province.id),
        "jurisdiction_agency_id": str(other.id),
        "is_active": "1",
    }
    response = client.post(f"/users/{user.id}", data=with_csrf(client, form))
    assert response.status_code == 200
    session.expire_all()
    changed = session.get(User, user.id)
    assert (changed.role, changed.jurisdiction_agency_id) == (Role.inspector, other.id)


def test_only_administrators_see_the_users_page(client, settings, session):
    head = make_user(session, Role.head, make_agency(session))
    _as(client, settings, head)
    assert client.get("/users").status_code == 403
    form = with_csrf(client, {"role": "admin", "is_active": "1"})
    assert client.post(f"/users/{head.id}", data=form).status_code == 403
    session.expire_all()
    assert session.get(User, head.id).role == Role.head


def test_the_list_is_searched_and_paged_and_one_user_is_changed_at_a_time(
    client, settings, session
):
    """A country has some 15,000 users and 3,763 agencies: the page lists 50 users at a
    time, and draws the agency lists once, for the user being changed."""
    agency = make_agency(session, "UBND xã Phúc Trìu")
    admin = make_user(session, Role.admin)
    for n in range(55):
        make_user(session, Role.clerk, agency, username=f"vanthu{n:02d}", full_name=f"Văn thư {n}")
    officer = make_user(session, Role.officer, agency, username="canbo.hoa", full_name="Lê Thị Hoa")
    _as(client, settings, admin)

    first = client.get("/users").text
    assert first.count('data-username="') == 50 and 'rel="next"' in first
    assert 'name="agency_id"' not in first  # no form until a user is chosen
    second = client.get("/users?page=2").text
    assert second.count('data-username="') == 57 - 50 and 'rel="prev"' in second

    found = client.get("/users?q=HOA").text  # name or username, case aside
    assert found.count('data-username="') == 1 and 'data-username="canbo.hoa"' in found
    assert "UBND xã Phúc Trìu" in found  # the agency by its name

    editing = client.get(f"/users?q=hoa&edit={officer.id}").text
    assert f'action="/users/{officer.id}"' in editing
    assert editing.count('name="agency_id"') == 1 and editing.count('action="/users/') == 1
    for typed in ("xyz", "99999999999999", "²", "0", "-1"):  # "²".isdigit() is true
        assert client.get(f"/users?page={typed}&edit={typed}").status_code == 200, typed
