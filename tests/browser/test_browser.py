"""Drive the app in headless Chromium as a commune officer would, on a phone.

Tests share one live server and database (see conftest.py); each uses its own campaign titles
and place names, so they do not depend on their order.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest

from fieldops.demo import DEMO_USERS

if os.environ.get("FIELDOPS_BROWSER_REQUIRED") != "1":
    pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
from playwright.sync_api import Page, expect  # noqa: E402

from fieldops.demo import HUNG_HA_COMMUNES
from tests.factories.auth import (
    DEMO_ADMIN,
    DEMO_TEAM_LEAD,
    DEMO_VOLUNTEER,
    sign_in_page,
    signed_in_page,
)

pytestmark = pytest.mark.browser

ADMIN_PHONE = "0912345678"
WRONG_PASSWORD = "Tên đăng nhập hoặc mật khẩu không đúng."


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def nav_link(page: Page, label: str):
    return page.locator("nav.menu").get_by_role("link", name=label, exact=True)


# --- signing in ------------------------------------------------------------------------------


def test_sign_in_with_username(page, shoot):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    shoot(page, "sign-in")

    sign_in_page(page, *DEMO_ADMIN)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Xin chào, Nguyễn Văn An")).to_be_visible()
    # The menu sits behind the ☰ button on a phone.
    expect(nav_link(page, "Chiến dịch")).to_be_hidden()
    page.locator("label.menu-button").click()
    expect(nav_link(page, "Chiến dịch")).to_be_visible()
    page.locator("label.menu-button").click()
    shoot(page, "home")


def test_sign_in_with_phone_number(page):
    sign_in_page(page, ADMIN_PHONE, DEMO_ADMIN[1])
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Xin chào, Nguyễn Văn An")).to_be_visible()


def test_wrong_password_stays_on_the_form(page, shoot):
    sign_in_page(page, DEMO_VOLUNTEER[0], "not-the-password")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("alert").filter(has_text=WRONG_PASSWORD)).to_be_visible()
    expect(page.locator("input[name=username]")).to_have_value(DEMO_VOLUNTEER[0])
    expect(page.locator("input[name=password]")).to_be_visible()
    shoot(page, "sign-in-error")


def test_home_at_desktop_width(desktop_page, shoot):
    page = signed_in_page(desktop_page)
    # No ☰ on a wide screen: the menu is laid out in the top bar.
    expect(page.locator("label.menu-button")).to_be_hidden()
    expect(nav_link(page, "Chiến dịch")).to_be_visible()
    expect(nav_link(page, "Tài khoản")).to_be_visible()
    expect(page.get_by_text("30 ngày phổ cập chữ ký số")).to_be_visible()
    shoot(page, "home-desktop")


# --- campaigns and phases ----------------------------------------------------------------------


def test_create_campaign_with_two_phases(page, shoot):
    signed_in_page(page)
    title = unique("Chiến dịch thử nghiệm chữ ký số")
    page.goto("/campaigns")
    expect(page.get_by_role("heading", name="Chiến dịch")).to_be_visible()
    shoot(page, "campaigns")

    page.get_by_role("link", name="Tạo chiến dịch").click()
    expect(page).to_have_url(re.compile(r"/campaigns/new$"))
    page.locator("input[name=title]").fill(title)
    page.locator("input[name=plan_number]").fill("99/KH-UBND")
    page.locator("input[name=issuing_unit]").fill("UBND xã Nhơn Trạch")
    page.locator("input[name=issued_on]").fill("01/12/2025")
    page.locator("input[name=start_date]").fill("05/12/2025")
    page.locator("input[name=end_date]").fill("31/12/2025")

    hung_ha_commune = page.locator("#communes-list li", has_text="Xã Bắc Sơn")
    expect(hung_ha_commune).to_be_visible()
    page.locator("input.filter[data-filter='#communes-list']").fill("nhon trach")
    expect(hung_ha_commune).to_be_hidden()
    visible = page.locator("#communes-list li:visible")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("Xã Nhơn Trạch")
    visible.get_by_role("checkbox").check()
    page.get_by_role("checkbox", name="Chữ ký số cá nhân").check()
    shoot(page, "campaign-form")
    page.get_by_role("button", name="Lưu").click()

    expect(page).to_have_url(re.compile(r"/campaigns/\d+$"))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("Đã tạo chiến dịch. Hãy thêm các giai đoạn.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("05/12/2025 – 31/12/2025")
    expect(page.locator("dl.facts")).to_contain_text("Chữ ký số cá nhân")
    expect(page.locator("#campaign-communes")).to_contain_text("Xã Nhơn Trạch")
    campaign_url = page.url

    def add_phase(name: str, start: str, end: str) -> None:
        form = page.locator("#add-phase")
        form.locator("input[name=name]").fill(name)
        form.locator("input[name=start_date]").fill(start)
        form.locator("input[name=end_date]").fill(end)
        # Wait for the answer page before the next phase is typed into it.
        with page.expect_navigation():
            form.get_by_role("button", name="Thêm giai đoạn").click()

    phases = page.locator("section table.list tbody tr")
    add_phase("Giai đoạn 1", "05/12/2025", "15/12/2025")
    expect(page.get_by_text("Đã thêm giai đoạn.")).to_be_visible()
    add_phase("Giai đoạn 2", "16/12/2025", "31/12/2025")
    expect(page).to_have_url(campaign_url)
    expect(phases).to_have_count(2)
    expect(phases.nth(0)).to_contain_text("Giai đoạn 1")
    expect(phases.nth(0)).to_contain_text("05/12/2025")
    expect(phases.nth(0)).to_contain_text("15/12/2025")
    expect(phases.nth(1)).to_contain_text("Giai đoạn 2")
    expect(phases.nth(1)).to_contain_text("16/12/2025")
    expect(phases.nth(1)).to_contain_text("31/12/2025")
    shoot(page, "campaign-detail")

    # A third phase overlapping the second is refused with a message naming the second.
    add_phase("Giai đoạn 3", "20/12/2025", "25/12/2025")
    clash = "Trùng thời gian với giai đoạn “Giai đoạn 2” (16/12/2025 – 31/12/2025)."
    expect(page.locator("#add-phase").get_by_role("alert")).to_have_text(clash)
    expect(phases).to_have_count(2)
    expect(page.locator("#add-phase input[name=name]")).to_have_value("Giai đoạn 3")
    shoot(page, "campaign-phase-error")

    # A phase past the campaign's end is refused too.
    add_phase("Giai đoạn 3", "01/01/2026", "10/01/2026")
    expect(page.locator("#add-phase").get_by_role("alert")).to_have_text(
        "Giai đoạn phải nằm trong thời gian chiến dịch (05/12/2025 – 31/12/2025).")
    page.goto(campaign_url)
    expect(phases).to_have_count(2)
    expect(page.locator("#add-phase").get_by_role("alert")).to_have_count(0)

    page.goto("/campaigns")
    card = page.locator("a.link-card", has_text=title)
    expect(card).to_contain_text("2 giai đoạn")
    expect(card).to_contain_text("1 xã/phường")


# --- places ------------------------------------------------------------------------------------


HEADER = "Xã/Phường,Thôn/Ấp,Loại,Nhân khẩu từ đủ 14 tuổi trở lên,Số hộ\r\n"


def write_csv(path: Path, rows: list[str]) -> Path:
    # Excel on Windows saves "CSV UTF-8" with a byte-order mark.
    path.write_bytes((HEADER + "".join(row + "\r\n" for row in rows)).encode("utf-8-sig"))
    return path


def upload(page: Page, csv: Path) -> None:
    page.goto("/areas/import")
    page.locator("select[name=parent_id]").select_option(label="Tỉnh Đồng Nai")
    page.locator("input[name=file]").set_input_files(str(csv))
    page.get_by_role("button", name="Xem trước").click()


def test_import_hamlets(page, shoot, tmp_path):
    signed_in_page(page)
    tag = uuid.uuid4().hex[:4].upper()  # two new hamlets of their own on every run
    long_tho, phu_hoi = f"Long Thọ {tag}", f"Phú Hội {tag}"
    csv = write_csv(tmp_path / "ap-nhon-trach.csv", [
        f'Nhơn Trạch,Ấp {long_tho},ấp,"1.250",410',
        f"Nhơn Trạch,Ấp {phu_hoi},ấp,980,",
    ])
    upload(page, csv)

    expect(page).to_have_url(re.compile(r"/areas/import/[^/]+$"))
    expect(page.get_by_role("heading", name="Xem trước: ap-nhon-trach.csv")).to_be_visible()
    expect(page.locator("ul.summary")).to_contain_text("Thôn/ấp: 2 tạo mới, 0 cập nhật")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    for row, name, people in ((rows.nth(0), long_tho, "1.250"), (rows.nth(1), phu_hoi, "980")):
        expect(row).to_contain_text(name)
        expect(row).to_contain_text("Tạo mới")
        expect(row).to_contain_text("Nhơn Trạch")
        expect(row.locator("td.num").first).to_have_text(people)
    shoot(page, "import-preview")
    preview_url = page.url

    page.get_by_role("button", name="Xác nhận nhập 2 mục").click()
    # Back on the province the file was imported into; the hamlets are one level down.
    expect(page.get_by_role("heading", name="Tỉnh Đồng Nai")).to_be_visible()
    expect(page.get_by_text("Đã nhập xong: 2 mục được tạo mới hoặc cập nhật.")).to_be_visible()
    page.get_by_role("link", name="Xã Nhơn Trạch", exact=True).click()
    expect(page.get_by_role("heading", name="Xã Nhơn Trạch")).to_be_visible()
    hamlets = page.locator("table.list tbody tr")
    expect(hamlets.filter(has_text=f"Ấp {long_tho}")).to_contain_text("1.250")
    expect(hamlets.filter(has_text=f"Ấp {phu_hoi}")).to_contain_text("980")
    # The same preview cannot be confirmed twice.
    page.goto(preview_url)
    expect(page.get_by_text("Tệp này đã được nhập rồi; không nhập lại lần nữa.")).to_be_visible()


def test_import_with_a_bad_row_imports_nothing(page, shoot, tmp_path):
    signed_in_page(page)
    tag = uuid.uuid4().hex[:4].upper()
    good, bad = f"Ấp Bình Sơn {tag}", f"Ấp Bàu Cạn {tag}"
    csv = write_csv(tmp_path / "co-loi.csv", [
        f"Nhơn Trạch,{good},ấp,700,200",
        f"Nhơn Trạch,{bad},ấp,abc,150",
    ])
    upload(page, csv)

    expect(page).to_have_url(re.compile(r"/areas/import$"))
    expect(page.get_by_role("alert").filter(has_text="Tệp có 1 lỗi; chưa có gì được lưu.")) \
        .to_be_visible()
    problems = page.locator("table.problems tbody tr")
    expect(problems).to_have_count(1)
    cells = problems.first.locator("td")
    expect(cells.nth(0)).to_have_text("3")  # the header is row 1
    expect(cells.nth(1)).to_have_text("Nhân khẩu từ đủ 14 tuổi trở lên")
    expect(cells.nth(2)).not_to_be_empty()
    shoot(page, "import-errors")

    page.goto("/areas/?q=" + tag)
    expect(page.locator("ul.results")).to_contain_text("Không tìm thấy địa bàn nào.")
    for name in (good, bad):
        expect(page.locator("ul.results")).not_to_contain_text(name)


def test_big_import_previews_its_first_rows_and_shows_the_confirm_working(page, shoot,
                                                                           tmp_path):
    signed_in_page(page)
    tag = uuid.uuid4().hex[:4].upper()
    csv = write_csv(tmp_path / "nhieu-ap.csv", [
        f"Nhơn Trạch,Ấp Mới {tag} {n},ấp,{1000 + n},{100 + n}" for n in range(120)])
    upload(page, csv)

    expect(page.locator("ul.summary")).to_contain_text("Thôn/ấp: 120 tạo mới, 0 cập nhật")
    expect(page.locator("#preview-rows tbody tr")).to_have_count(50)
    expect(page.locator("#preview-more")).to_contain_text("50 dòng đầu trong 120 dòng")
    shoot(page, "import-preview-many")
    preview_url = page.url

    # Hold the confirmation's answer back (204: the browser stays on the page), as a long
    # import would: the button and the page say that it is working.
    page.route(re.compile(r"/areas/import/[^/]+$"), lambda route: route.fulfill(status=204)
               if route.request.method == "POST" else route.continue_())
    button = page.get_by_role("button", name="Xác nhận nhập 120 mục")
    button.click()
    busy = page.locator("#upload-preview form[data-busy] button[type=submit]")
    expect(busy).to_have_text("Đang nhập…")
    expect(busy).to_have_attribute("aria-busy", "true")
    expect(busy).to_be_disabled()
    expect(page.get_by_role("status").filter(has_text="Đang nhập dữ liệu")).to_be_visible()
    shoot(page, "import-preview-busy")
    page.unroute(re.compile(r"/areas/import/[^/]+$"))

    page.goto(preview_url)  # nothing was imported: the preview is still there to confirm
    page.get_by_role("button", name="Xác nhận nhập 120 mục").click()
    expect(page.get_by_text("Đã nhập xong: 120 mục được tạo mới hoặc cập nhật.")).to_be_visible()

    upload(page, csv)  # the same file again changes nothing
    expect(page.locator("#preview-nothing")).to_have_text(
        "Tệp không thay đổi gì so với dữ liệu đang lưu.")
    expect(page.locator("ul.summary")).to_contain_text("120 dòng giống hệt dữ liệu đang lưu")
    page.get_by_role("button", name="Xác nhận nhập 0 mục").click()
    expect(page.get_by_text("Đã nhập xong: 0 mục được tạo mới hoặc cập nhật.")).to_be_visible()


def test_search_without_accents(page, shoot):
    signed_in_page(page)
    page.goto("/areas/")
    for query, found in (("phuoc my", "Ấp Phước Mỹ"), ("dong nai", "Tỉnh Đồng Nai"),
                         ("hung ha", "Huyện Hưng Hà")):
        page.get_by_role("searchbox", name="Tìm địa bàn").fill(query)
        page.get_by_role("button", name="Tìm", exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]q=" + query.replace(" ", r"(\+|%20)")))
        expect(page.get_by_role("searchbox", name="Tìm địa bàn")).to_have_value(query)
        results = page.locator("ul.results")
        expect(results.get_by_role("link", name=found, exact=True)).to_be_visible()
        if query == "phuoc my":
            expect(results.locator("li")).to_have_count(1)
            expect(results).to_contain_text("Xã Nhơn Trạch, Tỉnh Đồng Nai")
            shoot(page, "areas-search")


def test_commune_page(page, shoot):
    signed_in_page(page)
    page.goto("/areas/?q=nhon+trach&level=commune")
    page.locator("ul.results").get_by_role("link", name="Xã Nhơn Trạch", exact=True).click()
    expect(page.get_by_role("heading", name="Xã Nhơn Trạch")).to_be_visible()
    expect(page.locator("nav.crumbs")).to_contain_text("Tỉnh Đồng Nai")
    hamlets = page.locator("table.list tbody tr")
    for name, people in (("Ấp Chợ", "2.140"), ("Ấp Phước Mỹ", "1.960"), ("Ấp Bến Cam", "2.455")):
        expect(hamlets.filter(has_text=name)).to_contain_text(people)
    shoot(page, "area-detail")


def test_hamlet_keeps_a_name_starting_with_a_kind_word(page):
    signed_in_page(page)
    page.goto("/areas/?q=xom+ho&level=hamlet")
    expect(page.locator("ul.results").get_by_role("link", name="Ấp Xóm Hố", exact=True)) \
        .to_be_visible()


# --- language, roles -----------------------------------------------------------------------------


def test_switch_to_english_and_back(page, shoot):
    signed_in_page(page)
    page.goto("/campaigns")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Chiến dịch", exact=True)).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/campaigns$"))  # stays on the same page
    # The English catalogue turns "Chiến dịch" into "Campaigns".
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    expect(page.locator("nav.menu")).not_to_contain_text("Chiến dịch")
    page.locator("label.menu-button").click()
    expect(nav_link(page, "Campaigns")).to_be_visible()
    shoot(page, "campaigns-english")

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(html).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Chiến dịch", exact=True)).to_be_visible()


def test_team_lead_sees_campaigns_but_not_accounts(page, shoot):
    signed_in_page(page, DEMO_TEAM_LEAD)
    page.goto("/campaigns")
    expect(page.get_by_role("heading", name="Chiến dịch", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Tạo chiến dịch")).to_have_count(0)
    expect(nav_link(page, "Tài khoản")).to_have_count(0)

    response = page.goto("/users")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Không có quyền")).to_be_visible()
    expect(page.get_by_text("Tài khoản của bạn không được mở trang này.")).to_be_visible()
    shoot(page, "forbidden")


def test_users_list(page, shoot):
    signed_in_page(page)
    page.goto("/users")
    expect(page.get_by_role("heading", name="Tài khoản")).to_be_visible()
    rows = page.locator("table.list tbody tr")
    # The demo's logins and one account per Hưng Hà commune (its daily reports); other tests
    # sharing this server may have added accounts of their own.
    for username, *_rest in DEMO_USERS:
        expect(rows.filter(has_text=username).first).to_be_visible()
    expect(rows.filter(has_text="xa_hongminh")).to_have_count(1)
    assert rows.count() >= len(DEMO_USERS) + len(HUNG_HA_COMMUNES)
    expect(rows.filter(has_text="truongdoan")).to_contain_text("Trưởng đoàn")
    expect(rows.filter(has_text="admin")).to_contain_text(ADMIN_PHONE)
    shoot(page, "users")
