"""Organizers' areas on the door-to-door drive: every page, download and form of /drive answers
404 outside the area, and its lists hold only the rows of the area (test_scope's world)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.drive import households as household_services
from fieldops.drive.models import DriveRules, Household, ListedPerson, PoliceList
from fieldops.teams import assignments
from fieldops.teams.models import Team
from tests.factories.auth import signed_in
from tests.factories.checkin import sid
from tests.factories.drive import (
    OUTBOX,
    HouseholdFactory,
    ListedPersonFactory,
    PoliceListFactory,
    VisitFactory,
)
from tests.factories.drive_lists import list_csv, person_rows
from tests.factories.teams import MemberFactory, OrganisationFactory
from tests.test_scope import WHO, World, world  # noqa: F401

PLACES = ("nt", "lt")  # a row in Nhơn Trạch (ấp Chợ), one in Long Tân (ấp Bến Cam)


@dataclass
class Drive:
    """Ids of the drive's rows in both communes of the shared campaign."""

    w: World
    cho: int
    ben: int
    lists: dict[str, int] = field(default_factory=dict)
    homes: dict[str, int] = field(default_factory=dict)
    visits: dict[str, int] = field(default_factory=dict)
    #: {(who, place): id} of the lone people given to each organizer's member for today
    own: dict[tuple[str, str], int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def drive(app, world) -> Drive:  # noqa: F811
    with app.app_context():
        hamlet = {name: db.session.execute(db.select(Area).filter_by(name=name)).scalar_one()
                  for name in ("Chợ", "Bến Cam")}
        places = {"nt": hamlet["Chợ"], "lt": hamlet["Bến Cam"]}
        d = Drive(world, hamlet["Chợ"].id, hamlet["Bến Cam"].id)
        team = db.session.get(Team, world.team)
        # Đoàn 1 also works Bến Cam today: its split page must keep that hamlet from xa_nt.
        assignments.assign(team, hamlet["Bến Cam"], start=local_today(), end=local_today(),
                           allow_shared=True)
        tnv1 = db.session.execute(db.select(User).filter_by(username="tnv1")).scalar_one()
        org = OrganisationFactory(name="UBND xã", kind="commune_police")
        for who, username in WHO.items():
            user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
            member = MemberFactory(full_name=f"Cán Bộ {who}", organisation=org, user=user)
            team.members.append(member)
            d.members[who] = member.id
        for place, where in places.items():
            on = PoliceListFactory(campaign_id=world.shared, commune_id=where.parent_id)
            d.lists[place] = on.id
            d.homes[place] = HouseholdFactory(campaign_id=world.shared, hamlet=where,
                                              address="Số 12, Tổ 3", head_name=f"Chủ Hộ {place}").id
            ListedPersonFactory(full_name=f"Mở Cửa {place}", address="Số 12, Tổ 3",
                                hamlet=where, on_list=on)
            seen = ListedPersonFactory(full_name=f"Đã Đến {place}", hamlet=where, on_list=on)
            d.visits[place] = VisitFactory(person=seen, outcome="guided", user=tnv1).id
            absent = ListedPersonFactory(full_name=f"Vắng Nhà {place}", hamlet=where, on_list=on)
            absent.absent_listed_on = absent.unconfirmed_on = local_today()
            for who in WHO:
                own = ListedPersonFactory(full_name=f"Hôm Nay {who} {place}", hamlet=where,
                                          on_list=on)
                own.assignee_id, own.due_date = d.members[who], local_today()
                d.own[(who, place)] = own.id
        household_services.attach_people(world.shared)
        db.session.commit()
    return d


def _routes(d: Drive) -> list[tuple[str | dict[str, str], dict[str, int]]]:
    """(url, or {who: url}; {who: status}) for the drive's pages."""
    w, day = d.w, local_today().isoformat()
    everyone = {"toch": 200, "tinh": 200, "xa": 200}
    province = {"toch": 200, "tinh": 200, "xa": 404}
    unscoped = {"toch": 200, "tinh": 404, "xa": 404}
    shared = f"/drive/campaigns/{w.shared}"
    routes: list[tuple[str | dict[str, str], dict[str, int]]] = [
        (f"{shared}/households", everyone),
        (f"{shared}/households?hamlet_id={d.cho}", everyone),
        (f"{shared}/households?hamlet_id={d.ben}", province),
        (f"{shared}/households/import", everyone),
        (f"{shared}/lists", everyone),
        (f"{shared}/lists/import", everyone),
        (f"/drive/lists/{d.lists['nt']}", everyone),
        (f"/drive/lists/{d.lists['lt']}", province),
        (f"{shared}/absent", everyone),
        (f"{shared}/absent/{w.nhon_trach}/{day}.xlsx", everyone),
        (f"{shared}/absent/{w.long_tan}/{day}.xlsx", province),
        (f"{shared}/unconfirmed", everyone),
        ("/drive/teams", everyone),
        (f"/drive/teams/{w.team}/split?hamlet_id={d.cho}", everyone),
        (f"/drive/teams/{w.team}/split?hamlet_id={d.ben}", province),
        (f"/drive/teams/{w.outside_team}/split", province),
        ("/drive/today", everyone),
        ("/drive/households/new", everyone),
        ({who: f"/drive/today/people/{d.own[(who, 'nt')]}" for who in WHO}, everyone),
        ({who: f"/drive/today/people/{d.own[(who, 'lt')]}" for who in WHO}, province),
        (f"/drive/visits/{d.visits['nt']}", everyone),
        (f"/drive/visits/{d.visits['lt']}", province),
    ]
    for campaign, expected in ((w.long_tan_only, province), (w.elsewhere, unscoped)):
        routes += [(f"/drive/campaigns/{campaign}/{page}", expected)
                   for page in ("households", "lists", "absent", "unconfirmed")]
    return routes


def test_drive_pages_answer_by_area_role_matrix(app, drive):
    clients = {who: signed_in(app, name) for who, name in WHO.items()}
    got, wanted = {}, {}
    for url, expected in _routes(drive):
        for who, status in expected.items():
            address = url if isinstance(url, str) else url[who]
            response = clients[who].get(address)
            got[(address, who)], wanted[(address, who)] = response.status_code, status
            response.close()
    assert got == wanted


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _seen(text: str, template: str) -> set[str]:
    """Return the places whose row (the template with the place filled in) the text holds."""
    return {place for place in PLACES if template.format(place) in text}


@pytest.mark.parametrize(("who", "places"), [
    ("toch", {"nt", "lt"}), ("tinh", {"nt", "lt"}), ("xa", {"nt"})])
def test_drive_lists_hold_only_rows_of_the_area(app, drive, who, places):
    client, w = signed_in(app, WHO[who]), drive.w
    shared = f"/drive/campaigns/{w.shared}"
    homes = _text(client.get(f"{shared}/households"))
    assert {p for p, name in (("nt", "Ấp Chợ"), ("lt", "Ấp Bến Cam")) if name in homes} == places
    lists = client.get(f"{shared}/lists").get_data(as_text=True)
    assert {p for p, commune in (("nt", w.nhon_trach), ("lt", w.long_tan))
            if f'id="chain-{commune}-' in lists} == places
    absent = _text(client.get(f"{shared}/absent"))
    assert {p for p, name in (("nt", "Xã Nhơn Trạch"), ("lt", "Xã Long Tân"))
            if name in absent} == places
    assert _seen(_text(client.get(f"{shared}/unconfirmed")), "Vắng Nhà {}") == places
    # The split page of a team that works both hamlets today offers xa_nt only Chợ.
    split = _text(client.get(f"/drive/teams/{w.team}/split?hamlet_id={drive.cho}"))
    assert ("Ấp Bến Cam" in split) == ("lt" in places)
    # The member's day: the people and the counts of the area only.
    today = client.get("/drive/today").get_data(as_text=True)
    assert _seen(today, f"Hôm Nay {who} {{}}") == places
    assert re.search(r"<span>(\d+)</span>", today.split("data-remaining")[1]).group(1) == str(
        len(places))
    offered = _text(client.get("/drive/households/new"))
    assert ("Ấp Bến Cam" in offered) == ("lt" in places) and "Ấp Chợ" in offered
    picker = _text(client.get(f"{shared}/lists/import"))
    assert ("Xã Long Tân" in picker) == ("lt" in places) and "Xã Nhơn Trạch" in picker


def test_drive_lists_of_teams_and_campaigns_by_area(app, drive):
    for who, teams, titles in (
            ("toch", {"Đoàn 1", "Đoàn Long Tân"}, {"Chiến dịch riêng Long Tân",
                                                  "Chiến dịch Thái Bình"}),
            ("tinh", {"Đoàn 1", "Đoàn Long Tân"}, {"Chiến dịch riêng Long Tân"}),
            ("xa", {"Đoàn 1"}, set())):
        page = _text(signed_in(app, WHO[who]).get("/drive/teams"))
        assert {t for t in ("Đoàn 1", "Đoàn Long Tân") if t in page} == teams, who
        assert {t for t in ("Chiến dịch riêng Long Tân", "Chiến dịch Thái Bình")
                if t in page} == titles, who


def test_a_team_lead_and_a_volunteer_see_the_drive_as_before(app, drive):
    lead = signed_in(app, "doan1")
    split = _text(lead.get(f"/drive/teams/{drive.w.team}/split?hamlet_id={drive.ben}"))
    assert "Mở Cửa lt" in split  # no area: every hamlet of the team's day
    assert lead.get(f"/drive/lists/{drive.lists['lt']}").status_code == 200
    assert "Ấp Bến Cam" in _text(lead.get(f"/drive/campaigns/{drive.w.shared}/households"))
    volunteer = signed_in(app, "tnv1")
    assert volunteer.get(f"/drive/visits/{drive.visits['lt']}").status_code == 200


def test_absent_list_download_holds_the_commune_of_the_area(app, drive):
    day = local_today().isoformat()
    url = f"/drive/campaigns/{drive.w.shared}/absent/{drive.w.nhon_trach}/{day}.xlsx"
    sheet = load_workbook(io.BytesIO(signed_in(app, "xa_nt").get(url).data)).active
    names = {row[1] for row in sheet.iter_rows(values_only=True) if row[1]}
    assert "Vắng Nhà nt" in names and "Vắng Nhà lt" not in names


def _count(model, **where) -> int:
    return len(db.session.execute(db.select(model).filter_by(**where)).scalars().all())


def test_posts_outside_the_area_answer_404_and_change_nothing(app, drive):
    xa, w = signed_in(app, "xa_nt"), drive.w
    posts = [
        (f"/drive/visits/{drive.visits['lt']}/edit",
         {"submission_id": sid(), "outcome": "refused", "reason": "Không", "why": "Sai"}),
        (f"/drive/visits/{drive.visits['lt']}/void", {"submission_id": sid(), "reason": "Trùng"}),
        (f"/drive/teams/{w.outside_team}/split", {"by": "household", "only_unassigned": "0"}),
        (f"/drive/teams/{w.team}/split?hamlet_id={drive.ben}",
         {"by": "household", "only_unassigned": "0"}),
        (f"/drive/teams/{w.team}/assign?hamlet_id={drive.ben}",
         {"member_id": drive.members["xa"], "household_ids": [drive.homes["lt"]]}),
        (f"/drive/campaigns/{w.shared}/absent", {"absences_to_list": "5"}),
        ("/drive/households/new", {"submission_id": sid(), "hamlet_id": drive.ben,
                                   "address": "Số 99, Tổ 9"}),
        (f"/drive/today/people/{drive.own[('xa', 'lt')]}",
         {"submission_id": sid(), f"outcome_{drive.own[('xa', 'lt')]}": "guided"}),
    ]
    for url, body in posts:
        assert xa.post(url, data=body, headers=OUTBOX).status_code == 404, url
    with app.app_context():
        ben_people = db.session.execute(db.select(ListedPerson).filter_by(
            hamlet_id=drive.ben)).scalars().all()
        assert {p.assignee_id for p in ben_people} == {None, *(
            drive.members[who] for who in WHO)}
        assert all(p.last_visit_at is None for p in ben_people if p.full_name != "Đã Đến lt")
        assert _count(Household, hamlet_id=drive.ben) == 1
        assert db.session.get(DriveRules, w.shared) is None
    # The rule holds for the whole campaign: the province holds both its communes.
    tinh = signed_in(app, "tinh_dn")
    assert tinh.post(f"/drive/campaigns/{w.shared}/absent",
                     data={"absences_to_list": "3"}).status_code == 302
    page = _text(xa.get(f"/drive/campaigns/{w.shared}/absent"))
    assert "chỉ người có địa bàn gồm mọi xã/phường" in page
    assert "Số lần vắng nhà thì đưa vào danh sách gửi Công an xã: 3" in page


HOUSEHOLD_SHEET = ("Thôn/Ấp,Địa chỉ,Chủ hộ\nẤp Chợ,Số 30 Tổ 1,Lê Văn Chợ\n"
                   "Ấp Bến Cam,Số 31 Tổ 1,Lê Văn Bến\n")


def _upload(client, url: str, content: str | bytes, **fields):
    data = {**fields, "file": (io.BytesIO(content if isinstance(content, bytes)
                                          else content.encode()), "tep.csv")}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_households_import_refuses_hamlets_outside_the_area(app, drive):
    url = f"/drive/campaigns/{drive.w.shared}/households/import"
    xa = signed_in(app, "xa_nt")
    refused = _text(_upload(xa, url, HOUSEHOLD_SHEET))
    assert "Thôn/ấp “Ấp Bến Cam” không thuộc địa bàn của bạn trong chiến dịch này" in refused
    assert refused.count("không thuộc địa bàn") == 1  # the Chợ row is fine
    # Without the Long Tân row the file goes through.
    only_cho = HOUSEHOLD_SHEET.rsplit("Ấp Bến Cam", 1)[0]
    staged = _upload(xa, url, only_cho)
    assert staged.status_code == 302
    # Another organizer's staged file is not xa_nt's to preview or confirm.
    tinh = signed_in(app, "tinh_dn")
    theirs = _upload(tinh, url, HOUSEHOLD_SHEET)
    assert theirs.status_code == 302
    assert xa.get(theirs.headers["Location"]).status_code == 404
    assert xa.post(theirs.headers["Location"]).status_code == 404
    xa.post(staged.headers["Location"])
    with app.app_context():
        assert _count(Household, address="Số 30 Tổ 1") == 1
        assert _count(Household, address="Số 31 Tổ 1") == 0
    tinh.post(theirs.headers["Location"])
    with app.app_context():
        assert _count(Household, address="Số 31 Tổ 1") == 1


def _list_file(long_tan: bool) -> bytes:
    rows = person_rows(["an", "binh"])
    if long_tan:  # the second person lives in Long Tân, as the address says
        rows[1] = (*rows[1][:6], "Ấp Bến Cam, xã Long Tân, tỉnh Đồng Nai", "Bến Cam",
                   rows[1][8])
    return list_csv(rows)


def test_list_import_refuses_rows_of_communes_outside_the_area(app, drive):
    url = f"/drive/campaigns/{drive.w.shared}/lists/import"
    days = [local_today() + timedelta(days=n) for n in (1, 2)]
    fields = [{"kind": "approved_not_activated", "list_day": day.strftime("%d/%m/%Y")}
              for day in days]
    xa = signed_in(app, "xa_nt")
    refused = _text(_upload(xa, url, _list_file(True), commune_id="", **fields[0]))
    assert "không thuộc xã/phường nào trong địa bàn của bạn ở chiến dịch này" in refused
    # A commune outside the area cannot be chosen on the form either.
    chosen = _upload(xa, url, _list_file(False), commune_id=str(drive.w.long_tan), **fields[0])
    assert chosen.status_code == 200
    # The province's file holds both communes; its preview is not xa_nt's to open or cancel.
    tinh = signed_in(app, "tinh_dn")
    theirs = _upload(tinh, url, _list_file(True), commune_id="", **fields[0])
    assert theirs.status_code == 302, _text(theirs)[-800:]
    assert xa.get(theirs.headers["Location"]).status_code == 404
    assert xa.post(theirs.headers["Location"] + "/cancel").status_code == 404
    tinh.post(theirs.headers["Location"])
    mine = _upload(xa, url, _list_file(False), commune_id="", **fields[1])
    assert mine.status_code == 302, _text(mine)[-800:]
    assert xa.post(mine.headers["Location"] + "/hamlets", data={
        "commune-1": drive.w.long_tan, "text-1": "Bến", "hamlet-1": drive.ben}).status_code == 404
    xa.post(mine.headers["Location"])
    with app.app_context():
        made = {day: set(db.session.execute(db.select(PoliceList.commune_id).filter_by(
            list_day=day)).scalars()) for day in days}
    assert made == {days[0]: {drive.w.nhon_trach, drive.w.long_tan},
                    days[1]: {drive.w.nhon_trach}}


def test_the_guard_finds_the_place_of_a_door_given_to_someone_outside(app, drive):
    # Both households' people are given to the member of each organizer in turn.
    for who, statuses in (("toch", (200, 200)), ("tinh", (200, 200)), ("xa", (200, 404))):
        with app.app_context():
            for person in db.session.execute(db.select(ListedPerson).where(
                    ListedPerson.household_id.is_not(None))).scalars():
                person.assignee_id, person.due_date = drive.members[who], local_today()
            db.session.commit()
        client = signed_in(app, WHO[who])
        got = tuple(client.get(f"/drive/today/households/{drive.homes[p]}").status_code
                    for p in PLACES)
        assert got == statuses, who
