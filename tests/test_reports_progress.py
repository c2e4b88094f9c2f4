"""Counters kept by the check-in write paths, the progress page, ranking and Excel export."""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign
from fieldops.checkin import recording
from fieldops.checkin.models import Registration
from fieldops.checkin.services import Outcome
from fieldops.db import db
from fieldops.reports import counters, ranking, targets
from fieldops.reports.progress import COMMUNE, PLACES, TEAM, TEAMS, progress
from fieldops.teams.models import Team
from tests.factories.checkin import build_scene, recorded, sid, today
from tests.factories.teams import MemberFactory


@pytest.fixture
def scene(app, users):
    """The check-in scene plus a 10-day phase (today is its 5th day) and targets."""
    built = build_scene(app)
    with app.test_request_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        phase = campaigns.save_phase(campaign, None, name="Cao điểm",
                                     start_date=today() - timedelta(days=4),
                                     end_date=today() + timedelta(days=5))
        organizer = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        commune = campaign.communes[0]
        targets.set_target(phase, 100, user=organizer, area=commune)
        targets.set_target(phase, 40, user=organizer,
                           area=db.session.get(Area, built.hamlets["Chợ"]))
        targets.set_target(phase, 50, user=organizer, team=db.session.get(Team, built.team_id))
        ids = [recorded(built, "tnv1", n, hamlet="Chợ") for n in range(3)]
        recorded(built, "tnv1", 3, hamlet="Chợ", outcome="failed")
        voided = recorded(built, "tnv1", 4, hamlet="Chợ")
        recorded(built, "tnv1", 5, hamlet=None, desk=True)
        recorded(built, "doan1", 6, hamlet="Trâu")
        user = db.session.execute(db.select(User).filter_by(username="tnv1")).scalar_one()
        recording.void(db.session.get(Registration, voided), submission_id=sid(), user=user,
                       reason="Ghi nhầm")
        db.session.commit()
        built.extra.update(phase_id=phase.id, commune_id=commune.id, chosen=ids)
    return built


def _lines(report):
    return {line.label or "-": (line.target, line.done, line.expected, line.remaining,
                                line.pace, line.light) for line in report.lines}


def test_progress_numbers_by_place_team_and_person(app, scene):
    with app.test_request_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        phase = campaign.phases[0]
        places = progress(campaign, phase, level=PLACES, today=today())
        assert (places.elapsed_days, places.phase_days, places.days_left) == (5, 10, 6)
        # 3 in Chợ + 1 in Trâu; the failed and the voided record do not count.
        assert _lines(places)["Xã Nhơn Trạch"] == (100, 4, 50, 96, 16, "red")
        assert _lines(places)["-"][1] == 1  # the desk walk-in without a hamlet
        hamlets = _lines(progress(campaign, phase, level=COMMUNE, unit_id=scene.extra[
            "commune_id"], today=today()))
        assert hamlets["Ấp Chợ"] == (40, 3, 20, 37, 7, "red")
        assert hamlets["Ấp Trâu"][:2] == (None, 1)
        teams = _lines(progress(campaign, phase, level=TEAMS, today=today()))
        assert teams["Đoàn 1"] == (50, 4, 25, 46, 8, "red")
        people = progress(campaign, phase, level=TEAM, unit_id=scene.team_id, today=today())
        # Floor 10 each; expected 5 by today: 3 done is 60 % of that -> red; the lead has 1.
        assert _lines(people)["Đặng Tình Nguyện"] == (10, 3, 5, 7, 2, "red")
        assert _lines(people)["Võ Trưởng Đoàn"][:2] == (10, 1)
        assert places.series[-1] == (today(), 5)


def test_progress_page_drills_down_and_lights_follow_thresholds(app, scene, organizer):
    base = f"/campaigns/{scene.campaign_id}/progress"
    page = organizer.get(base).get_data(as_text=True)
    assert 'data-key="a' in page and "Xã Nhơn Trạch" in page and "<svg" in page
    drill = organizer.get(f"{base}?level=commune&unit={scene.extra['commune_id']}")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", drill.get_data(as_text=True)))
    assert "Ấp Chợ 40 3 7,5 % 20 37 7 Chậm nhiều" in text
    members = organizer.get(f"{base}?level=team&unit={scene.team_id}").get_data(as_text=True)
    assert "Đặng Tình Nguyện" in members
    # The organizer lowers the bar: amber from 50 % of what is expected.
    organizer.post(f"/campaigns/{scene.campaign_id}/targets/settings", data={
        "phase": scene.extra["phase_id"], "person_floor": "10", "green_percent": "100",
        "amber_percent": "50"})
    members = organizer.get(f"{base}?level=team&unit={scene.team_id}").get_data(as_text=True)
    row = members[members.index("Đặng Tình Nguyện"):][:1500]
    assert "light-amber" in row


def test_a_unit_or_phase_outside_the_campaign_is_not_found(app, scene, organizer):
    base = f"/campaigns/{scene.campaign_id}"
    hamlet = scene.hamlets["Chợ"]  # a place of the campaign, but not one of its communes
    for address in (f"{base}/progress?level=commune&unit={hamlet}",
                    f"{base}/progress?level=team&unit={scene.team_id + 1000}",
                    f"{base}/targets?phase={scene.extra['phase_id'] + 1000}"):
        answer = organizer.get(address)
        assert answer.status_code == 404, address
        assert "Không tìm thấy" in answer.get_data(as_text=True)
    assert organizer.get(f"{base}/targets?phase={scene.extra['phase_id']}").status_code == 200


def test_counters_equal_a_fresh_group_by_after_record_edit_void(app, scene):
    rng = random.Random(6)
    with app.test_request_context():
        users = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
        team = db.session.get(Team, scene.team_id)
        # A member without an account: credited only when chosen on the form.
        guide = MemberFactory(full_name="Bà Chín Hướng Dẫn", phone="0912000099",
                              organisation=team.lead_organisation)
        team.members.append(guide)
        db.session.flush()
        people = [None, guide.id, team.lead.id, *(m.id for m in team.members)]
        made = []
        for n in range(100, 140):
            hamlet = rng.choice(["Chợ", "Trâu", "Phước Mỹ", None])
            made.append(recorded(scene, "tnv1" if hamlet is None else rng.choice(["tnv1", "doan1"]),
                                n, hamlet=hamlet, desk=hamlet is None,
                                outcome=rng.choice(["done", "done", "failed", "follow_up"]),
                                credited=rng.choice(people)))
        for rid in rng.sample(made, 15):
            reg = db.session.get(Registration, rid)
            recording.edit(reg, submission_id=sid(), user=users["toch"], reason="Sửa",
                           full_name=reg.full_name, phone=None,
                           hamlet_id=scene.hamlets[rng.choice(["Chợ", "Trâu"])],
                           birth_year=None, citizen_id=None,
                           outcomes=[Outcome(scene.services["eid_level2"],
                                             rng.choice(["done", "failed"]), "absent")],
                           credited_member_id=rng.choice(people))
        for rid in rng.sample(made, 10):
            recording.void(db.session.get(Registration, rid), submission_id=sid(),
                           user=users["toch"], reason="Trùng")
        db.session.commit()
        kept = counters.counter_totals(scene.campaign_id)
        fresh = {(s, d if isinstance(d, date) else date.fromisoformat(d), h, t, v, m): n
                 for s, d, h, t, v, m, n in db.session.execute(
                     counters.done_by_key_query(scene.campaign_id))}
        assert kept == fresh and sum(kept.values()) > 10
        assert any(key[5] == guide.id for key in kept)  # the guide's own counters exist
        counters.rebuild_counters(db.session.get(Campaign, scene.campaign_id))
        db.session.commit()
        assert counters.counter_totals(scene.campaign_id) == kept


def test_ranking_snapshot_is_frozen(app, scene, organizer):
    url = f"/campaigns/{scene.campaign_id}/ranking?phase={scene.extra['phase_id']}"
    assert "Chốt xếp hạng giai đoạn" in organizer.get(url).get_data(as_text=True)
    organizer.post(f"/campaigns/{scene.campaign_id}/phases/{scene.extra['phase_id']}"
                   "/ranking/freeze", data={})
    with app.test_request_context():
        user = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        for rid in scene.extra["chosen"]:
            recording.void(db.session.get(Registration, rid), submission_id=sid(), user=user,
                           reason="Kiểm tra xác suất: không đúng")
        db.session.commit()
        snapshot = ranking.snapshot_of(db.session.get(Campaign, scene.campaign_id).phases[0])
        frozen = {(r.kind, r.name): (r.done, r.target, r.rank) for r in snapshot.rows}
    assert frozen[("commune", "Xã Nhơn Trạch")] == (4, 100, 1)
    assert frozen[("member", "Đặng Tình Nguyện")] == (3, 10, 1)
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", organizer.get(url).get_data(
        as_text=True)))
    assert "Xếp hạng đã chốt" in page
    frozen_part, live_part = page.split("Xếp hạng hiện tại")
    assert "Xã Nhơn Trạch 100 4 4,0 %" in frozen_part.replace("4.0", "4,0")
    assert "Xã Nhơn Trạch 100 1 " in live_part
    again = organizer.post(f"/campaigns/{scene.campaign_id}/phases/{scene.extra['phase_id']}"
                           "/ranking/freeze", data={}, follow_redirects=True)
    assert "đã được chốt" in again.get_data(as_text=True)


def test_excel_export_in_appendix_layout(app, scene, organizer):
    response = organizer.get(f"/campaigns/{scene.campaign_id}/progress.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [sheet.cell(4, c).value for c in range(1, 5)] == [
        "STT", "Đơn vị", "Nhân khẩu từ đủ 14 tuổi trở lên", "Cao điểm"]
    assert [sheet.cell(5, c).value for c in range(4, 7)] == ["Chỉ tiêu", "Kết quả", "Tỷ lệ %"]
    assert "D4:F4" in {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(6, c).value for c in range(1, 6)] == [1, "Xã Nhơn Trạch", 9000, 100, 4]
    assert sheet.cell(6, 6).value == pytest.approx(0.04)
    assert sheet.cell(6, 6).number_format == "0.0%"
    total = [sheet.cell(8, c).value for c in range(2, 6)]
    assert total == ["Tổng", 9000, 100, 5] and sheet.cell(8, 2).font.bold
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$4:$5"


def test_the_export_has_a_sheet_per_level_and_a_csv(app, scene, organizer):
    with app.app_context():
        db.session.get(Team, scene.team_id).name = "=HYPERLINK(\"http://x\")"
        db.session.commit()
    response = organizer.get(f"/campaigns/{scene.campaign_id}/progress.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Xã, phường", "Thôn, ấp", "Đoàn", "Thành viên"]
    hamlets = book["Thôn, ấp"]
    rows = [[c.value for c in r][:6] for r in hamlets.iter_rows(min_row=6)]
    assert rows[0][0] == "Xã Nhơn Trạch"  # the commune heads its hamlets
    cho = next(r for r in rows if r[1] == "Ấp Chợ")
    assert cho[3:5] == [40, 3]
    assert rows[-1][:2] == [None, "Cộng: Xã Nhơn Trạch"] and rows[-1][3:5] == [100, 4]
    members = book["Thành viên"]
    heading = members.cell(6, 1)
    # A team name that looks like a formula is written as text, never run.
    assert heading.value == '=HYPERLINK("http://x")' and heading.data_type == "s"
    people = {r[1]: r[3:5] for r in ([c.value for c in r] for r in members.iter_rows(min_row=7))}
    assert people["Đặng Tình Nguyện"] == [10, 3]

    answer = organizer.get(f"/campaigns/{scene.campaign_id}/progress.csv")
    assert answer.headers["Content-Type"].startswith("text/csv")
    text = answer.data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:4] == ["Cấp", "Thuộc", "STT", "Đơn vị"]
    cho_row = table[[r[3] for r in table].index("Ấp Chợ")]
    assert cho_row[:3] == ["Thôn, ấp", "Xã Nhơn Trạch", "1"]
    team_row = next(r for r in table if r[0] == "Đoàn")
    assert team_row[:4] == ["Đoàn", "", "1", "'=HYPERLINK(\"http://x\")"]
    sheet_rows = {r[1]: r[3:5] for r in ([c.value for c in r]
                                         for r in book["Xã, phường"].iter_rows(min_row=6))}
    csv_rows = {r[3]: [int(r[6]), int(r[7])] for r in table if r[0] == "Xã, phường" and r[6]}
    assert csv_rows["Xã Nhơn Trạch"] == sheet_rows["Xã Nhơn Trạch"] == [100, 4]


def test_organizer_adjusts_a_members_share_by_hand(app, scene, organizer):
    from fieldops.reports.models import Target, TargetChange

    campaign_id, phase_id = scene.campaign_id, scene.extra["phase_id"]
    page = organizer.get(f"/campaigns/{campaign_id}/targets?phase={phase_id}")
    html = page.get_data(as_text=True)
    with app.app_context():
        member = db.session.get(Team, scene.team_id).members[0]
        member_id, name = member.id, member.full_name
    assert name in html and "mức tối thiểu 10" in html
    response = organizer.post(f"/campaigns/{campaign_id}/targets/set", data={
        "phase": str(phase_id), "kind": "member", "unit": str(member_id), "value": "25",
        "reason": "Phụ trách thêm ấp Chợ"})
    assert response.status_code == 302
    with app.app_context():
        target = db.session.execute(db.select(Target).filter_by(member_id=member_id)).scalar_one()
        change = db.session.execute(
            db.select(TargetChange).filter_by(target_id=target.id)).scalar_one()
        assert (target.value, change.before, change.after) == (25, None, 25)
        assert change.reason == "Phụ trách thêm ấp Chợ"
    refused = organizer.post(f"/campaigns/{campaign_id}/targets/set", data={
        "phase": str(phase_id), "kind": "member", "unit": str(member_id), "value": "-3"},
        follow_redirects=True)
    assert "Phải là số nguyên không âm." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(
            db.select(Target.value).filter_by(member_id=member_id)).scalar_one() == 25


def test_a_teams_target_is_split_among_its_people_and_a_gap_is_warned(app, scene, organizer):
    campaign_id, phase_id = scene.campaign_id, scene.extra["phase_id"]
    page = organizer.get(f"/campaigns/{campaign_id}/targets?phase={phase_id}")
    # Đoàn 1 has 50, its lead and member carry the floor of 10 each: the gap is shown.
    assert "Đoàn 1 có chỉ tiêu 50, nhưng 2 người cộng lại 20 (lệch -30)." in page.get_data(
        as_text=True)
    split = organizer.post(f"/campaigns/{campaign_id}/targets/cascade", data={
        "phase": str(phase_id), "team": str(scene.team_id)}, follow_redirects=True)
    html = split.get_data(as_text=True)
    assert "Đã chia chỉ tiêu Đoàn 1 cho 2 người." in html and "lệch" not in html
    with app.test_request_context():
        campaign = db.session.get(Campaign, campaign_id)
        people = _lines(progress(campaign, campaign.phases[0], level=TEAM,
                                 unit_id=scene.team_id, today=today()))
        assert people["Võ Trưởng Đoàn"][0] == people["Đặng Tình Nguyện"][0] == 25
        # A target below the floor times the people: each still gets the floor, and the page
        # says the shares now exceed the team's.
        targets.set_target(campaign.phases[0], 15, user=None,
                           team=db.session.get(Team, scene.team_id))
        db.session.commit()
    organizer.post(f"/campaigns/{campaign_id}/targets/cascade", data={
        "phase": str(phase_id), "team": str(scene.team_id)})
    page = organizer.get(f"/campaigns/{campaign_id}/targets?phase={phase_id}")
    assert "Đoàn 1 có chỉ tiêu 15, nhưng 2 người cộng lại 20 (lệch 5)." in page.get_data(
        as_text=True)
    other = organizer.post(f"/campaigns/{campaign_id}/targets/cascade", data={
        "phase": str(phase_id), "team": "999999"})
    assert other.status_code == 404


def test_an_ended_or_coming_phase_says_so_instead_of_counting_days(app, scene, organizer):
    with app.test_request_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        # a long-running plan: a phase in 2023, one running and one to come
        campaign.start_date, campaign.end_date = date(2023, 1, 1), today() + timedelta(days=30)
        ended = campaigns.save_phase(campaign, None, name="Đợt 2023", start_date=date(2023, 5, 1),
                                     end_date=date(2023, 5, 16))
        coming = campaigns.save_phase(campaign, None, name="Đợt sau",
                                      start_date=today() + timedelta(days=10),
                                      end_date=today() + timedelta(days=20))
        db.session.commit()
        ended_id, coming_id = ended.id, coming.id
        starts = (today() + timedelta(days=10)).strftime("%d/%m/%Y")
    base = f"/campaigns/{scene.campaign_id}/progress"
    page = organizer.get(f"{base}?phase={ended_id}").get_data(as_text=True)
    assert "Giai đoạn đã kết thúc ngày 16/05/2023." in page and "còn 0 ngày" not in page
    page = organizer.get(f"{base}?phase={coming_id}").get_data(as_text=True)
    assert f"Giai đoạn bắt đầu ngày {starts}." in page and "ngày 0/" not in page
    page = organizer.get(f"{base}?phase={scene.extra['phase_id']}").get_data(as_text=True)
    assert "ngày 5/10, còn 6 ngày (kể cả hôm nay)" in page
