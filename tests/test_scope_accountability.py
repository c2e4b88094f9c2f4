"""Accountability within an organizer's area: units, reports, rosters, spot-checks and tasks of
another commune answer 404 or are left out of lists; what spans the whole campaign (duties,
freezing the ranking, commendation, the review) needs every commune; a unit's people as before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

import pytest

from fieldops.accountability import duties, officials, spotchecks, tasks
from fieldops.accountability.check_models import SpotCheck
from fieldops.accountability.duty_models import COMMUNE, DAILY, TEAM, ReportingDuty
from fieldops.accountability.official_models import UnitOfficial
from fieldops.accountability.task_models import Task
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.reports.models import RankingRow, RankingSnapshot
from fieldops.teams.models import Team
from tests.factories.auth import signed_in
from tests.factories.checkin import today
from tests.factories.teams import MemberFactory
from tests.test_scope import WHO, World, world  # noqa: F401

ALL = {"toch": 200, "tinh": 200, "xa": 200}
PROVINCE = {"toch": 200, "tinh": 200, "xa": 404}


@dataclass
class Acct:
    """Ids of what the accountability pages show, one in each commune of the shared campaign."""

    duty: int  # communes report daily
    team_duty: int  # teams report daily
    phase: int
    nt_unit: int
    lt_unit: int
    nt_team_unit: int
    lt_team_unit: int
    nt_official: int
    lt_official: int
    nt_check: int
    lt_check: int
    nt_task: int
    lt_task: int


def _user(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


@pytest.fixture
def acct(app, world) -> Acct:  # noqa: F811 (the fixture imported above)
    with app.app_context():
        campaign = db.session.get(Campaign, world.shared)
        toch = _user("toch")
        duty = duties.save_duty(campaign, None, title="Báo cáo ngày của xã", frequency=DAILY,
                                unit_kind=COMMUNE, deadline=time(17), user=toch)
        team_duty = duties.save_duty(campaign, None, title="Báo cáo ngày của đoàn",
                                     frequency=DAILY, unit_kind=TEAM, deadline=time(17),
                                     user=toch)
        by_area = {u.area_id: u for u in duties.units_of(campaign, COMMUNE)}
        by_team = {u.team_id: u for u in duties.units_of(campaign, TEAM)}
        nt, lt = by_area[world.nhon_trach], by_area[world.long_tan]
        added = {unit.id: officials.save_official(
            unit, None, full_name=f"Cán bộ {name}", position="Chủ tịch", phone=None, checks={})
            for unit, name in ((nt, "Nhơn Trạch"), (lt, "Long Tân"))}
        checks = {area: spotchecks.draw(campaign, unit_key=f"area:{area}",
                                        first_day=campaign.start_date, last_day=today(),
                                        size_kind="count", size_value=1, checker=toch)
                  for area in (world.nhon_trach, world.long_tan)}
        given = {team: tasks.save_task(
            None, campaign=campaign, event=None, title=f"Việc của {name}",
            unit_key=f"team:{team}", person_key=f"user:{world.users['xa']}", due_day=today(),
            due_time=time(17), expected_result="Xong", by=toch)
            for team, name in ((world.team, "Đoàn 1"), (world.outside_team, "Đoàn Long Tân"))}
        stranger = MemberFactory(full_name="Người Long Tân",
                                 organisation=db.session.get(Team, world.team).lead_organisation)
        db.session.get(Team, world.outside_team).members.append(stranger)
        phase = campaign.phases[0]
        snapshot = RankingSnapshot(campaign_id=campaign.id, phase_id=phase.id,
                                   frozen_by_id=toch.id)
        for rank, (kind, name, unit_kind, unit_id) in enumerate([
                ("commune", "Xã Nhơn Trạch", "commune", world.nhon_trach),
                ("commune", "Xã Long Tân", "commune", world.long_tan),
                ("team", "Đoàn 1", "team", world.team),
                ("team", "Đoàn Long Tân", "team", world.outside_team),
                ("member", "Đặng Tình Nguyện", None, None),
                ("member", "Người Long Tân", None, None)], start=1):
            snapshot.rows.append(RankingRow(kind=kind, name=name, rank=rank, target=10, done=5,
                                            percent_x100=5000, unit_kind=unit_kind,
                                            unit_id=unit_id))
        db.session.add(snapshot)
        db.session.commit()
        return Acct(duty.id, team_duty.id, phase.id, nt.id, lt.id, by_team[world.team].id,
                    by_team[world.outside_team].id, added[nt.id].id, added[lt.id].id,
                    checks[world.nhon_trach].id, checks[world.long_tan].id,
                    given[world.team].id, given[world.outside_team].id)


def _routes(w: World, a: Acct) -> list[tuple[str, dict[str, int]]]:
    day = today().isoformat()
    return [
        (f"/campaigns/{w.shared}/duties", ALL),
        (f"/campaigns/{w.long_tan_only}/duties", PROVINCE),
        (f"/duties/{a.duty}/board", ALL),
        (f"/duties/{a.duty}/units", ALL),
        (f"/duties/{a.duty}/edit", PROVINCE),
        (f"/duties/{a.duty}/units/{a.nt_unit}/reports/{day}", ALL),
        (f"/duties/{a.duty}/units/{a.lt_unit}/reports/{day}", PROVINCE),
        (f"/duties/{a.team_duty}/units/{a.nt_team_unit}/reports/{day}", ALL),
        (f"/duties/{a.team_duty}/units/{a.lt_team_unit}/reports/{day}", PROVINCE),
        ("/my-reports", ALL),
        (f"/campaigns/{w.shared}/officials", ALL),
        (f"/reporting-units/{a.nt_unit}/officials", ALL),
        (f"/reporting-units/{a.lt_unit}/officials", PROVINCE),
        (f"/reporting-units/{a.nt_unit}/officials/{a.nt_official}", ALL),
        (f"/reporting-units/{a.lt_unit}/officials/{a.lt_official}", PROVINCE),
        (f"/reporting-units/{a.nt_unit}/officials/{a.lt_official}", dict.fromkeys(ALL, 404)),
        (f"/reporting-units/{a.nt_unit}/officials/import", ALL),
        (f"/reporting-units/{a.lt_unit}/officials/import", PROVINCE),
        (f"/reporting-units/{a.lt_team_unit}/officials", PROVINCE),
        (f"/campaigns/{w.shared}/spot-checks", ALL),
        (f"/spot-checks/{a.nt_check}", ALL),
        (f"/spot-checks/{a.lt_check}", PROVINCE),
        (f"/spot-checks/{a.lt_check}/redraw", {"toch": 302, "tinh": 302, "xa": 404}),
        (f"/campaigns/{w.shared}/tasks", ALL),
        (f"/campaigns/{w.shared}/tasks/new", ALL),
        ("/tasks/mine", ALL),
        (f"/tasks/{a.nt_task}", ALL),
        (f"/tasks/{a.nt_task}/edit", ALL),
        (f"/tasks/{a.lt_task}", PROVINCE),
        (f"/tasks/{a.lt_task}/edit", PROVINCE),
        (f"/campaigns/{w.shared}/review", PROVINCE),
        (f"/campaigns/{w.long_tan_only}/review", {"toch": 302, "tinh": 302, "xa": 404}),
        (f"/campaigns/{w.shared}/phases/{a.phase}/commendation", PROVINCE),
        (f"/campaigns/{w.shared}/phases/{a.phase}/commendation.docx", PROVINCE),
        (f"/campaigns/{w.shared}/phases/{a.phase}/commendation.xlsx", PROVINCE),
        # Frozen already: the confirm page sends back to the ranking, where it may.
        (f"/campaigns/{w.shared}/phases/{a.phase}/ranking/freeze",
         {"toch": 302, "tinh": 302, "xa": 404}),
        (f"/campaigns/{w.shared}/ranking", ALL),
        (f"/events/{w.event}/documents", ALL),
    ]


def test_accountability_pages_answer_by_area_role_matrix(app, world, acct):  # noqa: F811
    clients = {who: signed_in(app, name) for who, name in WHO.items()}
    got, wanted = {}, {}
    for url, expected in _routes(world, acct):
        for who, status in expected.items():
            response = clients[who].get(url)
            got[(url, who)], wanted[(url, who)] = response.status_code, status
            response.close()
    assert got == wanted


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _counts(html: str) -> list[int]:
    block = re.search(r'id="board-counts">(.*?)</div>\s*</div>', html, re.S)
    return [int(n) for n in re.findall(r"<span>(\d+)</span>", block.group(1))]


def test_lists_hold_only_the_rows_of_the_area(app, world, acct):  # noqa: F811
    clients = {who: signed_in(app, name) for who, name in WHO.items()}
    lists = {
        f"/duties/{acct.duty}/board": ("Xã Nhơn Trạch", "Xã Long Tân"),
        f"/duties/{acct.duty}/units": ("Xã Nhơn Trạch", "Xã Long Tân"),
        f"/duties/{acct.team_duty}/board": ("Đoàn 1", "Đoàn Long Tân"),
        f"/campaigns/{world.shared}/officials": ("Cán bộ Nhơn Trạch", "Cán bộ Long Tân"),
        f"/campaigns/{world.shared}/spot-checks": (f"/spot-checks/{acct.nt_check}\"",
                                                  f"/spot-checks/{acct.lt_check}\""),
        f"/campaigns/{world.shared}/tasks": ("Việc của Đoàn 1", "Việc của Đoàn Long Tân"),
        f"/campaigns/{world.shared}/tasks/new": (f"team:{world.team}\"",
                                                 f"team:{world.outside_team}\""),
    }
    seen = {}
    for url, (inside, outside) in lists.items():
        for who, client in clients.items():
            html = _page(client, url)
            seen[(url, who)] = (inside in html, outside in html)
    wanted = {(url, who): (True, who != "xa") for url in lists for who in clients}
    assert seen == wanted
    # Both tasks are given to xa_nt's own account; its list keeps the one of its area.
    mine = _page(clients["xa"], "/tasks/mine")
    assert "Việc của Đoàn 1" in mine and "Việc của Đoàn Long Tân" not in mine
    # Counts follow the rows shown: one commune for xa_nt, both for the province.
    board = f"/duties/{acct.duty}/board"
    assert sum(_counts(_page(clients["xa"], board))) == 1
    assert sum(_counts(_page(clients["tinh"], board))) == 2
    roster = _page(clients["xa"], f"/campaigns/{world.shared}/officials")
    assert re.search(r"<span>0 / 1</span>", roster)
    assert re.search(r"<span>0 / 2</span>", _page(clients["tinh"],
                                                  f"/campaigns/{world.shared}/officials"))


def test_frozen_ranking_shows_only_the_area(app, world, acct):  # noqa: F811
    clients = {who: signed_in(app, name) for who, name in WHO.items()}
    rows = {}
    for who, client in clients.items():
        html = _page(client, f"/campaigns/{world.shared}/ranking?phase={acct.phase}")
        frozen = re.search(r'id="frozen-table">(.*?)</table>', html, re.S).group(1)
        rows[who] = [name for name in ("Xã Nhơn Trạch", "Xã Long Tân", "Đoàn 1",
                                       "Đoàn Long Tân", "Đặng Tình Nguyện", "Người Long Tân")
                     if f">{name}<" in frozen]
        rows[(who, "buttons")] = ("commendation-link" in html, "/ranking/undo" in html)
    everything = ["Xã Nhơn Trạch", "Xã Long Tân", "Đoàn 1", "Đoàn Long Tân",
                  "Đặng Tình Nguyện", "Người Long Tân"]
    assert rows == {"toch": everything, "tinh": everything,
                    "xa": ["Xã Nhơn Trạch", "Đoàn 1", "Đặng Tình Nguyện"],
                    ("toch", "buttons"): (True, True), ("tinh", "buttons"): (True, True),
                    ("xa", "buttons"): (False, False)}


def _csrf(client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', _page(client, url)).group(1)


def test_whole_campaign_changes_need_every_commune(app, world, acct):  # noqa: F811
    xa, toch = signed_in(app, "xa_nt"), signed_in(app, "toch")
    token = _csrf(xa, f"/campaigns/{world.shared}/tasks/new")
    base = f"/campaigns/{world.shared}/phases/{acct.phase}/ranking"
    assert xa.post(f"{base}/undo", data={"csrf_token": token}).status_code == 404
    assert xa.post(f"/duties/{acct.duty}/delete", data={"csrf_token": token}).status_code == 404
    assert xa.post(f"/duties/{acct.duty}/edit", data={"csrf_token": token}).status_code == 404
    assert xa.post(f"/campaigns/{world.shared}/duties", data={
        "csrf_token": token, "title": "Mới", "frequency": DAILY, "unit_kind": COMMUNE,
        "deadline": "17:00"}).status_code == 404
    assert xa.post(f"/campaigns/{world.shared}/spot-checks/checkers", data={
        "csrf_token": token, "user_id": world.users["xa"]}).status_code == 404
    assert "review-documents" not in _page(xa, f"/campaigns/{world.shared}/progress")
    assert "review-documents" in _page(toch, f"/campaigns/{world.shared}/progress")
    duties_page = _page(xa, f"/campaigns/{world.shared}/duties")
    assert f"/duties/{acct.duty}/edit" not in duties_page and "Thêm báo cáo định kỳ" not in \
        duties_page
    with app.app_context():
        assert db.session.execute(db.select(RankingSnapshot)).scalars().all()
        assert len(db.session.execute(db.select(ReportingDuty)).scalars().all()) == 2
    # An organizer over the whole campaign still undoes and freezes again.
    token = _csrf(toch, f"/campaigns/{world.shared}/tasks/new")
    assert toch.post(f"{base}/undo", data={"csrf_token": token}).status_code == 302
    assert xa.get(f"{base}/freeze").status_code == 404
    assert xa.post(f"{base}/freeze", data={"csrf_token": token}).status_code == 404
    assert toch.get(f"{base}/freeze").status_code == 200
    assert toch.post(f"{base}/freeze", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert len(db.session.execute(db.select(RankingSnapshot)).scalars().all()) == 1


def test_a_post_naming_a_unit_outside_the_area_changes_nothing(app, world, acct):  # noqa: F811
    xa = signed_in(app, "xa_nt")
    token = _csrf(xa, f"/campaigns/{world.shared}/spot-checks")
    day = today().strftime("%d/%m/%Y")
    drawn = xa.post(f"/campaigns/{world.shared}/spot-checks", data={
        "csrf_token": token, "unit": f"area:{world.long_tan}", "first_day": day,
        "last_day": day, "size_kind": "count", "size_value": "3"})
    assert drawn.status_code == 200  # the form again, with its error
    made = xa.post(f"/campaigns/{world.shared}/tasks/new", data={
        "csrf_token": token, "title": "Việc lạ", "unit": f"team:{world.outside_team}",
        "person": f"user:{world.users['xa']}", "due_day": day, "due_time": "17:00",
        "expected_result": "Xong"})
    assert made.status_code == 200
    for url in (f"/reporting-units/{acct.lt_unit}/officials/{acct.lt_official}/remove",
                f"/duties/{acct.duty}/units/{acct.lt_unit}/email",
                f"/spot-checks/{acct.lt_check}/items/1",
                f"/tasks/{acct.lt_task}"):
        assert xa.post(url, data={"csrf_token": token}).status_code == 404, url
    with app.app_context():
        assert len(db.session.execute(db.select(SpotCheck).filter_by(
            campaign_id=world.shared)).scalars().all()) == 2
        assert not db.session.execute(db.select(Task).filter_by(title="Việc lạ")).scalars().all()
        assert db.session.get(UnitOfficial, acct.lt_official) is not None


def test_a_units_people_report_as_before(app, world, acct):  # noqa: F811
    """tnv1 (a volunteer of Đoàn 1, no area) reaches its team's unit and nothing more."""
    tnv = signed_in(app, "tnv1")
    day = today().isoformat()
    assert tnv.get("/my-reports").status_code == 200
    assert tnv.get(f"/duties/{acct.team_duty}/units/{acct.nt_team_unit}/reports/{day}"
                   ).status_code == 200
    assert tnv.get(f"/duties/{acct.team_duty}/units/{acct.lt_team_unit}/reports/{day}"
                   ).status_code == 403
    assert tnv.get(f"/reporting-units/{acct.nt_team_unit}/officials").status_code == 200
    assert tnv.get(f"/reporting-units/{acct.lt_unit}/officials").status_code == 403
    # Even with an area outside its team's, a unit's own person keeps its unit.
    with app.app_context():
        _user("tnv1").area_id = world.long_tan
        db.session.commit()
    assert tnv.get(f"/duties/{acct.team_duty}/units/{acct.nt_team_unit}/reports/{day}"
                   ).status_code == 200
    assert tnv.get(f"/reporting-units/{acct.nt_team_unit}/officials").status_code == 200
