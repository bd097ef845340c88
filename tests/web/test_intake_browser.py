"""Issue 19 in Debian's chromium, as a desk clerk and a citizen see it: dates typed and read
as dd/mm/yyyy in an en-US browser, one case per intake form however the clerk navigates,
required fields marked, the duplicate hint filling the citizen's details after a reload, the
receipt as form 01 (printing opened by the button), no-phone receipts, and the look-up taking
a code typed without hyphens."""

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, func, select

from models import Case, Role
from tests.case_factories import make_case
from tests.factories import PASSWORD, make_agency, make_head, make_user
from tests.web.conftest import OFFICE_SCREEN, sign_in

pytestmark = pytest.mark.slow
PHONE = "0912 345 678"
CCCD = "019087001234"
# Records window.print instead of opening the dialog (headless chromium has none to see).
PRINT_SPY = "window.__printCalls = 0; window.print = () => { window.__printCalls += 1; };"


@pytest.fixture
def people(session):
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    city = make_agency(session, "UBND TP. Thái Nguyên", parent=province)
    return {
        "province": province,
        "agency": city,
        "clerk": make_user(session, Role.clerk, city, "letan.tn", "Hoàng Thị Lan"),
        "head": make_head(session, city, username="chutich.tptn", full_name="Lê Quang Minh"),
        "admin": make_user(session, Role.admin, None, "quantri", "Đỗ Văn Quản"),
    }


@pytest.fixture
def en_us_page(browser, live_server):
    """A browser whose own language is American English (its date boxes read mm/dd/yyyy)."""
    context = browser.new_context(viewport=OFFICE_SCREEN, locale="en-US")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def cases(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Case))


def fill_intake(page, title: str) -> None:
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Nội dung tóm tắt").fill(title)


def test_dates_are_typed_and_read_as_dd_mm_yyyy_in_an_en_us_browser(
    en_us_page, live_server, people, output_dir
):
    page = en_us_page
    sign_in(page, live_server, "chutich.tptn", PASSWORD)
    page.goto(f"{live_server.url}/reports")
    assert page.locator('input[type="date"], input[type="datetime-local"]').count() == 0
    start = page.get_by_label("Từ ngày")
    assert start.get_attribute("placeholder") == "dd/mm/yyyy"
    assert re.fullmatch(r"01/01/\d{4}", start.input_value())
    start.fill("31/02/2026")  # the pattern lets it through; no such day
    page.get_by_role("button", name="Xem").click()
    error = page.locator('[data-field-error="from"]')
    assert error.inner_text() == "Nhập ngày dạng dd/mm/yyyy, ví dụ 28/11/2026."
    assert page.get_by_label("Từ ngày").input_value() == "31/02/2026"  # what was typed
    page.get_by_label("Từ ngày").fill("01/11/2026")
    page.get_by_label("Đến ngày").fill("28/11/2026")
    page.get_by_role("button", name="Xem").click()
    assert page.locator("[data-field-error]").count() == 0
    assert page.get_by_label("Từ ngày").input_value() == "01/11/2026"
    assert page.get_by_label("Đến ngày").input_value() == "28/11/2026"
    page.screenshot(path=output_dir / "reports-dates.png", full_page=True)

    page.context.clear_cookies()
    sign_in(page, live_server, "quantri", PASSWORD)
    page.goto(f"{live_server.url}/inspections")
    meeting = page.get_by_label("Buổi làm việc")
    assert meeting.get_attribute("placeholder") == "dd/mm/yyyy HH:MM"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} 08:00", meeting.input_value())
    page.goto(f"{live_server.url}/admin/agencies")
    effective = page.get_by_label("Có hiệu lực từ ngày").input_value()
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", effective)


def test_back_and_submit_again_gives_one_case(page, live_server, engine, people, output_dir):
    page.add_init_script(PRINT_SPY)
    sign_in(page, live_server, "letan.tn", PASSWORD)
    page.get_by_role("link", name="Tiếp nhận đơn").first.click()
    page.wait_for_url(re.compile(r".*/cases/new\?form=[0-9a-f]{32}$"))
    form_url = page.url
    fill_intake(page, "Đường ngõ 12 ngập nước")
    page.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/receipt$"))
    receipt_url, code = page.url, page.locator("[data-code]").inner_text()
    assert cases(engine) == 1

    page.go_back()  # the clerk goes Back to the form and submits it again
    assert page.url == form_url
    if not page.get_by_label("Họ và tên").input_value():  # whatever the browser restored
        fill_intake(page, "Đường ngõ 12 ngập nước")
    page.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/receipt\?again=1$"))
    assert page.url.startswith(receipt_url)
    assert page.locator("[data-code]").inner_text() == code
    assert page.locator("[data-again]").inner_text() == (
        "Phiếu nhập này đã được tiếp nhận: đây là phiếu hẹn của hồ sơ đó. "
        "Không có hồ sơ mới nào được tạo."
    )
    assert page.evaluate("window.__printCalls") == 0  # nothing new to print
    assert cases(engine) == 1

    page.goto(form_url)  # the same form opened again says what became of it
    assert code in page.locator("[data-registered]").inner_text()
    page.get_by_role("link", name="Tiếp nhận đơn khác").click()  # a new form: a new case
    fill_intake(page, "Đèn đường hỏng")
    page.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/receipt$"))
    assert page.locator("[data-code]").inner_text() != code
    assert cases(engine) == 2


def test_required_fields_are_marked(page, live_server, people):
    sign_in(page, live_server, "letan.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/new")
    assert page.locator("[data-required-legend]").inner_text() == "* bắt buộc"
    for name in ("Họ và tên", "Nội dung tóm tắt", "Loại việc", "Hình thức tiếp nhận", "Cơ quan"):
        field = page.get_by_label(name, exact=False).first
        assert field.get_attribute("aria-required") == "true", name
        assert field.evaluate("el => el.required"), name
        label = field.locator("xpath=ancestor::label")
        assert label.locator(".req").inner_text() == "*", name
    for name in ("Số điện thoại", "Địa chỉ"):
        assert page.get_by_label(name).get_attribute("aria-required") is None
    # The browser stops an empty subject before anything is sent.
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    assert "/cases/new" in page.url
    assert page.get_by_label("Nội dung tóm tắt").evaluate("el => !el.validity.valid")


def test_the_duplicate_hint_fills_the_citizen_in_and_comes_back_after_a_reload(
    page, live_server, engine, people, output_dir
):
    earlier = make_case(
        engine,
        people["clerk"],
        people["agency"],
        now=datetime.now(UTC),
        citizen={
            "name": "Trần Thị Bình",
            "phone": PHONE,
            "address": "Tổ 5, phường Phan Đình Phùng",
            "email": "binh@example.vn",
            "id_number": CCCD,
        },
        title="Đường đi bị một hộ lấn chiếm",
    )
    sign_in(page, live_server, "letan.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/new")
    page.get_by_label("Số điện thoại").fill(PHONE)
    hint = page.locator("#similar")
    hint.get_by_text(earlier.code).first.wait_for()
    page.reload()
    assert page.get_by_label("Số điện thoại").input_value() == PHONE  # kept over the reload
    hint.get_by_text(earlier.code).first.wait_for()  # and the hint is back
    assert page.get_by_label("Họ và tên").input_value() == ""  # nothing filled unasked
    hint.get_by_role("button", name="Điền thông tin công dân").click()
    assert page.get_by_label("Họ và tên").input_value() == "Trần Thị Bình"
    assert page.get_by_label("Địa chỉ").input_value() == "Tổ 5, phường Phan Đình Phùng"
    assert page.get_by_label("Số CCCD").input_value() == CCCD
    page.screenshot(path=output_dir / "intake-duplicate-hint.png", full_page=True)

    # By CCCD alone, too.
    page.goto(f"{live_server.url}/cases/new")
    page.get_by_label("Số CCCD").fill(CCCD)
    hint.get_by_role("button", name="Điền thông tin công dân").click()
    assert page.get_by_label("Số điện thoại").input_value() == PHONE
    assert page.get_by_label("Họ và tên").input_value() == "Trần Thị Bình"


def test_a_receipt_without_a_phone_says_how_to_follow_the_case(page, live_server, engine, people):
    case = make_case(
        engine,
        people["clerk"],
        people["agency"],
        now=datetime.now(UTC),
        citizen={"name": "Lý Văn Cường", "email": "cuong@example.vn"},
        title="Xin xác nhận hộ nghèo",
    )
    sign_in(page, live_server, "letan.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.id}/receipt")
    follow = page.locator("[data-follow]").inner_text()
    assert "4 số cuối" not in page.locator("main").inner_text()
    assert f"báo mã hồ sơ {case.code} tại Bộ phận tiếp nhận và trả kết quả" in follow
    assert "cuong@example.vn" in follow


def test_the_receipt_is_form_01_and_the_button_opens_printing(
    page, live_server, engine, people, settings, output_dir
):
    page.add_init_script(PRINT_SPY)
    sign_in(page, live_server, "letan.tn", PASSWORD)
    page.goto(f"{live_server.url}/cases/new")
    fill_intake(page, "Chậm cấp giấy chứng nhận quyền sử dụng đất")
    page.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/receipt$"))  # ?print=1 dropped once used
    page.wait_for_function("window.__printCalls === 1")
    heading = page.locator("[data-national-heading]").inner_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading
    assert "Độc lập - Tự do - Hạnh phúc" in heading
    issuer = page.locator("[data-issuer]").inner_text()
    assert "UBND TỈNH THÁI NGUYÊN" in issuer and "UBND TP. THÁI NGUYÊN" in issuer
    code = page.locator("[data-code]").inner_text()
    assert f"Số: {code}" in issuer
    signatures = page.locator("[data-signatures]").inner_text()
    assert "NGƯỜI NỘP HỒ SƠ" in signatures and "NGƯỜI TIẾP NHẬN HỒ SƠ" in signatures
    assert "Hoàng Thị Lan" in signatures  # the clerk who received it
    lookup = f"{settings.base_url.rstrip('/')}/tra-cuu"
    assert lookup in page.locator("[data-follow]").inner_text()
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden()
    assert page.get_by_role("button", name="In phiếu").is_hidden()
    page.screenshot(path=output_dir / "receipt-print.png", full_page=True)
    page.emulate_media(media="screen")
    page.reload()  # a later visit does not print by itself
    page.wait_for_load_state("load")
    assert page.evaluate("window.__printCalls") == 0
    page.get_by_role("button", name="In phiếu").click()
    assert page.evaluate("window.__printCalls") == 1


def test_the_look_up_takes_a_code_typed_without_hyphens(page, live_server, engine, people):
    case = make_case(
        engine,
        people["clerk"],
        people["agency"],
        now=datetime.now(UTC),
        citizen={"name": "Nguyễn Văn An", "phone": PHONE},
        title="Đường ngõ 12 ngập nước",
    )
    typed = case.code.replace("-", "").lower()  # kn2026000001
    page.goto(f"{live_server.url}/tra-cuu")
    page.get_by_label("Mã tra cứu").fill(f" {typed[:2]} {typed[2:]} ")
    page.get_by_label("4 số cuối điện thoại").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    found = page.locator("[data-found]")
    assert case.code in found.inner_text()
    api = f"{live_server.url}/api/v1/public/cases"
    answer = page.request.get(f"{api}/{typed}?phone_last4=5678")
    assert answer.status == 200 and answer.json()["code"] == case.code
    assert page.request.get(f"{api}/{typed}?phone_last4=0000").status == 404
    assert page.request.get(f"{api}/{typed[:-1]}9?phone_last4=5678").status == 404
