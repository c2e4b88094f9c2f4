"""Exports of the registrations list: streamed, read in batches, and written by a background job
with a download link (only for the one who asked) when they are large."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import UTC, datetime

from openpyxl import load_workbook

from fieldops.checkin import exports
from fieldops.checkin.models import AuditEntry, Registration
from fieldops.clock import LOCAL_TZ
from fieldops.db import db
from fieldops.tasks import Job, running_consumer
from tests.factories.auth import signed_in
from tests.factories.checkin import checkin_data, sid
from tests.test_tasks import job_state, wait_until


def _pre_register(app, scene, count: int) -> None:
    client = app.test_client()
    for n in range(count):
        data = checkin_data(scene, full_name=f"Người Xuất {n:03d}", submission_id=sid())
        data["phone"] = f"09870{n:05d}"
        assert client.post(f"/checkin/{scene.token}", data=data).status_code == 302


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_csv_export_streams_every_row_across_batches(app, users, scene, monkeypatch):
    _pre_register(app, scene, 7)
    monkeypatch.setattr(exports, "BATCH", 3)  # 7 rows: three batches
    organizer = signed_in(app, "toch")
    response = organizer.get("/registrations/export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Cache-Control"] == "no-store"
    rows = _csv_rows(response.data)
    assert len(rows) == 8
    assert [row[8] for row in rows[1:]] == [f"Người Xuất {n:03d}" for n in range(7)]
    assert all(row[5] and row[6] for row in rows[1:])  # campaign and desk named on every row
    # each batch's services found by its own ids: "Service: outcome" on every row
    assert all(": " in row[14] for row in rows[1:]), [row[14] for row in rows[1:]]
    with app.app_context():
        first = db.session.execute(db.select(Registration).order_by(Registration.id)).scalar()
        # dd/mm/yyyy HH:MM in Vietnam's time, as every page shows it (formatted by the database)
        assert rows[1][1] == first.created_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
        assert rows[1][2] == ""  # queued, not yet recorded


def test_export_times_cross_midnight_in_vietnam(app, users, scene):
    _pre_register(app, scene, 1)
    with app.app_context():
        registration = db.session.execute(db.select(Registration)).scalar_one()
        # 17:30 UTC on 31/12 is 00:30 on 1/1 in Vietnam
        registration.created_at = datetime(2025, 12, 31, 17, 30, tzinfo=UTC)
        registration.recorded_at = datetime(2025, 12, 31, 16, 59, tzinfo=UTC)
        db.session.commit()
    rows = _csv_rows(signed_in(app, "toch").get("/registrations/export.csv").data)
    assert rows[1][1:3] == ["01/01/2026 00:30", "31/12/2025 23:59"]


def test_a_large_export_is_written_by_a_job_for_the_one_who_asked(app, users, scene):
    _pre_register(app, scene, 5)
    app.config.update(EXPORT_INLINE_ROWS=3, JOB_PROGRESS_EVERY=0)
    organizer = signed_in(app, "toch")
    asked = organizer.post("/registrations/export.xlsx", data={"reveal": "1"})
    assert asked.status_code == 303
    with app.app_context():
        [job] = db.session.execute(db.select(Job)).scalars().all()
        job_id = job.id
        assert job.kind == "checkin.export" and job.title == "Xuất 5 hồ sơ đăng ký (XLSX)"
        [entry] = db.session.execute(db.select(AuditEntry)).scalars().all()
        assert entry.action == "export_revealed" and f'"job": {job_id}' in entry.detail
    assert asked.headers["Location"] == f"/jobs/{job_id}"
    assert organizer.get(f"/registrations/exports/{job_id}").status_code == 404  # not yet

    with running_consumer(app):
        wait_until(lambda: job_state(organizer, job_id)["finished"], "the export job")
    state = job_state(organizer, job_id)
    assert state["status"] == "done", state
    assert (state["done"], state["total"]) == (5, 5)
    assert state["result_url"] == f"/registrations/exports/{job_id}"
    assert "Tải tệp về" in organizer.get(f"/jobs/{job_id}").get_data(as_text=True)
    download = organizer.get(state["result_url"])
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(download.data)).active
    assert sheet.max_row == 6 and sheet["I2"].value == "Người Xuất 000"
    assert (sheet["J2"].value, sheet["J2"].data_type, sheet["J2"].number_format) == (
        "0987000000", "s", "@")
    download.close()
    # Another user, even an organizer, cannot fetch someone else's file.
    assert signed_in(app, "doan1").get(state["result_url"]).status_code == 404


def test_old_export_files_are_deleted(app, users, scene):
    from fieldops.checkin.export_views import _file_of, drop_old_exports

    with app.app_context():
        old, fresh = _file_of(901, "csv"), _file_of(902, "csv")
        old.write_bytes(b"x")
        fresh.write_bytes(b"y")
        two_days_ago = time.time() - 2 * 24 * 3600
        os.utime(old, (two_days_ago, two_days_ago))
        assert drop_old_exports() == 1
        assert not old.exists() and fresh.exists()


def test_a_team_lead_exports_exactly_the_rows_they_may_see(app, users, scene):
    from fieldops.auth.models import User
    from fieldops.checkin.access import visible_registrations

    _pre_register(app, scene, 2)
    lead = signed_in(app, "doan1")
    rows = _csv_rows(lead.get("/registrations/export.csv").data)
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="doan1")).scalar_one()
        visible = {r.id for r in db.session.execute(visible_registrations(user)).scalars()}
        everyone = db.session.execute(
            db.select(db.func.count()).select_from(Registration)).scalar_one()
    assert {int(row[0]) for row in rows[1:]} == visible
    assert len(visible) < everyone  # the organizer's other rows stay out
