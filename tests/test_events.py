"""Launch events: the event itself, its agenda and shifts, invited groups and reception taps."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest

from fieldops.db import db
from fieldops.events import agenda
from fieldops.events.models import AgendaItem, AgendaShift, ArrivalTap, LaunchEvent
from fieldops.outbox import HEADER
from tests.factories.auth import sign_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.events import LaunchEventFactory


@pytest.fixture
def campaign_id(app):
    with app.app_context():
        campaign = CampaignFactory()
        db.session.commit()
        return campaign.id


ITEMS = ((time(7), time(8), "Đón tiếp"), (time(8), time(8, 5), "Khai mạc"),
         (time(9), time(11), "Các đoàn xuất quân"))


def event_fixture(app, campaign_id, items=ITEMS, **overrides) -> int:
    """Create the Nhơn Trạch morning (07:00-11:00) with three agenda items; return its id."""
    from fieldops.campaigns.models import Campaign

    with app.app_context():
        data = {"title": "Lễ phát động ra quân", "event_date": date(2025, 10, 10),
                "start_time": time(7), "end_time": time(11),
                "venue_name": "Trụ sở UBND xã Phước Thiền (cũ)", "expected_attendance": 200}
        data.update(overrides)
        event = LaunchEventFactory(campaign=db.session.get(Campaign, campaign_id), **data)
        for start, end, title in items:
            agenda.save_item(event, None, start_time=start, end_time=end, title=title)
        db.session.commit()
        return event.id


@pytest.fixture
def event_id(app, campaign_id):
    return event_fixture(app, campaign_id)


def _items(app, event_id) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(db.select(AgendaItem).filter_by(event_id=event_id)
                                  .order_by(AgendaItem.start_time)).scalars()
        return [(i.title, f"{i.start_time:%H:%M}", f"{i.end_time:%H:%M}") for i in rows]


def _event(app, event_id) -> LaunchEvent:
    with app.app_context():
        return db.session.get(LaunchEvent, event_id)


# --- events -------------------------------------------------------------------------------


def test_create_event_and_see_it_in_list_and_calendar(organizer, campaign_id):
    response = organizer.post(f"/campaigns/{campaign_id}/events/new", data={
        "title": "Lễ phát động ra quân", "event_date": "10/10/2025", "start_time": "07h00",
        "end_time": "11:00", "venue_name": "Trụ sở UBND xã Phước Thiền (cũ)",
        "venue_address": "Xã Nhơn Trạch", "latitude": "10,758", "longitude": "106.92",
        "expected_attendance": "200", "status": "planned"})
    assert response.status_code == 302
    page = organizer.get(f"/campaigns/{campaign_id}/events").get_data(as_text=True)
    assert "Lễ phát động ra quân" in page and "10/10/2025 · 07:00–11:00" in page
    assert "Lịch tháng 10/2025" in page and 'class="cal-event"' in page
    detail = organizer.get(response.headers["Location"]).get_data(as_text=True)
    assert "geo:10.758,106.92" in detail and "Đã lên kế hoạch" in detail
    assert "Lễ phát động và sự kiện" in organizer.get(f"/campaigns/{campaign_id}").get_data(
        as_text=True)


@pytest.mark.parametrize(("change", "message"), [
    ({"end_time": "06:30"}, "Giờ kết thúc phải sau giờ bắt đầu."),
    ({"start_time": "25:00"}, "Giờ phải viết dạng giờ:phút"),
    ({"expected_attendance": "-5"}, "Phải là số nguyên không âm."),
    ({"start_time": "07:30"}, "Mục “Đón tiếp” (07:00–08:00) sẽ nằm ngoài thời gian sự kiện."),
])
def test_bad_event_changes_are_refused(app, organizer, event_id, change, message):
    data = {"title": "Lễ phát động ra quân", "event_date": "10/10/2025", "start_time": "07:00",
            "end_time": "11:00", "venue_name": "Trụ sở", "status": "planned", **change}
    response = organizer.post(f"/events/{event_id}/edit", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    event = _event(app, event_id)
    assert (event.start_time, event.end_time, event.expected_attendance) == (time(7), time(11),
                                                                             200)


def test_two_events_at_one_venue_at_once_are_flagged(app, organizer, campaign_id, event_id):
    other = event_fixture(app, campaign_id, title="Hội nghị khác",
                          venue_name="trụ sở ubnd xã phước thiện (cũ)", start_time=time(6),
                          end_time=time(12))
    page = organizer.get(f"/events/{other}").get_data(as_text=True)
    assert "Trùng địa điểm: “Lễ phát động ra quân”" in page
    later = event_fixture(app, campaign_id, items=(), title="Buổi chiều",
                          start_time=time(13), end_time=time(17))
    assert "Trùng địa điểm" not in organizer.get(f"/events/{later}").get_data(as_text=True)


# --- agenda -------------------------------------------------------------------------------


def test_add_items_and_clashes_are_named(app, organizer, event_id):
    url = f"/events/{event_id}/agenda"
    ok = organizer.post(url, data={"start_time": "08:05", "end_time": "08:25",
                                   "title": "Phát biểu và chỉ đạo",
                                   "responsible_unit": "Lãnh đạo UBND xã"})
    assert ok.status_code == 302
    clash = organizer.post(url, data={"start_time": "07:30", "end_time": "08:10",
                                      "title": "Văn nghệ chào mừng"})
    assert clash.status_code == 422
    text = clash.get_data(as_text=True)
    assert "Trùng giờ với: “Đón tiếp” (07:00–08:00); “Khai mạc” (08:00–08:05); " \
           "“Phát biểu và chỉ đạo” (08:05–08:25)" in text
    parallel = organizer.post(url, data={"start_time": "07:30", "end_time": "08:00",
                                         "title": "Văn nghệ chào mừng", "parallel": "y"})
    assert parallel.status_code == 302
    assert ("Văn nghệ chào mừng", "07:30", "08:00") in _items(app, event_id)
    page = organizer.get(url).get_data(as_text=True)
    assert "song song" in page and "Lãnh đạo UBND xã" in page


@pytest.mark.parametrize(("item", "message"), [
    ({"start_time": "06:30", "end_time": "07:00"}, "Mục phải nằm trong thời gian sự kiện "
                                                   "(07:00–11:00)."),
    ({"start_time": "10:30", "end_time": "11:30"}, "Mục phải nằm trong thời gian sự kiện"),
    ({"start_time": "08:30", "end_time": "08:20"}, "Giờ kết thúc phải sau giờ bắt đầu."),
    ({"start_time": "8:3O", "end_time": "08:40"}, "Giờ phải viết dạng giờ:phút"),
])
def test_bad_items_are_refused(app, organizer, event_id, item, message):
    before = _items(app, event_id)
    response = organizer.post(f"/events/{event_id}/agenda", data={"title": "Thử", **item})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _items(app, event_id) == before


def _item_id(app, event_id, title) -> int:
    with app.app_context():
        return db.session.execute(db.select(AgendaItem.id).filter_by(
            event_id=event_id, title=title)).scalar_one()


def test_shift_moves_the_item_and_everything_after_and_is_logged(app, organizer, event_id):
    khai_mac = _item_id(app, event_id, "Khai mạc")
    response = organizer.post(f"/events/{event_id}/agenda/shift", data={
        "item_id": khai_mac, "minutes": "15", "reason": "Khai mạc bắt đầu muộn"})
    assert response.status_code == 302
    assert _items(app, event_id) == [("Đón tiếp", "07:00", "08:00"),
                                     ("Khai mạc", "08:15", "08:20"),
                                     ("Các đoàn xuất quân", "09:15", "11:15")]
    event = _event(app, event_id)
    assert event.end_time == time(11, 15)  # extended, and the user is told
    page = organizer.get(f"/events/{event_id}/agenda").get_data(as_text=True)
    assert "Đã dời 2 mục, 15 phút." in page
    assert "Giờ kết thúc sự kiện đã lùi từ 11:00 đến 11:15." in page
    assert "Từ “Khai mạc” (08:00): +15 phút, 2 mục" in page
    assert "Khai mạc bắt đầu muộn" in page and "11:00 → 11:15" in page
    with app.app_context():
        log = db.session.execute(db.select(AgendaShift)).scalar_one()
        assert (log.minutes, log.items_moved, log.shifted_by.username) == (15, 2, "toch")


@pytest.mark.parametrize(("title", "minutes", "message"), [
    ("Các đoàn xuất quân", "800", "Chỉ dời tối đa 240 phút mỗi lần."),
    ("Khai mạc", "0", "Số phút phải khác 0."),
    ("Đón tiếp", "-5", "trước giờ bắt đầu sự kiện (07:00)"),
    ("Các đoàn xuất quân", "-60", "Trùng giờ với: “Khai mạc”"),
])
def test_bad_shifts_change_nothing(app, organizer, event_id, title, minutes, message):
    before = _items(app, event_id)
    response = organizer.post(f"/events/{event_id}/agenda/shift", data={
        "item_id": _item_id(app, event_id, title), "minutes": minutes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _items(app, event_id) == before
    with app.app_context():
        assert db.session.execute(db.select(AgendaShift)).first() is None


def test_shift_past_midnight_is_refused(app, organizer, campaign_id):
    late = event_fixture(app, campaign_id, title="Đêm hội", start_time=time(7),
                         end_time=time(23, 0))
    with app.app_context():
        event = db.session.get(LaunchEvent, late)
        agenda.save_item(event, None, start_time=time(21), end_time=time(22, 30),
                         title="Văn nghệ")
        db.session.commit()
    before = _items(app, late)
    response = organizer.post(f"/events/{late}/agenda/shift", data={
        "item_id": _item_id(app, late, "Văn nghệ"), "minutes": "120"})
    assert "kết thúc sau nửa đêm (quá 23:59)" in response.get_data(as_text=True)
    assert _items(app, late) == before
    assert _event(app, late).end_time == time(23, 0)


def test_now_and_next_on_the_stage_phone(organizer, event_id):
    page = organizer.get(f"/events/{event_id}/now?at=08:02").get_data(as_text=True)
    assert "08:02" in page and 'http-equiv="refresh"' not in page
    now, after = page.split("Tiếp theo", 1)
    assert "Khai mạc" in now and "Các đoàn xuất quân" in after and "còn 58 phút" in after
    early = organizer.get(f"/events/{event_id}/now?at=06:15").get_data(as_text=True)
    assert "Chương trình chưa bắt đầu." in early
    late = organizer.get(f"/events/{event_id}/now?at=11:30").get_data(as_text=True)
    assert "Chương trình đã kết thúc." in late


def test_the_stage_page_updates_by_fetching_and_keeps_its_state_offline(organizer, event_id):
    page = organizer.get(f"/events/{event_id}/now").get_data(as_text=True)
    # The page never reloads itself (offline that shows the browser's error page): now.js
    # fetches and swaps the stage part, so offline the last state stays on screen with the time
    # it was read; without JavaScript a link reloads it.
    assert 'http-equiv="refresh"' not in page
    assert "<noscript>" in page and "Tải lại để cập nhật" in page
    assert "js/now." in page
    assert 'data-offline="Mất kết nối – đang hiển thị thông tin lúc %s"' in page


def test_run_sheet_pdf_keeps_vietnamese(organizer, event_id, tmp_path):
    import subprocess

    response = organizer.get(f"/events/{event_id}/run-sheet.pdf")
    assert response.mimetype == "application/pdf"
    path = tmp_path / "run.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    for words in ("CHƯƠNG TRÌNH CHI TIẾT", "Lễ phát động ra quân", "Các đoàn xuất quân",
                  "Trụ sở UBND xã Phước Thiền (cũ)", "07:00–08:00"):
        assert words in text


# --- groups and reception -----------------------------------------------------------------


def _group(organizer, event_id, name, count):
    return organizer.post(f"/events/{event_id}/groups",
                          data={"name": name, "expected_count": count})


def test_groups_with_head_counts_and_a_negative_count_refused(organizer, event_id):
    assert _group(organizer, event_id, "Cán bộ, công chức xã", "25").status_code == 302
    assert _group(organizer, event_id, "Trưởng ấp, Tổ CNSCĐ", "60").status_code == 302
    bad = _group(organizer, event_id, "Đoàn thể", "-50")
    assert bad.status_code == 422 and "Phải là số nguyên không âm." in bad.get_data(as_text=True)
    twice = _group(organizer, event_id, "cán bộ, công chức xã", "3")
    assert "Đã có nhóm “Cán bộ, công chức xã”." in twice.get_data(as_text=True)
    page = organizer.get(f"/events/{event_id}/groups").get_data(as_text=True)
    assert "Đoàn thể" not in page and "Tổng cộng" in page and ">85<" in page


def _tap(client, event_id, group_id, tap_id, delta=1, json=True):
    """Send one reception tap as the phone's outbox does (or as a plain form, json=False)."""
    headers = {HEADER: "1", "Accept": "application/json"} if json else {}
    return client.post(f"/events/{event_id}/groups/{group_id}/taps",
                       data={"tap_id": tap_id, "delta": str(delta)}, headers=headers)


def test_reception_taps_count_once_and_undo(app, client, users, organizer, event_id):
    _group(organizer, event_id, "Cán bộ xã", "25")
    _group(organizer, event_id, "Đoàn thể", "50")
    with app.app_context():
        groups = [g.id for g in db.session.get(LaunchEvent, event_id).groups]
    volunteer = app.test_client()
    sign_in(volunteer, users["volunteer"])
    first = str(uuid.uuid4())
    answer = _tap(volunteer, event_id, groups[0], first).get_json()
    assert answer["status"] == "stored"
    assert answer["counts"]["groups"][str(groups[0])] == {"arrived": 1, "expected": 25}
    resend = _tap(volunteer, event_id, groups[0], first).get_json()  # its answer was lost
    assert resend["status"] == "replay" and resend["counts"]["arrived_total"] == 1
    _tap(volunteer, event_id, groups[1], str(uuid.uuid4()))
    _tap(volunteer, event_id, groups[1], str(uuid.uuid4()))
    undo = str(uuid.uuid4())
    assert _tap(volunteer, event_id, groups[1], undo, -1).get_json()["counts"][
        "arrived_total"] == 2
    again = _tap(volunteer, event_id, groups[1], undo, -1).get_json()
    assert again["status"] == "replay" and again["counts"]["arrived_total"] == 2
    # Without JavaScript: a plain form post, answered with a redirect back to the counter.
    plain = _tap(volunteer, event_id, groups[0], str(uuid.uuid4()), json=False)
    assert plain.status_code == 302 and f"#group-{groups[0]}" in plain.headers["Location"]
    counts = volunteer.get(f"/events/{event_id}/reception/counts").get_json()
    assert counts["arrived_total"] == 3 and counts["expected_total"] == 75
    page = volunteer.get(f"/events/{event_id}/reception").get_data(as_text=True)
    assert "Cán bộ xã: 2/25 người đã đến." in page
    assert 'id="arrived-total">3<' in page and 'id="expected-total">75<' in page
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(ArrivalTap.id))).scalar() == 5


def test_bad_taps_change_nothing(app, organizer, event_id):
    _group(organizer, event_id, "Cán bộ xã", "25")
    with app.app_context():
        group = db.session.get(LaunchEvent, event_id).groups[0].id
    nobody = _tap(organizer, event_id, group, str(uuid.uuid4()), -1)
    assert nobody.status_code == 422 and nobody.get_json()["status"] == "refused"
    assert nobody.get_json()["errors"] == {"delta": ["Nhóm “Cán bộ xã” chưa có ai đến để bớt."]}
    assert nobody.get_json()["counts"]["arrived_total"] == 0
    assert _tap(organizer, event_id, group, "x", 1).status_code == 422
    assert _tap(organizer, event_id, group, str(uuid.uuid4()), 5).status_code == 422
    plain = _tap(organizer, event_id, group, str(uuid.uuid4()), -1, json=False)
    assert plain.status_code == 302
    assert "chưa có ai đến để bớt" in organizer.get(plain.headers["Location"]).get_data(
        as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(ArrivalTap)).first() is None


def test_reception_needs_sign_in(client, event_id):
    assert client.get(f"/events/{event_id}/reception").status_code == 302
