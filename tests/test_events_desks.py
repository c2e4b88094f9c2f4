"""Help desks: their codes, what a scan opens, QR images that decode, and printed posters."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, time

import pytest
import zxingcpp
from PIL import Image

from fieldops.campaigns.models import Campaign, Service
from fieldops.db import db
from fieldops.events import qr
from fieldops.events.models import CHECKIN, GUIDE, DeskCode, HelpDesk, LaunchEvent
from tests.factories.auth import sign_in
from tests.factories.campaigns import CampaignFactory, services_by_code
from tests.factories.events import LaunchEventFactory

BASE = "http://192.168.1.10:5000"


@pytest.fixture
def event_id(app):
    app.config["PUBLIC_BASE_URL"] = BASE  # what the posters print for phones on the LAN
    with app.app_context():
        by_code = services_by_code()
        campaign = CampaignFactory(services=[by_code["digital_signature"], by_code["eid_level2"],
                                             by_code["vneid_install"]])
        event = LaunchEventFactory(campaign=campaign)
        db.session.commit()
        return event.id


def _service_id(app, code) -> int:
    with app.app_context():
        return db.session.execute(db.select(Service.id).filter_by(code=code)).scalar_one()


def _add_desk(client, app, event_id, label="Bàn 1", organisation="Viettel Đồng Nai",
              services_=("digital_signature",), staff=()):
    return client.post(f"/events/{event_id}/desks", data={
        "table_label": label, "organisation": organisation,
        "purpose": "Đăng ký, kích hoạt chữ ký số", "services": [
            str(_service_id(app, c)) for c in services_],
        "staff": [str(s) for s in staff],
        "guide_text": "Mang theo căn cước gắn chip.\nCài ứng dụng ký số của Viettel."})


def _codes(app, desk_id) -> dict[str, str]:
    with app.app_context():
        desk = db.session.get(HelpDesk, desk_id)
        return {kind: desk.current_code(kind).token for kind in (GUIDE, CHECKIN)
                if desk.current_code(kind)}


def _desk_id(response) -> int:
    return int(re.search(r"/desks/(\d+)$", response.headers["Location"]).group(1))


def decode(png: bytes) -> list[str]:
    """Read every QR code in an image with a real decoder (zxing-cpp)."""
    return sorted(r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png))))


def test_a_desk_gets_two_opaque_codes_that_scan_to_their_pages(app, organizer, client,
                                                               event_id):
    response = _add_desk(organizer, app, event_id)
    assert response.status_code == 302
    desk_id = _desk_id(response)
    codes = _codes(app, desk_id)
    for token in codes.values():
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token)  # 128 random bits, nothing else
    assert codes[GUIDE] != codes[CHECKIN]

    png = client.get(f"/qr/{codes[GUIDE]}.png")
    assert png.mimetype == "image/png" and png.headers["ETag"]
    assert "max-age=86400" in png.headers["Cache-Control"]
    assert decode(png.data) == [f"{BASE}/q/{codes[GUIDE]}"]
    again = client.get(f"/qr/{codes[GUIDE]}.png", headers={"If-None-Match": png.headers["ETag"]})
    assert again.status_code == 304
    svg = client.get(f"/qr/{codes[CHECKIN]}.svg?download=1&name=ma-checkin-1")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert 'filename="ma-checkin-1.svg"' in svg.headers["Content-Disposition"]

    guide = client.get(f"/q/{codes[GUIDE]}").get_data(as_text=True)  # no sign-in needed
    assert "Hướng dẫn cài đặt, kích hoạt" in guide and "Viettel Đồng Nai" in guide
    assert "<li>Cài ứng dụng ký số của Viettel.</li>" in guide
    handed_over = client.get(f"/q/{codes[CHECKIN]}")
    assert handed_over.headers["Location"] == f"/checkin/{codes[CHECKIN]}"
    # The quick form itself belongs to check-in; it names the desk the code was printed for.
    checkin = client.get(handed_over.headers["Location"]).get_data(as_text=True)
    assert "Bàn 1 – Viettel Đồng Nai" in checkin


def test_reissued_revoked_and_expired_codes_say_no_longer_valid(app, organizer, client,
                                                                event_id):
    desk_id = _desk_id(_add_desk(organizer, app, event_id))
    old = _codes(app, desk_id)
    url = f"/events/{event_id}/desks/{desk_id}/codes"
    assert organizer.post(url, data={"kind": "both", "action": "reissue"}).status_code == 302
    new = _codes(app, desk_id)
    assert set(new.values()).isdisjoint(old.values())
    gone = client.get(f"/q/{old[GUIDE]}")
    assert gone.status_code == 410
    assert "Mã này không còn hiệu lực" in gone.get_data(as_text=True)
    assert client.get(f"/q/{new[GUIDE]}").status_code == 200

    organizer.post(url, data={"kind": "checkin", "action": "revoke"})
    assert CHECKIN not in _codes(app, desk_id)
    assert client.get(f"/q/{new[CHECKIN]}").status_code == 410
    page = organizer.get(f"/events/{event_id}/desks/{desk_id}").get_data(as_text=True)
    assert "Mã đã bị thu hồi. Hãy cấp mã mới." in page

    window = organizer.post(url, data={"kind": "guide", "action": "window",
                                       "valid_from": "01/10/2025 07:00",
                                       "valid_until": "10/10/2025 11:00"})
    assert window.status_code == 302
    expired = client.get(f"/q/{new[GUIDE]}")  # 10/10/2025 11:00 has passed
    assert expired.status_code == 410
    assert "đã được thay bằng mã mới hoặc đã hết hạn" in expired.get_data(as_text=True)
    with app.app_context():
        code = db.session.execute(db.select(DeskCode).filter_by(token=new[GUIDE])).scalar_one()
        assert code.valid_until.isoformat() == "2025-10-10T04:00:00+00:00"  # 11:00 in Vietnam

    future = organizer.post(url, data={"kind": "both", "action": "reissue",
                                       "valid_from": "01/01/2099 07:00"})
    assert future.status_code == 302
    later = client.get(f"/q/{_codes(app, desk_id)[GUIDE]}").get_data(as_text=True)
    assert "Mã này chưa có hiệu lực" in later and "01/01/2099 07:00" in later


def test_unknown_tokens_and_bad_windows(app, organizer, client, event_id):
    unknown = client.get("/q/khong-co-ma-nay-AAAAAAAAAA")
    assert unknown.status_code == 404
    assert "Không tìm thấy mã này" in unknown.get_data(as_text=True)
    assert client.get("/qr/khong-co-ma-nay.png").status_code == 404
    desk_id = _desk_id(_add_desk(organizer, app, event_id))
    before = _codes(app, desk_id)
    bad = organizer.post(f"/events/{event_id}/desks/{desk_id}/codes", data={
        "kind": "both", "action": "reissue", "valid_from": "10/10/2025 11:00",
        "valid_until": "10/10/2025 07:00"})
    assert bad.status_code == 422
    assert "Thời điểm hết hiệu lực phải sau thời điểm bắt đầu." in bad.get_data(as_text=True)
    assert _codes(app, desk_id) == before


def test_desk_rules_and_staff_booked_twice(app, organizer, users, event_id):
    with app.app_context():
        from fieldops.auth.models import User

        volunteer = db.session.execute(
            db.select(User.id).filter_by(username=users["volunteer"])).scalar_one()
    _add_desk(organizer, app, event_id, staff=[volunteer])
    twice = _add_desk(organizer, app, event_id, label="bàn 1", organisation="VNPT")
    assert "Đã có “Bàn 1 – Viettel Đồng Nai” trong sự kiện này." in twice.get_data(as_text=True)
    outside = _add_desk(organizer, app, event_id, label="Bàn 3", services_=("vssid",))
    assert outside.status_code == 422
    # A second event at the same hours in another place, with the same volunteer on a desk.
    with app.app_context():
        other = LaunchEventFactory(campaign=db.session.execute(db.select(Campaign)).scalar_one(),
                                   title="Ngày hội ở ấp Chợ", start_time=time(8),
                                   end_time=time(10), venue_name="Nhà văn hóa ấp Chợ")
        db.session.commit()
        other_id = other.id
    response = _add_desk(organizer, app, other_id, label="Bàn A", organisation="Công an xã",
                         services_=("eid_level2",), staff=[volunteer])
    assert response.status_code == 302
    page = organizer.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Đặng Tình Nguyện đang trực cả “Bàn A – Công an xã” và "
            "“Bàn 1 – Viettel Đồng Nai” cùng lúc.") in page
    assert "Đặng Tình Nguyện đang trực cả" in organizer.get(f"/events/{event_id}").get_data(
        as_text=True)


def test_volunteers_cannot_change_desks(app, client, users, event_id):
    sign_in(client, users["volunteer"])
    assert _add_desk(client, app, event_id).status_code == 403


def _render(pdf: bytes, tmp_path, resolution=150) -> tuple[list[bytes], str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), str(path), str(tmp_path / "p")],
                   check=True)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [p.read_bytes() for p in sorted(tmp_path.glob("p-*.png"))], text


def test_posters_print_vietnamese_and_codes_that_decode(app, organizer, event_id, tmp_path):
    first = _desk_id(_add_desk(organizer, app, event_id))
    second = _desk_id(_add_desk(organizer, app, event_id, label="Bàn 6",
                                organisation="Công an xã Nhơn Trạch",
                                services_=("eid_level2", "vneid_install")))
    response = organizer.get(f"/events/{event_id}/posters.pdf")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages, text = _render(response.data, tmp_path)
    assert len(pages) == 2
    for words in ("Hướng dẫn cài đặt", "Đăng ký nhanh", "BÀN 1", "Viettel Đồng Nai",
                  "Công an xã Nhơn Trạch", "Kích hoạt định danh điện tử mức độ 2",
                  "Chữ ký số cá nhân", "Lễ phát động ra quân"):
        assert words in text
    for page, desk_id in zip(pages, (first, second), strict=True):
        codes = _codes(app, desk_id)
        assert decode(page) == sorted(f"{BASE}/q/{t}" for t in codes.values())
        # The short address under each code, for typing by hand, whole on one line (a token may
        # hold "-", which a wrapped line would turn into a hyphen break).
        assert all(f"192.168.1.10:5000/q/{t}" in text.split() for t in codes.values())
    single = organizer.get(f"/events/{event_id}/desks/{first}/poster.pdf")
    assert single.status_code == 200 and single.data.startswith(b"%PDF")


def test_posters_need_live_codes(app, organizer, event_id):
    desk_id = _desk_id(_add_desk(organizer, app, event_id))
    organizer.post(f"/events/{event_id}/desks/{desk_id}/codes",
                   data={"kind": "both", "action": "revoke"})
    response = organizer.get(f"/events/{event_id}/posters.pdf", follow_redirects=True)
    assert "chưa có mã đang dùng; hãy cấp mã mới trước khi in." in response.get_data(
        as_text=True)


def test_the_nhon_trach_morning_is_in_the_demo(app, demo, organizer, client, tmp_path):
    with app.app_context():
        event = db.session.execute(
            db.select(LaunchEvent).filter_by(event_date=date(2025, 10, 10))).scalar_one()
        assert (event.event_date, event.start_time, event.end_time) == (
            date(2025, 10, 10), time(7), time(11))
        assert sum(g.expected_count for g in event.groups) == 200
        assert [d.organisation for d in event.desks] == [
            "Viettel Đồng Nai", "VNPT Đồng Nai", "Agribank", "VietinBank", "HDBank",
            "Công an xã Nhơn Trạch"]
        assert [f"{i.start_time:%H:%M}" for i in event.agenda_items][0] == "07:00"
        event_id = event.id
    response = organizer.get(f"/events/{event_id}/posters.pdf")
    pages, text = _render(response.data, tmp_path, resolution=100)
    assert len(pages) == 6 and "HDBank" in text and "Công an xã Nhơn Trạch" in text
    assert len(decode(pages[-1])) == 2


def test_the_widest_code_address_prints_on_one_line(tmp_path):
    from fieldops.events import pdf as posters_pdf

    # The widest letters and a "-" where a wrap would fall: still one line, hyphen kept.
    address = "192.168.1.10:5000/q/" + "WM-" * 7 + "W"
    document = posters_pdf.new_document("Thử")
    document.add_page()
    posters_pdf._address(document, 84.0, address)
    path = tmp_path / "a.pdf"
    path.write_bytes(bytes(document.output()))
    posters_pdf.close_fonts(document)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert address in text.split()


@pytest.mark.parametrize(("base", "reach"), [
    ("http://127.0.0.1:5000", "loopback"), ("http://localhost:5000", "loopback"),
    ("http://[::1]:5000", "loopback"), ("http://0.0.0.0:5000", "loopback"),
    ("http://192.168.1.10:5000", "private"), ("http://10.0.0.5", "private"),
    ("http://172.20.1.2", "private"), ("http://may-chu.local", "private"),
    ("https://fieldops.nhontrach.gov.vn", None), ("http://203.113.131.1", None)])
def test_addresses_phones_cannot_open_are_recognised(base, reach):
    assert qr.address_reach(base) == reach


@pytest.mark.parametrize(("base", "says"), [
    ("http://127.0.0.1:5000", "điện thoại của người dân không mở được địa chỉ này"),
    ("http://192.168.1.10:5000", "chỉ điện thoại dùng cùng mạng nội bộ"),
    ("https://fieldops.nhontrach.gov.vn", None)])
def test_desk_pages_warn_when_the_codes_carry_an_address_phones_cannot_open(
        app, organizer, event_id, base, says):
    desk_id = _desk_id(_add_desk(organizer, app, event_id))
    app.config["PUBLIC_BASE_URL"] = base
    for address in (f"/events/{event_id}/desks/{desk_id}", f"/events/{event_id}/desks"):
        page = organizer.get(address).get_data(as_text=True)
        if says is None:
            assert "public-address-warning" not in page
        else:
            assert says in page and base in page
            assert "FIELDOPS_PUBLIC_BASE_URL" in page  # how to set it
