"""The demo's cases as stories: where and when each was received, then what was done and when.

Seed 002 (Thái Nguyên, 2023 inspection of public duty): four cases pending for years, with
their original years and places. Recent cases: a few weeks of work at TP. Thái Nguyên and its
communes, relative to the moment the demo starts, so queues, dashboards and mail show the
states an officer meets (received, accepted, on hold, due soon, overdue, answered).
The dossiers of Sở Tài chính TP. Cần Thơ (seed 001) are in dondoc/demo_finance.py.
Stories are plain data; dondoc/demo_replay.py runs them through the domain functions.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from core.clock import LOCAL_TZ
from workflows.deadlines.calendar import WorkingCalendar

SEED_002 = "seed 002"
SEED_001 = "seed 001"
RECENT = "recent"


@dataclass(frozen=True)
class Act:
    """One lifecycle action. In `fields`, `agency` (a name) stands for `agency_id` and
    `assignee` (a username) for `assignee_id`."""

    at: datetime
    action: str
    actor: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Story:
    group: str
    agency: str  # where it was received
    registered_by: str  # username
    received_at: datetime
    body: dict[str, Any]  # CaseCreate fields except agency_id and received_at
    acts: list[Act] = field(default_factory=list)


def local(day: date | str, clock: str = "09:00") -> datetime:
    """A local (Vietnam) date and time as an aware datetime."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LOCAL_TZ)


def _story(group, agency, by, received, kind, title, description, citizen, acts=(), **extra):
    """A Story from one row of the tables below; `citizen` is (name, phone, address[, email])."""
    name, phone, address, email = (*citizen, None) if len(citizen) == 3 else citizen
    body = {
        "kind": kind,
        "title": title,
        "description": description,
        "channel": extra.pop("channel", "in_person"),
        "citizen": {"name": name, "phone": phone, "address": address, "email": email},
        **extra,
    }
    return Story(group, agency, by, received, body, [Act(*act) for act in acts])


def seed_002() -> list[Story]:
    """The long-pending cases the 2023 inspection named (seed 002), from their first year."""
    s = SEED_002
    phuc_triu, linh_son, cho_chu = "UBND xã Phúc Trìu", "UBND xã Linh Sơn", "UBND thị trấn Chợ Chu"
    dinh_hoa, dong_hy = "UBND huyện Định Hóa", "UBND huyện Đồng Hỷ"
    # fmt: off
    return [
        _story(s, dong_hy, "chutich.dongy", local("2014-08-12", "09:40"), "dossier",
               "Chuyển mục đích sử dụng đất cho hộ ông Trần Quang Toàn",
               "Hộ ông Trần Quang Toàn, tổ dân phố Hồng Thái, thị trấn Hóa Thượng, đề nghị "
               "chuyển mục đích sử dụng đất vườn sang đất ở; hồ sơ nộp tại bộ phận một cửa "
               "của huyện năm 2014.",
               ("Trần Quang Toàn", "0912 508 314", "tổ dân phố Hồng Thái, thị trấn Hóa Thượng, "
                "huyện Đồng Hỷ, tỉnh Thái Nguyên"),
               [(local("2014-08-14", "08:30"), "accept", "chutich.dongy"),
                (local("2014-09-03", "10:15"), "request_documents", "chutich.dongy",
                 {"missing": "Trích lục bản đồ địa chính thửa đất; ý kiến của UBND thị trấn "
                             "Hóa Thượng về nhu cầu sử dụng đất"}),
                (local("2014-10-06", "14:00"), "documents_received", "chutich.dongy")],
               procedure="chuyen-muc-dich-su-dung-dat"),
        _story(s, cho_chu, "chutich.chochu", local("2017-05-10", "08:50"), "petition",
               "Kiến nghị đơn vị đo đạc bản đồ trả 17 giấy chứng nhận quyền sử dụng đất",
               "Đại diện 17 hộ dân thị trấn Chợ Chu kiến nghị: đơn vị đo đạc bản đồ giữ lại 17 "
               "giấy chứng nhận quyền sử dụng đất đã cấp, chưa trả cho người dân.",
               ("Ma Văn Thắng", "0978 142 617", "tổ dân phố Trung Kiên, thị trấn Chợ Chu, "
                "huyện Định Hóa, tỉnh Thái Nguyên"),
               [(local("2017-05-18", "15:20"), "transfer", "chutich.chochu",
                 {"agency": dinh_hoa, "reason": "Đơn vị đo đạc do huyện ký hợp đồng; thuộc "
                                                "thẩm quyền UBND huyện"}),
                (local("2017-06-07", "09:05"), "transfer", "chutich.dinhhoa",
                 {"agency": cho_chu, "reason": "Giao UBND thị trấn Chợ Chu làm việc với đơn vị "
                                               "đo đạc và các hộ dân, báo cáo kết quả"}),
                (local("2017-06-12", "10:30"), "accept", "chutich.chochu")]),
        _story(s, phuc_triu, "chuyenvien.pt", local("2020-06-15", "09:10"), "dossier",
               "Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho bà Bùi Thị Thanh",
               "Bà Bùi Thị Thanh, xóm Rừng Chùa, đề nghị cấp giấy chứng nhận quyền sử dụng đất "
               "lần đầu cho thửa đất ở gia đình sử dụng ổn định.",
               ("Bùi Thị Thanh", "0986 214 357", "xóm Rừng Chùa, xã Phúc Trìu, TP. Thái Nguyên"),
               [(local("2020-06-16", "08:30"), "accept", "chuyenvien.pt"),
                (local("2020-06-16", "08:35"), "assign", "chuyenvien.pt",
                 {"assignee": "chuyenvien.pt"}),
                (local("2020-06-19", "14:00"), "request_documents", "chuyenvien.pt",
                 {"missing": "Biên bản xác định ranh giới, mốc giới thửa đất có chữ ký của "
                             "các hộ giáp ranh"}),
                (local("2020-07-20", "10:00"), "documents_received", "chuyenvien.pt")],
               procedure="cap-gcn-lan-dau"),
        _story(s, linh_son, "chutich.linhson", local("2020-09-08", "14:30"), "petition",
               "Phản ánh một hộ dân chặn đường giao thông tại xóm Nam Sơn",
               "Các hộ dân xóm Nam Sơn phản ánh: một hộ dân rào chắn tuyến đường giao thông của "
               "xóm, người dân phải đi đường vòng; đề nghị UBND xã giải quyết.",
               ("Dương Văn Khải", "0869 305 122", "xóm Nam Sơn, xã Linh Sơn, TP. Thái Nguyên"),
               [(local("2020-09-14", "08:45"), "accept", "chutich.linhson")]),
    ]
    # fmt: on


def recent(*, now: datetime, calendar: WorkingCalendar) -> list[Story]:
    """The last weeks at the successor of TP. Thái Nguyên and two communes, relative to `now`."""
    today = now.astimezone(LOCAL_TZ).date()

    def wd(n: int, clock: str = "09:00") -> datetime:
        """`clock` on the n-th working day before today."""
        day = today
        while n > 0:
            day -= timedelta(days=1)
            n -= calendar.is_working_day(day)
        return local(day, clock)

    # A complaint accepted so that its 30 days end within a few days from today.
    accepted_day = calendar.next_working_day(today - timedelta(days=28))
    received_day = accepted_day - timedelta(days=4)
    while not calendar.is_working_day(received_day):
        received_day -= timedelta(days=1)
    accepted, received = local(accepted_day, "10:00"), local(received_day, "09:30")
    # TP. Thái Nguyên was dissolved on 01/07/2025 (dondoc/demo_reorganisation.py): its cases
    # of 2026 are received by its successor.
    r, tp, pt, ls = RECENT, "UBND phường Phan Đình Phùng", "UBND xã Phúc Trìu", "UBND xã Linh Sơn"
    desk, officer, head, pt_officer, ls_head = (
        "letan.tn", "chuyenvien.tn", "chutich.tptn", "chuyenvien.pt", "chutich.linhson"
    )  # fmt: skip
    # fmt: off
    return [
        _story(r, tp, desk, wd(2, "08:20"), "complaint",
               "Khiếu nại quyết định thu hồi đất làm khu dân cư số 5 phường Tân Thịnh",
               "Không đồng ý mức bồi thường, hỗ trợ khi thu hồi 120 m² đất vườn.",
               ("Nguyễn Thị Hồng", "0912 345 678", "tổ 12, phường Tân Thịnh, TP. Thái Nguyên",
                "hong.nguyen@example.com")),
        _story(r, tp, desk, wd(13, "15:10"), "petition",
               "Phản ánh đèn chiếu sáng đường Lương Ngọc Quyến hỏng kéo dài",
               "Đoạn từ ngã tư Đồng Quang đến cầu Gia Bẩy không có đèn gần hai tháng.",
               ("Trần Văn Quý", "0983 221 904", "tổ 7, phường Quang Trung, TP. Thái Nguyên"),
               [(wd(12, "08:30"), "assign", head, {"assignee": officer})], channel="hotline"),
        _story(r, tp, desk, received, "complaint",
               "Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng",
               "Cho rằng quyết định xử phạt 15 triệu đồng không đúng hành vi vi phạm.",
               ("Lê Văn Toàn", "0904 118 226", "tổ 3, phường Gia Sàng, TP. Thái Nguyên",
                "toan.le@example.com"),
               [(accepted, "accept", officer),
                (accepted + timedelta(minutes=5), "assign", officer, {"assignee": officer})]),
        _story(r, pt, pt_officer, wd(8, "09:15"), "dossier",
               "Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ ông Đỗ Văn Lâm",
               "Thửa đất số 214, tờ bản đồ số 9, xóm Cao Khánh.",
               ("Đỗ Văn Lâm", "0966 472 013", "xóm Cao Khánh, xã Phúc Trìu, TP. Thái Nguyên",
                "lam.do@example.com"),
               [(wd(8, "14:00"), "accept", pt_officer),
                (wd(6, "10:30"), "request_documents", pt_officer,
                 {"missing": "Bản trích đo địa chính thửa đất"})],
               procedure="cap-gcn-lan-dau"),
        _story(r, tp, desk, wd(9, "10:00"), "petition",
               "Phản ánh đổ trộm phế thải xây dựng ven đường xóm Khuôn Năm",
               "Nhiều xe đổ phế thải ban đêm, lấn ra lòng đường.",
               ("Hoàng Văn Minh", "0975 330 281", "xóm Khuôn Năm, xã Phúc Trìu, TP. Thái Nguyên"),
               [(wd(8, "09:00"), "transfer", officer,
                 {"agency": pt, "reason": "Thuộc thẩm quyền quản lý của UBND xã Phúc Trìu"}),
                (wd(6, "08:40"), "accept", pt_officer)]),
        _story(r, tp, desk, wd(4, "14:45"), "denunciation",
               "Tố cáo cán bộ địa chính nhận tiền để làm nhanh hồ sơ",
               "Người tố cáo cung cấp tin nhắn và tên người nhận tiền.",
               ("Phạm Thị Loan", "0888 610 452", "tổ 15, phường Phan Đình Phùng, TP. Thái Nguyên"),
               [(wd(1, "09:30"), "accept", head),
                (wd(1, "09:35"), "assign", head, {"assignee": officer})]),
        _story(r, tp, desk, wd(18, "08:40"), "complaint",
               "Khiếu nại việc không cấp giấy phép sửa chữa nhà ở",
               "Hồ sơ đủ thành phần nhưng bị từ chối bằng lời nói.",
               ("Vũ Thị Hạnh", "0936 207 554", "tổ 9, phường Hoàng Văn Thụ, TP. Thái Nguyên",
                "hanh.vu@example.com"),
               [(wd(16, "09:00"), "accept", officer),
                (wd(3, "15:30"), "resolve", officer,
                 {"answer": "Đã hướng dẫn nộp lại hồ sơ; giấy phép cấp trong 7 ngày làm việc."})]),
        _story(r, ls, ls_head, wd(5, "09:20"), "petition",
               "Kiến nghị giải quyết tranh chấp ranh giới đất với hộ liền kề",
               "Tranh chấp đang được Tòa án nhân dân TP. Thái Nguyên thụ lý.",
               ("Nông Văn Hải", "0357 118 640", "xóm Gò Chè, xã Linh Sơn, TP. Thái Nguyên",
                "hai.nong@example.com"),
               [(wd(3, "10:00"), "decline", ls_head,
                 {"reason": "Vụ việc đang được Tòa án thụ lý, không thuộc thẩm quyền UBND xã."})]),
        _story(r, tp, desk, wd(24, "10:10"), "dossier",
               "Đăng ký biến động đất đai (tách thửa) cho hộ bà Lương Thị Nga",
               "Tách thửa đất số 88 thành hai thửa để tặng cho con.",
               ("Lương Thị Nga", "0919 556 037", "tổ 4, phường Túc Duyên, TP. Thái Nguyên"),
               [(wd(23, "09:00"), "accept", officer),
                (wd(23, "09:05"), "assign", officer, {"assignee": officer})],
               procedure="dang-ky-bien-dong"),
        _story(r, tp, desk, wd(19, "09:40"), "dossier",
               "Cấp giấy phép xây dựng nhà ở riêng lẻ cho ông Trịnh Quốc Bảo",
               "Nhà 3 tầng trên thửa đất 112 m².",
               ("Trịnh Quốc Bảo", "0977 804 316", "tổ 21, phường Đồng Quang, TP. Thái Nguyên",
                "bao.trinh@example.com"),
               [(wd(18, "08:30"), "accept", officer),
                (wd(1, "16:00"), "reset_date", officer,
                 {"new_due_date": calendar.add_working_days(today, 5),
                  "reason": "Chờ ý kiến của Phòng Quản lý đô thị về chỉ giới xây dựng."})],
               procedure="giay-phep-xay-dung"),
        _story(r, ls, ls_head, wd(10, "08:30"), "petition",
               "Kiến nghị sửa chữa cống thoát nước qua đường liên xóm",
               "Cống bị sập một phần, nước tràn mặt đường khi mưa.",
               ("Đặng Văn Tiến", "0862 441 905", "xóm Nam Sơn, xã Linh Sơn, TP. Thái Nguyên"),
               [(wd(7, "14:00"), "accept", ls_head)]),
    ]
    # fmt: on
