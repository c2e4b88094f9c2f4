"""The demo of plan 003 (Hớn Quản): three days of lists, a team's visits, what follows."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.demo import DEMO_USERS
from fieldops.drive.models import ListedPerson, PoliceList
from tests.factories.auth import sign_in


def _campaign(app) -> Campaign:
    return db.session.execute(sa.select(Campaign).where(
        Campaign.title.like("%90 ngày, đêm%"))).scalar_one()


def _login(client, username):
    password = next(u[4] for u in DEMO_USERS if u[0] == username)
    sign_in(client, username, password)


def test_hon_quan_demo_shows_the_daily_loop(app, client, demo):
    with app.app_context():
        campaign = _campaign(app)
        lists = db.session.execute(sa.select(PoliceList).where(
            PoliceList.campaign_id == campaign.id).order_by(PoliceList.list_day)).scalars().all()
        # Two communes, three days ending today; each day compared with the one before.
        assert len(lists) == 6 and lists[-1].list_day == local_today()
        assert all(item.gone_count > 0 for item in lists[2:4])
        assert sum(item.back_count for item in lists[4:]) == 2
        people = db.session.execute(sa.select(ListedPerson).where(
            ListedPerson.campaign_id == campaign.id)).scalars().all()
        assert sum(1 for p in people if p.unconfirmed_on) == 2
        absent = [p for p in people if p.absent_listed_on]
        assert absent
        campaign_id, commune_id, day = (campaign.id, absent[0].commune_id,
                                        absent[0].absent_listed_on)
    # The member signs in to today's doors; the lead to the split; the organizer to the rest.
    _login(client, "gocua")
    page = client.get("/drive/today").get_data(as_text=True)
    assert "Tổ 1" in page and "********" in page and "Mở phiếu ghi nhận" in page
    organizer = app.test_client()
    _login(organizer, "admin")
    assert "Danh sách xác nhận" in organizer.get(
        f"/campaigns/{campaign_id}/progress").get_data(as_text=True)
    answer = organizer.get(f"/drive/campaigns/{campaign_id}/absent/{commune_id}/{day}.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert any("VẮNG MẶT" in str(c.value or "") for row in sheet.iter_rows() for c in row)


def test_the_demos_confirmed_counters_equal_a_fresh_count(app, demo):
    from fieldops.drive import credit
    from tests.test_drive_credit import _fresh

    with app.app_context():
        campaign = _campaign(app)
        counted = credit.confirmed_totals(campaign.id)
        assert counted == _fresh(campaign.id) and sum(counted.values()) > 0
