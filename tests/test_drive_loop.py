"""The daily loop across the drive: a list import attaches people to surveyed households and
flags claims that the following lists do not confirm."""

from __future__ import annotations

import io
import uuid
from datetime import date

import sqlalchemy as sa

from fieldops.areas.models import Area
from fieldops.checkin.models import DOOR, RECORDED, Registration
from fieldops.db import db
from fieldops.drive.models import ACTIVATED_LEVEL2, ListedPerson, ListEntry, Visit
from fieldops.text import fold
from tests.factories.drive import HouseholdFactory
from tests.factories.drive_lists import list_campaign, list_csv, person_rows


def _import(client, campaign_id, keys, day):
    data = {"kind": "approved_not_activated", "list_day": day, "commune_id": "",
            "file": (io.BytesIO(list_csv(person_rows(keys))), f"ds-{day.replace('/', '-')}.csv")}
    response = client.post(f"/drive/campaigns/{campaign_id}/lists/import", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.post(response.headers["Location"]).status_code in (302, 303)


def _person(name: str) -> ListedPerson:
    return db.session.execute(sa.select(ListedPerson).filter_by(full_name=name)).scalar_one()


def test_lists_attach_households_and_flag_unconfirmed_claims(app, organizer):
    with app.app_context():
        campaign = list_campaign()
        db.session.flush()
        cho = db.session.execute(sa.select(Area).filter_by(name="Chợ")).scalar_one()
        home = HouseholdFactory(campaign_id=campaign.id, hamlet=cho,
                                address="Ấp Chợ, xã Nhơn Trạch, tỉnh Đồng Nai", street=None)
        db.session.commit()
        campaign_id, home_id = campaign.id, home.id
    _import(organizer, campaign_id, ["an", "binh", "dung"], "11/10/2025")
    with app.app_context():
        an = _person("Nguyễn Văn An")
        # The address and the list's status are kept whole, as the police wrote them.
        assert an.address == "Ấp Chợ, xã Nhơn Trạch, tỉnh Đồng Nai"
        assert db.session.execute(sa.select(ListEntry.status_text).filter_by(
            person_id=an.id)).scalar_one() == "Chưa kích hoạt"
        # Both people of Ấp Chợ live at that address; Trâu's Bình does not.
        assert an.household_id == home_id
        assert _person("Phạm Thị Dung").household_id == home_id
        assert _person("Trần Thị Bình").household_id is None
        # A member reports An activated on the first day.
        registration = Registration(
            submission_id=str(uuid.uuid4()), campaign_id=campaign_id, source=DOOR,
            status=RECORDED, full_name=an.full_name, name_folded=fold(an.full_name),
            hamlet_id=an.hamlet_id)
        db.session.add(registration)
        db.session.flush()
        db.session.add(Visit(registration_id=registration.id, person_id=an.id,
                             outcome=ACTIVATED_LEVEL2, visited_on=date(2025, 10, 11)))
        db.session.commit()
    _import(organizer, campaign_id, ["an", "binh"], "12/10/2025")
    with app.app_context():
        assert _person("Nguyễn Văn An").unconfirmed_on is None  # one list is not yet enough
        assert _person("Phạm Thị Dung").gone_on == date(2025, 10, 12)
    _import(organizer, campaign_id, ["an", "binh"], "13/10/2025")
    with app.app_context():
        assert _person("Nguyễn Văn An").unconfirmed_on == date(2025, 10, 13)
    page = organizer.get(f"/drive/campaigns/{campaign_id}/unconfirmed").get_data(as_text=True)
    assert "Nguyễn Văn An" in page
    _import(organizer, campaign_id, ["binh"], "14/10/2025")
    with app.app_context():
        an = _person("Nguyễn Văn An")
        assert (an.unconfirmed_on, an.gone_on) == (None, date(2025, 10, 14))
