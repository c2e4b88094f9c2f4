"""The public "where to get help" page: today's and upcoming desks, its QR code and poster."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from fieldops.clock import LOCAL_TZ, local_today
from fieldops.db import db
from fieldops.events import help_points
from fieldops.events.models import MOBILE_POINT, LaunchEvent
from tests.conftest import csrf_token
from tests.factories.campaigns import CampaignFactory, services_by_code
from tests.factories.events import HelpDeskFactory, LaunchEventFactory
from tests.test_events_desks import decode

BASE = "http://192.168.1.10:5000"


@pytest.fixture
def noon(monkeypatch):
    """Hold the clock at 12:00 today (Vietnam time): a morning desk is over, the afternoon not."""
    moment = datetime.combine(local_today(), time(12, 0), tzinfo=LOCAL_TZ)
    monkeypatch.setattr(help_points, "local_now", lambda: moment)
    return moment


def _day(offset: int) -> str:
    return (local_today() + timedelta(days=offset)).strftime("%d/%m/%Y")


@pytest.fixture
def campaign_id(app, noon):
    """A running campaign with desks yesterday, this morning, this afternoon and in 3 days."""
    app.config["PUBLIC_BASE_URL"] = BASE
    today = local_today()
    with app.app_context():
        by_code = services_by_code()
        campaign = CampaignFactory(running=True, issuing_unit="UBND xã Nhơn Trạch",
                                   services=list(by_code.values()))
        for offset, start, end, organisation, codes in (
                (-1, 7, 11, "Agribank hôm qua", ("digital_banking",)),
                (0, 7, 11, "Viettel buổi sáng", ("digital_signature",)),
                (0, 13, 17, "VNPT Đồng Nai", ("digital_signature", "vneid_install"))):
            event = LaunchEventFactory(campaign=campaign, event_date=today + timedelta(offset),
                                       start_time=time(start), end_time=time(end),
                                       title=f"Ngày hỗ trợ {organisation}",
                                       venue_name="Trụ sở UBND xã")
            HelpDeskFactory(event=event, organisation=organisation,
                            services=[by_code[c] for c in codes])
        point = LaunchEventFactory(
            campaign=campaign, kind=MOBILE_POINT, title="Điểm thu nhận hồ sơ lưu động",
            event_date=today + timedelta(3), start_time=time(7, 30), end_time=time(11),
            venue_name="Nhà văn hóa ấp Chợ", venue_address="Ấp Chợ, xã Nhơn Trạch",
            latitude=10.7662, longitude=106.9237)
        HelpDeskFactory(event=point, organisation="Công an xã Nhơn Trạch",
                        table_label="Tổ thu nhận số 1", services=[by_code["eid_level2"]])
        # A meeting with no desk is not a place to get help.
        LaunchEventFactory(campaign=campaign, event_date=today + timedelta(2),
                           title="Họp giao ban", venue_name="Phòng họp UBND")
        db.session.commit()
        return campaign.id


def _statements(app, request) -> tuple[int, object]:
    count = 0

    def counter(*_args) -> None:
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        response = request()
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    return count, response


def test_without_sign_in_today_and_upcoming_desks_with_hours_and_services(app, campaign_id):
    client = app.test_client()
    count, response = _statements(app, lambda: client.get(f"/help/{campaign_id}"))
    assert response.status_code == 200 and count == 2  # one campaign, one listing
    assert response.headers["Cache-Control"] == "private, max-age=60"
    html = response.get_data(as_text=True)
    assert "Nơi hỗ trợ người dân" in html and "UBND xã Nhơn Trạch" in html
    # Past desks (yesterday, and this morning's at noon) are gone; a meeting with no desk too.
    for gone in ("Agribank hôm qua", "Viettel buổi sáng", "Họp giao ban"):
        assert gone not in html
    sections = re.findall(r"<h2>(.*?)</h2>", html)
    weekday = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")[
        (local_today() + timedelta(3)).weekday()]
    assert sections == [f"Hôm nay, {_day(0)}", f"{weekday}, {_day(3)}"]
    today, later = html.split("<h2>")[1:]
    assert "13:00–17:00" in today and "VNPT Đồng Nai" in today
    assert "Chữ ký số cá nhân" in today and "Cài đặt ứng dụng VNeID" in today
    assert "07:30–11:00" in later and "Điểm thu nhận lưu động" in later
    assert "Nhà văn hóa ấp Chợ" in later and "Ấp Chợ, xã Nhơn Trạch" in later
    assert "Công an xã Nhơn Trạch" in later and "Kích hoạt định danh điện tử mức độ 2" in later
    # The map app opens from the venue's point; the page itself asks no other host.
    assert 'href="geo:10.766200,106.923700?q=10.766200,106.923700(Nh%C3%A0' in later
    assert not re.search(r'(src|href)="https?://(?!192\.168\.1\.10:5000)', html)


def test_in_english_through_the_language_switch(app, campaign_id):
    client = app.test_client()
    page = client.get(f"/help/{campaign_id}").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(page),
                                   "next": f"/help/{campaign_id}"})
    html = client.get(f"/help/{campaign_id}").get_data(as_text=True)
    assert "Where to get help" in html and f"Today, {_day(0)}" in html
    assert "Mobile collection point" in html and "Personal digital signature" in html


def test_ended_campaign_says_so_and_unknown_links_get_a_vietnamese_404(app, client):
    with app.app_context():
        ended = CampaignFactory(end_date=local_today() - timedelta(days=1),
                                start_date=local_today() - timedelta(days=30))
        db.session.commit()
        ended_id, end = ended.id, ended.end_date
    html = client.get(f"/help/{ended_id}").get_data(as_text=True)
    assert f"Chiến dịch đã kết thúc ngày {end:%d/%m/%Y}." in html
    missing = client.get(f"/help/{ended_id + 1000}")
    assert missing.status_code == 404
    assert "Không tìm thấy trang này" in missing.get_data(as_text=True)
    assert client.get(f"/help/{ended_id + 1000}/qr.png").status_code == 404


def _pdf_pages(pdf: bytes, tmp_path) -> tuple[list[bytes], str]:
    path = tmp_path / "poster.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "p")], check=True)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [p.read_bytes() for p in sorted(tmp_path.glob("p-*.png"))], text


def test_organizer_gets_the_link_a_qr_that_decodes_to_it_and_a_poster(app, organizer,
                                                                       campaign_id, tmp_path):
    url = f"{BASE}/help/{campaign_id}"
    page = organizer.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert f'<a href="{url}" id="help-page-link">{url}</a>' in page
    assert f'src="/help/{campaign_id}/qr.svg"' in page
    png = app.test_client().get(f"/help/{campaign_id}/qr.png")
    assert png.mimetype == "image/png" and "max-age=86400" in png.headers["Cache-Control"]
    assert decode(png.data) == [url]
    poster = organizer.get(f"/campaigns/{campaign_id}/help-poster.pdf")
    assert poster.mimetype == "application/pdf"
    pages, text = _pdf_pages(poster.data, tmp_path)
    assert len(pages) == 1 and decode(pages[0]) == [url]
    assert "NƠI HỖ TRỢ NGƯỜI DÂN" in text and "192.168.1.10:5000/help/" in text
    assert app.test_client().get(f"/campaigns/{campaign_id}/help-poster.pdf").status_code == 302


def test_an_organizer_marks_an_event_as_a_mobile_point(app, organizer, campaign_id):
    response = organizer.post(f"/campaigns/{campaign_id}/events/new", data={
        "title": "Điểm thu nhận lưu động trường THCS", "kind": MOBILE_POINT,
        "event_date": _day(4), "start_time": "07:30", "end_time": "11:00",
        "venue_name": "Trường THCS Phước Thiền", "status": "planned"})
    assert response.status_code == 302
    with app.app_context():
        kind = db.session.execute(db.select(LaunchEvent.kind).filter_by(
            venue_name="Trường THCS Phước Thiền")).scalar_one()
    assert kind == MOBILE_POINT
    detail = organizer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Điểm thu nhận hồ sơ lưu động" in detail


def test_the_demo_trial_shows_its_mobile_points(app, demo, client):
    from fieldops.campaigns.models import Campaign

    with app.app_context():
        trial = db.session.execute(db.select(Campaign.id).where(
            Campaign.title.startswith("Dùng thử"))).scalar_one()
    html = client.get(f"/help/{trial}").get_data(as_text=True)
    assert "Nhà văn hóa ấp Chợ" in html and "Nhà văn hóa ấp Trâu" in html
    assert html.count("Điểm thu nhận lưu động") == 2
