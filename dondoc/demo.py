"""The demo data: the agencies, people and cases of the seed stories.

Seed 002 (Thái Nguyên): the province, its pre-2025 districts, the communes and towns it
names, and four long-pending cases with their original years. Seeds 000/001 (Cần Thơ): the
departments inspected, and the 380 dossiers of Sở Tài chính in 2014, 69 of them still open.
"""

import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from models import Agency, Role, User, UserCreate
from models.db import engine_for
from workflows import users

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
    ("chutich.dongy", "Hà Văn Tuấn", Role.head, "UBND huyện Đồng Hỷ", True),
    ("giamdoc.snv", "Nguyễn Văn Hiển", Role.head, "Sở Nội vụ tỉnh Thái Nguyên", True),
    ("kiemtra.tn", "Đinh Thị Mai", Role.inspector, "Sở Nội vụ tỉnh Thái Nguyên", False),
    ("truongphong.daitu", "Nguyễn Văn Hưng", Role.head, "Phòng Nội vụ huyện Đại Từ", True),
    ("giamdoc.stc", "Trần Văn Phúc", Role.head, "Sở Tài chính TP. Cần Thơ", True),
    ("motcua.stc", "Lý Thị Ngọc", Role.clerk, "Sở Tài chính TP. Cần Thơ", False),
    ("chuyenvien.stc", "Huỳnh Văn Lộc", Role.officer, "Sở Tài chính TP. Cần Thơ", False),
    ("kiemtra.ct", "Nguyễn Khải Hoàn", Role.inspector, "Sở Nội vụ TP. Cần Thơ", False),
]


def reset_database(url: str) -> None:
    """Start from an empty database: the SQLite file is removed; PostgreSQL must be empty."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        engine_for.cache_clear()
        return
    from sqlalchemy import inspect

    if inspect(engine_for(url)).get_table_names():
        raise SystemExit("the demo needs an empty database; point DONDOC_DATABASE_URL elsewhere")


def load(*, database_url: str, now: datetime) -> list[tuple[str, str, str, str]]:
    """Load agencies, people and cases; returns (username, password, role, agency) rows."""
    with Session(engine_for(database_url), expire_on_commit=False) as session:
        if session.exec(select(func.count()).select_from(Agency)).one():
            raise SystemExit("the database already holds data; the demo needs a fresh one")
        agencies = _load_agencies(session)
        accounts = _load_people(session, agencies, now)
        session.commit()
    return accounts


def _load_agencies(session: Session) -> dict[str, Agency]:
    by_name: dict[str, Agency] = {}
    for name, parent, email in AGENCIES:
        agency = Agency(name=name, email=email, parent_id=by_name[parent].id if parent else None)
        session.add(agency)
        session.flush()
        by_name[name] = agency
    return by_name


def _load_people(session: Session, agencies: dict[str, Agency], now: datetime):
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
        accounts.append((username, password, role.value, agency_name or "—"))
    session.flush()
    return accounts
