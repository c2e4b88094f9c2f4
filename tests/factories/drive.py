"""The door-to-door drive: police lists, listed people, households, visits, and the scene the
visit tests share (check-in's scene: a campaign running today, Đoàn 1 on hamlet Chợ today,
its lead doan1 and its member tnv1).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import factory

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.checkin import crypto
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.drive import households as household_services
from fieldops.drive import visits
from fieldops.drive.models import (
    APPROVED_NOT_ACTIVATED,
    Household,
    ListedPerson,
    ListEntry,
    PoliceList,
    Visit,
)
from fieldops.teams.models import Member, Team
from fieldops.text import fold, fold_words
from tests.factories.checkin import Scene, build_scene


def cccd(n: int) -> str:
    """Return a 12-digit ID number of Hà Nội (001: a leading zero), one per n."""
    return f"00108500{n:04d}"


class PoliceListFactory(factory.Factory):
    """A commune's list of a day, as the list import leaves it."""

    class Meta:
        model = PoliceList

    campaign_id = None
    commune_id = None
    kind = APPROVED_NOT_ACTIVATED
    list_day = factory.LazyFunction(local_today)
    file_sha256 = factory.Sequence(lambda n: f"{n:064x}")
    filename = factory.Sequence(lambda n: f"danh-sach-{n}.xlsx")

    @classmethod
    def _create(cls, model_class, **kwargs) -> PoliceList:
        row = model_class(**kwargs)
        db.session.add(row)
        db.session.flush()
        return row


class ListedPersonFactory(factory.Factory):
    """A person on a list (ID encrypted and hashed as the import stores it); `on_list` is the
    PoliceList they are on, and an entry of it is written too."""

    class Meta:
        model = ListedPerson

    full_name = factory.Sequence(lambda n: f"Người Dân {n}")
    citizen_id = factory.Sequence(cccd)
    address = None
    hamlet = None  # an Area (hamlet); its commune is the person's
    on_list = None  # a PoliceList
    birth_date = date(1985, 3, 4)

    @classmethod
    def _create(cls, model_class, *, citizen_id: str, hamlet: Area, on_list: PoliceList,
                **kwargs) -> ListedPerson:
        person = model_class(
            campaign_id=on_list.campaign_id, citizen_id_hash=crypto.citizen_hash(citizen_id),
            citizen_id_last4=citizen_id[-4:], citizen_id_encrypted=crypto.encrypt(citizen_id),
            name_folded=fold(kwargs["full_name"]), commune_id=hamlet.parent_id,
            hamlet_id=hamlet.id, on_list_id=on_list.id, kind=on_list.kind,
            first_listed_on=on_list.list_day, last_listed_on=on_list.list_day, **kwargs)
        db.session.add(person)
        db.session.flush()
        db.session.add(ListEntry(list_id=on_list.id, person_id=person.id, row_number=person.id))
        db.session.flush()
        return person


class HouseholdFactory(factory.Factory):
    """A household of a hamlet, as the survey stores it."""

    class Meta:
        model = Household

    campaign_id = None
    hamlet = None
    address = factory.Sequence(lambda n: f"Số {n + 1}, Tổ 3")
    street = "Tổ 3"
    head_name = None

    @classmethod
    def _create(cls, model_class, *, hamlet: Area, **kwargs) -> Household:
        row = model_class(hamlet_id=hamlet.id, address_folded=fold_words(kwargs["address"]),
                          **kwargs)
        db.session.add(row)
        db.session.flush()
        household_services.attach_people(row.campaign_id)
        return row


class VisitFactory(factory.Factory):
    """A visit recorded through visits.record_visit (its door registration comes with it)."""

    class Meta:
        model = Visit

    person = None
    outcome = "absent"
    reason = None
    user = None
    team = None
    submission_id = factory.Sequence(lambda n: f"visit-factory-{n:08d}")

    @classmethod
    def _create(cls, model_class, *, person: ListedPerson, outcome: str, reason, user: User,
                team: Team | None, submission_id: str) -> Visit:
        return visits.record_visit(
            user=user, team=team, submission_id=submission_id, people=[person],
            outcomes=[visits.PersonOutcome(person.id, outcome, reason)])[0]


def next_list(previous: PoliceList, people: list[ListedPerson], days: int = 1) -> PoliceList:
    """Return the commune's next list, `days` later, still holding `people` (the others gone)."""
    new = PoliceListFactory(campaign_id=previous.campaign_id, commune_id=previous.commune_id,
                            kind=previous.kind, list_day=previous.list_day + timedelta(days=days),
                            previous_id=previous.id)
    for number, person in enumerate(people, start=1):
        db.session.add(ListEntry(list_id=new.id, person_id=person.id, row_number=number))
        person.on_list_id = new.id
        person.last_listed_on = new.list_day
    db.session.flush()
    return new


# --- the scene the drive's tests share ------------------------------------------------------

OUTBOX = {"X-Fieldops-Outbox": "1"}


def build_cho_scene(app) -> Scene:
    """Check-in's scene plus Chợ's police list: households of Tổ 3 (two people, one), Tổ 5,
    and two people alone (one address matching no household, one with none)."""
    scene = build_scene(app)
    with app.app_context():
        cho = db.session.get(Area, scene.hamlets["Chợ"])
        police_list = PoliceListFactory(campaign_id=scene.campaign_id, commune_id=cho.parent_id)
        homes = {
            "h1": HouseholdFactory(campaign_id=scene.campaign_id, hamlet=cho,
                                   address="Số 12, Tổ 3", street="Tổ 3", head_name="Lê Văn Hộ"),
            "h2": HouseholdFactory(campaign_id=scene.campaign_id, hamlet=cho,
                                   address="Số 14, Tổ 3", street="Tổ 3"),
            "h3": HouseholdFactory(campaign_id=scene.campaign_id, hamlet=cho,
                                   address="Số 2, Tổ 5", street="Tổ 5"),
        }
        people = {}
        for key, name, address in (
                ("an", "Nguyễn Văn An", "Số 12, Tổ 3, ấp Chợ"),
                ("binh", "Trần Thị Bình", "số 12 tổ 3"),
                ("cuong", "Đỗ Cường", "Số 14, Tổ 3"),
                ("dung", "Phạm Dũng", "Số 2, Tổ 5, Ấp Chợ, xã Nhơn Trạch"),
                ("em", "Lý Thị Em", "Số 99, Tổ 8"),
                ("giang", "Hồ Giang", None)):
            people[key] = ListedPersonFactory(full_name=name, address=address, hamlet=cho,
                                              on_list=police_list)
        household_services.attach_people(scene.campaign_id)
        members = {m.user.username: m.id for m in db.session.execute(db.select(Member))
                   .scalars() if m.user}
        db.session.commit()
        scene.extra.update(list_id=police_list.id, cho=cho.id, members=members,
                           homes={k: h.id for k, h in homes.items()},
                           people={k: p.id for k, p in people.items()})
    return scene


def scene_person(key: str, scene: Scene) -> ListedPerson:
    """Return one of the scene's listed people (inside an app context)."""
    return db.session.get(ListedPerson, scene.extra["people"][key])


def give_all_to(app, scene: Scene, username: str) -> None:
    """Give every person of Chợ to one member, due today (as the lead's hand split does)."""
    with app.app_context():
        for pid in scene.extra["people"].values():
            row = db.session.get(ListedPerson, pid)
            row.assignee_id = scene.extra["members"][username]
            row.due_date = local_today()
        db.session.commit()


def visit_body(scene: Scene, outcomes: dict[str, str], **extra) -> dict:
    """Return a visit form body: an outcome for each named person of the scene."""
    body = {"submission_id": str(uuid.uuid4()), "note": "Hẹn chiều quay lại"}
    for key, outcome in outcomes.items():
        body[f"outcome_{scene.extra['people'][key]}"] = outcome
    body.update(extra)
    return body
