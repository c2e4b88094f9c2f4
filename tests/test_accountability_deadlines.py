"""Deadlines on the scheduler: one reminder per unit and period, e-mailed through a local SMTP
server, and missing reports recorded once the deadline has passed."""

from __future__ import annotations

import socketserver
import threading
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from fieldops.accountability import reminders, submissions
from fieldops.accountability.duty_models import (
    MISSING,
    ReportingDuty,
    ReportReminder,
    UnitReport,
)
from fieldops.auth.models import User
from fieldops.db import db
from fieldops.tasks.queue import SCHEDULES
from tests.factories.accountability_duties import build_duty_scene, local, unit
from tests.factories.checkin import today


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every message lands in the server's `messages`."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink ready\r\n")
        while line := self.rfile.readline():
            verb = line.strip().split(b" ")[0].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.messages.append(data)
                self.wfile.write(b"250 stored\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_sink():
    """A local SMTP server in a thread; yields it (its `messages`, its port)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def ds(app, users):
    """The duty scene (tests.factories.accountability.build_duty_scene)."""
    return build_duty_scene(app)


def _run_at(monkeypatch, moment):
    monkeypatch.setattr(reminders, "now_utc", lambda: moment)
    return reminders.check_report_deadlines()


def _subject(raw: bytes) -> str:
    return str(make_header(decode_header(message_from_bytes(raw)["Subject"])))


def test_the_queue_runs_the_deadlines_every_five_minutes(app):
    when = next(w for name, w, _function in SCHEDULES if name == "report_deadlines")
    huey = app.extensions["tasks"].huey
    assert "report_deadlines" in {task.name for task in huey._registry.periodic_tasks}
    # Huey's crontab answers whether a minute is one it runs at.
    from datetime import datetime

    assert [m for m in range(60) if when(datetime(2023, 4, 15, 9, m))] == list(range(2, 60, 5))


def test_reminders_go_once_by_mail_and_missing_reports_are_recorded(app, ds, smtp_sink,
                                                                    monkeypatch):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.server_address[1],
                      MAIL_DEFAULT_SENDER="baocao@hungha.gov.vn")
    with app.test_request_context():
        duty = db.session.get(ReportingDuty, ds.duty_id)
        unit(ds.other_unit_id).email = "ubnd.phuocthien@dongnai.gov.vn"
        xa1 = db.session.execute(db.select(User).filter_by(username="xa1")).scalar_one()
        submissions.submit(duty, unit(ds.unit_id), today(), user=xa1,
                           now=local(today(), 15, 0), results="Xong", difficulties="",
                           proposals="")
        db.session.commit()
        # 15:55: before the reminder time of a 17:00 deadline (one hour before); yesterday's
        # period, past its deadline with nothing from either commune, is recorded missing.
        assert _run_at(monkeypatch, local(today(), 15, 55)) == (0, 2)
        assert smtp_sink.messages == []
        # 16:00: the commune that has not reported is reminded, the one that did is not.
        assert _run_at(monkeypatch, local(today(), 16, 0)) == (1, 0)
        assert _run_at(monkeypatch, local(today(), 16, 5)) == (0, 0)
        assert len(smtp_sink.messages) == 1
        message = message_from_bytes(smtp_sink.messages[0])
        assert message["To"] == "ubnd.phuocthien@dongnai.gov.vn"
        assert _subject(smtp_sink.messages[0]) == "Nhắc nộp báo cáo: Báo cáo tiến độ hằng ngày"
        body = message.get_payload(decode=True).decode()
        assert "Xã Phước Thiền" in body and "17:00" in body
        reminder = db.session.execute(db.select(ReportReminder)).scalar_one()
        assert (reminder.unit_id, reminder.period_start) == (ds.other_unit_id, today())
        assert reminder.emailed_at is not None and reminder.email_error is None
        # 17:05: today's report is missing for that commune, and recorded once.
        assert _run_at(monkeypatch, local(today(), 17, 5)) == (0, 1)
        assert _run_at(monkeypatch, local(today(), 17, 10)) == (0, 0)
        missing = db.session.execute(db.select(UnitReport).filter_by(
            period_start=today(), status=MISSING)).scalar_one()
        assert missing.unit_id == ds.other_unit_id and missing.missed_at is not None
        # A late report keeps the record of the miss and is marked late.
        xa2 = db.session.execute(db.select(User).filter_by(username="xa2")).scalar_one()
        late = submissions.submit(duty, unit(ds.other_unit_id), today(), user=xa2,
                                  now=local(today(), 19, 0), results="Muộn", difficulties="",
                                  proposals="")
        assert (late.status, late.missed_at is not None, late.version) == ("late", True, 1)


def test_without_smtp_the_reminder_is_recorded_and_nothing_is_sent(app, ds, smtp_sink,
                                                                    monkeypatch):
    with app.test_request_context():
        unit(ds.unit_id).email = "ubnd.nhontrach@dongnai.gov.vn"
        db.session.commit()
        assert _run_at(monkeypatch, local(today(), 16, 30))[0] == 2
        assert smtp_sink.messages == []
        assert all(r.emailed_at is None for r in db.session.execute(
            db.select(ReportReminder)).scalars())


def test_an_smtp_server_that_does_not_answer_leaves_the_reminder_recorded(app, ds,
                                                                          monkeypatch):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2)
    with app.test_request_context():
        unit(ds.unit_id).email = "ubnd.nhontrach@dongnai.gov.vn"
        db.session.commit()
        assert _run_at(monkeypatch, local(today(), 16, 30))[0] == 2
        failed = db.session.execute(db.select(ReportReminder).filter_by(
            unit_id=ds.unit_id)).scalar_one()
        assert failed.emailed_at is None and failed.email_error
        # The next run does not send it again: a reminder is once per unit and period.
        assert _run_at(monkeypatch, local(today(), 16, 35) + timedelta(seconds=1))[0] == 0
