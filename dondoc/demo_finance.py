"""Seed 001: the 380 dossiers of Sở Tài chính TP. Cần Thơ, 1 January to 25 September 2014.

The inspection of 25/9/2014 found 380 dossiers received and handled in five fields ("ngân
sách, hành chính sự nghiệp, đầu tư, quản lý giá - công sản, tài chính doanh nghiệp"), "mostly
resolved correctly and before the appointment", 69 still being processed. So: 311 resolved,
a few of them late, and the last 69 received still open (they stay open: long-pending now).
Deterministic: one seeded random.Random; every act lies on a working day, in office hours,
no later than the day of the inspection.
"""

import random
from datetime import date, timedelta

from dondoc.demo_cases import SEED_001, Act, Story, local
from workflows.deadlines.calendar import WorkingCalendar

AGENCY = "Sở Tài chính TP. Cần Thơ"
DESK, OFFICER = "motcua.stc", "chuyenvien.stc"
FIRST_DAY, INSPECTION_DAY = date(2014, 1, 2), date(2014, 9, 25)
TOTAL, STILL_OPEN, LATE = 380, 69, 9
NOT_YET_ACCEPTED = 3  # received on the day of the inspection itself

# field: (procedure code, title, answer) — {unit} is the unit that filed it
PROCEDURES: dict[str, list[tuple[str, str, str]]] = {
    "Ngân sách": [
        ("ma-so-dvqhns", "Đăng ký mã số đơn vị có quan hệ với ngân sách — {unit}",
         "Đã cấp mã số đơn vị có quan hệ với ngân sách."),
        ("tham-dinh-quyet-toan-ns", "Thẩm định quyết toán ngân sách năm 2013 — {unit}",
         "Đã thông báo kết quả thẩm định quyết toán."),
    ],
    "Hành chính sự nghiệp": [
        ("du-toan-kinh-phi", "Thẩm định dự toán kinh phí hoạt động năm 2014 — {unit}",
         "Đã thẩm định, trình UBND thành phố giao dự toán."),
        ("tu-chu-tai-chinh", "Giao quyền tự chủ tài chính cho đơn vị sự nghiệp — {unit}",
         "Đã có văn bản thống nhất phương án tự chủ tài chính."),
    ],
    "Đầu tư": [
        ("quyet-toan-du-an", "Thẩm tra quyết toán dự án hoàn thành: {project} — {unit}",
         "Đã thẩm tra, phê duyệt quyết toán vốn đầu tư."),
    ],
    "Quản lý giá - công sản": [
        ("dang-ky-gia", "Đăng ký giá {goods} — {company}",
         "Đã tiếp nhận biểu mẫu đăng ký giá, không có ý kiến điều chỉnh."),
        ("thanh-ly-tai-san", "Thanh lý tài sản nhà nước ({asset}) — {unit}",
         "Đã có quyết định thanh lý tài sản."),
        ("dieu-chuyen-tai-san", "Điều chuyển tài sản nhà nước ({asset}) — {unit}",
         "Đã có quyết định điều chuyển tài sản."),
    ],
    "Tài chính doanh nghiệp": [
        ("bao-cao-tai-chinh-dn", "Thẩm định báo cáo tài chính năm 2013 — {company}",
         "Đã có văn bản thẩm định báo cáo tài chính."),
        ("co-phan-hoa", "Thẩm định phương án cổ phần hóa — {company}",
         "Đã trình UBND thành phố phê duyệt phương án."),
    ],
}  # fmt: skip
DISTRICTS = "Ninh Kiều, Bình Thủy, Cái Răng, Ô Môn, Thốt Nốt, Phong Điền, Cờ Đỏ, Thới Lai".split(
    ", "
)
WARDS = "An Hòa, An Cư, Tân An, Xuân Khánh, Hưng Lợi, Cái Khế, An Bình, Trà Nóc, Lê Bình".split(
    ", "
)
UNITS = [
    "Trường Tiểu học {w}",
    "Trường Mầm non {w}",
    "Trạm Y tế phường {w}",
    "UBND phường {w}",
    "Trung tâm Y tế quận {d}",
    "Phòng Giáo dục và Đào tạo quận {d}",
    "Ban Quản lý dự án đầu tư xây dựng quận {d}",
    "Trung tâm Văn hóa - Thể thao quận {d}",
]
PROJECT_OWNERS = ["Ban Quản lý dự án đầu tư xây dựng quận {d}", "UBND phường {w}"]
COMPANIES = ["Công ty TNHH Thương mại {a} {b}", "Công ty CP Xây dựng {a} {b}",
             "Công ty TNHH MTV Cấp thoát nước {a}", "Công ty CP Vận tải {a} {b}",
             "Công ty TNHH Dược phẩm {a} {b}"]  # fmt: skip
BRANDS = "Tây Đô, Phương Nam, Mekong, Hậu Giang, Cửu Long, Sông Hậu, Phú An, Hòa Phát".split(", ")
PROJECTS = ["Nâng cấp đường hẻm phường {w}", "Xây dựng phòng học trường tiểu học {w}",
            "Cải tạo trụ sở UBND phường {w}", "Kè chống sạt lở rạch phường {w}"]  # fmt: skip
GOODS = ["sữa dành cho trẻ em dưới 6 tuổi", "thuốc chữa bệnh", "cước vận tải hành khách"]
ASSETS = ["xe ô tô 7 chỗ", "máy photocopy", "bàn ghế học sinh", "máy phát điện"]
FAMILY = "Nguyễn Trần Lê Phạm Huỳnh Võ Phan Trương Đặng Bùi Đỗ Hồ Lâm Dương Lý Châu".split()
MIDDLE = "Văn Thị Minh Ngọc Thanh Hoàng Kim Quốc Thu Hữu".split()
GIVEN = "An Bảo Châu Dũng Duyên Hải Hạnh Hậu Khoa Lan Linh Lộc Nhân Phúc Tâm Thảo Trí Vy".split()


def dossiers(*, calendar: WorkingCalendar, seed: int = 20140925) -> list[Story]:
    """The 380 dossiers, oldest first: 311 resolved (`LATE` after their date), 69 open."""
    rng = random.Random(seed)
    days = [d for d in _days(FIRST_DAY, INSPECTION_DAY) if calendar.is_working_day(d)]
    received = sorted(
        (rng.choice(days), f"{rng.randint(7, 15):02d}:{rng.choice((30, 40, 50)):02d}")
        for _ in range(TOTAL - NOT_YET_ACCEPTED)
    )
    received += [(INSPECTION_DAY, clock) for clock in ("14:10", "14:40", "15:20")][
        :NOT_YET_ACCEPTED
    ]
    resolved = TOTAL - STILL_OPEN
    late = set(rng.sample(range(resolved * 2 // 3), LATE))
    stories = []
    for n, (day, clock) in enumerate(received):
        clock = clock[:3] + f"{int(clock[3:]) + rng.randint(0, 9):02d}"
        story, answer = _story(rng, day, clock)
        if n < TOTAL - NOT_YET_ACCEPTED:
            story.acts.append(Act(_accepted(rng, calendar, story), "accept", OFFICER))
        if n < resolved:
            _resolve(rng, calendar, story, answer, late=n in late)
        elif n < TOTAL - NOT_YET_ACCEPTED:
            _keep_open(rng, calendar, story)
        stories.append(story)
    return stories


def _story(rng: random.Random, day: date, clock: str) -> tuple[Story, str]:
    """A dossier of one of the five fields, filed by a unit or a company, and its answer."""
    field = rng.choice(list(PROCEDURES))
    procedure, title, answer = rng.choice(PROCEDURES[field])
    ward, district = rng.choice(WARDS), rng.choice(DISTRICTS)
    units = PROJECT_OWNERS if procedure == "quyet-toan-du-an" else UNITS
    unit = rng.choice(units).format(w=ward, d=district)
    company = rng.choice(COMPANIES).format(a=rng.choice(BRANDS), b=rng.choice(DISTRICTS))
    title = title.format(
        unit=unit,
        company=company,
        project=rng.choice(PROJECTS).format(w=ward),
        goods=rng.choice(GOODS),
        asset=rng.choice(ASSETS),
    )
    filer = company if "{company}" in _template(procedure) else unit
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    phone = f"09{rng.randint(0, 99):02d} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}"
    body = {
        "kind": "dossier",
        "title": title,
        "description": f"Lĩnh vực: {field}. Đơn vị nộp: {filer}. Người nộp: {name}.",
        "channel": "online" if rng.random() < 0.1 else "in_person",
        "citizen": {"name": name, "phone": phone, "address": f"{filer}, TP. Cần Thơ"},
        "procedure": procedure,
    }
    return Story(SEED_001, AGENCY, DESK, local(day, clock), body), answer


def _resolve(rng: random.Random, calendar: WorkingCalendar, story: Story, answer: str, late: bool):
    """Resolved before its date (20 working days from receipt), or a few days after it."""
    day = story.received_at.date()
    taken = rng.randint(21, 25) if late else rng.choice([3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 17])
    if not late and rng.random() < 0.08:  # incomplete: asked for documents, the clock paused
        asked = calendar.add_working_days(day, 2)
        back = calendar.add_working_days(asked, rng.randint(2, 6))
        story.acts += [
            Act(local(asked, "10:00"), "request_documents", OFFICER, {"missing": _missing(rng)}),
            Act(local(back, "09:30"), "documents_received", DESK),
        ]
        taken += calendar.working_days_between(asked, back)
    finish = min(calendar.add_working_days(day, taken), INSPECTION_DAY)
    clock = f"{rng.randint(13, 16)}:{rng.randint(0, 59):02d}"
    story.acts.append(Act(local(finish, clock), "resolve", OFFICER, {"answer": answer}))


def _keep_open(rng: random.Random, calendar: WorkingCalendar, story: Story):
    """Still being processed on 25/9/2014: assigned; a dossier whose date had passed by then
    waited for the unit's documents, and is back in processing if they came in time."""
    day, accepted_at = story.received_at.date(), story.acts[0].at
    story.acts.append(Act(accepted_at + timedelta(minutes=5), "assign", OFFICER,
                          {"assignee": OFFICER}))  # fmt: skip
    due = calendar.add_working_days(day, 20)
    if due > INSPECTION_DAY:
        return
    asked = calendar.add_working_days(day, 2)
    story.acts.append(Act(local(asked, "10:30"), "request_documents", OFFICER,
                          {"missing": _missing(rng)}))  # fmt: skip
    needed = calendar.working_days_between(due, INSPECTION_DAY) + 1 + rng.randint(0, 4)
    back = calendar.add_working_days(asked, needed)
    if back <= INSPECTION_DAY:
        story.acts.append(Act(local(back, "08:45"), "documents_received", DESK))


def _missing(rng: random.Random) -> str:
    return rng.choice([
        "Bản sao quyết định phê duyệt dự toán có chứng thực",
        "Biên bản kiểm kê tài sản; ý kiến của cơ quan chủ quản",
        "Báo cáo quyết toán có chữ ký của thủ trưởng đơn vị",
        "Hồ sơ pháp lý của dự án (quyết định đầu tư, hợp đồng, biên bản nghiệm thu)",
    ])  # fmt: skip


def _accepted(rng: random.Random, calendar: WorkingCalendar, story: Story):
    """Accepted the same working day within hours, or the next working morning."""
    if story.received_at.hour < 14:
        return story.received_at + timedelta(minutes=rng.randint(30, 150))
    return local(calendar.add_working_days(story.received_at.date(), 1), "08:15")


def _template(procedure: str) -> str:
    return next(t for items in PROCEDURES.values() for p, t, _ in items if p == procedure)


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
