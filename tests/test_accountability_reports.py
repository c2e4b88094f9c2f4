"""Reports on a clock: duties and their periods, pre-filled reports, versions, the board,
access by unit, and the deadlines run by the schedule."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from fieldops.accountability import duties, home, report_views, submissions
from fieldops.accountability.duty_models import (
    COMMUNE,
    DAILY,
    FINAL,
    LATE,
    MISSING,
    ON_TIME,
    PHASE_REVIEW,
    WAITING,
    WEEKLY,
    ReportingDuty,
    UnitReport,
    UnitReportVersion,
)
from fieldops.accountability.figures import figures_for
from fieldops.auth.models import User
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.errors import DomainErrors
from fieldops.reports import targets
from fieldops.reports.progress import progress
from tests.factories.accountability_duties import build_duty_scene, local, unit
from tests.factories.auth import signed_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.checkin import today


@pytest.fixture
def ds(app, users):
    """The duty scene (tests.factories.accountability.build_duty_scene)."""
    return build_duty_scene(app)


@pytest.fixture
def clock(monkeypatch):
    """Set the time the report pages and the home page read: clock(hour, minute, days=0)."""

    def at(hour: int, minute: int = 0, days: int = 0):
        moment = local(today() + timedelta(days=days), hour, minute)
        for module in (report_views, home):
            monkeypatch.setattr(module, "now_utc", lambda: moment)
        monkeypatch.setattr(report_views, "local_today", lambda: moment.date())
        return moment

    return at


def _url(ds, day: date | None = None, unit_id: int | None = None) -> str:
    start = (day or today()).isoformat()
    return f"/duties/{ds.duty_id}/units/{unit_id or ds.unit_id}/reports/{start}"


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


def test_periods_of_each_frequency(app):
    with app.app_context():
        campaign = CampaignFactory(start_date=date(2023, 4, 15), end_date=date(2023, 11, 15))
        phase = campaigns.save_phase(campaign, None, name="Giai đoạn 1",
                                     start_date=date(2023, 4, 15), end_date=date(2023, 4, 30))
        daily = duties.save_duty(campaign, None, title="Hằng ngày", frequency=DAILY,
                                 unit_kind=COMMUNE, deadline=time(17, 0))
        found = duties.periods(daily)
        assert len(found) == 215 and found[0].start == found[0].end == date(2023, 4, 15)
        # 17:00 in Vietnam is 10:00 UTC; the period closes three days later.
        assert found[0].due_at.isoformat() == "2023-04-15T10:00:00+00:00"
        assert found[0].closes_at.isoformat() == "2023-04-18T10:00:00+00:00"
        friday = duties.save_duty(campaign, None, title="Tuần", frequency=WEEKLY, weekday=4,
                                  unit_kind=COMMUNE, deadline=time(17, 0))
        weeks = duties.periods(friday)
        assert [(p.start, p.end) for p in weeks[:2]] == [
            (date(2023, 4, 15), date(2023, 4, 21)), (date(2023, 4, 22), date(2023, 4, 28))]
        assert weeks[-1].end >= date(2023, 11, 15) and weeks[-1].end.weekday() == 4
        saturday = duties.save_duty(campaign, None, title="Tuần thứ Bảy", frequency=WEEKLY,
                                    weekday=5, unit_kind=COMMUNE, deadline=time(16, 30))
        assert duties.periods(saturday)[1].due_at.isoformat() == "2023-04-22T09:30:00+00:00"
        review = duties.save_duty(campaign, None, title="Sơ kết", frequency=PHASE_REVIEW,
                                  phase=phase, due_on=date(2023, 5, 5), unit_kind=COMMUNE,
                                  deadline=time(17, 0))
        assert [(p.start, p.end, p.due_at.date()) for p in duties.periods(review)] == [
            (date(2023, 4, 15), date(2023, 4, 30), date(2023, 5, 5))]
        final = duties.save_duty(campaign, None, title="Tổng kết", frequency=FINAL,
                                 due_on=date(2023, 9, 23), unit_kind=COMMUNE,
                                 deadline=time(17, 0))
        assert [(p.start, p.end) for p in duties.periods(final)] == [
            (date(2023, 4, 15), date(2023, 11, 15))]
        with pytest.raises(DomainErrors) as broken:
            duties.save_duty(campaign, None, title="", frequency=PHASE_REVIEW,
                             unit_kind=COMMUNE, deadline=time(17, 0))
        assert {e.field for e in broken.value.errors} == {"title", "phase_id", "due_on"}


def test_report_is_prefilled_from_the_progress_table(app, ds):
    with app.test_request_context():
        campaign = db.session.get(Campaign, ds.campaign_id)
        phase = db.session.get(Phase, ds.phase_id)
        figures = {f.service_id: f for f in figures_for(campaign, unit(ds.unit_id), today(),
                                                        today())}
        eid = figures[ds.eid]
        assert (eid.target, eid.done_period, eid.done_total) == (100, 3, 4)
        assert eid.percent == 4.0 and eid.confirmed_total is None
        # The same number the progress page shows for the commune.
        line = next(x for x in progress(campaign, phase, service_id=ds.eid, today=today()).lines
                    if x.key == f"a{campaign.communes[0].id}")
        assert line.done == eid.done_total
        yesterday = {f.service_id: f for f in figures_for(
            campaign, unit(ds.unit_id), today() - timedelta(days=1),
            today() - timedelta(days=1))}[ds.eid]
        assert (yesterday.done_period, yesterday.done_total) == (1, 1)
        other = {f.service_id: f for f in figures_for(campaign, unit(ds.other_unit_id), today(),
                                                      today())}[ds.eid]
        assert (other.target, other.done_period, other.done_total) == (None, 0, 0)
        # A target set for all services together (as the appendix sets them) has its line.
        organizer = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        targets.set_target(phase, 200, user=organizer, area=campaign.communes[0])
        every = figures_for(campaign, unit(ds.unit_id), today(), today())[0]
        assert (every.service_id, every.service_name, every.target, every.done_period,
                every.done_total, every.percent) == (None, "Mọi dịch vụ của chiến dịch", 200,
                                                     3, 4, 2.0)


def _send(client, ds, results="Ra quân 3 thôn.", **extra):
    data = {"results": results, "difficulties": "Mất sóng ở ấp Trâu.", "proposals": ""}
    data.update(extra)
    return client.post(_url(ds), data=data)


def test_submit_on_time_then_a_late_correction_keeps_the_first(app, ds, clock):
    client = signed_in(app, "xa1")
    clock(16, 0)
    page = client.get(_url(ds)).get_data(as_text=True)
    assert 'data-field="done_period">3<' in page and 'data-field="done_total">4<' in page
    key = f"{ds.phase_id}_{ds.eid}"
    response = _send(client, ds, **{f"own_period_{key}": "5", f"own_total_{key}": "4"})
    assert response.status_code == 302
    page = client.get(_url(ds)).get_data(as_text=True)
    assert "Đã nộp báo cáo đúng hạn." in page and "Đúng hạn" in page
    assert '<span class="diff-plus">+2</span>' in page  # 5 of theirs against our 3
    # The correction's form starts from what was submitted, as a new submission.
    assert f'name="own_period_{key}" size="7" type="text" value="5"' in page
    form_id = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page).group(1)
    with app.app_context():
        assert db.session.execute(db.select(UnitReportVersion.submission_id)).scalar() \
            != form_id
    clock(18, 30)
    response = _send(client, ds, results="Đã sửa: ra quân 4 thôn.", submission_id=form_id,
                     **{f"own_period_{key}": "5"})
    assert response.status_code == 302
    page = client.get(_url(ds)).get_data(as_text=True)
    assert "Đã lưu bản sửa số 2" in page
    assert page.index("Đã sửa: ra quân 4 thôn.") < page.index("Ra quân 3 thôn.")
    with app.app_context():
        report = db.session.execute(db.select(UnitReport)).scalar_one()
        assert (report.status, report.version) == (ON_TIME, 2)
        first, second = report.versions
        assert (first.results, first.late, second.late) == ("Ra quân 3 thôn.", False, True)
        assert [(f.done_period, f.own_period) for f in first.figures
                if f.service_id == ds.eid] == [(3, 5)]
        assert [(f.own_period, f.own_total) for f in second.figures
                if f.service_id == ds.eid] == [(5, None)]


def test_a_report_after_the_deadline_is_late_and_after_the_close_refused(app, ds, clock):
    client = signed_in(app, "xa1")
    clock(9, 0)
    yesterday = today() - timedelta(days=1)
    response = client.post(_url(ds, yesterday), data={"results": "Muộn một ngày."})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(UnitReport.status)).scalar_one() == LATE
    four_days_ago = today() - timedelta(days=4)
    page = client.get(_url(ds, four_days_ago)).get_data(as_text=True)
    assert "đã khóa" in page and 'name="results"' not in page
    response = client.post(_url(ds, four_days_ago), data={"results": "Quá muộn."})
    assert response.status_code == 200
    assert "Kỳ báo cáo này đã khóa (quá 3 ngày sau hạn nộp)" in response.get_data(as_text=True)
    with app.app_context():
        assert _count(UnitReport) == 1 and _count(UnitReportVersion) == 1


def test_a_report_needs_results_and_tomorrow_is_not_open(app, ds, clock):
    client = signed_in(app, "xa1")
    clock(10, 0)
    response = _send(client, ds, results="  ")
    assert "Vui lòng nhập trường này." in response.get_data(as_text=True)
    response = client.post(_url(ds, today() + timedelta(days=1)), data={"results": "Sớm"})
    assert "Kỳ báo cáo này chưa bắt đầu." in response.get_data(as_text=True)
    with app.app_context():
        assert _count(UnitReport) == 0


def test_a_unit_sees_and_submits_only_its_own_reports(app, ds, clock):
    clock(10, 0)
    xa1 = signed_in(app, "xa1")
    other = _url(ds, unit_id=ds.other_unit_id)
    assert xa1.get(other).status_code == 403
    assert xa1.post(other, data={"results": "Không phải xã mình"}).status_code == 403
    assert signed_in(app, "tnv1").get(_url(ds)).status_code == 403
    mine = xa1.get("/my-reports").get_data(as_text=True)
    assert "Nhơn Trạch" in mine and "Phước Thiền" not in mine
    assert xa1.get(f"/duties/{ds.duty_id}/board").status_code == 403
    # An organizer reads every unit's report but submits none.
    organizer = signed_in(app, "toch")
    assert organizer.get(other).status_code == 200
    assert organizer.post(other, data={"results": "Thay xã"}).status_code == 403
    with app.app_context():
        assert _count(UnitReport) == 0
        # The service holds the same rule for any caller.
        user = db.session.execute(db.select(User).filter_by(username="xa1")).scalar_one()
        with pytest.raises(Exception, match="không thuộc đơn vị"):
            submissions.submit(db.session.get(ReportingDuty, ds.duty_id), unit(ds.other_unit_id),
                               today(), user=user, now=local(today(), 10), results="x",
                               difficulties="", proposals="")


def test_the_board_counts_and_lists_who_still_owes(app, ds, clock):
    clock(15, 0)
    assert _send(signed_in(app, "xa1"), ds).status_code == 302
    organizer = signed_in(app, "toch")
    clock(16, 0)
    page = organizer.get(f"/duties/{ds.duty_id}/board").get_data(as_text=True)
    counts = dict(re.findall(r'data-state="(\w+)"><span>(\d+)</span>', page))
    assert counts == {ON_TIME: "1", LATE: "0", MISSING: "0", WAITING: "1"}
    owing = re.search(r'<section class="card" id="owing">(.*?)</section>', page, re.S).group(1)
    assert "Phước Thiền" in owing and "Nhơn Trạch" not in owing
    clock(17, 30)
    page = organizer.get(f"/duties/{ds.duty_id}/board?period={today().isoformat()}") \
        .get_data(as_text=True)
    counts = dict(re.findall(r'data-state="(\w+)"><span>(\d+)</span>', page))
    assert counts[MISSING] == "1" and counts[WAITING] == "0"
    home_page = organizer.get("/").get_data(as_text=True)
    assert f'data-board="{ds.duty_id}"' in home_page
    assert organizer.get(f"/duties/{ds.duty_id}/board?period=1999-01-01").status_code == 404


def test_the_home_page_reminds_the_unit_before_the_deadline(app, ds, clock):
    xa2 = signed_in(app, "xa2")
    clock(16, 0)
    page = xa2.get("/").get_data(as_text=True)
    assert "Nhắc: Xã Phước Thiền cần nộp “Báo cáo tiến độ hằng ngày”" in page
    assert _url(ds, unit_id=ds.other_unit_id) in page
    # Yesterday's report is still taken, late: the home page says so too.
    assert "Quá hạn: Xã Phước Thiền chưa nộp" in page
    xa2.post(_url(ds, unit_id=ds.other_unit_id), data={"results": "Xong."})
    page = xa2.get("/").get_data(as_text=True)
    assert "Nhắc: Xã Phước Thiền" not in page
    assert "Nhắc:" not in signed_in(app, "tnv1").get("/").get_data(as_text=True)


def test_an_organizer_sets_up_a_duty_and_the_units_people(app, ds):
    organizer = signed_in(app, "toch")
    url = f"/campaigns/{ds.campaign_id}/duties"
    page = organizer.post(url, data={"title": "Sơ kết giai đoạn", "unit_kind": "commune",
                                     "frequency": "phase_review", "weekday": "4",
                                     "phase_id": "0", "due_on": "", "deadline": "17:00",
                                     "close_after_days": "3", "remind_before_minutes": "60"})
    text = page.get_data(as_text=True)
    assert "Sơ kết cần chọn giai đoạn của chiến dịch." in text
    assert "Vui lòng nhập hạn nộp." in text
    response = organizer.post(url, data={
        "title": "Báo cáo tuần", "unit_kind": "team", "frequency": "weekly", "weekday": "5",
        "phase_id": "0", "due_on": "", "deadline": "16h30", "close_after_days": "2",
        "remind_before_minutes": "30"})
    assert response.status_code == 302
    with app.app_context():
        weekly = db.session.execute(db.select(ReportingDuty).filter_by(title="Báo cáo tuần")) \
            .scalar_one()
        assert (weekly.weekday, weekly.deadline, weekly.unit_kind) == (5, time(16, 30), "team")
        xa1 = db.session.execute(db.select(User).filter_by(username="xa1")).scalar_one().id
    # The team's lead and member report for it without being attached.
    page = organizer.get(f"/duties/{weekly.id}/units").get_data(as_text=True)
    assert "Đoàn 1" in page and "Võ Trưởng Đoàn" in page and "Đặng Tình Nguyện" in page
    units_url = f"/duties/{ds.duty_id}/units/{ds.other_unit_id}"
    organizer.post(f"{units_url}/users", data={f"u{ds.other_unit_id}-user": str(xa1)})
    organizer.post(f"{units_url}/email", data={f"e{ds.other_unit_id}-email": "sai-dia-chi"})
    page = organizer.get(f"/duties/{ds.duty_id}/units").get_data(as_text=True)
    assert "Địa chỉ thư điện tử không hợp lệ." in page
    with app.app_context():
        assert sorted(u.username for u in unit(ds.other_unit_id).users) == ["xa1", "xa2"]
        assert unit(ds.other_unit_id).email is None
    assert signed_in(app, "xa1").get(url).status_code == 403


def test_submitted_reports_for_the_consolidated_report(app, ds):
    with app.test_request_context():
        duty = db.session.get(ReportingDuty, ds.duty_id)
        xa1 = db.session.execute(db.select(User).filter_by(username="xa1")).scalar_one()
        key = f"{ds.phase_id}_{ds.eid}"
        submissions.submit(duty, unit(ds.unit_id), today(), user=xa1, now=local(today(), 11),
                           results="Kết quả", difficulties="Khó", proposals="Đề xuất",
                           own={key: (6, None)})
        submissions.submit(duty, unit(ds.unit_id), today(), user=xa1, now=local(today(), 12),
                           results="Kết quả (sửa)", difficulties="", proposals="")
        found = submissions.submitted_reports(duty, today())
        assert [(r.unit_name, r.version, r.results, r.status) for r in found] == [
            ("Xã Nhơn Trạch", 2, "Kết quả (sửa)", ON_TIME)]
        eid = next(f for f in found[0].figures if f.service_id == ds.eid)
        assert (eid.done_period, eid.done_total, eid.own_period) == (3, 4, None)
        assert submissions.submitted_reports(duty, today(), unit(ds.other_unit_id)) == []


def test_the_demo_has_a_week_of_hung_ha_daily_reports(app, demo):
    from fieldops.accountability.duty_demo import DEMO_PASSWORD

    with app.test_request_context():
        duty = db.session.execute(db.select(ReportingDuty).join(Campaign).filter_by(
            plan_number="60/KH-TCTĐA-CA")).scalar_one()
        assert (duty.frequency, duty.deadline, len(duties.units_of(duty.campaign, COMMUNE))) == \
            (DAILY, time(17, 0), 35)
        counts = [submissions.board(duty, duties.period_of(duty, date(2023, 4, 15 + n)),
                                    local(date(2023, 5, 1), 9)).counts for n in range(7)]
        # Every day of the week: some on time, some late, some missing; all 35 accounted for.
        assert all(c[ON_TIME] and c[LATE] and c[MISSING] and sum(c.values()) == 35
                   for c in counts)
        corrected = submissions.submitted_reports(duty, date(2023, 4, 15),
                                                  duties.units_of(duty.campaign, COMMUNE)[0])
        assert [(r.unit_name, r.version) for r in corrected] == [("Xã Bắc Sơn", 2)]
    client = app.test_client()
    from tests.factories.auth import sign_in

    sign_in(client, "xa_bacson", DEMO_PASSWORD)
    page = client.get("/my-reports").get_data(as_text=True)
    assert "Xã Bắc Sơn" in page and "Xã Canh Tân" not in page
    # The week reported is listed beside the campaign's last days.
    assert "15/04/2023" in page and "15/11/2023" in page
    # The demo volunteer reports for the trial campaign's commune and sees today's reminder.
    volunteer = app.test_client()
    sign_in(volunteer, "tinhnguyen", "demo-tnv-2025")
    home_page = volunteer.get("/").get_data(as_text=True)
    # Before 17:00 a reminder, after it an overdue notice: either way, today's report.
    assert re.search(r"(Nhắc: Xã Nhơn Trạch cần nộp|Quá hạn: Xã Nhơn Trạch chưa nộp) "
                     r"“Báo cáo kết quả hằng ngày \(trước 17h00\)”", home_page)


def test_after_the_deadline_the_home_page_shows_the_late_report_not_tomorrows(app, ds, clock):
    xa1 = signed_in(app, "xa1")
    clock(18, 0)
    page = xa1.get("/").get_data(as_text=True)
    assert "Quá hạn: Xã Nhơn Trạch chưa nộp" in page and _url(ds) in page
    # Tomorrow's report is not open yet: no reminder to send what cannot be sent.
    assert _url(ds, today() + timedelta(days=1)) not in page


def test_teams_and_organisations_report_with_their_own_people(app, ds):
    from fieldops.accountability import units as reporting_units
    from fieldops.accountability.duty_models import ORGANISATION, TEAM

    with app.test_request_context():
        campaign = db.session.get(Campaign, ds.campaign_id)
        for kind in (TEAM, ORGANISATION):
            duties.save_duty(campaign, None, title=f"Tuần {kind}", frequency=WEEKLY, weekday=4,
                             unit_kind=kind, deadline=time(17, 0))
        team_unit, = duties.units_of(campaign, TEAM)
        organisation_unit, = duties.units_of(campaign, ORGANISATION)
        assert (team_unit.name, organisation_unit.name) == ("Đoàn 1", "Đoàn Thanh niên")
        lead = db.session.execute(db.select(User).filter_by(username="doan1")).scalar_one()
        assert reporting_units.belongs(team_unit, lead)
        assert reporting_units.belongs(organisation_unit, lead)
        assert not reporting_units.belongs(unit(ds.unit_id), lead)
        # A team's line of the teams table; an organisation's: the teams it leads.
        for reporting_unit in (team_unit, organisation_unit):
            eid = {f.service_id: f for f in figures_for(campaign, reporting_unit, today(),
                                                        today())}[ds.eid]
            assert (eid.done_period, eid.done_total) == (3, 4)


def test_the_phone_outbox_sends_a_report_once(app, ds, clock):
    client = signed_in(app, "xa1")
    clock(16, 0)
    headers = {"X-Fieldops-Outbox": "1"}
    refused = client.post(_url(ds), data={"submission_id": "r-1", "results": ""},
                          headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["results"] == ["Vui lòng nhập trường này."]
    data = {"submission_id": "r-2", "results": "Gửi từ điện thoại khi có sóng lại."}
    stored = client.post(_url(ds), data=data, headers=headers)
    assert stored.get_json() == {"status": "stored", "redirect": _url(ds), "errors": {}}
    # The answer was lost and the phone sends it again: one version, answered as a replay.
    again = client.post(_url(ds), data=data, headers=headers)
    assert again.get_json()["status"] == "replay"
    with app.app_context():
        assert _count(UnitReportVersion) == 1
