"""Benchmark the progress page over 1,000,000 registrations against the bare SQL GROUP BY.

    .venv/bin/python benchmarks/bench_progress.py [--rows 1000000] [--sqlite-only]

Builds 35 communes, 300 hamlets, 30 teams and one 60-day phase, then 1,000,000 registrations
(+ one service row each, 70 % done, 3 % voided) with the driver's executemany / COPY, not the
ORM; the counters are rebuilt from them (rebuild_counters). Then it times, in the same run, the
progress page (test client, server time, median of 7, wall and CPU) and the bare GROUP BY over the
registrations that gives the same per-hamlet counts (indexed). It also gives the page's own SQL
time and how many of its statements read the registrations (it must be 0: counters only).
Last, the progress workbook (a sheet per level, every commune's hamlets and every team's
members) as it is, against the same workbook with each table reading the campaign again (how
it was built before its tables shared their reads).
Prints a table and ONE JSON line. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
START = date(2025, 10, 1)
DAYS = 60


def _app(url: str, instance: str):
    os.environ["FIELDOPS_INSTANCE_PATH"] = instance
    from fieldops import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def _scene(app) -> tuple[int, int, list[int], list[int], int]:
    from fieldops.areas import services as areas
    from fieldops.auth import services as accounts
    from fieldops.campaigns import services as campaigns
    from fieldops.campaigns.models import Service
    from fieldops.db import db
    from fieldops.reports import targets
    from fieldops.teams.models import Team

    with app.app_context():
        db.create_all()
        campaigns.ensure_builtin_services()
        accounts.create_user("toch", "Tổ Chức", "matkhau-123", "organizer", "0912000001")
        top = areas.save_area(None, level="province", name="Thái Bình")
        communes, hamlets = [], []
        for c in range(35):
            commune = areas.save_area(None, level="commune", name=f"Xã {c + 1}", parent=top,
                                      population_14plus=6000)
            communes.append(commune)
            for h in range(300 // 35 + (1 if c < 300 % 35 else 0)):
                hamlets.append(areas.save_area(None, level="hamlet", name=f"Thôn {h + 1}",
                                               kind="thon", parent=commune,
                                               population_14plus=700).id)
        services = [s for s in db.session.execute(db.select(Service)).scalars()
                    if s.code in ("vneid_install", "eid_level2")]
        campaign = campaigns.save_campaign(None, title="Bench", start_date=START,
                                           end_date=START + timedelta(days=DAYS - 1),
                                           communes=communes, services=services)
        phase = campaigns.save_phase(campaign, None, name="Giai đoạn 1", start_date=START,
                                     end_date=START + timedelta(days=DAYS - 1))
        teams = [Team(campaign_id=campaign.id, name=f"Đoàn {i + 1}") for i in range(30)]
        db.session.add_all(teams)
        db.session.flush()
        for commune in communes:
            targets.set_target(phase, 20000, user=None, area=commune)
        db.session.commit()
        return campaign.id, phase.id, hamlets, [t.id for t in teams], services[1].id


def _rows(n: int, campaign_id: int, hamlets: list[int], teams: list[int], service_id: int):
    rng = random.Random(1)
    base = datetime(START.year, START.month, START.day, 1, tzinfo=UTC)
    for i in range(1, n + 1):
        at = base + timedelta(seconds=rng.randrange(DAYS * 86400 - 12 * 3600))
        hamlet = hamlets[rng.randrange(len(hamlets))]
        status = "voided" if rng.random() < 0.03 else "recorded"
        outcome = "done" if rng.random() < 0.7 else "failed"
        yield (i, f"b{i}", campaign_id, teams[hamlet % len(teams)], hamlet, "door", status,
               "Công dân", "cong dan", at, at, service_id, outcome)


def _load(app, n: int, scene) -> float:
    from fieldops.db import db

    campaign_id, _phase, hamlets, teams, service_id = scene
    started = time.perf_counter()
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            regs = ("id, submission_id, campaign_id, team_id, hamlet_id, source, status, "
                    "full_name, name_folded, recorded_at, created_at")
            if db.engine.dialect.name == "postgresql":
                with cursor.copy(f"COPY registration ({regs}) FROM STDIN") as copy:
                    for r in _rows(n, campaign_id, hamlets, teams, service_id):
                        copy.write_row(r[:11])
                with cursor.copy("COPY registration_service (registration_id, service_id, "
                                 "outcome) FROM STDIN") as copy:
                    for r in _rows(n, campaign_id, hamlets, teams, service_id):
                        copy.write_row((r[0], r[11], r[12]))
                cursor.execute("SELECT setval('registration_id_seq', %s)", (n,))
            else:
                batch: list = []
                for r in _rows(n, campaign_id, hamlets, teams, service_id):
                    batch.append((*r[:9], r[9].isoformat(sep=" "), r[10].isoformat(sep=" "),
                                  r[11], r[12]))
                    if len(batch) == 50000:
                        _sqlite_batch(cursor, regs, batch)
                        batch = []
                _sqlite_batch(cursor, regs, batch)
            raw.commit()
        finally:
            raw.close()
    return time.perf_counter() - started


def _sqlite_batch(cursor, regs: str, batch: list) -> None:
    cursor.executemany(f"INSERT INTO registration ({regs}) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [b[:11] for b in batch])
    cursor.executemany("INSERT INTO registration_service (registration_id, service_id, outcome)"
                       " VALUES (?, ?, ?)", [(b[0], b[11], b[12]) for b in batch])


def _median_ms(action, times: int = 7, clock=time.perf_counter) -> float:
    action()  # warm the caches once
    spent = []
    for _ in range(times):
        started = clock()
        action()
        spent.append((clock() - started) * 1000)
    return round(statistics.median(spent), 1)


def run(url: str, label: str, n: int) -> dict:
    """Build, load and time one database; return the figures."""
    from fieldops.db import db
    from fieldops.reports import counters
    from fieldops.reports.progress import PLACES, progress

    app = _app(url, tempfile.mkdtemp())
    scene = _scene(app)
    load_s = _load(app, n, scene)
    campaign_id, phase_id = scene[0], scene[1]
    with app.app_context():
        from fieldops.campaigns.models import Campaign

        started = time.perf_counter()
        counter_rows = counters.rebuild_counters(db.session.get(Campaign, campaign_id))
        db.session.commit()
        rebuild_s = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
        campaign = db.session.get(Campaign, campaign_id)
        phase = campaign.phases[0]
        today = START + timedelta(days=DAYS - 1)
        total_counted = progress(campaign, phase, level=PLACES, today=today).total.done
        bare = (sa.text(
            "SELECT r.hamlet_id, count(*) FROM registration_service s "
            "JOIN registration r ON r.id = s.registration_id WHERE r.campaign_id = :c "
            "AND r.status != 'voided' AND s.outcome = 'done' GROUP BY r.hamlet_id"))

        def group_by():
            return db.session.execute(bare, {"c": campaign_id}).all()

        bare_total = sum(n for _, n in group_by())
        bare_ms = _median_ms(group_by, 5)
    assert bare_total == total_counted, (bare_total, total_counted)
    client = app.test_client()
    client.post("/sign-in", data={"username": "toch", "password": "matkhau-123"})

    def page():
        response = client.get(f"/campaigns/{campaign_id}/progress?phase={phase_id}")
        assert response.status_code == 200 and b"progress-table" in response.data

    page_ms = _median_ms(page)
    # CPU time of this process: on a loaded machine wall time also counts waiting for a core.
    page_cpu_ms = _median_ms(page, clock=time.process_time)
    with app.app_context():
        sql_ms, registration_reads = _page_sql(db.engine, page)
    workbook_ms, per_table_ms = _workbooks(client, campaign_id)
    with app.app_context():
        db.engine.dispose()
    return {"workbook_ms": workbook_ms, "workbook_per_table_reads_ms": per_table_ms,
            "workbook_speedup": round(per_table_ms / workbook_ms, 1),
            "workbook_over_page": round(workbook_ms / page_ms, 1),
            "db": label, "registrations": n, "done_counted": total_counted,
            "counter_rows": counter_rows, "load_s": round(load_s, 1),
            "rebuild_s": round(rebuild_s, 2), "page_ms": page_ms, "page_cpu_ms": page_cpu_ms,
            "page_sql_ms": sql_ms, "page_registration_reads": registration_reads,
            "bare_group_by_ms": bare_ms}


def _workbooks(client, campaign_id: int) -> tuple[float, float]:
    """Time the progress workbook (every level: communes, hamlets of each commune, teams,
    members of each team) as it is, and with each table reading the campaign again as it did
    before the tables shared their reads (the baseline, in the same run)."""
    from fieldops.reports import excel
    from fieldops.reports.progress import progress

    def workbook():
        response = client.get(f"/campaigns/{campaign_id}/progress.xlsx")
        assert response.status_code == 200 and response.data[:2] == b"PK"

    shared = _median_ms(workbook, 3)

    def each_table_alone(*args, reads=None, chart=True, **kwargs):
        return progress(*args, **kwargs)

    excel.progress = each_table_alone
    try:
        alone = _median_ms(workbook, 3)
    finally:
        excel.progress = progress
    return shared, alone


def _page_sql(engine, page, times: int = 7) -> tuple[float, int]:
    """Return the median SQL time of one page and how many of its statements read the
    registrations (registration, registration_service): the page must read counters only."""
    spent: list[float] = []
    reads: list[str] = []

    def before(conn, _cursor, _statement, *_rest):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, _cursor, statement, *_rest):
        spent.append((time.perf_counter() - conn.info.pop("bench_started")) * 1000)
        if re.search(r"\bregistration(_service)?\b", statement):
            reads.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    per_page = []
    try:
        for _ in range(times):
            spent.clear()
            page()
            per_page.append(sum(spent))
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    return round(statistics.median(per_page), 1), len(reads) // times


def main() -> None:
    """Run on SQLite (temp file) and PostgreSQL (temp database); print a table and JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    results = []
    folder = tempfile.mkdtemp()
    results.append(run(f"sqlite:///{folder}/bench.db", "sqlite", args.rows))
    if not args.sqlite_only:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        name = f"bench_progress_{os.getpid()}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        try:
            results.append(run(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", "postgresql",
                               args.rows))
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()
    print(f"{'db':<11}{'rows':>10}{'done':>9}{'counters':>10}{'load s':>8}{'rebuild s':>10}"
          f"{'page ms':>9}{'CPU ms':>8}{'SQL ms':>8}{'reg reads':>10}{'GROUP BY ms':>13}")
    for r in results:
        print(f"{r['db']:<11}{r['registrations']:>10}{r['done_counted']:>9}"
              f"{r['counter_rows']:>10}{r['load_s']:>8}{r['rebuild_s']:>10}{r['page_ms']:>9}"
              f"{r['page_cpu_ms']:>8}{r['page_sql_ms']:>8}{r['page_registration_reads']:>10}"
              f"{r['bare_group_by_ms']:>13}")
    print(f"\n{'db':<11}{'workbook ms':>13}{'tables alone ms':>17}{'speed-up':>10}"
          f"{'workbook/page':>15}")
    for r in results:
        print(f"{r['db']:<11}{r['workbook_ms']:>13}{r['workbook_per_table_reads_ms']:>17}"
              f"{r['workbook_speedup']:>10}{r['workbook_over_page']:>15}")
    print(json.dumps({"bench": "progress", "results": results}))


if __name__ == "__main__":
    main()
