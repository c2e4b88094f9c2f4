"""Teams: organisations, members (Vietnamese phones), teams, composition and the plan's rules."""

from __future__ import annotations

import pytest

from fieldops.db import db
from fieldops.teams.models import Member, Organisation, Team
from tests.factories.auth import sign_in
from tests.factories.teams import TeamFactory, build_setup, ids


@pytest.fixture
def setup(app, users):
    with app.app_context():
        made = ids(build_setup())
        db.session.commit()
        return made


def _members(app) -> list[Member]:
    with app.app_context():
        return list(db.session.execute(db.select(Member).order_by(Member.id)).scalars())


def test_organisations_with_a_kind(app, organizer):
    response = organizer.post("/organisations", data={"name": "Hội Phụ nữ xã",
                                                      "kind": "womens_union"})
    assert response.status_code == 302
    page = organizer.get("/organisations").get_data(as_text=True)
    assert "Hội Phụ nữ xã" in page and "Hội Phụ nữ" in page
    again = organizer.post("/organisations", data={"name": "hoi phu nu xa", "kind": "other"})
    assert "Đã có tổ chức “Hội Phụ nữ xã”." in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Organisation.id))).scalar() == 1


def test_member_phone_is_normalised_and_must_be_vietnamese(app, organizer, setup):
    data = {"full_name": "Trần Văn Hùng", "phone": "+84 912 345 670",
            "organisation_id": str(setup["orgs"]["viettel"]), "it_savvy": "y", "user_id": ""}
    assert organizer.post("/members/new", data=data).status_code == 302
    member = _members(app)[-1]
    assert (member.phone, member.it_savvy) == ("0912345670", True)

    count = len(_members(app))
    for phone in ("0212345678", "+1 415 555 0100", "09123"):
        page = organizer.post("/members/new", data={**data, "phone": phone}).get_data(
            as_text=True)
        assert f"“{phone}” không phải số di động Việt Nam" in page
    duplicate = organizer.post("/members/new", data={**data, "phone": "0912 345 670"})
    assert "Số 0912345670 đã là của thành viên Trần Văn Hùng." in duplicate.get_data(
        as_text=True)
    assert len(_members(app)) == count


def test_member_can_be_linked_to_one_account(app, organizer, setup):
    with app.app_context():
        from fieldops.auth.models import User

        lead_user = db.session.execute(db.select(User).filter_by(username="doan1")).scalar()
        user_id = lead_user.id
    url = f"/members/{setup['people']['lead']}/edit"
    data = {"full_name": "Võ Trưởng Đoàn", "phone": "0912000002",
            "organisation_id": str(setup["orgs"]["police"]), "it_savvy": "y",
            "user_id": str(user_id)}
    assert organizer.post(url, data=data).status_code == 302
    other = organizer.post(f"/members/{setup['people']['nurse']}/edit",
                           data={**data, "full_name": "Lê Thị Y", "phone": "0938111222"})
    assert "Tài khoản doan1 đã gắn với thành viên Võ Trưởng Đoàn." in other.get_data(
        as_text=True)


def test_members_list_is_for_organizers_only(client, users, setup):
    sign_in(client, users["team_lead"])
    assert client.get("/members").status_code == 403


def _new_team(client, setup, **overrides):
    people = setup["people"]
    data = {"name": "Đoàn 1", "lead_organisation_id": str(setup["orgs"]["police"]),
            "lead_member_id": str(people["lead"]),
            "members": [str(people["nurse"]), str(people["youth"]), str(people["viettel"])]}
    data.update(overrides)
    return client.post(f"/campaigns/{setup['campaign']}/teams/new", data=data)


def test_team_with_lead_and_members(app, organizer, setup):
    response = _new_team(organizer, setup)
    assert response.status_code == 302
    with app.app_context():
        team = db.session.execute(db.select(Team)).scalar_one()
        # The lead is always one of the members.
        assert {m.full_name for m in team.members} == {
            "Võ Trưởng Đoàn", "Lê Thị Y", "Ngô Thanh Niên", "Phan Viettel"}
        assert team.lead.full_name == "Võ Trưởng Đoàn"
        assert team.lead_organisation.name == "Công an xã Nhơn Trạch"
    again = _new_team(organizer, setup, name="đoàn 1")
    assert "Chiến dịch đã có “Đoàn 1”." in again.get_data(as_text=True)


def test_composition_and_it_rules_are_warned_by_name(app, organizer, setup):
    _new_team(organizer, setup)
    with app.app_context():
        team_id = db.session.execute(db.select(Team.id)).scalar_one()
    base = f"/campaigns/{setup['campaign']}/teams/{team_id}"
    for target, count in ((f"org:{setup['orgs']['police']}", "1"),
                          (f"org:{setup['orgs']['viettel']}", "5"),
                          ("kind:youth_union", "2")):
        assert organizer.post(f"{base}/requirements",
                              data={"target": target, "count": count}).status_code == 302
    organizer.post(f"/campaigns/{setup['campaign']}/teams/rules",
                   data={"min_it_savvy_per_team": "3", "min_it_savvy_per_hamlet": ""})
    page = organizer.get(base).get_data(as_text=True)
    assert "Đoàn 1 thiếu 4 người của Viettel Đồng Nai (kế hoạch cần 5, hiện có 1)." in page
    assert "Đoàn 1 thiếu 1 người của Đoàn Thanh niên (kế hoạch cần 2, hiện có 1)." in page
    assert "Công an xã Nhơn Trạch (kế hoạch" not in page  # police 1 of 1: no warning
    assert ("Đoàn 1 có 2 thành viên am hiểu CNTT; kế hoạch yêu cầu ít nhất 3 (thiếu 1)."
            in page)
    # The campaign's team list shows the same warnings.
    listing = organizer.get(f"/campaigns/{setup['campaign']}/teams").get_data(as_text=True)
    assert "thiếu 4 người của Viettel Đồng Nai" in listing
    # Filling the team removes the warning.
    organizer.post(f"{base}/requirements",
                   data={"target": f"org:{setup['orgs']['viettel']}", "count": "1"})
    assert "Viettel Đồng Nai (kế hoạch" not in organizer.get(base).get_data(as_text=True)


def test_bad_requirement_is_refused(organizer, setup):
    _new_team(organizer, setup)
    response = organizer.post(f"/campaigns/{setup['campaign']}/teams/1/requirements",
                              data={"target": "kind:youth_union", "count": "0"})
    assert response.status_code == 422
    assert "Số người phải từ 1 trở lên." in response.get_data(as_text=True)


def test_phones_of_other_teams_are_hidden_from_a_team_lead(app, client, users, setup):
    with app.app_context():
        from fieldops.auth.models import User

        lead_user = db.session.execute(db.select(User).filter_by(username="doan1")).scalar()
        people = {k: db.session.get(Member, v) for k, v in setup["people"].items()}
        people["lead"].user = lead_user
        campaign = db.session.get(Team.campaign.property.mapper.class_, setup["campaign"])
        own = TeamFactory(campaign=campaign, name="Đoàn 1", lead=people["lead"],
                          members=[people["nurse"]])
        other = TeamFactory(campaign=campaign, name="Đoàn 2", lead=people["vnpt"],
                            members=[people["viettel"]])
        db.session.commit()
        own_id, other_id = own.id, other.id
    sign_in(client, users["team_lead"])
    base = f"/campaigns/{setup['campaign']}/teams"
    mine = client.get(f"{base}/{own_id}").get_data(as_text=True)
    assert "0938111222" in mine  # a member of my own team
    theirs = client.get(f"{base}/{other_id}").get_data(as_text=True)
    assert "Đào VNPT" in theirs
    assert "0911777888" not in theirs and "0868555666" not in theirs
    # Own team first, marked as such.
    listing = client.get(base).get_data(as_text=True)
    assert listing.index("Đoàn 1") < listing.index("Đoàn 2") and "Đoàn của tôi" in listing
