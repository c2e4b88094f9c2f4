"""Benchmark progress for a campaign that counts what the police's lists confirm.

    .venv/bin/python benchmarks/bench_confirmed.py [--rows 1000000] [--confirmed 200000,800000]
                                                   [--sqlite-only]

bench_progress's campaign (35 communes, 300 hamlets, 30 teams, one 60-day phase, `--rows`
registrations), plus a police list of the approved but not activated and, for each size in
`--confirmed`, that many listed people gone from it over the phase, each visited once (a door
registration). The counters are rebuilt (drive.credit.rebuild). Then, in the same run: the
progress page (confirmed only, median of 7), how many of its statements read people, visits or
registrations (must be 0), and the read it replaced (people joined to their last visit and its
registration, `confirmed.fresh_confirmed`) as the baseline. Prints a table and ONE JSON line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_progress as bp  # noqa: E402

READS = re.compile(r"\b(registration|registration_service|visit|listed_person)\b")


def _people(app, scene, rows: int, start: int, count: int) -> None:
    """Add `count` people gone from the list, person i visited by registration i in the
    registration's hamlet (a team visits the hamlets it is sent to)."""
    from fieldops.db import db
    from fieldops.drive.models import ListedPerson, PoliceList, Visit

    with app.app_context():
        campaign_id, _phase, hamlets, teams, service_id = scene
        parents = dict(db.session.execute(sa.text(
            "SELECT id, parent_id FROM area WHERE level = 'hamlet'")).all())
        commune = parents[hamlets[0]]
        if not db.session.execute(sa.select(PoliceList.id)).first():
            db.session.add(PoliceList(campaign_id=campaign_id, commune_id=commune,
                                      kind="approved_not_activated", list_day=bp.START,
                                      file_sha256="0" * 64, filename="ds.xlsx", row_count=count))
            db.session.flush()
        now = datetime.now(UTC)
        people, visits = [], []
        where = {r[0]: r[4] for r in bp._rows(rows, campaign_id, hamlets, teams, service_id)
                 if start < r[0] <= start + count}
        for i in range(start + 1, start + count + 1):
            hamlet = where[i]
            people.append({
                "id": i, "campaign_id": campaign_id,
                "citizen_id_hash": hashlib.sha256(str(i).encode()).hexdigest(),
                "citizen_id_last4": f"{i % 10000:04d}", "citizen_id_encrypted": "x",
                "full_name": "Công dân", "name_folded": "cong dan", "commune_id": parents[hamlet],
                "hamlet_id": hamlet, "kind": "approved_not_activated",
                "first_listed_on": bp.START, "last_listed_on": bp.START, "absences": 0,
                "gone_on": bp.START + timedelta(days=1 + i % (bp.DAYS - 1)), "created_at": now})
            visits.append({"registration_id": i, "person_id": i, "outcome": "activated_level2",
                           "visited_on": bp.START, "created_at": now})
            if len(people) == 50_000:
                db.session.execute(sa.insert(ListedPerson), people)
                db.session.execute(sa.insert(Visit), visits)
                people, visits = [], []
        if people:
            db.session.execute(sa.insert(ListedPerson), people)
            db.session.execute(sa.insert(Visit), visits)
        db.session.commit()


def run(url: str, label: str, rows: int, sizes: list[int]) -> list[dict]:
    """Build one database; time the page and the old read at each number of confirmed people."""
    from fieldops.campaigns.models import Campaign
    from fieldops.db import db
    from fieldops.drive import credit
    from fieldops.reports import confirmed, counters

    app = bp._app(url, tempfile.mkdtemp())
    scene = bp._scene(app)
    bp._load(app, rows, scene)
    campaign_id, phase_id = scene[0], scene[1]
    with app.app_context():
        counters.rebuild_counters(db.session.get(Campaign, campaign_id))
        db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"username": "toch", "password": "matkhau-123"})
    results, done = [], 0
    for size in sizes:
        _people(app, scene, rows, done, size - done)
        done = size
        with app.app_context():
            started = time.perf_counter()
            counter_rows = credit.rebuild(campaign_id)
            db.session.commit()
            rebuild_s = time.perf_counter() - started
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect() as conn:
                    conn.exec_driver_sql("ANALYZE")
            campaign = db.session.get(Campaign, campaign_id)
            phase = campaign.phases[0]

            def old_read(campaign=campaign, phase=phase):
                return db.session.execute(confirmed.fresh_confirmed(
                    campaign, phase.start_date, phase.end_date)).all()

            assert sum(r[-1] for r in old_read()) == size
            old_ms = bp._median_ms(old_read, 5)
            engine = db.engine

        def page():
            response = client.get(f"/campaigns/{campaign_id}/progress?phase={phase_id}")
            assert response.status_code == 200 and b"progress-table" in response.data

        page_ms = bp._median_ms(page)
        with app.app_context():
            reads = _reads(engine, page)
        results.append({"db": label, "registrations": rows, "confirmed": size,
                        "counter_rows": counter_rows, "rebuild_s": round(rebuild_s, 2),
                        "page_ms": page_ms, "page_person_visit_registration_reads": reads,
                        "old_join_read_ms": old_ms})
    with app.app_context():
        db.engine.dispose()
    return results


def _reads(engine, page) -> int:
    """Return how many statements of one page read people, visits or registrations."""
    seen: list[str] = []

    def after(_conn, _cursor, statement, *_rest):
        if READS.search(statement) and "confirmed_count" not in statement:
            seen.append(statement)

    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        page()
    finally:
        sa.event.remove(engine, "after_cursor_execute", after)
    return len(seen)


def main() -> None:
    """Run on SQLite and PostgreSQL; print a table and one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--confirmed", default="200000,800000")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.confirmed.split(","))
    assert sizes[-1] <= args.rows, "every confirmed person needs a registration of their visit"
    results = run(f"sqlite:///{tempfile.mkdtemp()}/bench.db", "sqlite", args.rows, sizes)
    if not args.sqlite_only:
        from clients import scratch_postgresql

        with scratch_postgresql(bp.PG_ADMIN_URL) as url:
            results += run(url, "postgresql", args.rows, sizes)
    print(f"{'db':<11}{'regs':>9}{'confirmed':>10}{'counters':>9}{'rebuild s':>10}"
          f"{'page ms':>9}{'page reads':>11}{'old join read ms':>18}")
    for r in results:
        print(f"{r['db']:<11}{r['registrations']:>9}{r['confirmed']:>10}{r['counter_rows']:>9}"
              f"{r['rebuild_s']:>10}{r['page_ms']:>9}"
              f"{r['page_person_visit_registration_reads']:>11}{r['old_join_read_ms']:>18}")
    print(json.dumps({"bench": "confirmed", "results": results}))


if __name__ == "__main__":
    main()
