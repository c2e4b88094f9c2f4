"""Credit to people: "người hướng dẫn" on a record, members without an account, "ghi thay"."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from fieldops.auth.models import User
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign
from fieldops.checkin import recording
from fieldops.checkin.devices import issue_token
from fieldops.checkin.models import Registration
from fieldops.checkin.services import Outcome
from fieldops.db import db
from fieldops.reports.progress import TEAM, TEAMS, progress
from fieldops.teams.models import Team
from tests.factories.auth import signed_in
from tests.factories.checkin import CCCD_2003, build_scene, record_data, recorded, sid, today
from tests.factories.teams import MemberFactory, OrganisationFactory


@pytest.fixture
def scene(app, users):
    """The check-in scene, a phase running today, and a team member without an account."""
    built = build_scene(app)
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        campaigns.save_phase(campaign, None, name="Cao điểm", start_date=today() - timedelta(1),
                             end_date=today() + timedelta(5))
        team = db.session.get(Team, built.team_id)
        guide = MemberFactory(full_name="Bà Chín Không Máy", phone="0912000077",
                              organisation=team.lead_organisation)
        team.members.append(guide)
        stranger = MemberFactory(full_name="Người Ngoài Đoàn", phone="0912000078",
                                 organisation=OrganisationFactory(name="Viettel",
                                                                  kind="telecom"))
        db.session.commit()
        built.extra.update(guide=guide.id, stranger=stranger.id, lead=team.lead.id,
                           tnv1=next(m.id for m in team.members if m.user_id is not None
                                     and m.user.username == "tnv1"))
    return built


def _done_by_person(scene) -> dict[str, int]:
    campaign = db.session.get(Campaign, scene.campaign_id)
    report = progress(campaign, campaign.phases[0], level=TEAM, unit_id=scene.team_id,
                      today=today())
    return {line.label or "-": line.done for line in report.lines}


def test_a_member_without_an_account_is_credited_when_chosen(app, scene):
    with app.test_request_context():
        recorded(scene, "tnv1", 1, hamlet="Chợ", credited=scene.extra["guide"])
        recorded(scene, "tnv1", 2, hamlet="Chợ")
        db.session.commit()
        people = _done_by_person(scene)
        assert people["Bà Chín Không Máy"] == 1 and people["Đặng Tình Nguyện"] == 1
        assert people["Võ Trưởng Đoàn"] == 0 and "-" not in people
        # The team's total is unchanged by who is credited within it.
        campaign = db.session.get(Campaign, scene.campaign_id)
        teams = progress(campaign, campaign.phases[0], level=TEAMS, today=today())
        assert next(x.done for x in teams.lines if x.label == "Đoàn 1") == 2


def test_edit_and_void_move_the_credit(app, scene):
    with app.test_request_context():
        rid = recorded(scene, "doan1", 3, hamlet="Chợ", credited=scene.extra["tnv1"])
        registration = db.session.get(Registration, rid)
        assert registration.on_behalf  # the lead recorded it for the member
        assert "credited_member: – → Đặng Tình Nguyện" in registration.changes[0].summary
        assert _done_by_person(scene)["Đặng Tình Nguyện"] == 1
        organizer = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        outcome = [Outcome(scene.services["eid_level2"], "done")]
        recording.edit(registration, submission_id=sid(), user=organizer, reason="Đúng người",
                       full_name=registration.full_name, phone=None,
                       hamlet_id=registration.hamlet_id, birth_year=None, citizen_id=None,
                       outcomes=outcome, credited_member_id=scene.extra["guide"])
        people = _done_by_person(scene)
        assert (people["Đặng Tình Nguyện"], people["Bà Chín Không Máy"]) == (0, 1)
        assert "credited_member: Đặng Tình Nguyện → Bà Chín Không Máy" in (
            registration.changes[-1].summary)
        # Left out, the credit stays; None gives it back to the recording account.
        recording.edit(registration, submission_id=sid(), user=organizer, reason="Tên",
                       full_name="Người dân ba", phone=None, hamlet_id=registration.hamlet_id,
                       birth_year=None, citizen_id=None, outcomes=outcome)
        assert registration.credited_member_id == scene.extra["guide"]
        recording.edit(registration, submission_id=sid(), user=organizer, reason="Tự ghi",
                       full_name="Người dân ba", phone=None, hamlet_id=registration.hamlet_id,
                       birth_year=None, citizen_id=None, outcomes=outcome,
                       credited_member_id=None)
        people = _done_by_person(scene)
        assert (people["Võ Trưởng Đoàn"], people["Bà Chín Không Máy"]) == (1, 0)
        assert not registration.on_behalf
        recording.void(registration, submission_id=sid(), user=organizer, reason="Trùng")
        assert sum(_done_by_person(scene).values()) == 0


def test_only_the_teams_people_can_be_credited(app, scene):
    with app.test_request_context():
        with pytest.raises(recording.DomainError) as error:
            recorded(scene, "tnv1", 4, hamlet="Chợ", credited=scene.extra["stranger"])
        assert error.value.field == "credited_member_id"
        # At a desk (no team), the recorder's team's people may be credited, and the record
        # then counts in that team.
        rid = recorded(scene, "tnv1", 5, hamlet=None, desk=True, credited=scene.extra["guide"])
        assert db.session.get(Registration, rid).team_id == scene.team_id
        assert _done_by_person(scene)["Bà Chín Không Máy"] == 1


def test_a_lead_records_on_behalf_at_the_door_and_it_shows(app, scene):
    lead = signed_in(app, "doan1")
    url = f"/checkin/door?team_id={scene.team_id}"
    form = lead.get(url).get_data(as_text=True)
    select = form[form.index('name="credited_member_id"'):][:800]
    assert "Bà Chín Không Máy" in select and "Đặng Tình Nguyện" in select
    assert "Người Ngoài Đoàn" not in select
    refused = lead.post(url, data=record_data(scene, credited_member_id=scene.extra["stranger"]))
    assert refused.status_code == 422
    assert "Người hướng dẫn phải là người của đoàn." in refused.get_data(as_text=True)
    answer = lead.post(url, data=record_data(scene, citizen_id=CCCD_2003, birth_year="2003",
                                             credited_member_id=scene.extra["guide"]))
    assert answer.status_code == 302
    with app.app_context():
        saved = db.session.execute(db.select(Registration)).scalar_one()
        assert saved.credited_member.full_name == "Bà Chín Không Máy" and saved.on_behalf
        rid = saved.id
    page = lead.get(f"/registrations/{rid}").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Người hướng dẫn Bà Chín Không Máy ghi thay" in text
    listing = lead.get("/registrations").get_data(as_text=True)
    assert "ghi thay: Bà Chín Không Máy" in listing
    # The members view of the progress page gives the member without an account their line.
    organizer = signed_in(app, "toch")
    members = organizer.get(f"/campaigns/{scene.campaign_id}/progress?level=team"
                            f"&unit={scene.team_id}").get_data(as_text=True)
    row = members[members.index(f'<tr data-key="m{scene.extra["guide"]}"'):]
    row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[:row.index("</tr>")]))
    assert row.split()[:6] == ["Bà", "Chín", "Không", "Máy", "10", "1"]  # floor 10, done 1


def test_the_api_credits_a_member_on_behalf(app, client, scene):
    with app.app_context():
        lead = db.session.execute(db.select(User).filter_by(username="doan1")).scalar_one()
        _token, secret = issue_token(lead, "Điện thoại trưởng đoàn")
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    payload = {"submission_id": sid(), "team_id": scene.team_id, "full_name": "Lê Thị Bình",
               "hamlet_id": scene.hamlets["Chợ"], "citizen_id": CCCD_2003, "birth_year": 2003,
               "consent": True, "outcomes": [{"service_code": "eid_level2", "outcome": "done"}]}
    wrong = client.post("/api/registrations", headers=headers,
                        json={**payload, "credited_member_id": scene.extra["stranger"]})
    assert wrong.status_code == 422 and wrong.json["field"] == "credited_member_id"
    answer = client.post("/api/registrations", headers=headers,
                         json={**payload, "credited_member_id": scene.extra["guide"]})
    assert answer.status_code == 201
    assert answer.json["credited_member_id"] == scene.extra["guide"]
    assert answer.json["on_behalf"] is True


def test_the_export_names_the_credited_guide(app, scene):
    with app.test_request_context():
        recorded(scene, "tnv1", 1, hamlet="Chợ", credited=scene.extra["guide"])
        recorded(scene, "tnv1", 2, hamlet="Chợ")
        db.session.commit()
    body = signed_in(app, "toch").get("/registrations/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][-1] == "Người hướng dẫn"
    assert sorted(row[-1] for row in rows[1:]) == ["", "Bà Chín Không Máy"]
