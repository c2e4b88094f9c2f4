"""The retention setting: past it, citizens' personal data is removed and every count stays."""

from __future__ import annotations

import json
from datetime import date, timedelta

from fieldops.campaigns.models import Campaign
from fieldops.checkin.models import AuditEntry, RefusedSubmission, Registration
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.drive import retention
from fieldops.drive.models import Household, ListedPerson, Visit
from fieldops.reports import counters, ranking
from fieldops.reports.confirmed import confirmed_groups
from fieldops.reports.progress import PLACES, TEAMS, progress
from tests.factories.auth import DEMO_ADMIN, sign_in, signed_in
from tests.factories.checkin import recorded

FAR = date(2099, 1, 1)


def _figures() -> dict:
    """Every total a report shows, for every campaign and phase of the database."""
    out = {}
    for campaign in db.session.execute(db.select(Campaign).order_by(Campaign.id)).scalars():
        out[campaign.id, "counters"] = counters.counter_totals(campaign.id)
        for phase in campaign.phases:
            day = min(phase.end_date, local_today())
            for level in (PLACES, TEAMS):
                report = progress(campaign, phase, level=level, today=day)
                out[campaign.id, phase.id, level] = [
                    (line.label, line.done, line.target, line.claimed, line.confirmed)
                    for line in [*report.lines, report.total]]
                out[campaign.id, phase.id, level, "series"] = report.series
            out[campaign.id, phase.id, "ranking"] = [
                (r.kind, r.name, r.rank, r.done, r.target)
                for r in ranking.live_ranking(campaign, phase, today=day)]
            out[campaign.id, phase.id, "confirmed"] = confirmed_groups(campaign, phase)
    return out


def _keep_for(days: int | None) -> None:
    for campaign in db.session.execute(db.select(Campaign)).scalars():
        campaign.retention_days = days


def test_counts_are_the_same_after_the_purge_and_a_second_run_does_nothing(app, demo):
    with app.test_request_context():
        _keep_for(0)
        before = _figures()
        # the demo has results at desks and doors, and confirmed ones from the police's lists
        totals = [lines[-1] for k, lines in before.items() if k[-1] == PLACES]
        assert sum(t[1] for t in totals) > 0 and sum(t[4] or 0 for t in totals) > 0
        planned = {item.campaign.id: item.counts for item in retention.due(FAR)}
        assert planned and db.session.execute(
            db.select(db.func.count()).select_from(Registration)
            .where(Registration.purged_at.is_not(None))).scalar_one() == 0  # the dry run
        done = {item.campaign.id: item.counts for item in retention.purge_due(FAR)}
        db.session.commit()
        assert done == planned
        assert _figures() == before
        left = db.session.execute(db.select(Registration).where(
            (Registration.full_name != "") | Registration.phone.is_not(None)
            | Registration.citizen_id_hash.is_not(None))).scalars().all()
        assert left == []
        people = db.session.execute(db.select(ListedPerson)).scalars().all()
        assert people and all(p.full_name == "" and p.citizen_id_last4 == ""
                              and p.citizen_id_hash.startswith("purged:") for p in people)
        assert all(h.head_name is None for h in db.session.execute(
            db.select(Household)).scalars())
        assert retention.due(FAR) == [] and retention.purge_due(FAR) == []
        visit_id = db.session.execute(db.select(Visit.id).limit(1)).scalar_one()
        registration_id = db.session.execute(
            db.select(Registration.id).where(Registration.source != "door").limit(1)).scalar_one()
        purges = db.session.execute(
            db.select(AuditEntry).filter_by(action="purge")).scalars().all()
        assert sorted(json.loads(e.detail)["campaign_id"] for e in purges) == sorted(done)
    admin = app.test_client()
    sign_in(admin, *DEMO_ADMIN)
    for url in (f"/drive/visits/{visit_id}", f"/registrations/{registration_id}"):
        page = admin.get(url)
        assert page.status_code == 200, url
        assert "theo thời hạn lưu trữ" in page.get_data(as_text=True)


def _past_campaign(app, scene, *, ended_days_ago: int, keep: int | None) -> int:
    with app.test_request_context():
        registration_id = recorded(scene, "tnv1", 7, hamlet="Chợ", desk=True)
        recorded(scene, "tnv1", 8, hamlet="Trâu")
        db.session.add(RefusedSubmission(submission_id="s-refused", reason="campaign_ended",
                                         source="qr", desk_id=scene.desk_id,
                                         payload='{"full_name": "Lê Từ Chối"}'))
        # A door's refusal has no desk: found by its campaign.
        db.session.add(RefusedSubmission(submission_id="s-refused-door", reason="campaign_ended",
                                         source="door", campaign_id=scene.campaign_id,
                                         resolution="dismissed", resolution_note="Đã gọi Lê Văn",
                                         payload='{"full_name": "Lê Ở Nhà"}'))
        campaign = db.session.get(Campaign, scene.campaign_id)
        end = local_today() - timedelta(days=ended_days_ago)
        for phase in campaign.phases:
            db.session.delete(phase)
        campaign.start_date, campaign.end_date = end - timedelta(days=30), end
        campaign.retention_days = keep
        db.session.commit()
        return registration_id


def test_nothing_goes_before_the_period_is_over_or_when_none_is_set(app, users, scene):
    _past_campaign(app, scene, ended_days_ago=30, keep=30)
    with app.app_context():
        assert retention.due() == []  # the 30th day after the end is still kept
        assert len(retention.due(local_today() + timedelta(days=1))) == 1
        db.session.get(Campaign, scene.campaign_id).retention_days = None
        assert retention.due(FAR) == []


def test_the_command_dry_runs_then_purges_and_the_pages_say_so(app, users, scene):
    registration_id = _past_campaign(app, scene, ended_days_ago=40, keep=30)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge-personal-data", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Sẽ xóa" in dry.output and "2 hồ sơ đăng ký" in dry.output
    assert "2 lượt gửi bị từ chối" in dry.output
    due_on = (local_today() - timedelta(days=40 - 31)).strftime("%d/%m/%Y")
    assert f"hết hạn lưu từ {due_on}" in dry.output
    with app.app_context():
        assert db.session.get(Registration, registration_id).full_name == "Người dân 7"
        assert db.session.execute(db.select(AuditEntry).filter_by(action="purge")).first() is None
    assert "Không có" in runner.invoke(
        args=["purge-personal-data", "--campaign", str(scene.campaign_id + 1)]).output
    real = runner.invoke(args=["purge-personal-data", "--campaign", str(scene.campaign_id)])
    assert real.exit_code == 0 and "Đã xóa" in real.output
    again = runner.invoke(args=["purge-personal-data"])
    assert "Không có dữ liệu cá nhân nào đến hạn xóa." in again.output
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        assert registration.full_name == "" and registration.citizen_id_encrypted is None
        # Kept with their reason and who dismissed them; what the citizen typed is gone.
        refused = db.session.execute(db.select(RefusedSubmission)).scalars().all()
        assert [(r.payload, r.resolution_note, r.reason) for r in refused] == [
            ("{}", None, "campaign_ended")] * 2
        assert refused[1].resolution == "dismissed"
        assert db.session.execute(
            db.select(db.func.count()).select_from(AuditEntry).filter_by(action="purge")
        ).scalar_one() == 1
    organizer = signed_in(app, "toch")
    page = organizer.get(f"/registrations/{registration_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "đã được xóa ngày" in html and "theo thời hạn lưu trữ" in html
    assert "Hiện số đầy đủ" not in html and f"/registrations/{registration_id}/edit" not in html
    listed = organizer.get("/registrations").get_data(as_text=True)
    assert "(dữ liệu cá nhân đã xóa)" in listed and "Người dân 8" not in listed
    campaign_page = organizer.get(f"/campaigns/{scene.campaign_id}").get_data(as_text=True)
    assert "Đã xóa ngày" in campaign_page
    log = organizer.get("/audit?action=purge").get_data(as_text=True)
    assert "Xóa dữ liệu cá nhân hết thời hạn lưu trữ" in log and "Hệ thống" in log


def test_the_daily_schedule_purges_what_is_due(app, users, scene):
    _past_campaign(app, scene, ended_days_ago=400, keep=365)
    with app.app_context():
        assert retention.purge_personal_data() == 1
        assert retention.purge_personal_data() == 0


def test_the_organizer_sets_the_period_on_the_campaign(app, users, scene):
    organizer = signed_in(app, "toch")
    with app.app_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        end = campaign.end_date
    page = organizer.get(f"/campaigns/{scene.campaign_id}").get_data(as_text=True)
    assert "Chưa đặt thời hạn" in page
    form = organizer.get(f"/campaigns/{scene.campaign_id}/edit").get_data(as_text=True)
    assert 'name="retention_days"' in form
    from tests.conftest import csrf_token
    data = {"csrf_token": csrf_token(form), "title": "Chiến dịch", "start_date":
            campaign.start_date.strftime("%d/%m/%Y"), "end_date": end.strftime("%d/%m/%Y"),
            "retention_days": "abc"}
    bad = organizer.post(f"/campaigns/{scene.campaign_id}/edit", data=data)
    assert bad.status_code == 200
    data["retention_days"] = "90"
    assert organizer.post(f"/campaigns/{scene.campaign_id}/edit", data=data).status_code == 302
    page = organizer.get(f"/campaigns/{scene.campaign_id}").get_data(as_text=True)
    assert ("90 ngày sau khi kết thúc: xóa từ ngày "
            + (end + timedelta(days=91)).strftime("%d/%m/%Y")) in page
