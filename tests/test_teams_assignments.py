"""Assigning teams to hamlets: one day, ranges, every Saturday; clashes; history; schedule."""

from __future__ import annotations

from datetime import date

import pytest

from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.teams import services
from fieldops.teams.assignments import days_of
from fieldops.teams.models import Assignment, AssignmentChange, Member
from tests.factories.auth import sign_in
from tests.factories.teams import TeamFactory, build_setup, ids


@pytest.fixture
def setup(app, users):
    with app.app_context():
        made = build_setup()
        campaign, people = made["campaign"], made["people"]
        teams = [TeamFactory(campaign=campaign, name=name, lead=people[lead])
                 for name, lead in (("Đoàn 1", "lead"), ("Đoàn 2", "vnpt"))]
        db.session.commit()
        return {**ids(made), "teams": [t.id for t in teams]}


def _assign(client, setup, team=0, places=("Chợ",), **fields):
    data = {"team_id": str(setup["teams"][team]),
            "hamlets": [str(setup["hamlets"][h]) for h in places], "mode": "day",
            "day": "10/10/2025"}
    data.update(fields)
    return client.post(f"/campaigns/{setup['campaign']}/assignments/new", data=data)


def _stored(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(db.select(Assignment).order_by(Assignment.id)).scalars()
        return [(a.team.name, a.hamlet.name, a.start_date, a.end_date, a.weekday) for a in rows]


def test_every_saturday_counts_saturdays_only():
    saturdays = days_of(date(2025, 10, 10), date(2025, 11, 8), 5)
    assert saturdays == [date(2025, 10, 11), date(2025, 10, 18), date(2025, 10, 25),
                         date(2025, 11, 1), date(2025, 11, 8)]
    assert days_of(date(2025, 10, 13), date(2025, 10, 14), 5) == []
    assert len(days_of(date(2025, 10, 10), date(2025, 10, 12), None)) == 3


def test_launch_day_then_every_saturday(app, organizer, setup):
    assert _assign(organizer, setup, places=("Chợ", "Trâu")).status_code == 302
    assert _assign(organizer, setup, team=1, places=("Mỹ Khoan", "Phước Mỹ")).status_code == 302
    weekly = _assign(organizer, setup, places=("Chợ", "Trâu"), mode="weekly", weekday="5",
                     start_date="", end_date="")
    assert weekly.status_code == 302
    stored = _stored(app)
    assert ("Đoàn 1", "Chợ", date(2025, 10, 10), date(2025, 10, 10), None) in stored
    assert ("Đoàn 1", "Trâu", date(2025, 10, 11), date(2025, 11, 8), 5) not in stored
    # A blank range means the whole campaign; only its Saturdays are worked.
    assert ("Đoàn 1", "Trâu", date(2025, 10, 10), date(2025, 11, 8), 5) in stored

    page = organizer.get(f"/campaigns/{setup['campaign']}/schedule").get_data(as_text=True)
    assert "Thứ Sáu, 10/10/2025" in page and "Thứ Bảy, 18/10/2025" in page
    assert "Ấp Mỹ Khoan, Ấp Phước Mỹ" in page
    assert "Thứ Hai, 13/10/2025" not in page
    printed = organizer.get(f"/campaigns/{setup['campaign']}/schedule/print").get_data(
        as_text=True)
    assert "Thứ Bảy hằng tuần, 10/10/2025 – 08/11/2025" in printed
    assert "0912000002" in printed  # the organizer sees the lead's phone


def test_same_hamlet_same_day_needs_the_organizers_consent(app, organizer, setup):
    _assign(organizer, setup, places=("Chợ",), mode="weekly", weekday="5",
            start_date="11/10/2025", end_date="08/11/2025")
    before = _stored(app)
    clash = _assign(organizer, setup, team=1, places=("Trâu", "Chợ"), mode="range",
                    start_date="15/10/2025", end_date="20/10/2025")
    assert clash.status_code == 422
    assert ("Ấp Chợ đã giao cho Đoàn 1 vào ngày 18/10/2025." in clash.get_data(as_text=True))
    # All or nothing: Trâu, which had no clash, was not stored either.
    assert _stored(app) == before
    # A range between two Saturdays does not clash.
    assert _assign(organizer, setup, team=1, places=("Chợ",), mode="range",
                   start_date="13/10/2025", end_date="17/10/2025").status_code == 302
    shared = _assign(organizer, setup, team=1, places=("Chợ",), mode="day", day="25/10/2025",
                     allow_shared="y")
    assert shared.status_code == 302
    assert len(_stored(app)) == 3


@pytest.mark.parametrize(("fields", "message"), [
    ({"day": "09/10/2025"},
     "Ngày đi phải nằm trong thời gian chiến dịch (10/10/2025 – 08/11/2025)."),
    ({"mode": "range", "start_date": "20/10/2025", "end_date": "12/10/2025"},
     "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."),
    ({"mode": "weekly", "weekday": "6", "start_date": "13/10/2025", "end_date": "17/10/2025"},
     "Không có Chủ Nhật nào từ 13/10/2025 đến 17/10/2025."),
    ({"day": ""}, "Vui lòng nhập ngày."),
    ({"hamlets": []}, "Vui lòng chọn ít nhất một thôn/ấp."),
])
def test_bad_dates_are_refused(app, organizer, setup, fields, message):
    response = _assign(organizer, setup, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored(app) == []


def test_hamlet_of_another_campaign_is_refused(app, organizer, setup):
    response = _assign(organizer, setup, hamlets=[str(setup["other_hamlet"])])
    assert response.status_code == 422
    assert ("Ấp Thanh Bình, Xã Hớn Quản, Tỉnh Bình Phước không thuộc xã/phường nào của chiến dịch "
            "này." in response.get_data(as_text=True))
    assert _stored(app) == []


def test_changes_are_kept_with_who_and_when(app, organizer, setup):
    _assign(organizer, setup, places=("Chợ",))
    with app.app_context():
        assignment_id = db.session.execute(db.select(Assignment.id)).scalar_one()
    base = f"/campaigns/{setup['campaign']}/assignments/{assignment_id}"
    changed = organizer.post(f"{base}/edit", data={
        "team_id": str(setup["teams"][1]), "hamlets": [str(setup["hamlets"]["Chợ"])],
        "mode": "day", "day": "11/10/2025"})
    assert changed.status_code == 302
    assert organizer.post(f"{base}/delete").status_code == 302
    assert _stored(app) == []
    with app.app_context():
        log = db.session.execute(db.select(AssignmentChange).order_by(AssignmentChange.id)
                                 ).scalars().all()
        assert [c.action for c in log] == ["created", "changed", "removed"]
        assert log[1].summary == ("Đoàn 1 → Ấp Chợ: 10/10/2025  ⇒  Đoàn 2 → Ấp Chợ: 11/10/2025")
        assert {c.changed_by.username for c in log} == {"toch"}
        assert all(c.changed_at.tzinfo is not None for c in log)
    page = organizer.get(f"/campaigns/{setup['campaign']}/schedule").get_data(as_text=True)
    assert "Lịch sử thay đổi phân công" in page and "Phạm Tổ Chức" in page


def test_team_lead_cannot_assign_and_does_not_see_history(app, client, users, setup):
    sign_in(client, users["team_lead"])
    assert _assign(client, setup).status_code == 403
    page = client.get(f"/campaigns/{setup['campaign']}/schedule").get_data(as_text=True)
    assert "Lịch sử thay đổi phân công" not in page


def test_per_hamlet_it_rule_names_the_hamlet(app, organizer, setup):
    _assign(organizer, setup, places=("Chợ",))
    organizer.post(f"/campaigns/{setup['campaign']}/teams/rules",
                   data={"min_it_savvy_per_team": "", "min_it_savvy_per_hamlet": "3"})
    page = organizer.get(f"/campaigns/{setup['campaign']}/teams").get_data(as_text=True)
    assert ("Ấp Chợ (Đoàn 1) có 1 người am hiểu CNTT; kế hoạch yêu cầu ít nhất 3 mỗi thôn/ấp "
            "(thiếu 2).") in page
    with app.app_context():
        campaign = db.session.get(Campaign, setup["campaign"])
        team = services.teams_of(campaign)[0]
        team.members = [*team.members, db.session.get(Member, setup["people"]["youth"]),
                        db.session.get(Member, setup["people"]["vnpt"])]
        db.session.commit()
    page = organizer.get(f"/campaigns/{setup['campaign']}/teams").get_data(as_text=True)
    assert "Ấp Chợ (Đoàn 1)" not in page
