"""The demo data: the agencies, people and cases of the seed stories.

Seed 002 (Thái Nguyên): the province, its pre-2025 districts, the communes and towns it
names, four long-pending cases with their original years, and an inspection of the Sở Nội vụ
team planned on them. Seeds 000/001 (Cần Thơ): the departments inspected, and the 380 dossiers
of Sở Tài chính in 2014, 69 of them still open. A few weeks of recent work at TP. Thái Nguyên.
Cases are replayed through the domain functions (dondoc/demo_replay.py).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from core.settings import Settings
from dondoc import demo_cases, demo_finance, demo_reorganisation, demo_replay
from dondoc.demo_cases import LOCAL_TZ, local
from models import (
    OPEN_STATUSES,
    Agency,
    Case,
    CaseStatus,
    Inspection,
    InspectionCreate,
    Role,
    User,
    UserCreate,
)
from models.db import engine_for
from workflows.deadlines import calendar as calendars
from workflows.deadlines import dates as deadlines
from workflows.inspections import service as inspections
from workflows.inspections.agenda import agenda
from workflows.org import users

# name, parent name (None: a root), email
AGENCIES: list[tuple[str, str | None, str]] = [
    ("UBND tỉnh Thái Nguyên", None, "ubnd@thainguyen.gov.vn"),
    ("Sở Nội vụ tỉnh Thái Nguyên", "UBND tỉnh Thái Nguyên", "snv@thainguyen.gov.vn"),
    ("Sở Tài nguyên và Môi trường Thái Nguyên", "UBND tỉnh Thái Nguyên", "stnmt@thainguyen.gov.vn"),
    ("UBND TP. Thái Nguyên", "UBND tỉnh Thái Nguyên", "ubnd@tpthainguyen.gov.vn"),
    ("UBND xã Phúc Trìu", "UBND TP. Thái Nguyên", "phuctriu@tpthainguyen.gov.vn"),
    ("UBND xã Linh Sơn", "UBND TP. Thái Nguyên", "linhson@tpthainguyen.gov.vn"),
    ("UBND huyện Định Hóa", "UBND tỉnh Thái Nguyên", "ubnd@dinhhoa.thainguyen.gov.vn"),
    ("UBND thị trấn Chợ Chu", "UBND huyện Định Hóa", "chochu@dinhhoa.thainguyen.gov.vn"),
    ("UBND huyện Đồng Hỷ", "UBND tỉnh Thái Nguyên", "ubnd@dongy.thainguyen.gov.vn"),
    ("UBND thị trấn Hóa Thượng", "UBND huyện Đồng Hỷ", "hoathuong@dongy.thainguyen.gov.vn"),
    ("UBND huyện Đại Từ", "UBND tỉnh Thái Nguyên", "ubnd@daitu.thainguyen.gov.vn"),
    ("Phòng Nội vụ huyện Đại Từ", "UBND huyện Đại Từ", "pnv@daitu.thainguyen.gov.vn"),
    ("UBND TP. Cần Thơ", None, "ubnd@cantho.gov.vn"),
    *((name, "UBND tỉnh Thái Nguyên", email) for name, email in demo_reorganisation.SUCCESSORS),
    ("Sở Nội vụ TP. Cần Thơ", "UBND TP. Cần Thơ", "snv@cantho.gov.vn"),
    ("Sở Tư pháp TP. Cần Thơ", "UBND TP. Cần Thơ", "stp@cantho.gov.vn"),
    ("Sở Tài chính TP. Cần Thơ", "UBND TP. Cần Thơ", "stc@cantho.gov.vn"),
    ("Sở Giao thông vận tải TP. Cần Thơ", "UBND TP. Cần Thơ", "sgtvt@cantho.gov.vn"),
]

# username, full name, role, agency name, head of that agency?
PEOPLE: list[tuple[str, str, Role, str | None, bool]] = [
    ("admin", "Quản trị hệ thống", Role.admin, None, False),
    ("letan.tn", "Hoàng Thị Lan", Role.clerk, "UBND TP. Thái Nguyên", False),
    ("chuyenvien.tn", "Phạm Văn Đức", Role.officer, "UBND TP. Thái Nguyên", False),
    ("chutich.tptn", "Lê Quang Minh", Role.head, "UBND TP. Thái Nguyên", True),
    ("chutich.tinh", "Đỗ Văn Thành", Role.head, "UBND tỉnh Thái Nguyên", True),
    ("chutich.phuctriu", "Nguyễn Văn Sơn", Role.head, "UBND xã Phúc Trìu", True),
    ("chuyenvien.pt", "Vũ Thị Hà", Role.officer, "UBND xã Phúc Trìu", False),
    ("chutich.linhson", "Trịnh Văn Bình", Role.head, "UBND xã Linh Sơn", True),
    ("chutich.dinhhoa", "Ma Văn Kiên", Role.head, "UBND huyện Định Hóa", True),
    ("chutich.chochu", "Ma Thị Thu", Role.head, "UBND thị trấn Chợ Chu", True),
    ("chutich.dongy", "Hà Văn Tuấn", Role.head, "UBND huyện Đồng Hỷ", True),
    ("chutich.hoathuong", "Dương Văn Quý", Role.head, "UBND thị trấn Hóa Thượng", True),
    ("giamdoc.snv", "Nguyễn Văn Hiển", Role.head, "Sở Nội vụ tỉnh Thái Nguyên", True),
    ("kiemtra.tn", "Đinh Thị Mai", Role.inspector, "Sở Nội vụ tỉnh Thái Nguyên", False),
    ("truongphong.daitu", "Nguyễn Văn Hưng", Role.head, "Phòng Nội vụ huyện Đại Từ", True),
    ("giamdoc.stc", "Trần Văn Phúc", Role.head, "Sở Tài chính TP. Cần Thơ", True),
    ("motcua.stc", "Lý Thị Ngọc", Role.clerk, "Sở Tài chính TP. Cần Thơ", False),
    ("chuyenvien.stc", "Huỳnh Văn Lộc", Role.officer, "Sở Tài chính TP. Cần Thơ", False),
    ("kiemtra.ct", "Nguyễn Khải Hoàn", Role.inspector, "Sở Nội vụ TP. Cần Thơ", False),
]


INSPECTION = {
    "title": "Kiểm tra công vụ, cải cách hành chính tại các cơ quan, địa phương tỉnh Thái Nguyên",
    "legal_basis": "Kế hoạch số 45/KH-UBND ngày 17/3/2023",
    "agency": "UBND tỉnh Thái Nguyên",
    "leader": "giamdoc.snv",  # Nguyễn Văn Hiển, Phó Giám đốc Sở Nội vụ in seed 002
    "members": ["giamdoc.snv", "kiemtra.tn"],
}


@dataclass
class Loaded:
    accounts: list[tuple[str, str, str, str]]  # username, password, role, agency
    summary: list[str]


def reset_database(url: str, mail_dir: Path | None = None) -> None:
    """Start from an empty database: the SQLite file is removed; PostgreSQL must be empty.

    The mail folder's messages go too: they were written from the database being replaced.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        engine_for.cache_clear()
    else:
        from sqlalchemy import inspect

        if inspect(engine_for(url)).get_table_names():
            raise SystemExit(
                "the demo needs an empty database; point DONDOC_DATABASE_URL elsewhere"
            )
    if mail_dir is not None and mail_dir.is_dir():
        for message in mail_dir.glob("*.eml"):
            message.unlink()


def load(*, settings: Settings, now: datetime) -> Loaded:
    """Load agencies, people, cases (replayed up to `now`) and the inspection."""
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        if session.exec(select(func.count()).select_from(Agency)).one():
            raise SystemExit("the database already holds data; the demo needs a fresh one")
        agencies = _load_agencies(session)
        people, accounts = _load_people(session, agencies, now)
        calendar = calendars.load(session=session)
        stories = [
            *demo_cases.seed_002(),
            *demo_finance.dossiers(calendar=calendar),
            *demo_cases.recent(now=now, calendar=calendar),
        ]
        reform = (
            demo_reorganisation.EFFECTIVE_AT,
            lambda at: demo_reorganisation.dissolve_districts(
                session=session,
                agencies=agencies,
                admin=people["admin"],
                now=at,
                base_url=settings.base_url,
            ),
        )
        replayed = demo_replay.replay(
            session=session,
            settings=settings,
            stories=stories,
            agencies=agencies,
            people=people,
            until=now,
            milestones=[reform],
        )
        inspection = _plan_inspection(session, agencies, people, now, calendar)
        session.commit()
        summary = _summary(session, stories, replayed, inspection, now)
    return Loaded(accounts=accounts, summary=summary)


def _plan_inspection(
    session: Session,
    agencies: dict[str, Agency],
    people: dict[str, User],
    now: datetime,
    calendar: calendars.WorkingCalendar,
) -> Inspection:
    """The Sở Nội vụ team of seed 002, meeting a week from now on the province's agencies."""
    meeting_day = calendar.add_working_days(deadlines.local_date(now), 5)
    data = InspectionCreate(
        agency_id=agencies[INSPECTION["agency"]].id,
        include_subtree=True,
        title=INSPECTION["title"],
        legal_basis=INSPECTION["legal_basis"],
        meeting_at=local(meeting_day, "08:00"),
        member_ids=[people[name].id for name in INSPECTION["members"]],
        leader_id=people[INSPECTION["leader"]].id,
    )
    return inspections.create(session=session, data=data, actor=people["kiemtra.tn"], now=now)


def _summary(
    session: Session,
    stories: list[demo_cases.Story],
    replayed: demo_replay.Replayed,
    inspection: Inspection,
    now: datetime,
) -> list[str]:
    """What was loaded, counted from the database."""
    by_id = {case.id: case for case in session.exec(select(Case))}
    groups: dict[str, list[Case]] = {}
    for story, case_id in zip(stories, replayed.case_ids, strict=True):
        groups.setdefault(story.group, []).append(by_id[case_id])
    seed = ", ".join(
        f"{c.code} since {c.received_at.astimezone(LOCAL_TZ).year}"
        for c in groups[demo_cases.SEED_002]
    )
    items = agenda(session=session, inspection=inspection, now=now).items
    return [
        f"Demo data as of {_when(now)} (Asia/Ho_Chi_Minh):",
        f"  seed 002, Thái Nguyên, long-pending: {_counts(groups[demo_cases.SEED_002], now)}",
        f"    {seed}",
        f"  seed 001, {demo_finance.AGENCY}, 2014: {_counts(groups[demo_cases.SEED_001], now)}",
        f"  recent weeks at {demo_reorganisation.CITY_SUCCESSOR}: "
        f"{_counts(groups[demo_cases.RECENT], now)}",
        f"  reorganised as of 01/07/2025: {len(demo_reorganisation.DISSOLVED)} district and "
        f"town agencies dissolved, {sum(replayed.milestones)} open cases moved",
        f"  inspection on {_when(inspection.meeting_at)}: {len(items)} open cases on its agenda "
        f"({INSPECTION['legal_basis']})",
        f"  escalation replayed: {replayed.steps} ladder steps at {replayed.sweeps} instants, "
        f"{replayed.flagged} cases flagged long-pending; {replayed.delivered} emails delivered",
    ]


def _counts(group: list[Case], now: datetime) -> str:
    done = [c for c in group if c.resolved_at is not None]
    on_time = sum(c.resolved_at <= c.resolved_due_at for c in done if c.resolved_due_at)
    open_ = [c for c in group if c.status in OPEN_STATUSES]
    overdue = sum(deadlines.is_overdue(case=c, now=now) for c in open_)
    soon = sum(
        c.status != CaseStatus.on_hold and now <= c.due_at < now + timedelta(days=3)
        for c in open_
        if c.due_at
    )
    parts = [f"{len(group)} cases"]
    if done:
        parts.append(f"{len(done)} resolved ({on_time} on time)")
    declined = sum(c.status == CaseStatus.declined for c in group)
    if declined:
        parts.append(f"{declined} declined")
    parts.append(f"{len(open_)} open ({overdue} overdue, {soon} due within 3 days)")
    return ", ".join(parts)


def _when(instant: datetime) -> str:
    return instant.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def _load_agencies(session: Session) -> dict[str, Agency]:
    by_name: dict[str, Agency] = {}
    for name, parent, email in AGENCIES:
        agency = Agency(name=name, email=email, parent_id=by_name[parent].id if parent else None)
        session.add(agency)
        session.flush()
        by_name[name] = agency
    return by_name


def _load_people(
    session: Session, agencies: dict[str, Agency], now: datetime
) -> tuple[dict[str, User], list[tuple[str, str, str, str]]]:
    people: dict[str, User] = {}
    accounts = []
    for username, full_name, role, agency_name, is_head in PEOPLE:
        password = secrets.token_urlsafe(9)
        agency = agencies[agency_name] if agency_name else None
        user: User = users.create(
            session=session,
            data=UserCreate(
                username=username,
                full_name=full_name,
                email=f"{username}@demo.dondoc.vn",
                role=role,
                agency_id=agency.id if agency else None,
                password=password,
            ),
            now=now,
        )
        if is_head:
            agency.head_user_id = user.id
        people[username] = user
        accounts.append((username, password, role.value, agency_name or "—"))
    session.flush()
    return people, accounts
