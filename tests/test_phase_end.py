"""Phase end: the automatic freeze, the confirmed freeze by hand and its undo, the log, and the
frozen lines keeping their confirmation rate and unit."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest

from fieldops.accountability import spotchecks
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.reports import phase_end, ranking, targets
from fieldops.reports.models import FREEZE, UNDO, RankingFreezeLog, RankingSnapshot
from fieldops.teams.models import Team
from tests.conftest import csrf_token
from tests.factories.accountability import result
from tests.factories.auth import signed_in
from tests.factories.checkin import today
from tests.factories.phase_end import phases_scene


@pytest.fixture
def phases(app, scene):
    with app.app_context():
        return phases_scene(scene)


def _snapshots() -> dict[int, RankingSnapshot]:
    return {s.phase_id: s for s in db.session.execute(db.select(RankingSnapshot)).scalars()}


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_schedule_freezes_an_ended_phase_once_and_leaves_a_running_one(app, phases):
    ended, running = phases.extra["ended_id"], phases.extra["running_id"]
    with app.app_context():
        assert phase_end.freeze_ended_phases_now() == 1
        snapshots = _snapshots()
        assert set(snapshots) == {ended}
        assert snapshots[ended].automatic and snapshots[ended].frozen_by_id is None
        # A second run (or a second process after the first committed) does nothing.
        assert phase_end.freeze_ended_phases_now() == 0
        log = db.session.execute(db.select(RankingFreezeLog)).scalars().all()
        assert [(e.phase_id, e.action, e.automatic, e.user_id) for e in log] == [
            (ended, FREEZE, True, None)]
        assert running not in _snapshots()


def test_two_processes_freezing_at_once_leave_one_snapshot(app, phases):
    ended = phases.extra["ended_id"]
    with app.app_context():
        phase = db.session.get(Phase, ended)
        ranking.freeze(phase.campaign, phase, user=None, today=today())
        db.session.commit()
        # The other process read "not frozen" before this one committed: its insert fails on
        # the unique phase, and it carries on without the phase and without an error.
        with mock.patch.object(ranking, "snapshot_of", return_value=None):
            assert phase_end.freeze_ended_phases(today()) == []
        db.session.commit()
        assert db.session.execute(db.select(db.func.count()).select_from(
            RankingSnapshot)).scalar() == 1
        assert db.session.execute(db.select(db.func.count()).select_from(
            RankingFreezeLog)).scalar() == 1


def test_a_freeze_by_hand_asks_first_and_is_undone_before_the_end(app, phases, organizer):
    cid, running = phases.campaign_id, phases.extra["running_id"]
    page = organizer.get(f"/campaigns/{cid}/ranking?phase={running}")
    assert f'href="/campaigns/{cid}/phases/{running}/ranking/freeze"' in page.get_data(
        as_text=True)
    confirm = organizer.get(f"/campaigns/{cid}/phases/{running}/ranking/freeze")
    assert "không thay đổi nữa" in _text(confirm)
    assert "vẫn có thể hủy chốt" in _text(confirm)
    token = csrf_token(confirm.get_data(as_text=True))
    frozen = organizer.post(f"/campaigns/{cid}/phases/{running}/ranking/freeze",
                            data={"csrf_token": token}, follow_redirects=True)
    text = _text(frozen)
    assert "Đã chốt xếp hạng Cao điểm." in text and "Hủy chốt xếp hạng" in text
    assert "Chốt bằng tay Phạm Tổ Chức" in text  # the log on the ranking page
    undone = organizer.post(f"/campaigns/{cid}/phases/{running}/ranking/undo",
                            data={"csrf_token": token}, follow_redirects=True)
    text = _text(undone)
    assert "Đã hủy chốt xếp hạng Cao điểm" in text and "Xếp hạng đã chốt" not in text
    assert "Hủy chốt Phạm Tổ Chức" in text and "Chốt bằng tay Phạm Tổ Chức" in text
    with app.app_context():
        assert running not in _snapshots()
        log = db.session.execute(db.select(RankingFreezeLog).order_by(RankingFreezeLog.id)
                                 ).scalars().all()
        assert [(e.action, e.automatic, e.user.username) for e in log] == [
            (FREEZE, False, "toch"), (UNDO, False, "toch")]


def test_an_ended_phase_s_freeze_cannot_be_undone(app, phases, organizer):
    cid, ended = phases.campaign_id, phases.extra["ended_id"]
    confirm = organizer.get(f"/campaigns/{cid}/phases/{ended}/ranking/freeze")
    assert "không hủy được" in _text(confirm)
    token = csrf_token(confirm.get_data(as_text=True))
    organizer.post(f"/campaigns/{cid}/phases/{ended}/ranking/freeze", data={"csrf_token": token})
    page = organizer.get(f"/campaigns/{cid}/ranking?phase={ended}")
    assert "Hủy chốt xếp hạng" not in _text(page)
    assert "bảng đã chốt là chính thức" in _text(page)
    refused = organizer.post(f"/campaigns/{cid}/phases/{ended}/ranking/undo",
                             data={"csrf_token": token}, follow_redirects=True)
    day = (today() - timedelta(days=1)).strftime("%d/%m/%Y")
    assert (f"Ra quân đã kết thúc ngày {day}: xếp hạng đã chốt là chính thức, không hủy được "
            "nữa.") in _text(refused)
    with app.app_context():
        assert ended in _snapshots()
        assert [e.action for e in db.session.execute(db.select(RankingFreezeLog)).scalars()] \
            == [FREEZE]


def test_only_organizers_freeze_and_undo(app, phases):
    cid, running = phases.campaign_id, phases.extra["running_id"]
    for username in ("doan1", "tnv1"):
        client = signed_in(app, username)
        page = client.get(f"/campaigns/{cid}/ranking?phase={running}")
        assert "Chốt xếp hạng giai đoạn" not in _text(page)
        for path in ("ranking/freeze", "ranking/undo"):
            answer = client.post(f"/campaigns/{cid}/phases/{running}/{path}", data={})
            assert answer.status_code == 403, (username, path)
        assert client.get(f"/campaigns/{cid}/phases/{running}/ranking/freeze"
                          ).status_code == 403
    with app.app_context():
        assert _snapshots() == {}


def test_the_frozen_lines_keep_the_confirmation_rate_and_the_unit(app, phases, organizer):
    cid, running = phases.campaign_id, phases.extra["running_id"]
    with app.app_context():
        campaign = db.session.get(Campaign, cid)
        phase = db.session.get(Phase, running)
        user = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        team = db.session.get(Team, phases.team_id)
        targets.set_target(phase, 10, user=user, team=team)
        targets.set_target(phase, 20, user=user, area=campaign.communes[0])
        for n in range(4):
            result(phases, n)
        check = spotchecks.draw(campaign, unit_key=f"team:{team.id}", first_day=today(),
                                last_day=today(), size_kind="count", size_value=4, checker=user)
        for item, verdict in zip(check.items, ("confirmed", "confirmed", "confirmed",
                                               "rejected"), strict=True):
            spotchecks.give_verdict(item, verdict, user=user, reason="Sai")
        snapshot = ranking.freeze(campaign, phase, user=user, today=today())
        db.session.commit()
        lines = {r.kind: r for r in snapshot.rows}
        assert (lines["team"].confirmation_x100, lines["team"].unit_kind,
                lines["team"].unit_id) == (7500, "team", team.id)
        assert (lines["commune"].unit_kind, lines["commune"].unit_id) == (
            "commune", campaign.communes[0].id)
        assert lines["member"].unit_kind is None and lines["member"].confirmation_x100 is None
        # A verdict changed later does not change the frozen rate.
        spotchecks.give_verdict(check.items[3], "confirmed", user=user)
        db.session.commit()
        db.session.expire_all()
        assert {r.kind: r.confirmation_x100 for r in ranking.snapshot_of(phase).rows
                }["team"] == 7500
    frozen = _text(organizer.get(f"/campaigns/{cid}/ranking?phase={running}")).split(
        "Xếp hạng hiện tại")[0]
    assert "Đoàn 1 10 3 30,0 % 75,0 %" in frozen.replace("30.0", "30,0").replace("75.0", "75,0")


def test_the_freeze_runs_on_the_task_queue_at_a_quarter_past_every_hour(app):
    huey = app.extensions["tasks"].huey
    # 17:15 UTC is 00:15 in Vietnam: a phase that ended at midnight is frozen then.
    assert "freeze_ended_phases" in {t.name for t in huey.read_periodic(
        datetime(2026, 12, 1, 17, 15))}
    assert "freeze_ended_phases" not in {t.name for t in huey.read_periodic(
        datetime(2026, 12, 1, 17, 16))}
