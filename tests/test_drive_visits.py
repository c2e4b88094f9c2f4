"""The visit at a door: the member's day list (by street, accent-free, masked IDs, kept
offline), a visit stored once when sent twice and counted, its rules, its page, edit and void.

The scene is factories.drive's: check-in's campaign running today, Đoàn 1 on hamlet Chợ today
(its lead doan1 and member tnv1), and Chợ's police list with its households.
"""

from __future__ import annotations

import pytest

from fieldops.checkin import crypto
from fieldops.checkin.models import DOOR, Registration
from fieldops.db import db
from fieldops.drive import households
from fieldops.drive.models import Visit
from fieldops.reports.models import DailyCount
from fieldops.teams.models import Team
from tests.factories.auth import sign_in
from tests.factories.checkin import sid
from tests.factories.drive import OUTBOX, build_cho_scene, give_all_to, visit_body
from tests.factories.drive import scene_person as person


@pytest.fixture
def scene(app, users):
    """Check-in's scene plus Chợ's police list and households (factories.drive)."""
    return build_cho_scene(app)

def test_members_list_is_grouped_by_street_and_searchable_without_accents(client, scene, app):
    give_all_to(app, scene, "tnv1")
    sign_in(client, "tnv1")
    page = client.get("/drive/today").get_data(as_text=True)
    # Streets in order, the doors without a known street last; IDs masked only.
    assert page.index("Tổ 3") < page.index("Tổ 5") < page.index("Chưa rõ đường, ngõ")
    with app.app_context():
        an = person("an", scene)
        masked, full = an.masked_citizen_id, crypto.decrypt(an.citizen_id_encrypted)
    assert masked in page and full not in page
    assert "data-remaining>6<" in page and "data-done>0<" in page
    found = client.get("/drive/today?q=tran thi binh").get_data(as_text=True)
    assert "Trần Thị Bình" in found and "Phạm Dũng" not in found
    found = client.get("/drive/today?q=DO CUONG").get_data(as_text=True)
    assert "Đỗ Cường" in found and "Trần Thị Bình" not in found


def test_a_visit_sent_twice_is_stored_once_and_counts(client, scene, app):
    give_all_to(app, scene, "tnv1")
    sign_in(client, "tnv1")
    url = f"/drive/today/households/{scene.extra['homes']['h1']}"
    body = visit_body(scene, {"an": "activated_level2", "binh": "absent"},
                      members_14plus="3", smartphones="2", vneid_installed="1")
    first = client.post(url, data=body, headers=OUTBOX)
    assert first.get_json()["status"] == "stored"
    again = client.post(url, data=body, headers=OUTBOX)
    assert again.get_json()["status"] == "replay"
    with app.app_context():
        assert db.session.query(Visit).count() == 2
        regs = db.session.execute(db.select(Registration)).scalars().all()
        assert len(regs) == 2 and {r.source for r in regs} == {DOOR}
        assert all(r.team_id == scene.team_id for r in regs)
        # The activation counts in progress (the reports' counters) once.
        assert sum(c.count for c in db.session.execute(db.select(DailyCount)).scalars()) == 1
        home = db.session.get(households.Household, scene.extra["homes"]["h1"])
        assert (home.members_14plus, home.smartphones, home.vneid_installed) == (3, 2, 1)
        assert person("an", scene).last_outcome == "activated_level2"
        assert person("binh", scene).absences == 1
    page = client.get("/drive/today").get_data(as_text=True)
    assert "data-done>2<" in page and "data-remaining>4<" in page


def test_refused_needs_a_reason_and_bad_survey_is_refused_whole(client, scene, app):
    give_all_to(app, scene, "tnv1")
    sign_in(client, "tnv1")
    url = f"/drive/today/households/{scene.extra['homes']['h1']}"
    answer = client.post(url, data=visit_body(scene, {"an": "refused"}), headers=OUTBOX)
    errors = answer.get_json()["errors"]
    assert answer.status_code == 422
    assert "Hãy ghi lý do từ chối." in errors[f"outcome_{scene.extra['people']['an']}"]
    answer = client.post(url, data=visit_body(scene, {"an": "guided"}, vneid_installed="3",
                                              vneid_activated="5"), headers=OUTBOX)
    assert answer.status_code == 422
    assert "vneid_activated" in answer.get_json()["errors"]
    with app.app_context():
        assert db.session.query(Visit).count() == 0
        assert db.session.query(Registration).count() == 0


def test_the_members_day_is_among_the_pages_kept_offline(client, scene, app):
    give_all_to(app, scene, "tnv1")
    sign_in(client, "tnv1")
    kept = client.get("/checkin/offline-pages").get_json()
    homes, people = scene.extra["homes"], scene.extra["people"]
    assert "/drive/today" in kept["pages"]
    assert f"/drive/today/households/{homes['h1']}" in kept["pages"]
    assert f"/drive/today/people/{people['em']}" in kept["pages"]
    assert any(url.startswith("/static/js/drive") for url in kept["static"])
    # Only masked IDs on the pages the phone keeps.
    form = client.get(f"/drive/today/households/{homes['h1']}").get_data(as_text=True)
    with app.app_context():
        an = person("an", scene)
        assert an.masked_citizen_id in form
        assert crypto.decrypt(an.citizen_id_encrypted) not in form


def test_a_visit_edited_then_voided_keeps_its_history(client, scene, app):
    from fieldops.drive.visits import edit_visit, void_visit
    from tests.factories.drive import VisitFactory

    give_all_to(app, scene, "tnv1")
    with app.app_context():
        from fieldops.auth.models import User

        user = db.session.execute(db.select(User).filter_by(username="tnv1")).scalar_one()
        visit = VisitFactory(person=person("em", scene), outcome="absent", user=user,
                             team=db.session.get(Team, scene.team_id))
        assert person("em", scene).absences == 1
        edit_visit(visit, user=user, submission_id=sid(), outcome="refused",
                   reason="Không muốn dùng", why="Ghi nhầm")
        assert person("em", scene).absences == 0
        assert person("em", scene).last_outcome == "refused"
        void_visit(visit, user=user, submission_id=sid(), reason="Trùng")
        em = person("em", scene)
        assert (em.last_outcome, em.absences) == (None, 0)
        actions = [c.action for c in visit.registration.changes]
        assert actions == ["created", "edited", "voided"]


def test_a_member_cannot_record_at_a_door_given_to_someone_else(client, scene, app):
    give_all_to(app, scene, "doan1")
    sign_in(client, "tnv1")
    url = f"/drive/today/households/{scene.extra['homes']['h1']}"
    assert client.get(url).status_code == 404
    answer = client.post(url, data=visit_body(scene, {"an": "guided"}), headers=OUTBOX)
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.query(Visit).count() == 0


def test_a_copy_that_loses_the_race_answers_as_a_replay(client, scene, app, monkeypatch):
    """The page and the service worker send the same visit at once: the copy whose write hits
    the other's submission id answers "replay", not a refusal the member would have to fix."""
    from fieldops.checkin.services import ConflictError
    from fieldops.drive import today_views

    give_all_to(app, scene, "tnv1")
    sign_in(client, "tnv1")
    calls = []
    # Not stored yet when this copy checks; stored by the other copy when it fails.
    monkeypatch.setattr(today_views, "replayed_visits",
                        lambda _sid: ["stored"] if calls.append(1) or len(calls) > 1 else [])

    def loses(**_kwargs):
        raise ConflictError("the other copy won")

    monkeypatch.setattr(today_views, "record_visit", loses)
    answer = client.post(f"/drive/today/households/{scene.extra['homes']['h1']}",
                         data=visit_body(scene, {"an": "guided"}), headers=OUTBOX)
    assert answer.status_code == 200 and answer.get_json()["status"] == "replay"


def test_lead_corrects_then_cancels_a_visit_from_its_page(client, scene, app):
    give_all_to(app, scene, "tnv1")
    sign_in(client, "tnv1")
    client.post(f"/drive/today/people/{scene.extra['people']['em']}",
                data=visit_body(scene, {"em": "absent"}), headers=OUTBOX)
    with app.app_context():
        visit_id = db.session.execute(db.select(Visit.id)).scalar_one()
    page = client.get("/drive/today").get_data(as_text=True)
    assert f"/drive/visits/{visit_id}" in page  # the outcome tag opens the visit
    assert client.post(f"/drive/visits/{visit_id}/void", data={
        "submission_id": sid(), "reason": "Nhầm"}).status_code == 403  # a volunteer
    client.post("/sign-out")
    sign_in(client, "doan1")
    missing = client.post(f"/drive/visits/{visit_id}/edit", data={
        "submission_id": sid(), "outcome": "refused", "why": "Ghi nhầm"})
    assert missing.status_code == 422 and "Hãy ghi lý do từ chối." in missing.get_data(
        as_text=True)
    client.post(f"/drive/visits/{visit_id}/edit", data={
        "submission_id": sid(), "outcome": "no_smartphone/desk", "why": "Ghi nhầm"})
    with app.app_context():
        em = person("em", scene)
        assert (em.last_outcome, em.absences) == ("no_smartphone", 0)
        assert db.session.get(Visit, visit_id).reason == "desk"
    client.post(f"/drive/visits/{visit_id}/void", data={"submission_id": sid(),
                                                       "reason": "Trùng"})
    page = client.get(f"/drive/visits/{visit_id}").get_data(as_text=True)
    assert "Đã hủy" in page and "Ghi nhầm" in page and "Trùng" in page
    with app.app_context():
        assert person("em", scene).last_outcome is None


def test_the_visit_form_carries_the_servers_rules_for_the_phone(client, scene, app):
    from fieldops.drive import rules

    give_all_to(app, scene, "tnv1")
    sign_in(client, "tnv1")
    form = client.get(f"/drive/today/households/{scene.extra['homes']['h1']}").get_data(
        as_text=True)
    assert 'data-outbox="next"' in form
    assert f'pattern="{rules.COUNT_PATTERN}"' in form
    assert str(rules.COUNT_MESSAGE) in form
    import re

    pattern = re.compile(f"^(?:{rules.COUNT_PATTERN})$")  # as the browser anchors it
    assert all(pattern.match(str(n)) for n in range(rules.COUNT_MAX + 1))
    assert not any(pattern.match(v) for v in ("41", "99", "-1", "1e3", "abc"))


def test_a_visit_voided_from_the_registrations_page_puts_its_person_back(client, scene, app):
    from tests.factories.drive import VisitFactory

    give_all_to(app, scene, "tnv1")
    with app.app_context():
        from fieldops.auth.models import User

        user = db.session.execute(db.select(User).filter_by(username="tnv1")).scalar_one()
        visit = VisitFactory(person=person("em", scene), outcome="absent", user=user,
                             team=db.session.get(Team, scene.team_id))
        db.session.commit()
        registration_id = visit.registration_id
        assert person("em", scene).absences == 1
    sign_in(client, "toch")
    answer = client.post(f"/registrations/{registration_id}/void",
                         data={"submission_id": sid(), "reason": "Ghi nhầm người"})
    assert answer.status_code in (302, 303)
    with app.app_context():
        em = person("em", scene)
        assert (em.last_outcome, em.absences, em.due_date) == (None, 0, None)
