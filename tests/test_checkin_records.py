"""Check-in: the volunteer completes records; organizers find, reveal, edit, void and export."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from fieldops.checkin.models import AuditEntry, Registration, RegistrationChange
from fieldops.db import db
from tests.factories.auth import signed_in
from tests.factories.checkin import (
    CCCD_1985,
    CCCD_2003,
    checkin_data,
    record_data,
)


def queued_and_recorded(app, client, scene, **overrides) -> int:
    """Pre-register a citizen by QR, call them at the desk and record eid_level2 done."""
    app.test_client().post(f"/checkin/{scene.token}", data=checkin_data(scene))
    volunteer = signed_in(app, "tnv1")
    called = volunteer.post(f"/checkin/desks/{scene.desk_id}/call")
    target = called.headers["Location"]
    assert re.search(r"/checkin/registrations/\d+/record$", target)
    response = volunteer.post(target, data=record_data(scene, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(target.split("/")[-2])


def test_volunteer_calls_and_completes_a_queued_citizen(app, users, scene):
    volunteer = signed_in(app, "tnv1")
    app.test_client().post(f"/checkin/{scene.token}", data=checkin_data(scene))
    queue = volunteer.get(f"/checkin/desks/{scene.desk_id}").get_data(as_text=True)
    assert "Nguyễn Văn An" in queue and "Gọi người tiếp theo" in queue
    target = volunteer.post(f"/checkin/desks/{scene.desk_id}/call").headers["Location"]
    form = volunteer.get(target).get_data(as_text=True)
    assert "đã đăng ký" in form and 'value="Nguyễn Văn An"' in form

    bad = volunteer.post(target, data=record_data(scene, birth_year="1990"))
    assert bad.status_code == 422 and "không khớp năm sinh 1990" in bad.get_data(as_text=True)
    data = record_data(scene, birth_year="", citizen_id_confirm=CCCD_1985)
    assert volunteer.post(target, data=data).status_code == 302
    assert volunteer.post(target, data=data).status_code == 302  # resend: nothing new
    with app.app_context():
        registration = db.session.execute(db.select(Registration)).scalar_one()
        assert registration.status == "recorded" and registration.volunteer.username == "tnv1"
        assert registration.citizen_id_last4 == "1234"
        row = {c.name: getattr(registration, c.key) for c in Registration.__table__.columns}
        assert not any(CCCD_1985 in str(v) for v in row.values())  # never stored bare
        assert [s.outcome for s in registration.services] == ["done"]
        actions = [c.action for c in db.session.execute(db.select(RegistrationChange)).scalars()]
        assert actions == ["called", "recorded"]
    assert "Chưa có ai đang chờ" in volunteer.get(
        f"/checkin/desks/{scene.desk_id}").get_data(as_text=True)


def test_duplicate_citizen_and_service_is_caught_with_a_link(app, users, scene):
    first = queued_and_recorded(app, None, scene)
    volunteer = signed_in(app, "tnv1")
    response = volunteer.post(f"/checkin/desks/{scene.desk_id}/new",
                              data=record_data(scene, full_name="Nguyễn Văn An"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "đã được ghi nhận dịch vụ" in page and f"/registrations/{first}" in page
    other_service = record_data(scene, **{
        f"outcome_{scene.services['eid_level2']}": "",
        f"outcome_{scene.services['vneid_install']}": "failed",
        f"reason_{scene.services['vneid_install']}": "phone_unsupported"})
    assert volunteer.post(f"/checkin/desks/{scene.desk_id}/new",
                          data=other_service).status_code == 302
    failed_without_reason = record_data(scene, citizen_id=CCCD_2003, birth_year="2003", **{
        f"outcome_{scene.services['eid_level2']}": "failed"})
    response = volunteer.post(f"/checkin/desks/{scene.desk_id}/new", data=failed_without_reason)
    assert "Hãy chọn lý do" in response.get_data(as_text=True)


def test_desk_pages_are_for_its_staff(app, users, scene):
    lead = signed_in(app, "doan1")
    assert lead.get(f"/checkin/desks/{scene.desk_id}").status_code == 403
    assert lead.post(f"/checkin/desks/{scene.desk_id}/new",
                     data=record_data(scene)).status_code == 403


def test_organizer_searches_without_accents_sees_masked_and_reveals_with_audit(
        app, users, scene):
    registration_id = queued_and_recorded(app, None, scene)
    organizer = signed_in(app, "toch")
    page = organizer.get("/registrations?q=nguyen+van").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "********1234" in page and CCCD_1985 not in page
    assert "Nguyễn Văn An" not in organizer.get("/registrations?q=tran").get_data(as_text=True)
    detail = organizer.get(f"/registrations/{registration_id}")
    assert CCCD_1985 not in detail.get_data(as_text=True)
    assert detail.headers["Cache-Control"] == "no-store"

    for username in ("doan1", "tnv1"):
        assert signed_in(app, username).post(
            f"/registrations/{registration_id}/reveal").status_code == 403
    revealed = organizer.post(f"/registrations/{registration_id}/reveal",
                              environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert CCCD_1985 in revealed.get_data(as_text=True)
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert (entry.action, entry.registration_id, entry.user.username, entry.remote_addr) == (
            "reveal", registration_id, "toch", "10.1.2.3")


def test_filters_narrow_the_list(app, users, scene):
    queued_and_recorded(app, None, scene)
    organizer = signed_in(app, "toch")
    hits = {
        f"desk_id={scene.desk_id}": True, f"desk_id={scene.other_desk_id}": False,
        f"service_id={scene.services['eid_level2']}&outcome=done": True,
        "outcome=failed": False, f"hamlet_id={scene.hamlets['Trâu']}": False,
        f"campaign_id={scene.campaign_id}&status=recorded": True, "date_from=01/01/2000": True,
        "date_to=01/01/2000": False, f"team_id={scene.team_id}": False,
    }
    for query, expected in hits.items():
        page = organizer.get(f"/registrations?{query}").get_data(as_text=True)
        assert ("Nguyễn Văn An" in page) is expected, query


def test_volunteers_see_their_own_and_team_leads_their_teams(app, users, scene):
    registration_id = queued_and_recorded(app, None, scene)
    assert "Nguyễn Văn An" in signed_in(app, "tnv1").get("/registrations").get_data(as_text=True)
    lead = signed_in(app, "doan1")
    assert "Nguyễn Văn An" not in lead.get("/registrations").get_data(as_text=True)
    assert lead.get(f"/registrations/{registration_id}").status_code == 404


def test_edit_and_void_keep_history_and_audit(app, users, scene):
    registration_id = queued_and_recorded(app, None, scene)
    organizer = signed_in(app, "toch")
    no_reason = organizer.post(f"/registrations/{registration_id}/edit",
                               data=record_data(scene, full_name="Nguyễn Văn Ân", reason=""))
    assert no_reason.status_code == 422
    edited = organizer.post(f"/registrations/{registration_id}/edit", data=record_data(
        scene, full_name="Nguyễn Văn Ân", citizen_id="", reason="Sai dấu tên"))
    assert edited.status_code == 302
    void = organizer.post(f"/registrations/{registration_id}/void",
                          data={"submission_id": "void-0001-abcd", "reason": "Nhập nhầm"})
    assert void.status_code == 302
    page = organizer.get(f"/registrations/{registration_id}").get_data(as_text=True)
    assert "Hồ sơ đã hủy: Nhập nhầm" in page and "Sai dấu tên" in page
    assert "full_name: Nguyễn Văn An → Nguyễn Văn Ân" in page
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        assert registration.status == "voided"
        assert all(s.dedup_key is None for s in registration.services)
        actions = [a for (a,) in db.session.execute(db.select(AuditEntry.action))]
        assert actions == ["edit", "void"]
    # Voided records stop counting: the same citizen may be recorded again.
    assert signed_in(app, "tnv1").post(f"/checkin/desks/{scene.desk_id}/new",
                                       data=record_data(scene)).status_code == 302


def test_exports_are_text_safe_masked_and_audited(app, users, scene):
    registration_id = queued_and_recorded(app, None, scene)
    with app.app_context():
        db.session.get(Registration, registration_id).full_name = '=HYPERLINK("http://x","y")'
        db.session.commit()
    organizer = signed_in(app, "toch")
    response = organizer.get("/registrations/export.csv")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][8] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert rows[1][9] == "0987654321" and rows[1][10] == "********1234"

    book = load_workbook(io.BytesIO(organizer.get("/registrations/export.xlsx").data))
    sheet = book.active
    name, phone, number = sheet["I2"], sheet["J2"], sheet["K2"]
    # A workbook's text cell never runs: the name reads as typed, with no apostrophe showing.
    assert (name.value, name.data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert (phone.value, phone.data_type, phone.number_format) == ("0987654321", "s", "@")
    assert (number.value, number.data_type, number.number_format) == ("********1234", "s", "@")

    lead = signed_in(app, "doan1")
    assert lead.post("/registrations/export.xlsx", data={"reveal": "1"}).status_code == 403
    full = load_workbook(io.BytesIO(organizer.post("/registrations/export.xlsx",
                                                   data={"reveal": "1"}).data)).active
    assert (full["K2"].value, full["K2"].data_type) == (CCCD_1985, "s")
    with app.app_context():
        actions = [a for (a,) in db.session.execute(
            db.select(AuditEntry.action).order_by(AuditEntry.id))]
        assert actions == ["export", "export", "export_revealed"]


def test_a_name_starting_with_a_dash_keeps_the_csv_guard_and_reads_as_typed_in_excel(
        app, users, scene):
    registration_id = queued_and_recorded(app, None, scene)
    with app.app_context():
        db.session.get(Registration, registration_id).full_name = "-Lê Văn Tám"
        db.session.commit()
    organizer = signed_in(app, "toch")
    rows = list(csv.reader(io.StringIO(
        organizer.get("/registrations/export.csv").data.decode("utf-8-sig"))))
    assert rows[1][8] == "'-Lê Văn Tám"  # the CSV keeps its guard
    again = load_workbook(io.BytesIO(organizer.get("/registrations/export.xlsx").data)).active
    assert (again["I2"].value, again["I2"].data_type) == ("-Lê Văn Tám", "s")
