"""Tasks by the "5 rõ": given by organizers (from an event too), overdue first, reported."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fieldops.accountability.task_models import Task
from fieldops.db import db
from fieldops.teams.models import Member, Organisation
from tests.factories.auth import signed_in
from tests.factories.checkin import today


def _form(scene, **overrides) -> dict:
    with db.session.no_autoflush:
        org = db.session.execute(db.select(Organisation)).scalars().first()
        member = db.session.execute(db.select(Member).filter_by(phone="0912000003")).scalar_one()
    data = {"title": "Bảo đảm wifi/4G dự phòng tại hội trường", "unit": f"organisation:{org.id}",
            "person": f"member:{member.id}",
            "due_day": (today() + timedelta(days=1)).strftime("%d/%m/%Y"), "due_time": "17:00",
            "expected_result": "01 bộ phát 4G và wifi chạy thử trước 07h00"}
    data.update(overrides)
    return data


def test_an_event_preparation_task_is_given_from_the_event_page(app, scene):
    client = signed_in(app, "toch")
    event_page = client.get(f"/events/{scene.event_id}").get_data(as_text=True)
    link = f"/campaigns/{scene.campaign_id}/tasks?event={scene.event_id}"
    assert link in event_page
    assert f"/campaigns/{scene.campaign_id}/tasks/new?event={scene.event_id}" in client.get(
        link).get_data(as_text=True)
    with app.app_context():
        data = _form(scene)
    answer = client.post(f"/campaigns/{scene.campaign_id}/tasks/new?event={scene.event_id}",
                         data=data)
    assert answer.status_code == 302
    with app.app_context():
        task = db.session.execute(db.select(Task)).scalar_one()
        assert task.event_id == scene.event_id and task.person_name == "Đặng Tình Nguyện"
        # 17:00 in Asia/Ho_Chi_Minh is 10:00 UTC.
        assert task.due_at == datetime.combine(today() + timedelta(days=1),
                                               datetime.min.time(), UTC).replace(hour=10)
        assert task.status == "open"
    listing = client.get(link).get_data(as_text=True)
    assert "Bảo đảm wifi/4G dự phòng" in listing and "badge-open" in listing


def test_a_task_missing_its_5_ro_is_refused_with_each_reason(app, scene):
    client = signed_in(app, "toch")
    with app.app_context():
        data = _form(scene, unit="", person="user:999", expected_result=" ")
    answer = client.post(f"/campaigns/{scene.campaign_id}/tasks/new", data=data)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Hãy chọn người thực hiện (rõ người)." in text
    assert "Hãy ghi kết quả cần đạt (rõ kết quả)." in text
    assert "Hãy chọn đơn vị chịu trách nhiệm (rõ trách nhiệm)." in text
    with app.app_context():
        assert db.session.execute(db.select(Task)).first() is None
    assert signed_in(app, "tnv1").get(
        f"/campaigns/{scene.campaign_id}/tasks/new").status_code == 403


def test_overdue_tasks_come_first_in_red_and_the_person_reports_the_result(app, scene):
    client = signed_in(app, "toch")
    with app.app_context():
        later = _form(scene, title="Bố trí bàn ghế, nước uống")
        late = _form(scene, title="Ban hành thư mời đại biểu",
                     due_day=(today() - timedelta(days=1)).strftime("%d/%m/%Y"))
    client.post(f"/campaigns/{scene.campaign_id}/tasks/new", data=later)
    client.post(f"/campaigns/{scene.campaign_id}/tasks/new", data=late)
    volunteer = signed_in(app, "tnv1")
    mine = volunteer.get("/tasks/mine").get_data(as_text=True)
    assert mine.index("Ban hành thư mời") < mine.index("Bố trí bàn ghế")
    assert 'class="card task task-overdue"' in mine and "badge-overdue" in mine
    assert "1 việc quá hạn." in mine
    with app.app_context():
        late_id = db.session.execute(db.select(Task.id).filter_by(
            title="Ban hành thư mời đại biểu")).scalar_one()
    answer = volunteer.post(f"/tasks/{late_id}", data={"result": "Đã gửi 200 thư mời",
                                                        "done": "y"})
    assert answer.status_code == 302
    with app.app_context():
        task = db.session.get(Task, late_id)
        assert task.status == "done" and task.result_reported == "Đã gửi 200 thư mời"
    mine = volunteer.get("/tasks/mine").get_data(as_text=True)
    assert "badge-overdue" not in mine
    # Someone else's task: no report form, and a sent report is refused.
    lead = signed_in(app, "doan1")
    assert 'id="report-form"' not in lead.get(f"/tasks/{late_id}").get_data(as_text=True)
    assert lead.post(f"/tasks/{late_id}", data={"result": "x", "done": "y"}).status_code == 403
