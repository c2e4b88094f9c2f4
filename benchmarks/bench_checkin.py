"""Benchmark the citizen check-in POST against a bare Flask insert, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_checkin.py [--seconds 4] [--rounds 3] [--limits memory]
                                                 [--sqlite-only | --postgresql-only]

Both apps run under gunicorn with 5 sync workers on loopback; wrk posts unique submission ids,
each one twice, at 16 and 64 connections, in alternating runs (bare, ours, bare, ours, ...):
each figure is the median of its runs. Afterwards the script counts rows, distinct
submission ids and queue numbers in the database: a duplicate or a skipped queue number shows.
Needs wrk (apt-get install -y wrk) and gunicorn (pip install -e '.[scale]'). Not a test.
The real app's rate limits are raised for the run (one address sends everything) and kept in
Redis, as README's scale-out asks when several processes serve the app (--limits memory counts
them per process instead).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: limits are counted here; database 15 by default, never a deployment's database 0
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKERS = 5

BARE_APP = textwrap.dedent('''
    """A bare Flask + Flask-SQLAlchemy endpoint inserting one row: the baseline."""
    import os
    from datetime import UTC, datetime

    from flask import Flask, request
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import event

    app = Flask(__name__)
    url = os.environ["BENCH_DATABASE_URL"]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 5}}
    db = SQLAlchemy(app)

    class BareRow(db.Model):
        __tablename__ = "bare_row"
        id = db.Column(db.Integer, primary_key=True)
        submission_id = db.Column(db.String(64))
        full_name = db.Column(db.String(120))
        created_at = db.Column(db.DateTime(timezone=True))

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            @event.listens_for(db.engine, "connect")
            def _pragmas(connection, _record):
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA busy_timeout=5000")
                cursor.close()

    @app.post("/insert")
    def insert():
        db.session.add(BareRow(submission_id=request.form["submission_id"],
                               full_name=request.form["full_name"],
                               created_at=datetime.now(UTC)))
        db.session.commit()
        return "ok"
''')

# Each wrk thread counts its requests; request n carries id <thread>-<n // 2>, so every id is
# sent twice, often on two connections at once. The name carries the id too: every pair is a new
# citizen (one phone for all, and the same name again would be the same person, given back
# their ticket without a write).
WRK_SCRIPT = textwrap.dedent('''
    local threads = {}
    local counter = 1
    function setup(thread)
      thread:set("tid", counter)
      counter = counter + 1
      table.insert(threads, thread)
    end
    function init(args)
      n = 0
      prefix = args[1] .. "-" .. tid .. "-"
      body_tail = args[2]
      wrk.method = "POST"
      wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    function request()
      local pair = math.floor(n / 2)
      n = n + 1
      return wrk.format(nil, nil, nil, "submission_id=" .. prefix .. pair ..
                        "&full_name=Nguyen+Van+" .. prefix .. pair .. body_tail)
    end
    function done(summary, latency, requests)
      local sent = 0
      for _, t in ipairs(threads) do sent = sent + math.ceil(t:get("n") / 2) end
      local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                     summary.errors.status + summary.errors.timeout
      io.write(string.format(
        'WRKJSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
        '"errors": %d, "status_errors": %d, "ids_sent": %d}\\n',
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
        latency:percentile(99) / 1000, errors, summary.errors.status, sent))
    end
''')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 120, expect_error: bool = False) -> None:
    """Wait until a server answers (any HTTP status counts when expect_error)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            if expect_error:
                return
            time.sleep(0.2)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def gunicorn(app_spec: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(exe), "--workers", str(WORKERS), "--worker-class", "sync", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
        cwd=cwd, env={**os.environ, **env}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_wrk(url: str, connections: int, seconds: int, tag: str, body_tail: str,
            script: Path) -> dict:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "5s",
         "-s", str(script), url, "--", tag, body_tail],
        capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    result = json.loads(line[len("WRKJSON "):])
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    return result


def prepare(url: str, instance: Path) -> tuple[str, str]:
    """Create the schema and a running campaign with a desk; return (token, form tail)."""
    from datetime import time as clock
    from datetime import timedelta

    import sqlalchemy as sa

    from fieldops import create_app
    from fieldops.areas import services as areas
    from fieldops.areas.models import COMMUNE, HAMLET, PROVINCE
    from fieldops.campaigns import services as campaigns
    from fieldops.campaigns.models import Service
    from fieldops.clock import local_today
    from fieldops.db import db
    from fieldops.events import desks
    from fieldops.events import services as events
    from fieldops.events.models import CHECKIN

    os.environ["FIELDOPS_INSTANCE_PATH"] = str(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        # The baseline's table, made here once rather than by five workers racing.
        bare = sa.MetaData()
        sa.Table("bare_row", bare, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("submission_id", sa.String(64)), sa.Column("full_name", sa.String(120)),
                 sa.Column("created_at", sa.DateTime(timezone=True)))
        bare.create_all(db.engine)
        campaigns.ensure_builtin_services()
        province = areas.save_area(None, level=PROVINCE, name="Đồng Nai")
        commune = areas.save_area(None, level=COMMUNE, name="Nhơn Trạch", parent=province)
        hamlet = areas.save_area(None, level=HAMLET, name="Chợ", kind="ap", parent=commune)
        service = db.session.execute(db.select(Service).filter_by(code="eid_level2")).scalar_one()
        today = local_today()
        campaign = campaigns.save_campaign(
            None, title="Bench", start_date=today - timedelta(days=1),
            end_date=today + timedelta(days=30), communes=[commune], services=[service])
        event = events.save_event(campaign, None, title="Bench", event_date=today,
                                  start_time=clock(7), end_time=clock(11), venue_name="UBND")
        desk = desks.save_desk(event, None, organisation="Công an xã", table_label="Bàn 1",
                               services=[service])
        db.session.commit()
        token = desk.current_code(CHECKIN).token
        tail = f"&phone=0987654321&hamlet_id={hamlet.id}&services={service.id}&consent=y"
        db.engine.dispose()
    return token, tail


def count_rows(url: str) -> dict:
    """Count registrations, distinct submission ids and queue numbers after the runs."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows, distinct, numbers, top = connection.execute(sa.text(
            "SELECT count(*), count(DISTINCT submission_id), count(DISTINCT queue_number), "
            "max(queue_number) FROM registration")).one()
        bare = connection.execute(sa.text("SELECT count(*) FROM bare_row")).scalar_one()
    engine.dispose()
    return {"rows": rows, "distinct_submission_ids": distinct, "duplicates": rows - distinct,
            "queue_numbers_unique_and_gapless": numbers == rows == (top or 0),
            "bare_rows": bare}


def median_run(runs: list[dict]) -> dict:
    """Return the median rate, p50 and p99 of several runs, with their errors summed."""
    return {"rps": statistics.median(r["rps"] for r in runs),
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
            "requests": sum(r["requests"] for r in runs), "runs": len(runs)}


def bench_database(label: str, url: str, seconds: int, rounds: int, work: Path,
                   limits: str) -> list[dict]:
    """Run bare and real app at 16 and 64 connections on one database; return result rows."""
    instance = work / f"instance-{label}"
    instance.mkdir()
    token, tail = prepare(url, instance)
    (work / "bare_app.py").write_text(BARE_APP)
    script = work / "post.lua"
    script.write_text(WRK_SCRIPT)
    env = {"FIELDOPS_INSTANCE_PATH": str(instance), "DATABASE_URL": url,
           "BENCH_DATABASE_URL": url,
           # One loopback address sends everything: lift the per-address and per-code limits.
           "FIELDOPS_CHECKIN_RATE_PER_ADDRESS": "10000000/minute",
           "FIELDOPS_CHECKIN_RATE_PER_CODE": "10000000/minute",
           "FIELDOPS_RATELIMIT_STORAGE_URI": limits}
    bare_port, app_port = free_port(), free_port()
    bare = gunicorn("bare_app:app", bare_port, env, work)
    real = gunicorn("fieldops:create_app()", app_port, env, ROOT)
    results = []
    try:
        wait_for(f"http://127.0.0.1:{app_port}/healthz")
        wait_for(f"http://127.0.0.1:{bare_port}/insert", expect_error=True)
        # Warm every worker first (imports, templates, connections): not measured.
        run_wrk(f"http://127.0.0.1:{bare_port}/insert", 16, 2, "wb", tail, script)
        run_wrk(f"http://127.0.0.1:{app_port}/checkin/{token}", 16, 2, "wa", tail, script)
        for connections in (16, 64):
            # Alternate short runs and keep the medians: the machine is shared, and its load
            # moves within seconds (ratios of single back-to-back runs swung by +-15 points).
            bases, ourses = [], []
            for _ in range(rounds):
                tag = secrets.token_hex(3)
                bases.append(run_wrk(f"http://127.0.0.1:{bare_port}/insert", connections,
                                     seconds, f"b{tag}", tail, script))
                ourses.append(run_wrk(f"http://127.0.0.1:{app_port}/checkin/{token}",
                                      connections, seconds, f"a{tag}", tail, script))
            base, ours = median_run(bases), median_run(ourses)
            results.append({"db": label, "connections": connections, "bare": base,
                            "checkin": ours,
                            "ratio": round(ours["rps"] / base["rps"], 3) if base["rps"] else 0,
                            "round_ratios": [round(o["rps"] / b["rps"], 3)
                                             for b, o in zip(bases, ourses, strict=True)]})
    finally:
        stop(real)
        stop(bare)
    counts = count_rows(url)
    for row in results:
        row["counts"] = counts
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4, help="length of one run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per figure")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--limits", choices=("redis", "memory"), default="redis")
    args = parser.parse_args()
    limits = REDIS_URL if args.limits == "redis" else "memory://"
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    started = time.monotonic()
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-checkin-") as tmp:
        work = Path(tmp)
        if not args.postgresql_only:
            results += bench_database("sqlite", f"sqlite:///{work / 'bench.db'}", args.seconds,
                                      args.rounds, work, limits)
        if not args.sqlite_only:
            name = f"fieldops_bench_{secrets.token_hex(4)}"
            admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            try:
                url = sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(
                    hide_password=False)
                (work / "bare_app.py").unlink(missing_ok=True)
                results += bench_database("postgresql", url, args.seconds, args.rounds, work,
                                          limits)
            finally:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()

    print(f"\nmedians of {args.rounds} alternating runs of {args.seconds} s each\n"
          f"{'db':<11}{'conn':>5}  {'bare req/s':>10} {'p50':>6} {'p99':>6}  "
          f"{'check-in req/s':>14} {'p50':>6} {'p99':>6} {'err':>4}  {'ratio':>6}  each round")
    for r in results:
        b, c = r["bare"], r["checkin"]
        print(f"{r['db']:<11}{r['connections']:>5}  {b['rps']:>10.0f} {b['p50_ms']:>6.1f} "
              f"{b['p99_ms']:>6.1f}  {c['rps']:>14.0f} {c['p50_ms']:>6.1f} {c['p99_ms']:>6.1f} "
              f"{c['errors']:>4}  {r['ratio']:>6.0%}  "
              + " ".join(f"{x:.0%}" for x in r["round_ratios"]))
    for label in dict.fromkeys(r["db"] for r in results):
        counts = next(r["counts"] for r in results if r["db"] == label)
        print(f"{label}: {counts}")
    summary = {"benchmark": "checkin_post", "workers": WORKERS, "seconds": args.seconds,
               "rounds": args.rounds,
               "rate_limit_store": args.limits,
               "elapsed_s": round(time.monotonic() - started, 1), "results": results}
    print(json.dumps(summary, separators=(",", ":")))


if __name__ == "__main__":
    main()
