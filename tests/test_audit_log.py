"""The organizer's audit log page: filters, keyset pages, the role check and its CSV export."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from fieldops.auth.models import User
from fieldops.checkin import audit_log
from fieldops.checkin.models import AuditEntry
from fieldops.db import db
from tests.factories.auth import signed_in
from tests.factories.checkin import recorded


def _user_id(username: str) -> int:
    return db.session.execute(db.select(User.id).filter_by(username=username)).scalar_one()


def _log(app, scene) -> int:
    """Write a small log: two reveals by the organizer, an export by the team lead, a void."""
    with app.app_context():
        registration_id = recorded(scene, "tnv1", 1, hamlet="Chợ", desk=True)
        toch, doan1 = _user_id("toch"), _user_id("doan1")
        db.session.add_all([
            # 16:30 UTC on 01/03 is 23:30 in Vietnam: still the 1st there
            AuditEntry(action="reveal", user_id=toch, registration_id=registration_id,
                       remote_addr="10.0.0.7", logged_at=datetime(2026, 3, 1, 16, 30, tzinfo=UTC)),
            AuditEntry(action="export", user_id=doan1, remote_addr="10.0.0.8",
                       detail=json.dumps({"format": "csv", "rows": 12, "campaign_id": 1}),
                       logged_at=datetime(2026, 3, 1, 17, 30, tzinfo=UTC)),
            AuditEntry(action="void", user_id=toch, registration_id=registration_id,
                       detail='=HYPERLINK("http://x")',
                       logged_at=datetime(2026, 3, 5, 2, 0, tzinfo=UTC)),
            AuditEntry(action="reveal", user_id=toch, registration_id=registration_id,
                       logged_at=datetime(2026, 3, 6, 2, 0, tzinfo=UTC)),
        ])
        db.session.commit()
        return registration_id


def _rows(html: str) -> int:
    body = html.split('id="audit-entries"', 1)[1].split("<tbody>", 1)[1].split("</tbody>")[0]
    return body.count('<td data-label="Thời điểm">')


def test_only_organizers_open_the_log_and_its_export(app, users, scene):
    _log(app, scene)
    for username in ("doan1", "tnv1"):
        client = signed_in(app, username)
        assert client.get("/audit").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403
    assert app.test_client().get("/audit").status_code in (302, 401)
    page = signed_in(app, "toch").get("/registrations").get_data(as_text=True)
    assert 'href="/audit"' in page  # linked from the navigation and the registrations page


def test_the_log_says_who_when_what_and_from_where(app, users, scene):
    registration_id = _log(app, scene)
    html = signed_in(app, "toch").get("/audit").get_data(as_text=True)
    assert _rows(html) == 4
    assert "01/03/2026 23:30" in html  # local time, dd/mm/yyyy HH:MM
    assert "02/03/2026 00:30" in html
    assert "Xem số CCCD đầy đủ" in html and "Xuất danh sách" in html
    assert f'href="/registrations/{registration_id}"' in html
    assert "Số dòng: 12" in html and "Định dạng: csv" in html
    assert "10.0.0.7" in html and "Võ Trưởng Đoàn" in html


def test_filters_narrow_by_action_user_registration_and_local_day(app, users, scene):
    registration_id = _log(app, scene)
    client = signed_in(app, "toch")
    with app.app_context():
        doan1 = _user_id("doan1")

    def count(query: str) -> int:
        return _rows(client.get(f"/audit?{query}").get_data(as_text=True))

    assert count("action=reveal") == 2
    assert count(f"user_id={doan1}") == 1
    assert count(f"registration_id={registration_id}") == 3
    assert count("date_from=01/03/2026&date_to=01/03/2026") == 1  # 23:30 is in, 00:30 is not
    assert count("date_from=02/03/2026&date_to=05/03/2026") == 2
    assert count("action=void&date_from=06/03/2026") == 0
    assert count("action=nonsense&registration_id=abc") == 4  # what does not parse is ignored


def test_pages_go_by_id_without_skipping_or_repeating(app, users, scene, monkeypatch):
    _log(app, scene)
    monkeypatch.setattr(audit_log, "PAGE_SIZE", 3)
    client = signed_in(app, "toch")
    first = client.get("/audit").get_data(as_text=True)
    assert _rows(first) == 3
    link = first.split('href="/audit?before=', 1)[1].split('"', 1)[0]
    second = client.get(f"/audit?before={link}").get_data(as_text=True)
    assert _rows(second) == 1 and "01/03/2026 23:30" in second
    assert "audit-older" not in second and "02/03/2026 00:30" in first


def test_the_csv_export_is_streamed_and_itself_audited(app, users, scene):
    _log(app, scene)
    response = signed_in(app, "toch").get("/audit/export.csv?action=reveal")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 3  # headings and the two reveals
    assert rows[1][1] == "06/03/2026 09:00" and rows[1][4] == "Xem số CCCD đầy đủ"
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="audit_export")).scalar_one()
        assert entry.user.username == "toch"
        assert json.loads(entry.detail) == {"format": "csv", "rows": 2, "action": "reveal"}
    everything = signed_in(app, "toch").get("/audit/export.csv")
    lines = list(csv.reader(io.StringIO(everything.data.decode("utf-8-sig"))))
    assert "Xuất nhật ký truy cập" in [row[4] for row in lines[1:]]  # the first export is in it
    void = next(row for row in lines[1:] if row[4] == "Hủy hồ sơ")
    assert void[6].startswith("'=HYPERLINK")  # a typed reason runs no formula in a spreadsheet
