"""Confirmed results are counted as they happen: after any mix of list imports (people leaving
the list, coming back, moving hamlet), visits recorded, corrected and voided, and a record's
guide or team changed, the counters equal a fresh count over the people and their visits."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.checkin.models import VOIDED
from fieldops.checkin.signals import announce, state_of
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.drive import credit, visits
from fieldops.drive.models import ListedPerson, Visit
from fieldops.reports import confirmed
from fieldops.teams.models import Team
from tests.factories.areas import commune_with_hamlets
from tests.factories.campaigns import CampaignFactory
from tests.factories.checkin import sid
from tests.factories.drive_lists import PEOPLE, list_csv, person_rows
from tests.factories.teams import MemberFactory, OrganisationFactory, TeamFactory

HAMLETS = ("Ấp Chợ", "Trâu", "Phước Mỹ")
OUTCOMES = ("activated_level2", "guided", "absent", "refused")


@pytest.fixture
def drive(app, users):
    with app.app_context():
        campaign = CampaignFactory(running=True, communes=[commune_with_hamlets()])
        org = OrganisationFactory(name="Đoàn Thanh niên xã")
        guides = [MemberFactory(full_name=f"Hướng Dẫn {n}", organisation=org) for n in range(2)]
        teams = [TeamFactory(campaign=campaign, name=f"Đoàn {n}", members=guides)
                 for n in range(2)]
        db.session.commit()
        return {"campaign": campaign.id, "teams": [t.id for t in teams],
                "guides": [g.id for g in guides]}


def _import(client, campaign_id: int, keys: list[str], day, hamlets: dict[str, str]) -> None:
    content = list_csv(person_rows(keys, hamlets))
    response = client.post(f"/drive/campaigns/{campaign_id}/lists/import", data={
        "kind": "approved_not_activated", "list_day": day.strftime("%d/%m/%Y"),
        "commune_id": "", "file": (io.BytesIO(content), f"ds-{day:%Y%m%d}.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    assert client.post(response.headers["Location"]).status_code == 302


def _fresh(campaign_id: int) -> dict[tuple, int]:
    campaign = db.session.get(Campaign, campaign_id)
    found: Counter = Counter()
    for hamlet, team, volunteer, member, day, n in db.session.execute(confirmed.fresh_confirmed(
            campaign, campaign.start_date - timedelta(days=400), campaign.end_date)):
        found[(credit._day(day), hamlet, team, volunteer, member)] += n
    return {key: n for key, n in found.items() if n}


def _step(rng: random.Random, drive: dict, user_ids: list[int]) -> str:
    """Record, correct or void a visit, or change a record's guide or team, at random."""
    people = list(db.session.execute(sa.select(ListedPerson)).scalars())
    recorded = [v for v in db.session.execute(sa.select(Visit)).scalars()
                if v.registration.status != VOIDED]
    action = rng.choice(["visit", "visit", "edit", "void", "credit"] if recorded else ["visit"])
    user = db.session.get(User, rng.choice(user_ids))
    if action == "visit":
        person = rng.choice(people)
        team = db.session.get(Team, rng.choice(drive["teams"])) if rng.random() < 0.8 else None
        outcome = rng.choice(OUTCOMES)
        visits.record_visit(user=user, team=team, submission_id=sid(), people=[person],
                            outcomes=[visits.PersonOutcome(
                                person.id, outcome, "Không muốn" if outcome == "refused"
                                else None)])
    elif action == "edit":
        visits.edit_visit(rng.choice(recorded), user=user, submission_id=sid(),
                          outcome="guided", reason=None, why="Sửa cho đúng")
    elif action == "void":
        visits.void_visit(rng.choice(recorded), user=user, submission_id=sid(), reason="Trùng")
    else:
        # As the registration's edit page does: the change is announced to the counters.
        registration = rng.choice(recorded).registration
        before = state_of(registration)
        registration.credited_member_id = rng.choice([None, *drive["guides"]])
        registration.team_id = rng.choice([None, *drive["teams"]])
        announce(before, registration)
    return action


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_confirmed_counters_equal_a_fresh_count_after_any_mix(app, organizer, drive, seed):
    rng = random.Random(seed)
    keys = list(PEOPLE)
    with app.app_context():
        user_ids = list(db.session.execute(sa.select(User.id)).scalars())
    first = local_today() - timedelta(days=5)
    for n in range(6):
        on_list = sorted(rng.sample(keys, rng.randint(2, len(keys))))
        moved = {k: rng.choice(HAMLETS) for k in on_list if rng.random() < 0.3}
        _import(organizer, drive["campaign"], on_list, first + timedelta(days=n), moved)
        with app.test_request_context():
            for _ in range(rng.randint(1, 4)):
                _step(rng, drive, user_ids)
            db.session.commit()
            assert credit.confirmed_totals(drive["campaign"]) == _fresh(drive["campaign"]), n
    with app.test_request_context():
        counted = credit.confirmed_totals(drive["campaign"])
        assert sum(counted.values()) > 0  # people did leave the list in every seed
        assert credit.rebuild(drive["campaign"]) == len(counted)
        assert credit.confirmed_totals(drive["campaign"]) == counted


def test_two_visits_to_one_confirmed_person_at_once_move_the_counters_once_each(
        app, organizer, drive):
    import threading

    first = local_today() - timedelta(days=2)
    _import(organizer, drive["campaign"], ["an", "binh"], first, {})
    _import(organizer, drive["campaign"], ["binh"], first + timedelta(days=1), {})  # An left
    with app.app_context():
        an = db.session.execute(sa.select(ListedPerson.id).filter_by(
            full_name="Nguyễn Văn An")).scalar_one()
        user_ids = list(db.session.execute(sa.select(User.id)).scalars())[:2]
    ready, problems = threading.Barrier(2), []

    def visit(user_id: int, team_id: int, outcome: str) -> None:
        try:
            with app.test_request_context():
                person = db.session.get(ListedPerson, an)
                ready.wait(timeout=10)
                visits.record_visit(
                    user=db.session.get(User, user_id), team=db.session.get(Team, team_id),
                    submission_id=sid(), people=[person],
                    outcomes=[visits.PersonOutcome(an, outcome, None)])
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            problems.append(error)

    # Two members at the door at once (one activation per person and service is allowed).
    threads = [threading.Thread(target=visit, args=(u, t, o)) for u, t, o in zip(
        user_ids, drive["teams"], ("guided", "absent"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not problems
    with app.test_request_context():
        counted = credit.confirmed_totals(drive["campaign"])
        assert counted == _fresh(drive["campaign"]) and sum(counted.values()) == 1
