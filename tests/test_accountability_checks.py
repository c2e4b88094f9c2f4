"""Spot-checks: a reproducible draw spread over teams, call-backs, rejections leaving progress."""

from __future__ import annotations

import re

import pytest

from fieldops.accountability import spotchecks
from fieldops.accountability.check_models import SpotCheck, SpotCheckItem
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.checkin import recording
from fieldops.checkin.models import AuditEntry, Registration
from fieldops.checkin.services import Outcome
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.reports import counters, ranking
from fieldops.reports.progress import PLACES, progress
from tests.factories.accountability import spot_scene
from tests.factories.auth import UserFactory, signed_in
from tests.factories.checkin import sid, today


@pytest.fixture
def checks(app, scene):
    """The check-in scene with two teams' results and a phase (tests.factories.accountability)."""
    with app.app_context():
        return spot_scene(scene)


def _draw(client, scene, unit: str, size: str = "4", kind: str = "count"):
    day = today().strftime("%d/%m/%Y")
    return client.post(f"/campaigns/{scene.campaign_id}/spot-checks", data={
        "unit": unit, "first_day": day, "last_day": day, "size_kind": kind, "size_value": size})


def _commune_key(scene) -> str:
    with db.session.no_autoflush:
        campaign = db.session.get(Campaign, scene.campaign_id)
        return f"area:{campaign.communes[0].id}"


def test_the_same_seed_over_the_same_results_draws_the_same_sample():
    results = [(n, 1) for n in range(50)] + [(n, 2) for n in range(50, 80)] + [
        (n, None) for n in range(80, 100)]
    first = spotchecks.draw_sample(results, 10, "seed-1")
    assert first == spotchecks.draw_sample(list(reversed(results)), 10, "seed-1")
    assert first != spotchecks.draw_sample(results, 10, "seed-2")
    # Spread over the teams in proportion to their results: 50, 30 and 20 of 100.
    by_team = [sum(1 for _, t in first if t == team) for team in (1, 2, None)]
    assert by_team == [5, 3, 2]
    assert len({rid for rid, _ in first}) == 10


def test_a_commune_draw_shows_only_its_sample_phones_and_logs_each_view(app, checks):
    client = signed_in(app, "toch")
    with app.app_context():
        unit = _commune_key(checks)
    answer = _draw(client, checks, unit, size="5")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        check = db.session.execute(db.select(SpotCheck)).scalar_one()
        assert check.population == 10 and len(check.items) == 5
        # 6, 3 and 1 results: quotas 3, 1.5 and 0.5; the one left goes to the first of the
        # equal remainders (the results of no team come first).
        assert [sum(1 for i in check.items if i.team_id == t) for t in
                (checks.team_id, checks.extra["team2_id"], None)] == [3, 1, 1]
        sampled = {i.registration.phone for i in check.items}
        others = {r.phone for r in db.session.execute(db.select(Registration)).scalars()} - sampled
        audited = db.session.execute(db.select(AuditEntry).filter_by(
            action="callback_view")).scalars().all()
        assert {a.registration_id for a in audited} == {i.registration_id for i in check.items}
    assert all(phone in page for phone in sampled)
    assert not any(phone in page for phone in others if phone)


def test_drawing_the_same_unit_and_period_twice_gives_the_first_sample(app, checks):
    client = signed_in(app, "toch")
    unit = f"team:{checks.team_id}"
    first = _draw(client, checks, unit, size="3").headers["Location"]
    again = _draw(client, checks, unit, size="5")
    assert again.headers["Location"] == first
    page = client.get(first).get_data(as_text=True)
    assert "đã được rút mẫu lúc" in page and "không rút mẫu thứ hai" in page
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(SpotCheck.id))).scalar() == 1
        assert db.session.execute(db.select(db.func.count(SpotCheckItem.id))).scalar() == 3


def test_a_sample_larger_than_the_results_is_refused(app, checks):
    client = signed_in(app, "toch")
    answer = _draw(client, checks, f"team:{checks.extra['team2_id']}", size="4")
    assert answer.status_code == 200
    assert "Cỡ mẫu 4 lớn hơn số kết quả của đơn vị trong kỳ (3)" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(SpotCheck)).first() is None


def _progress_done(campaign_id: int, phase_id: int) -> int:
    campaign = db.session.get(Campaign, campaign_id)
    phase = next(p for p in campaign.phases if p.id == phase_id)
    return sum(line.done for line in progress(campaign, phase, level=PLACES,
                                              today=today()).lines)


def test_a_rejection_takes_the_result_out_of_progress_and_a_confirmation_puts_it_back(
        app, checks):
    client = signed_in(app, "toch")
    location = _draw(client, checks, f"team:{checks.team_id}", size="3").headers["Location"]
    with app.app_context():
        before = _progress_done(checks.campaign_id, checks.extra["phase_id"])
        items = db.session.execute(db.select(SpotCheckItem).order_by(
            SpotCheckItem.position)).scalars().all()
        urls = [f"{location}/items/{i.id}" for i in items]
        rejected_id = items[1].registration_id
    assert before == 10
    # No reason: refused, nothing changes.
    client.post(urls[1], data={"verdict": "rejected", "reason": " "})
    with app.app_context():
        assert _progress_done(checks.campaign_id, checks.extra["phase_id"]) == 10
    client.post(urls[0], data={"verdict": "confirmed"})
    client.post(urls[1], data={"verdict": "rejected", "reason": "Người dân chưa kích hoạt"})
    client.post(urls[2], data={"verdict": "unreachable"})
    with app.app_context():
        assert _progress_done(checks.campaign_id, checks.extra["phase_id"]) == 9
        registration = db.session.get(Registration, rejected_id)
        assert registration.status == "rejected" and registration.voided_at is None
        assert [c.action for c in registration.changes][-1] == "rejected"
        assert "Người dân chưa kích hoạt" in registration.changes[-1].reason
        # The counters agree with the records, as a rebuild would make them.
        campaign = db.session.get(Campaign, checks.campaign_id)
        kept = counters.counter_totals(campaign.id)
        counters.rebuild_counters(campaign)
        assert counters.counter_totals(campaign.id) == kept
        db.session.rollback()
    page = client.get(location).get_data(as_text=True)
    # 1 confirmed of 2 reached (the unreachable one is no rejection).
    assert re.search(r'id="check-rate"><strong>50', page)
    # The checker changes their mind: the result counts again, with its history.
    client.post(urls[1], data={"verdict": "confirmed"})
    with app.app_context():
        assert _progress_done(checks.campaign_id, checks.extra["phase_id"]) == 10
        registration = db.session.get(Registration, rejected_id)
        assert registration.status == "recorded"
        assert [c.action for c in registration.changes][-2:] == ["rejected", "reinstated"]
        item = db.session.execute(db.select(SpotCheckItem).filter_by(
            registration_id=rejected_id)).scalar_one()
        assert [v.verdict for v in item.changes] == ["rejected", "confirmed"]


def test_a_rejected_record_cannot_be_edited_or_voided_at_the_desk(app, checks):
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        check = spotchecks.draw(db.session.get(Campaign, checks.campaign_id),
                                unit_key=f"team:{checks.team_id}", first_day=today(),
                                last_day=today(), size_kind="count", size_value=1,
                                checker=user)
        item = check.items[0]
        spotchecks.give_verdict(item, "rejected", user=user, reason="Không đúng người")
        registration = item.registration
        with pytest.raises(DomainError, match="kiểm tra xác suất"):
            recording.void(registration, submission_id=sid(), user=user, reason="Thử")
        with pytest.raises(DomainError, match="kiểm tra xác suất"):
            recording.edit(registration, submission_id=sid(), user=user, reason="Thử",
                           full_name="Tên khác", phone=None, hamlet_id=None, birth_year=None,
                           citizen_id=None, outcomes=[Outcome(checks.services["eid_level2"],
                                                              "done")])


def test_checkers_see_only_their_own_samples(app, checks):
    with app.app_context():
        campaign = db.session.get(Campaign, checks.campaign_id)
        organizer = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        first = UserFactory(username="kiemtra1")
        second = UserFactory(username="kiemtra2")
        UserFactory(username="khac")
        spotchecks.name_checker(campaign, first, by=organizer)
        spotchecks.name_checker(campaign, second, by=organizer)
        db.session.commit()
    one, two = signed_in(app, "kiemtra1"), signed_in(app, "kiemtra2")
    location = _draw(one, checks, f"team:{checks.team_id}", size="2").headers["Location"]
    assert one.get(location).status_code == 200
    assert two.get(location).status_code == 403
    assert two.post(f"{location}/items/1", data={"verdict": "confirmed"}).status_code == 403
    listing = two.get(f"/campaigns/{checks.campaign_id}/spot-checks").get_data(as_text=True)
    assert location not in listing
    assert signed_in(app, "khac").get(
        f"/campaigns/{checks.campaign_id}/spot-checks").status_code == 403


def test_the_ranking_shows_each_team_s_confirmation_rate(app, checks):
    with app.app_context():
        campaign = db.session.get(Campaign, checks.campaign_id)
        user = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        from fieldops.reports import targets
        from fieldops.teams.models import Team

        phase = next(p for p in campaign.phases if p.id == checks.extra["phase_id"])
        targets.set_target(phase, 20, user=user, team=db.session.get(Team, checks.team_id))
        check = spotchecks.draw(campaign, unit_key=f"team:{checks.team_id}", first_day=today(),
                                last_day=today(), size_kind="share", size_value=50,
                                checker=user)
        assert len(check.items) == 3  # half of 6
        for item, verdict in zip(check.items, ("confirmed", "confirmed", "rejected"),
                                 strict=True):
            spotchecks.give_verdict(item, verdict, user=user, reason="Sai")
        db.session.commit()
        rows = ranking.live_ranking(campaign, phase, today=today())
        team_row = next(r for r in rows if r.kind == "team")
        assert (team_row.done, team_row.confirmation_x100) == (5, 6666)
    page = signed_in(app, "toch").get(
        f"/campaigns/{checks.campaign_id}/ranking?phase={checks.extra['phase_id']}")
    text = page.get_data(as_text=True)
    assert "Tỷ lệ xác nhận" in text and "66,7" in text


def test_the_demo_has_a_spot_check_with_rejections_and_the_ceremony_tasks(app, demo):
    from fieldops.accountability.task_models import Task

    with app.app_context():
        # The trial's check (the phase-end demo checks two Hưng Hà communes too).
        check = db.session.execute(db.select(SpotCheck).join(Campaign).where(
            Campaign.title.startswith("Dùng thử"))).scalar_one()
        assert (check.population, len(check.items)) == (12, 6)
        verdicts = [i.verdict for i in check.items]
        assert verdicts.count("rejected") == 2 and verdicts.count("unreachable") == 1
        # The two rejected results left the trial's counters: 12 recorded, 10 count.
        assert sum(counters.counter_totals(check.campaign_id).values()) == 10
        ceremony = db.session.execute(db.select(Task)).scalars().all()
        assert len(ceremony) == 13 and all(t.event_id == ceremony[0].event_id for t in ceremony)
        assert any("wifi/4G dự phòng" in t.title for t in ceremony)
        assert sorted(t.status for t in ceremony).count("overdue") == 2
