"""The progress page's views agree: places, teams and one team's members add up to one total;
the chart's axis reads whole, distinct numbers; the page reads the counters, not the records."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.reports import chart
from fieldops.reports.chart import axis_ticks, burnup_svg
from tests.factories.checkin import build_scene, recorded, today


@pytest.fixture
def scene(app, users):
    """The check-in scene plus a 10-day phase (today is its 5th day), no targets, no records."""
    built = build_scene(app)
    with app.test_request_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        phase = campaigns.save_phase(campaign, None, name="Tuần dùng thử",
                                     start_date=today() - timedelta(days=4),
                                     end_date=today() + timedelta(days=5))
        db.session.commit()
        built.extra.update(phase_id=phase.id)
    return built


def _record(app, scene, username: str, n: int, **where) -> None:
    with app.test_request_context():
        recorded(scene, username, n, **where)
        db.session.commit()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _row(html: str, marker: str) -> str:
    """Return the text of the table row that carries `marker` (a data-key or an id)."""
    found = re.search(rf"<tr [^>]*{marker}[^>]*>(.*?)</tr>", html, re.S)
    assert found, marker
    return _text(found.group(1))


def _total_done(html: str) -> str:
    # Unit column, target, done: the third cell of the total row.
    return _row(html, 'id="progress-total"').split(" ")[2]


def _y_ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" class="axis">([^<]+)<', svg)


def test_one_desk_record_shows_in_the_team_view_under_the_desk_line(app, scene, organizer):
    _record(app, scene, "tnv1", 1, hamlet="Chợ", desk=True)
    base = f"/campaigns/{scene.campaign_id}/progress"
    places = organizer.get(base).get_data(as_text=True)
    teams = organizer.get(f"{base}?level=teams").get_data(as_text=True)
    assert _total_done(places) == "1"
    assert _total_done(teams) == "1"
    assert _row(teams, 'data-key="t-none"').startswith("Tại bàn, không qua đoàn — 1 ")
    assert _row(teams, f'data-key="t{scene.team_id}"').startswith("Đoàn 1 — 0 ")
    # The chart reads 0 and 1 once each, not "0, 0, 0, 1, 1".
    assert _y_ticks(teams) == ["0", "1"]


def test_every_view_adds_up_to_the_same_total(app, scene, organizer):
    _record(app, scene, "tnv1", 1, hamlet="Chợ", desk=True)
    _record(app, scene, "tnv1", 2, hamlet=None, desk=True)  # a walk-in with no hamlet
    _record(app, scene, "tnv1", 3, hamlet="Chợ")  # with the team, by its member
    _record(app, scene, "doan1", 4, hamlet="Trâu")  # with the team, by its lead
    base = f"/campaigns/{scene.campaign_id}/progress"
    places = organizer.get(base).get_data(as_text=True)
    teams = organizer.get(f"{base}?level=teams").get_data(as_text=True)
    members = organizer.get(f"{base}?level=team&unit={scene.team_id}").get_data(as_text=True)
    assert (_total_done(places), _total_done(teams)) == ("4", "4")
    assert _row(places, 'data-key="a-none"').startswith("Chưa rõ thôn/ấp — 1 ")
    assert _row(teams, 'data-key="t-none"').startswith("Tại bàn, không qua đoàn — 2 ")
    assert _row(teams, f'data-key="t{scene.team_id}"').startswith("Đoàn 1 — 2 ")
    assert _total_done(members) == "2" and 'data-key="m-none"' not in members


def test_a_record_for_the_team_by_someone_not_in_it_shows_in_its_members_view(app, scene,
                                                                              organizer):
    _record(app, scene, "tnv1", 1, hamlet="Chợ")
    _record(app, scene, "toch", 2, hamlet="Chợ")  # the organizer records for the team
    base = f"/campaigns/{scene.campaign_id}/progress"
    teams = organizer.get(f"{base}?level=teams").get_data(as_text=True)
    members = organizer.get(f"{base}?level=team&unit={scene.team_id}").get_data(as_text=True)
    assert _row(teams, f'data-key="t{scene.team_id}"').startswith("Đoàn 1 — 2 ")
    assert _total_done(members) == "2"
    assert _row(members, 'data-key="m-none"').startswith("Người khác ghi cho đoàn — 1 ")


@pytest.mark.parametrize(("top", "expected"), [
    (0, [0, 1]), (1, [0, 1]), (3, [0, 1, 2, 3]), (4, [0, 1, 2, 3, 4]), (5, [0, 2, 4, 6]),
    (38, [0, 10, 20, 30, 40]), (100, [0, 50, 100]), (51500, [0, 20000, 40000, 60000])])
def test_axis_ticks_are_whole_distinct_and_reach_the_top(top, expected):
    assert axis_ticks(top) == expected


def test_the_chart_draws_its_lines_against_the_rounded_axis(app, scene):
    with app.test_request_context():
        phase = db.session.get(Campaign, scene.campaign_id).phases[0]
        days = [phase.start_date + timedelta(days=i) for i in range(3)]
        svg = str(burnup_svg(phase, list(zip(days, [2, 5, 7], strict=True)), 9, title="t",
                             done_label="d", target_label="c"))
    assert _y_ticks(svg) == ["0", "5", "10"]
    # The target line ends at 9 of an axis of 10: 90 % of the plot's height above its floor.
    end = re.search(
        r'<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)" class="target-line"/>', svg)
    floor, top = float(end.group(1)), float(end.group(2))
    assert floor - top == pytest.approx(0.9 * (chart.HEIGHT - chart.TOP - chart.BOTTOM), abs=0.1)


def test_the_page_reads_the_counters_not_the_registrations(app, scene, organizer):
    _record(app, scene, "tnv1", 1, hamlet="Chợ", desk=True)
    _record(app, scene, "tnv1", 2, hamlet="Chợ")
    with app.app_context():
        engine = db.engine
        commune_id = db.session.get(Campaign, scene.campaign_id).communes[0].id
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        base = f"/campaigns/{scene.campaign_id}/progress"
        for query in ("", "?level=teams", f"?level=team&unit={scene.team_id}",
                      f"?level=commune&unit={commune_id}"):
            assert organizer.get(base + query).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    touched = [s for s in statements if re.search(r"\bregistration(_service)?\b", s)]
    assert statements and not touched, touched
