"""Benchmark the registrations export (CSV and XLSX) against a bare query writing the same
columns, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_exports.py [--rows 50000] [--rounds 3] [--sqlite-only]
                                                 [--postgresql-only] [--pg URL]

One campaign with a launch event, four desks and four door-to-door teams; --rows registrations
(half at the desks, half at doors, one or two services each, ID numbers encrypted) written
straight into the tables. Timed, best of --rounds, each in the same process and run:
- bare CSV: one joined query for the rows (times formatted by the database, as the export
  does) and one for their services, written with the csv module (what the database and the
  csv module need for these columns);
- export CSV: `GET /registrations/export.csv` as an organizer through the app (Flask test
  client), the streamed body read to its end;
- bare XLSX: the bare rows written by openpyxl's write-only workbook;
- export XLSX: `GET /registrations/export.xlsx` through the app (inline: the job threshold is
  raised above --rows; the job writes the same file with the same code).
Ratios are rows/s of the export over rows/s of its bare counterpart (target >= 0.50). Not a
test; a table and one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from clients import scratch_postgresql

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-exports-2025"


def _setup(url: str, rows: int):
    """Make the app, the scene and the registrations; return (app, organizer username)."""
    from fieldops import create_app
    from fieldops.auth import services as accounts
    from fieldops.auth.models import ORGANIZER
    from fieldops.campaigns import services as campaigns
    from fieldops.checkin import crypto
    from fieldops.checkin.models import Registration, RegistrationService
    from fieldops.db import db
    from tests.factories.areas import commune_with_hamlets
    from tests.factories.campaigns import CampaignFactory, services_by_code
    from tests.factories.events import HelpDeskFactory, LaunchEventFactory
    from tests.factories.teams import TeamFactory

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "EXPORT_INLINE_ROWS": rows + 1})
    with app.app_context():
        db.create_all()
        campaigns.ensure_builtin_services()
        commune = commune_with_hamlets(hamlets=("Chợ", "Trâu", "Bến", "Xóm Mới"))
        by_code = services_by_code()
        codes = ["vneid_install", "eid_level2", "digital_signature"]
        campaign = CampaignFactory(running=True, communes=[commune],
                                   services=[by_code[c] for c in codes])
        event = LaunchEventFactory(campaign=campaign, today=True)
        desks = [HelpDeskFactory(event=event, table_label=f"Bàn {n}",
                                 organisation="Công an xã") for n in range(1, 5)]
        teams = [TeamFactory(campaign=campaign, name=f"Đoàn gõ cửa {n}") for n in range(1, 5)]
        volunteer = accounts.create_user("bench-tnv", "Tình Nguyện Viên", PASSWORD, "volunteer")
        accounts.create_user("bench", "Tổ Chức", PASSWORD, ORGANIZER)
        db.session.commit()
        hamlet_ids = [h.id for h in commune.children]
        service_ids = [by_code[c].id for c in codes]
        start = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
        token = crypto.encrypt("079190000001")
        registrations, services = [], []
        for n in range(1, rows + 1):
            at_desk = n % 2 == 0
            name = f"Nguyễn Văn Xuất {n}"
            registrations.append({
                "id": n, "submission_id": f"bench-{n}", "campaign_id": campaign.id,
                "event_id": event.id if at_desk else None,
                "desk_id": desks[n % 4].id if at_desk else None,
                "team_id": None if at_desk else teams[n % 4].id,
                "hamlet_id": hamlet_ids[n % len(hamlet_ids)],
                "source": "desk" if at_desk else "door", "status": "recorded",
                "queue_number": n % 500 if at_desk else None, "full_name": name,
                "name_folded": name.lower(), "phone": f"09{n:08d}", "birth_year": 1960 + n % 45,
                "citizen_id_last4": f"{n % 10000:04d}", "citizen_id_encrypted": token,
                "volunteer_id": volunteer.id, "created_at": start + timedelta(seconds=n),
                "recorded_at": start + timedelta(seconds=n + 60)})
            for service_id in service_ids[: 1 + n % 2]:
                services.append({"registration_id": n, "service_id": service_id,
                                 "outcome": "done" if n % 7 else "failed",
                                 "failure_reason": None if n % 7 else "no_phone"})
        for chunk in range(0, rows, 10_000):
            db.session.execute(Registration.__table__.insert(), registrations[chunk:chunk + 10_000])
        for chunk in range(0, len(services), 10_000):
            db.session.execute(RegistrationService.__table__.insert(),
                               services[chunk:chunk + 10_000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("SELECT setval('registration_id_seq', :n)"), {"n": rows})
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
    return app


_BARE_SQL = """
SELECT r.id, {created}, {recorded}, r.status, r.source, c.title, d.table_label,
       d.organisation, t.name, r.queue_number, r.full_name, r.phone, r.citizen_id_last4,
       r.birth_year, a.name, u.full_name, r.void_reason
FROM registration r JOIN campaign c ON c.id = r.campaign_id
LEFT JOIN help_desk d ON d.id = r.desk_id LEFT JOIN team t ON t.id = r.team_id
LEFT JOIN area a ON a.id = r.hamlet_id LEFT JOIN "user" u ON u.id = r.volunteer_id
ORDER BY r.id
"""


def _bare_rows(app):
    """Yield the export's columns from one joined query (services from a second one)."""
    from fieldops.db import db

    with app.app_context():
        services = defaultdict(list)
        for rid, name, outcome in db.session.execute(db.text(
                "SELECT rs.registration_id, s.name_vi, rs.outcome FROM registration_service rs "
                "JOIN service s ON s.id = rs.service_id ORDER BY rs.registration_id, rs.id")):
            services[rid].append(f"{name}: {outcome}")

        # The times formatted by the database in Vietnam's time, as the export does: the
        # baseline is the fastest plain way to write these columns, not a slower one.
        if db.engine.dialect.name == "postgresql":
            when = "to_char(timezone('Asia/Ho_Chi_Minh', {}), 'DD/MM/YYYY HH24:MI')"
        else:
            when = "strftime('%d/%m/%Y %H:%M', {}, '+25200 seconds')"
        sql = _BARE_SQL.format(created=when.format("r.created_at"),
                               recorded=when.format("r.recorded_at"))
        for r in db.session.execute(db.text(sql)):
            place = f"{r[6]} – {r[7]}" if r[6] else r[8]
            yield [r[0], r[1], r[2], r[3], r[4], r[5], place, r[9], r[10], r[11],
                   f"********{r[12]}", r[13], r[14], r[15], "; ".join(services[r[0]]),
                   r[16] or ""]


def _bare_csv(app) -> int:
    out = io.StringIO()
    writer = csv.writer(out)
    count = 0
    for row in _bare_rows(app):
        writer.writerow(row)
        count += 1
    out.getvalue().encode("utf-8")
    return count


def _bare_xlsx(app) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    count = 0
    for row in _bare_rows(app):
        sheet.append(row)
        count += 1
    book.save(io.BytesIO())
    return count


_LAST: dict[str, bytes] = {}


def _export(client, kind: str) -> int:
    response = client.get(f"/registrations/export.{kind}")
    assert response.status_code == 200, response.status_code
    body = b"".join(response.response)
    response.close()
    if kind == "csv":
        return body.count(b"\n") - 1
    _LAST[kind] = body  # counted after the timing: reading a workbook is not the export's cost
    return -1


def _xlsx_rows(body: bytes) -> int:
    from openpyxl import load_workbook

    return sum(1 for _ in load_workbook(io.BytesIO(body), read_only=True).active.iter_rows()) - 1


def _best(rounds: int, function) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(rounds):
        started = time.perf_counter()
        count = function()
        best = min(best, time.perf_counter() - started)
    return best, count


def bench_database(label: str, url: str, args) -> dict:
    """Time the four ways on one database; return their figures."""
    app = _setup(url, args.rows)
    client = app.test_client()
    assert client.post("/sign-in", data={"username": "bench", "password": PASSWORD}
                       ).status_code == 302
    result = {"db": label}
    for name, function in (("bare_csv", lambda: _bare_csv(app)),
                           ("export_csv", lambda: _export(client, "csv")),
                           ("bare_xlsx", lambda: _bare_xlsx(app)),
                           ("export_xlsx", lambda: _export(client, "xlsx"))):
        seconds, count = _best(args.rounds, function)
        if count == -1:
            count = _xlsx_rows(_LAST.pop("xlsx"))
        assert count == args.rows, (name, count)
        result[f"{name}_s"] = round(seconds, 3)
        result[f"{name}_rows_s"] = round(count / seconds)
    result["csv_ratio"] = round(result["export_csv_rows_s"] / result["bare_csv_rows_s"], 2)
    result["xlsx_ratio"] = round(result["export_xlsx_rows_s"] / result["bare_xlsx_rows_s"], 2)
    result["xlsx_vs_bare_csv"] = round(result["export_xlsx_rows_s"] / result["bare_csv_rows_s"], 2)
    from fieldops.db import db

    with app.app_context():
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL database to connect to for CREATE DATABASE")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        os.environ["FIELDOPS_INSTANCE_PATH"] = tmp
        if not args.postgresql_only:
            results.append(bench_database("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args))
        if not args.sqlite_only:
            with scratch_postgresql(args.pg) as url:
                results.append(bench_database("postgresql", url, args))
    print(f"\n{args.rows} registrations, best of {args.rounds}; rows per second "
          f"(ratio = export / bare, target >= 0.50)")
    print(f"{'db':<11}{'bare csv':>10}{'export csv':>12}{'ratio':>7}{'bare xlsx':>11}"
          f"{'export xlsx':>13}{'ratio':>7}")
    for r in results:
        print(f"{r['db']:<11}{r['bare_csv_rows_s']:>10}{r['export_csv_rows_s']:>12}"
              f"{r['csv_ratio']:>7.2f}{r['bare_xlsx_rows_s']:>11}{r['export_xlsx_rows_s']:>13}"
              f"{r['xlsx_ratio']:>7.2f}")
    print(json.dumps({"benchmark": "exports", "rows": args.rows, "rounds": args.rounds,
                      "date": date.today().isoformat(),
                      "elapsed_s": round(time.monotonic() - started, 1), "results": results},
                     separators=(",", ":"), ensure_ascii=False))


if __name__ == "__main__":
    main()
