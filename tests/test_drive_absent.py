"""What follows the visits: the return rule, the absent list's Excel for the police (organizers
only, audited), and activations two lists do not confirm."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldops.areas.models import Area
from fieldops.checkin import crypto
from fieldops.checkin.models import RegistrationChange
from fieldops.db import db
from fieldops.teams import assignments
from fieldops.teams.models import Team
from tests.factories.auth import sign_in
from tests.factories.checkin import today
from tests.factories.drive import OUTBOX, build_cho_scene, give_all_to, visit_body
from tests.factories.drive import scene_person as person


@pytest.fixture
def scene(app, users):
    """Check-in's scene plus Chợ's police list and households (factories.drive)."""
    return build_cho_scene(app)

def test_absent_returns_on_the_teams_next_day_then_goes_on_the_absent_list(client, scene, app):
    give_all_to(app, scene, "tnv1")
    with app.app_context():
        team = db.session.get(Team, scene.team_id)
        cho = db.session.get(Area, scene.extra["cho"])
        assignments.assign(team, cho, start=today() + timedelta(days=3),
                           end=today() + timedelta(days=3))
        db.session.commit()
    sign_in(client, "tnv1")
    url = f"/drive/today/people/{scene.extra['people']['em']}"
    client.post(url, data=visit_body(scene, {"em": "absent"}), headers=OUTBOX)
    with app.app_context():
        em = person("em", scene)
        assert (em.absences, em.due_date, em.absent_listed_on) == (
            1, today() + timedelta(days=3), None)
        # The team's next day has come: the person is due again, last seen days ago.
        em.due_date = today()
        em.last_visit_at -= timedelta(days=3)
        db.session.commit()
    client.post(url, data=visit_body(scene, {"em": "absent"}), headers=OUTBOX)
    with app.app_context():
        em = person("em", scene)
        assert (em.absences, em.absent_listed_on, em.due_date) == (2, today(), None)
        history = db.session.execute(db.select(RegistrationChange)).scalars().all()
        assert len(history) == 2


def test_absences_before_the_absent_list_are_set_per_campaign(client, scene, app, users):
    sign_in(client, "toch")
    url = f"/drive/campaigns/{scene.campaign_id}/absent"
    assert client.post(url, data={"absences_to_list": "0"}).status_code == 422
    client.post(url, data={"absences_to_list": "1"})
    give_all_to(app, scene, "tnv1")
    client.post("/sign-out")
    sign_in(client, "tnv1")
    client.post(f"/drive/today/people/{scene.extra['people']['giang']}",
                data=visit_body(scene, {"giang": "absent"}), headers=OUTBOX)
    with app.app_context():
        assert person("giang", scene).absent_listed_on == today()


def absent_twice(client, app, scene, key: str) -> None:
    """Record a person absent on two team days (the first one moved back three days)."""
    url = f"/drive/today/people/{scene.extra['people'][key]}"
    client.post(url, data=visit_body(scene, {key: "absent"}, note="Đi làm rẫy"),
                headers=OUTBOX)
    with app.app_context():
        row = person(key, scene)
        row.due_date = today()
        row.last_visit_at -= timedelta(days=3)
        db.session.commit()
    client.post(url, data=visit_body(scene, {key: "absent"}, note="Vẫn vắng, đi làm xa"),
                headers=OUTBOX)


def test_the_absent_list_is_an_official_excel_with_the_full_id_as_text(client, scene, app):
    import io

    from openpyxl import load_workbook

    from fieldops.checkin.models import AuditEntry

    give_all_to(app, scene, "tnv1")
    sign_in(client, "tnv1")
    absent_twice(client, app, scene, "em")
    with app.app_context():
        em = person("em", scene)
        full_id = crypto.decrypt(em.citizen_id_encrypted)
        commune_id = em.commune_id
    url = f"/drive/campaigns/{scene.campaign_id}/absent/{commune_id}/{today().isoformat()}.xlsx"
    assert client.get(url).status_code == 403  # a volunteer
    client.post("/sign-out")
    sign_in(client, "doan1")
    assert client.get(url).status_code == 403  # a team lead
    client.post("/sign-out")
    sign_in(client, "toch")
    listing = client.get(f"/drive/campaigns/{scene.campaign_id}/absent").get_data(as_text=True)
    assert url in listing
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "DANH SÁCH CÔNG DÂN VẮNG MẶT TẠI NƠI CƯ TRÚ"
    assert today().strftime("%d/%m/%Y") in sheet["A3"].value and "Nhơn Trạch" in sheet["A3"].value
    header = [c.value for c in sheet[5]]
    assert header == ["STT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân", "Địa chỉ",
                      "Thôn/Ấp", "Số lần đến", "Ghi chú lần cuối"]
    row = [c.value for c in sheet[6]]
    assert row[:3] == [1, "Lý Thị Em", "04/03/1985"]
    assert row[3] == full_id and full_id.startswith("0") and len(full_id) == 12
    assert sheet["D6"].number_format == "@" and sheet["D6"].data_type == "s"
    assert row[5] == "Ấp Chợ" and row[6] == 2 and row[7] == "Vẫn vắng, đi làm xa"
    assert sheet.column_dimensions["D"].width >= 15
    client.get(url)
    with app.app_context():
        entries = db.session.execute(db.select(AuditEntry).filter_by(
            action="absent_list")).scalars().all()
        assert len(entries) == 2 and '"rows": 1' in entries[0].detail


def test_an_activation_two_lists_do_not_confirm_is_flagged(client, scene, app):
    from fieldops.drive.followup import flag_unconfirmed
    from fieldops.drive.models import PoliceList
    from tests.factories.drive import next_list

    give_all_to(app, scene, "tnv1")
    sign_in(client, "tnv1")
    client.post(f"/drive/today/households/{scene.extra['homes']['h1']}",
                data=visit_body(scene, {"an": "activated_level2", "binh": "activated_level1"}),
                headers=OUTBOX)
    with app.app_context():
        first = db.session.get(PoliceList, scene.extra["list_id"])
        an, binh = person("an", scene), person("binh", scene)
        # Binh left the next list (confirmed); An stays on it, then on the one after.
        second = next_list(first, [an])
        assert flag_unconfirmed(second) == 0
        binh.on_list_id, binh.gone_on = None, second.list_day
        third = next_list(second, [an])
        assert flag_unconfirmed(third) == 1
        assert flag_unconfirmed(third) == 0  # flagged once
        assert person("an", scene).unconfirmed_on == third.list_day
        assert person("binh", scene).unconfirmed_on is None
        db.session.commit()
    client.post("/sign-out")
    sign_in(client, "doan1")
    page = client.get(f"/drive/campaigns/{scene.campaign_id}/unconfirmed").get_data(as_text=True)
    assert page.count("data-unconfirmed") == 1 and "Nguyễn Văn An" in page
