"""The world the access matrix probes: a province with a district (own), its commune
(child) and a sibling district; another province; one user per role at the district; an
inspection whose team holds every staff user and one whose team holds none of them."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from models import Agency, Case, Inspection, InspectionCreate, Role, User
from tests.factories import make_agency, make_head, make_user
from tests.inspection_factories import make_case
from workflows.inspections import service as inspections

ROLES = ("anonymous", "clerk", "officer", "head", "inspector", "admin")
PLACES = ("own", "child", "sibling", "other_province")
TEAMS = ("member", "not_member")


@dataclass
class World:
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)  # an officer at each place
    inspections: dict[str, Inspection] = field(default_factory=dict)


def build(session: Session) -> World:
    world = World()
    province = make_agency(session, "UBND tỉnh A")
    world.agencies = {
        "province": province,
        "own": make_agency(session, "UBND huyện B", parent=province),
        "sibling": make_agency(session, "UBND huyện C", parent=province),
        "other_province": make_agency(session, "UBND tỉnh D"),
    }
    world.agencies["child"] = make_agency(session, "UBND xã E", parent=world.agencies["own"])
    own = world.agencies["own"]
    world.users = {
        "clerk": make_user(session, Role.clerk, own),
        "officer": make_user(session, Role.officer, own),
        "head": make_head(session, own),
        "inspector": make_user(session, Role.inspector, province),
        "admin": make_user(session, Role.admin),
    }
    received = datetime.now(UTC) - timedelta(days=3)
    for place in PLACES:
        agency = world.agencies[place]
        world.cases[place] = make_case(
            session, agency, received_at=received, citizen_phone="0912345678"
        )
        world.people[place] = make_user(session, Role.officer, agency)
    admin = world.users["admin"]
    staff = [world.users[role].id for role in ("inspector", "clerk", "officer", "head")]
    outsider = make_user(session, Role.inspector, province)
    for team, members in (("member", staff), ("not_member", [outsider.id])):
        world.inspections[team] = inspections.create(
            session=session,
            data=InspectionCreate(
                agency_id=own.id,
                include_subtree=True,
                title=f"Kiểm tra ({team})",
                meeting_at=datetime.now(UTC) + timedelta(days=1),
                member_ids=members,
            ),
            actor=admin,
            now=datetime.now(UTC),
        )
    session.commit()
    return world
