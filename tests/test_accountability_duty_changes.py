"""Editing and deleting a reporting duty: what units already reported keeps its period, its
status and its versions; a change that would orphan it, or move a deadline across now, is
refused; a duty with submitted reports is never deleted."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from fieldops.accountability import duties, duty_changes, submissions
from fieldops.accountability.duty_models import (
    COMMUNE,
    DAILY,
    MISSING,
    ON_TIME,
    TEAM,
    WEEKLY,
    ReportingDuty,
    ReportReminder,
    UnitReport,
    UnitReportVersion,
)
from fieldops.auth.models import User
from fieldops.db import db
from fieldops.errors import DomainError
from tests.conftest import csrf_token
from tests.factories.accountability_duties import build_duty_scene, local, unit
from tests.factories.auth import signed_in
from tests.factories.checkin import today


@pytest.fixture
def ds(app, users):
    """The duty scene: a daily 17:00 report of two communes (build_duty_scene)."""
    return build_duty_scene(app)


def _duty(ds) -> ReportingDuty:
    return db.session.get(ReportingDuty, ds.duty_id)


def _settings(**changed) -> dict:
    settings = dict(title="Báo cáo tiến độ hằng ngày", frequency=DAILY, unit_kind=COMMUNE,
                    deadline=time(17, 0), close_after_days=3, remind_before_minutes=60)
    settings.update(changed)
    return settings


def _submit_yesterday(ds) -> UnitReport:
    """xa1 reports yesterday's period on time (16:00); the schedule marks xa2 missing."""
    yesterday = today() - timedelta(days=1)
    xa1 = db.session.execute(db.select(User).filter_by(username="xa1")).scalar_one()
    report = submissions.submit(_duty(ds), unit(ds.unit_id), yesterday, user=xa1,
                                now=local(yesterday, 16), results="Ra quân 3 thôn.",
                                difficulties="", proposals="")
    submissions.mark_missed(local(yesterday, 17, 2))
    db.session.commit()
    return report


def _post_edit(client, ds, **changed):
    data = _settings(**changed)
    data["deadline"] = data["deadline"].strftime("%H:%M")
    data.setdefault("weekday", "4")
    data.setdefault("phase_id", "0")
    return client.post(f"/duties/{ds.duty_id}/edit", data=data)


def test_a_new_hour_applies_to_periods_still_ahead_and_keeps_submitted_reports(app, ds):
    with app.test_request_context():
        report = _submit_yesterday(ds)
        before = (report.period_start, report.period_end, report.due_at, report.status,
                  report.version)
        duty_changes.change_duty(_duty(ds), now=local(today(), 10), **_settings(
            title="Báo cáo ngày (trước 16h)", deadline=time(16, 0), remind_before_minutes=30))
        db.session.commit()
        duty = _duty(ds)
        assert (duty.title, duty.deadline, duty.remind_before_minutes) == (
            "Báo cáo ngày (trước 16h)", time(16, 0), 30)
        assert duties.period_of(duty, today()).due_at == local(today(), 16)
        report = db.session.get(UnitReport, report.id)
        # The report submitted before the change keeps its period, deadline, status, versions.
        assert (report.period_start, report.period_end, report.due_at, report.status,
                report.version) == before == (before[0], before[0], local(before[0], 17),
                                               ON_TIME, 1)
        assert [v.results for v in report.versions] == ["Ra quân 3 thôn."]
        missing = db.session.execute(db.select(UnitReport).filter_by(
            unit_id=ds.other_unit_id)).scalar_one()
        assert missing.status == MISSING and missing.missed_at is not None
        board = submissions.board(duty, duties.period_of(duty, before[0]), local(today(), 10))
        assert board.counts[ON_TIME] == 1 and board.counts[MISSING] == 1


def test_a_new_frequency_that_would_orphan_submitted_reports_is_refused(app, ds):
    with app.test_request_context():
        _submit_yesterday(ds)
        with pytest.raises(DomainError) as refused:
            duty_changes.change_duty(_duty(ds), now=local(today(), 10),
                                     **_settings(frequency=WEEKLY, weekday=4))
        assert refused.value.field == "frequency"
        assert "1 báo cáo các đơn vị đã nộp sẽ không còn thuộc kỳ nào" in str(
            refused.value.message)
        with pytest.raises(DomainError) as refused:
            duty_changes.change_duty(_duty(ds), now=local(today(), 10),
                                     **_settings(unit_kind=TEAM))
        assert refused.value.field == "unit_kind"
        db.session.rollback()
        assert (_duty(ds).frequency, _duty(ds).unit_kind) == (DAILY, COMMUNE)


def test_missing_marks_also_keep_their_periods(app, ds):
    with app.test_request_context():
        submissions.mark_missed(local(today() - timedelta(days=1), 17, 2))
        with pytest.raises(DomainError) as refused:
            duty_changes.change_duty(_duty(ds), now=local(today(), 10),
                                     **_settings(frequency=WEEKLY, weekday=4))
        assert "2 lần ghi nhận đơn vị chưa nộp" in str(refused.value.message)


def test_a_duty_with_nothing_recorded_changes_frequency_freely(app, ds):
    with app.test_request_context():
        duty = duty_changes.change_duty(_duty(ds), now=local(today(), 10),
                                        **_settings(frequency=WEEKLY, weekday=5))
        assert {p.end.weekday() for p in duties.periods(duty)[:-1]} == {5}


def test_a_deadline_cannot_move_across_now(app, ds):
    with app.test_request_context():
        # 16:30: today's 17:00 deadline is ahead; 16:00 would make it overdue at once.
        with pytest.raises(DomainError) as refused:
            duty_changes.change_duty(_duty(ds), now=local(today(), 16, 30),
                                     **_settings(deadline=time(16, 0)))
        assert refused.value.field == "deadline"
        assert "hãy sửa lại sau 17:00" in str(refused.value.message)
        # 17:30: today's deadline passed; 18:00 would open it again.
        with pytest.raises(DomainError):
            duty_changes.change_duty(_duty(ds), now=local(today(), 17, 30),
                                     **_settings(deadline=time(18, 0)))
        duty = duty_changes.change_duty(_duty(ds), now=local(today(), 17, 30),
                                        **_settings(deadline=time(16, 30)))
        assert duty.deadline == time(16, 30)


def test_a_duty_with_submitted_reports_is_not_deleted(app, ds):
    with app.test_request_context():
        _submit_yesterday(ds)
        with pytest.raises(DomainError) as refused:
            duty_changes.delete_duty(_duty(ds))
        assert "đã có 1 báo cáo các đơn vị nộp" in str(refused.value.message)
        assert _duty(ds) is not None


def test_a_duty_nobody_reported_to_is_deleted_with_its_reminders(app, ds):
    with app.test_request_context():
        db.session.add(ReportReminder(duty_id=ds.duty_id, unit_id=ds.unit_id,
                                      period_start=today()))
        submissions.mark_missed(local(today() - timedelta(days=1), 17, 2))
        duty_changes.delete_duty(_duty(ds))
        db.session.commit()
        assert db.session.get(ReportingDuty, ds.duty_id) is None
        assert db.session.execute(db.select(db.func.count()).select_from(
            ReportReminder)).scalar() == 0
        assert db.session.execute(db.select(db.func.count()).select_from(
            UnitReport)).scalar() == 0


def test_the_edit_page_is_prefilled_and_saves(app, ds):
    client = signed_in(app, "toch")
    page = client.get(f"/duties/{ds.duty_id}/edit").get_data(as_text=True)
    assert 'value="Báo cáo tiến độ hằng ngày"' in page and 'value="17:00"' in page
    assert '<option selected value="daily">' in page
    assert "chỉ áp dụng cho các kỳ chưa đến hạn" in page
    response = _post_edit(client, ds, title="Báo cáo ngày", close_after_days=5)
    assert response.status_code == 302 and response.location.endswith(f"#duty-{ds.duty_id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Đã lưu báo cáo định kỳ" in page and "Báo cáo ngày" in page
    with app.app_context():
        assert (_duty(ds).title, _duty(ds).close_after_days) == ("Báo cáo ngày", 5)


def test_the_edit_page_explains_a_refusal_and_keeps_the_duty(app, ds):
    with app.test_request_context():
        _submit_yesterday(ds)
    client = signed_in(app, "toch")
    response = _post_edit(client, ds, title="Đổi sang tuần", frequency=WEEKLY)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "báo cáo các đơn vị đã nộp sẽ không còn thuộc kỳ nào" in page
    assert "Đã có 1 báo cáo các đơn vị nộp." in page
    with app.app_context():
        assert (_duty(ds).title, _duty(ds).frequency) == ("Báo cáo tiến độ hằng ngày", DAILY)
        assert db.session.execute(db.select(db.func.count()).select_from(
            UnitReportVersion)).scalar() == 1


def test_delete_from_the_duties_page(app, ds):
    client = signed_in(app, "toch")
    page = client.get(f"/campaigns/{ds.campaign_id}/duties").get_data(as_text=True)
    assert f'action="/duties/{ds.duty_id}/delete"' in page
    response = client.post(f"/duties/{ds.duty_id}/delete")
    assert response.status_code == 302
    assert "Đã xóa báo cáo định kỳ" in client.get(response.location).get_data(as_text=True)
    # A stale link to the deleted duty: the app's 404 page.
    response = client.get(f"/duties/{ds.duty_id}/edit")
    assert response.status_code == 404 and "Không tìm thấy" in response.get_data(as_text=True)
    assert client.post(f"/duties/{ds.duty_id}/delete").status_code == 404


def test_the_page_offers_no_delete_once_reported_and_the_post_is_refused(app, ds):
    with app.test_request_context():
        _submit_yesterday(ds)
    client = signed_in(app, "toch")
    url = f"/campaigns/{ds.campaign_id}/duties"
    page = client.get(url).get_data(as_text=True)
    assert f'action="/duties/{ds.duty_id}/delete"' not in page
    assert "Đã có 1 báo cáo các đơn vị nộp nên không xóa được" in page
    response = client.post(f"/duties/{ds.duty_id}/delete", headers={"Referer": url})
    assert response.status_code == 302
    assert "cần giữ lại cho tổng hợp" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert _duty(ds) is not None


def test_only_organizers_edit_or_delete_and_csrf_guards_them(app, ds):
    for username in ("xa1", "tnv1"):
        other = signed_in(app, username)
        assert other.get(f"/duties/{ds.duty_id}/edit").status_code == 403
        assert _post_edit(other, ds, title="Không được").status_code == 403
        assert other.post(f"/duties/{ds.duty_id}/delete").status_code == 403
    client = signed_in(app, "toch")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/duties/{ds.duty_id}/delete").status_code == 400
    page = client.get(f"/campaigns/{ds.campaign_id}/duties").get_data(as_text=True)
    response = client.post(f"/duties/{ds.duty_id}/delete",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    with app.app_context():
        assert _duty(ds) is None
