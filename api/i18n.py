"""The message catalogue of the web pages: Vietnamese first, English on request.

The language comes from `?lang=` (which also sets the cookie), then the `dondoc_lang` cookie,
then the `DONDOC_LANGUAGE` setting.
"""

from collections.abc import Callable

from fastapi import Request

LANG_COOKIE = "dondoc_lang"
LANGUAGES = ("vi", "en")

# key: (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "app.name": ("Đôn Đốc", "Đôn Đốc"),
    "app.tagline": (
        "Theo dõi, đôn đốc giải quyết đơn thư và hồ sơ tồn đọng",
        "Tracking and urging citizen complaints and long-pending cases",
    ),
    "lang.switch": ("English", "Tiếng Việt"),
    "nav.home": ("Trang chủ", "Home"),
    "nav.dashboard": ("Bảng điều hành", "Dashboard"),
    "nav.reports": ("Báo cáo", "Reports"),
    "nav.mail": ("Hộp thư", "Mail folder"),
    "nav.lookup": ("Tra cứu hồ sơ", "Look up a case"),
    "nav.skip": ("Bỏ qua, tới nội dung chính", "Skip to main content"),
    "auth.sign_in": ("Đăng nhập", "Sign in"),
    "auth.sign_out": ("Đăng xuất", "Sign out"),
    "auth.username": ("Tên đăng nhập", "Username"),
    "auth.password": ("Mật khẩu", "Password"),
    "auth.wrong": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    "auth.signed_in_as": ("Đang đăng nhập:", "Signed in as"),
    "auth.citizen_hint": (
        "Công dân tra cứu tình trạng hồ sơ không cần đăng nhập:",
        "Citizens look up their case without signing in:",
    ),
    "role.clerk": ("Cán bộ tiếp nhận", "Reception clerk"),
    "role.officer": ("Chuyên viên", "Officer"),
    "role.head": ("Người đứng đầu", "Agency head"),
    "role.inspector": ("Thành viên đoàn kiểm tra", "Inspector"),
    "role.admin": ("Quản trị", "Administrator"),
    "home.title": ("Xin chào, {name}", "Welcome, {name}"),
    "home.agency": ("Cơ quan", "Agency"),
    "home.what_next": ("Việc cần làm", "What to do"),
    "home.clerk": (
        "Tiếp nhận đơn thư, cấp phiếu hẹn có mã tra cứu.",
        "Log petitions and hand the citizen a receipt with a tracking code.",
    ),
    "home.officer": (
        "Xử lý hồ sơ của cơ quan: thụ lý, giải quyết đúng hạn.",
        "Work the agency's cases: accept them and resolve them on time.",
    ),
    "home.head": (
        "Theo dõi hồ sơ quá hạn, sắp đến hạn và tồn đọng của cơ quan và cấp dưới.",
        "Watch the overdue, soon-due and long-pending cases of your agency and those below.",
    ),
    "home.inspector": (
        "Báo cáo tình hình giải quyết, chuẩn bị buổi làm việc của đoàn kiểm tra.",
        "Read the figures and prepare the inspection meetings.",
    ),
    "home.admin": ("Quản trị cơ quan, người dùng, hộp thư.", "Agencies, users, mail folder."),
    "home.coming": (
        "Các trang tiếp nhận, xử lý hồ sơ sẽ có khi vòng đời hồ sơ được cài đặt.",
        "Intake and case pages appear once the case lifecycle is installed.",
    ),
    "dash.title": ("Bảng điều hành", "Dashboard"),
    "dash.scope": ("Phạm vi", "Scope"),
    "dash.all_agencies": ("Tất cả cơ quan", "All agencies"),
    "dash.show": ("Xem", "Show"),
    "dash.overdue": ("Quá hạn", "Overdue"),
    "dash.soon_due": ("Sắp đến hạn (3 ngày)", "Due within 3 days"),
    "dash.open": ("Đang giải quyết", "Open"),
    "dash.on_time_month": ("Đúng hạn tháng này", "On time this month"),
    "dash.on_time_year": ("Đúng hạn năm nay", "On time this year"),
    "dash.resolved_of": ("{on_time}/{resolved} hồ sơ", "{on_time} of {resolved} cases"),
    "dash.no_resolved": ("chưa có hồ sơ giải quyết", "nothing resolved yet"),
    "dash.backlog": ("Hồ sơ tồn theo thời gian", "Open cases by age"),
    "dash.ranking": ("Cơ quan theo số hồ sơ quá hạn", "Agencies by overdue cases"),
    "dash.ping_pong": (
        "Hồ sơ bị chuyển qua lại giữa các cơ quan",
        "Cases bounced between agencies",
    ),
    "dash.none": ("Không có.", "None."),
    "dash.transfers": ("Số lần chuyển", "Transfers"),
    "age.under_1_month": ("Dưới 1 tháng", "Under 1 month"),
    "age.1_3_months": ("1–3 tháng", "1–3 months"),
    "age.3_12_months": ("3–12 tháng", "3–12 months"),
    "age.1_3_years": ("1–3 năm", "1–3 years"),
    "age.over_3_years": ("Trên 3 năm", "Over 3 years"),
    "col.agency": ("Cơ quan", "Agency"),
    "col.code": ("Mã hồ sơ", "Code"),
    "col.title": ("Nội dung", "Subject"),
    "col.received": ("Ngày nhận", "Received"),
    "col.due": ("Hạn", "Due"),
    "col.status": ("Trạng thái", "Status"),
    "col.count": ("Số lượng", "Count"),
    "rep.title": ("Báo cáo tổng hợp", "Summary report"),
    "rep.from": ("Từ ngày", "From"),
    "rep.to": ("Đến ngày", "To"),
    "rep.download": ("Tải về", "Download"),
    "rep.figure": ("Chỉ tiêu", "Figure"),
    "rep.value": ("Giá trị", "Value"),
    "rep.period_note": (
        "Tiếp nhận, giải quyết, chuyển, leo thang: trong kỳ. Quá hạn, tồn đọng: tại thời điểm xem.",
        "Received, resolved, transfers, escalations: in the period. Overdue, backlog: right now.",
    ),
    "fig.received": ("Tiếp nhận", "Received"),
    "fig.resolved": ("Đã giải quyết", "Resolved"),
    "fig.resolved_on_time": ("Giải quyết đúng hạn", "Resolved on time"),
    "fig.on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"),
    "fig.overdue_now": ("Đang quá hạn", "Overdue now"),
    "fig.open_now": ("Đang giải quyết", "Open now"),
    "fig.transfers": ("Lượt chuyển đơn", "Transfers"),
    "fig.ping_pong_open": ("Hồ sơ bị chuyển qua lại", "Cases bounced between agencies"),
    "fig.escalations": ("Lượt leo thang", "Escalation steps"),
    "fig.escalated_open": ("Hồ sơ đang bị leo thang", "Open cases escalated"),
    "fig.inspections": ("Cuộc kiểm tra", "Inspections"),
    "mail.title": ("Hộp thư (chưa cấu hình SMTP)", "Mail folder (no SMTP configured)"),
    "mail.empty": ("Chưa có thư nào.", "No mail yet."),
    "mail.from": ("Người gửi", "From"),
    "mail.to": ("Người nhận", "To"),
    "mail.subject": ("Tiêu đề", "Subject"),
    "mail.date": ("Ngày gửi", "Date"),
    "mail.back": ("Quay lại hộp thư", "Back to the mail folder"),
    "mail.smtp_on": (
        "Thư được gửi qua máy chủ SMTP; hộp thư này chỉ chứa thư cũ.",
        "Mail goes out through SMTP; this folder only holds older mail.",
    ),
    "err.title": ("Không thực hiện được", "Could not do that"),
    "err.forbidden": ("Bạn không có quyền xem trang này.", "You may not see this page."),
    "err.not_found": ("Không tìm thấy.", "Not found."),
    "common.yes": ("Có", "Yes"),
    "common.no": ("Không", "No"),
}


def language(request: Request, default: str = "vi") -> str:
    """The language of this request: query, then cookie, then the default."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGUAGES:
            return value
    return default if default in LANGUAGES else "vi"


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)`: the message in `lang`; the key itself when it is missing."""
    index = LANGUAGES.index(lang)

    def t(key: str, **values) -> str:
        pair = MESSAGES.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t
