"""Cases as plain rows (until the lifecycle's intake is used) and the Thái Nguyên story of
seed 002: a province, its districts and communes, their heads, and four long-pending cases."""

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from models import Agency, Case, CaseKind, CaseSchedule, CaseStatus, Channel, Role, User
from tests.case_rows import policy_version
from tests.factories import make_agency, session_token

# Users here sign in by token (see `bearer`), so they share one placeholder hash: hashing a
# password with argon2 costs about half a second per user on the CI machines.
_NO_PASSWORD = "argon2-not-used"

_codes = itertools.count(1)


def make_case(
    session: Session,
    agency: Agency,
    *,
    title: str = "Đơn kiến nghị",
    citizen_name: str = "Nguyễn Văn A",
    received_at: datetime,
    due_days: int = 30,
    status: CaseStatus = CaseStatus.accepted,
    kind: CaseKind = CaseKind.petition,
    **fields,
) -> Case:
    due_at = received_at + timedelta(days=due_days)
    case = Case(
        code=f"TEST-{next(_codes):06d}",
        kind=kind,
        status=status,
        title=title,
        channel=Channel.in_person,
        citizen_name=citizen_name,
        agency_id=agency.id,
        received_at=received_at,
        accepted_at=received_at if status != CaseStatus.received else None,
        due_at=due_at,
        updated_at=received_at,
        policy_version=policy_version(kind, received_at),
        **fields,
    )
    session.add(case)
    session.flush()
    if status in (CaseStatus.received, CaseStatus.accepted):
        session.add(CaseSchedule(case_id=case.id, next_action_at=due_at))
    session.commit()
    return case


def bearer(settings, user: User) -> dict[str, str]:
    """Headers for a user, signed with the real clock so they stay valid while the
    application's clock is moved to the test's fixed instant."""
    token = session_token(settings, user)
    return {"Authorization": f"Bearer {token}"}


def person(
    session: Session, role: Role, agency: Agency | None, full_name: str, *, head: bool = False
) -> User:
    """A user without a usable password; `head=True` also makes them the agency's head."""
    n = next(_codes)
    user = User(
        username=f"{role}{n}",
        full_name=full_name,
        email=f"{role}{n}@example.gov.vn",
        role=role,
        agency_id=agency.id if agency else None,
        password_hash=_NO_PASSWORD,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.commit()
    if head:
        agency.head_user_id = user.id
        session.add(agency)
        session.commit()
    return user


def at(year: int, month: int, day: int) -> datetime:
    """09:00 in Hà Nội on that day."""
    return datetime(year, month, day, 2, 0, tzinfo=UTC)


@dataclass
class ThaiNguyen:
    agencies: dict[str, Agency] = field(default_factory=dict)
    heads: dict[str, User] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    leader: User | None = None  # Nguyễn Văn Hiển, Phó Giám đốc Sở Nội vụ, trưởng đoàn
    member: User | None = None
    other_inspector: User | None = None  # an inspector of another team


def thai_nguyen(session: Session) -> ThaiNguyen:
    story = ThaiNguyen()
    tree = [
        ("tinh", "UBND tỉnh Thái Nguyên", None),
        ("snv", "Sở Nội vụ tỉnh Thái Nguyên", "tinh"),
        ("tp", "UBND TP. Thái Nguyên", "tinh"),
        ("phuctriu", "UBND xã Phúc Trìu", "tp"),
        ("linhson", "UBND xã Linh Sơn", "tp"),
        ("dinhhoa", "UBND huyện Định Hóa", "tinh"),
        ("chochu", "UBND thị trấn Chợ Chu", "dinhhoa"),
        ("dongy", "UBND huyện Đồng Hỷ", "tinh"),
        ("hoathuong", "UBND thị trấn Hóa Thượng", "dongy"),
        ("cantho", "UBND TP. Cần Thơ", None),
        ("stc", "Sở Tài chính TP. Cần Thơ", "cantho"),
    ]
    for key, name, parent in tree:
        agency = make_agency(session, name, parent=story.agencies.get(parent))
        story.agencies[key] = agency
        if key != "snv":
            story.heads[key] = person(session, Role.head, agency, f"Chủ tịch {name}", head=True)
    snv = story.agencies["snv"]
    story.leader = person(session, Role.inspector, snv, "Nguyễn Văn Hiển")
    story.member = person(session, Role.inspector, snv, "Đinh Thị Mai")
    story.other_inspector = person(session, Role.inspector, snv, "Lê Văn Khác")

    a = story.agencies
    # Created out of order on purpose: the agenda orders by time pending, not by id.
    story.cases["road"] = make_case(
        session,
        a["linhson"],
        title="Một hộ dân chặn đường giao thông tại xóm Nam Sơn",
        citizen_name="Các hộ dân xóm Nam Sơn",
        received_at=at(2020, 8, 17),
        escalation_level=3,
    )
    story.cases["thanh"] = make_case(
        session,
        a["phuctriu"],
        title="Chưa được cấp giấy chứng nhận quyền sử dụng đất",
        citizen_name="Bùi Thị Thanh",
        received_at=at(2020, 3, 9),
        kind=CaseKind.dossier,
    )
    story.cases["toan"] = make_case(
        session,
        a["hoathuong"],
        title="Chuyển mục đích sử dụng đất, tổ dân phố Hồng Thái",
        citizen_name="Trần Quang Toàn",
        received_at=at(2014, 5, 12),
        kind=CaseKind.dossier,
    )
    story.cases["chochu"] = make_case(
        session,
        a["chochu"],
        title="Đơn vị đo đạc bản đồ giữ lại 17 giấy chứng nhận quyền sử dụng đất",
        citizen_name="17 hộ dân thị trấn Chợ Chu",
        received_at=at(2017, 6, 5),
        transfer_count=2,
    )
    # Not on the agenda: answered already, or of another province.
    story.cases["answered"] = make_case(
        session,
        a["phuctriu"],
        title="Đã trả lời",
        received_at=at(2019, 1, 7),
        status=CaseStatus.resolved,
    )
    story.cases["cantho"] = make_case(
        session,
        a["stc"],
        title="Hồ sơ trễ hạn tại Sở Tài chính",
        received_at=at(2014, 3, 3),
        kind=CaseKind.dossier,
    )
    return story
