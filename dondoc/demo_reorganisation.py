"""The 2025 reform in the demo: Thái Nguyên's districts and towns dissolved as of 01/07/2025.

From 01/07/2025 local government has two tiers, province and commune (LEGAL.md "Agencies"):
district-level units (huyện, and TP. Thái Nguyên as a district-level city) and towns (thị
trấn) were abolished. The old cases keep the places the seeds name (they were received
there); the dissolution moves the open ones to the successors below, and the cases of 2026
are registered at the successors. The successors' names are the demo's own choice: they were
not checked against the Standing Committee's 2025 resolution on Thái Nguyên's communes.
"""

from datetime import date, datetime, time

from sqlmodel import Session

from dondoc.demo_cases import LOCAL_TZ
from models import Agency, User
from workflows.cases import reorganisation

EFFECTIVE_ON = date(2025, 7, 1)
EFFECTIVE_AT = datetime.combine(EFFECTIVE_ON, time(), tzinfo=LOCAL_TZ)
BASIS = "Tổ chức chính quyền địa phương hai cấp từ 01/07/2025"
PROVINCE = "UBND tỉnh Thái Nguyên"
CITY_SUCCESSOR = "UBND phường Phan Đình Phùng"

# The successors, new on 01/07/2025: name, email (each under the province).
SUCCESSORS: list[tuple[str, str]] = [
    (CITY_SUCCESSOR, "phandinhphung@thainguyen.gov.vn"),
    ("UBND xã Định Hóa", "dinhhoa@thainguyen.gov.vn"),
    ("UBND xã Đồng Hỷ", "dongy@thainguyen.gov.vn"),
    ("UBND xã Đại Từ", "daitu@thainguyen.gov.vn"),
]

# Dissolved, in this order: old agency, successor. The districts go first, so that each
# successor takes the district's head; the agencies below a district go under the province.
DISSOLVED: list[tuple[str, str]] = [
    ("UBND TP. Thái Nguyên", CITY_SUCCESSOR),
    ("UBND huyện Định Hóa", "UBND xã Định Hóa"),
    ("UBND huyện Đồng Hỷ", "UBND xã Đồng Hỷ"),
    ("UBND huyện Đại Từ", "UBND xã Đại Từ"),
    ("Phòng Nội vụ huyện Đại Từ", "UBND xã Đại Từ"),
    ("UBND thị trấn Chợ Chu", "UBND xã Định Hóa"),
    ("UBND thị trấn Hóa Thượng", "UBND xã Đồng Hỷ"),
]


def dissolve_districts(
    *,
    session: Session,
    agencies: dict[str, Agency],
    admin: User,
    now: datetime,
    base_url: str,
) -> int:
    """Apply the reform as an administrator records it at `now` (on or after 01/07/2025);
    returns the number of open cases moved."""
    moved = 0
    for old, successor in DISSOLVED:
        result = reorganisation.dissolve(
            session=session,
            agency=agencies[old],
            successor_id=agencies[successor].id,
            effective_at=EFFECTIVE_AT,
            basis=BASIS,
            children_parent_id=agencies[PROVINCE].id,
            actor=admin,
            now=now,
            base_url=base_url,
        )
        moved += len(result.moved_case_ids)
    session.flush()
    return moved
