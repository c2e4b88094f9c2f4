"""Benchmark confirming a 10,000-hamlet places file and a 10,000-member file (SQLite, PostgreSQL).

    .venv/bin/python benchmarks/bench_imports.py [--rows 10000] [--rounds 3] [--sqlite-only]
                                                 [--checkin-rate 100] [--pg-admin-url URL]

The real app runs under gunicorn (5 sync workers) on loopback, as in bench_checkin.py. Each
round uploads a file through the pages (sign-in, CSRF and all), opens its preview, then times:
- raw: the same rows written by the driver's own executemany and committed, from this script,
  then deleted again (the baseline: what the database itself needs);
- confirm: the POST that confirms the preview, as the browser sends it.
The ratio is raw / confirm (1.0 = the confirmation costs no more than the bare write). Three
more rounds confirm while citizens' check-ins are posted at --checkin-rate a second on their own
connections: their p99 during the confirmations is what a citizen waits when an import lands.
A second upload of the same file must report 0 changes. Not a test; it prints a table and one
JSON line.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench_checkin import ROOT, WORKERS, free_port, gunicorn, prepare, stop, wait_for
from clients import Browser, CheckinLoad

PASSWORD = "bench-imports-2025"
#: confirmations timed while check-ins are posted; their check-ins are counted together
LOADED = 3
PLACES_HEADER = "Xã/Phường,Thôn/Ấp,Loại,Nhân khẩu từ đủ 14 tuổi trở lên,Số hộ\n"
MEMBERS_HEADER = "Họ và tên,Số điện thoại,Đơn vị,Am hiểu CNTT\n"


def _setup(url: str, instance: Path, rounds: int) -> dict:
    """The check-in campaign of bench_checkin, an organizer, empty communes and organisations."""
    token, tail = prepare(url, instance)
    from fieldops import create_app
    from fieldops.areas import services as areas
    from fieldops.areas.models import COMMUNE, PROVINCE, Area
    from fieldops.auth import services as accounts
    from fieldops.auth.models import ORGANIZER
    from fieldops.db import db
    from fieldops.teams import services as teams

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        province = db.session.execute(db.select(Area).filter_by(level=PROVINCE)).scalar_one()
        communes = [areas.save_area(None, level=COMMUNE, name=f"Bench {n}", parent=province).id
                    for n in range(rounds + LOADED + 1)]
        accounts.create_user("bench", "Bench Organizer", PASSWORD, ORGANIZER)
        organisations = [teams.save_organisation(None, name=f"Viettel {n}", kind="telecom").id
                         for n in range(rounds + LOADED + 1)]
        db.session.commit()
        made = {"token": token, "tail": tail, "province": province.id, "communes": communes,
                "organisations": organisations}
        db.engine.dispose()
    return made


def _files(kind: str, number: int, rows: int) -> tuple[bytes, list[tuple]]:
    """Return a file of `rows` rows and the same rows as the import stores them (raw)."""
    from fieldops.text import fold

    if kind == "places":
        lines = [f"Bench {number},Ấp Thọ {n},ấp,{1000 + n},{100 + n % 400}\n" for n in range(rows)]
        raw = [("hamlet", "ap", f"Thọ {n}", fold(f"Ấp Thọ {n}"), None, None, 1000 + n,
                100 + n % 400, None, None) for n in range(rows)]
        return (PLACES_HEADER + "".join(lines)).encode(), raw
    lines = [f"Thành Viên {n},09{number}{n:07d},Viettel {number},{'x' if n % 3 == 0 else ''}\n"
             for n in range(rows)]
    raw = [(f"Thành Viên {n}", f"09{number}{n:07d}", None, n % 3 == 0, None) for n in range(rows)]
    return (MEMBERS_HEADER + "".join(lines)).encode(), raw


RAW_SQL = {
    "places": ("INSERT INTO area (level, kind, name, name_folded, parent_id, code, "
               "population_14plus, households, latitude, longitude, created_at) VALUES "
               "({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
               "DELETE FROM area WHERE parent_id = {p}"),
    "members": ("INSERT INTO member (full_name, phone, organisation_id, it_savvy, user_id, "
                "created_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
                "DELETE FROM member WHERE organisation_id = {p}"),
}


def _raw_write(engine, kind: str, rows: list[tuple], owner: int) -> float:
    """Write the rows with the driver's executemany and commit; return the seconds; undo it."""
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    insert, delete = (sql.format(p=mark) for sql in RAW_SQL[kind])
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if engine.dialect.name == "sqlite" else now
    at = 4 if kind == "places" else 2  # where the commune or organisation goes in a row
    rows = [(*row[:at], owner, *row[at + 1:], stamp) for row in rows]
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        cursor.executemany(insert, rows)
        connection.commit()
        seconds = time.perf_counter() - started
        cursor.execute(delete, (owner,))
        connection.commit()
    finally:
        connection.close()
    return seconds


def _count(engine, kind: str, owner: int) -> int:
    import sqlalchemy as sa

    table, column = ("area", "parent_id") if kind == "places" else ("member", "organisation_id")
    with engine.connect() as connection:
        return connection.execute(sa.text(
            f"SELECT count(*) FROM {table} WHERE {column} = :o"), {"o": owner}).scalar_one()


def _round(browser: Browser, engine, kind: str, number: int, rows: int, made: dict,
           load: CheckinLoad | None = None) -> dict:
    """Upload, preview, raw write and confirm one file; return the figures."""
    content, raw = _files(kind, number, rows)
    if kind == "places":
        owner, form = made["communes"][number], "/areas/import"
        fields = {"parent_id": made["province"]}
    else:
        owner, form = made["organisations"][number], "/members/import"
        fields = {}
    token, _ = browser.token(form)
    started = time.perf_counter()
    preview = browser.upload(form, {"csrf_token": token, **fields}, f"{kind}.csv", content)
    uploaded = time.perf_counter()
    token, preview_bytes = browser.token(preview)
    previewed = time.perf_counter()
    raw_seconds = _raw_write(engine, kind, raw, owner)
    confirm_start = time.perf_counter()
    status, _ = browser.post_form(preview, {"csrf_token": token})
    confirm_end = time.perf_counter()
    assert status == 302, status
    stored = _count(engine, kind, owner)
    assert stored == rows, (kind, stored, rows)
    figures = {"upload_s": round(uploaded - started, 3),
               "preview_s": round(previewed - uploaded, 3),
               "preview_kb": round(preview_bytes / 1024, 1), "raw_s": round(raw_seconds, 3),
               "confirm_s": round(confirm_end - confirm_start, 3),
               "ratio": round(raw_seconds / (confirm_end - confirm_start), 3)}
    if load is not None:
        figures["upload_window"] = (started, uploaded)
        figures["confirm_window"] = (confirm_start, confirm_end)
    return figures


def _same_again(browser: Browser, kind: str, number: int, rows: int, made: dict) -> dict:
    """Upload the file of a round again: its preview and its confirmation must say 0 changes."""
    content, _ = _files(kind, number, rows)
    form = "/areas/import" if kind == "places" else "/members/import"
    fields = {"parent_id": made["province"]} if kind == "places" else {}
    token, _ = browser.token(form)
    preview = browser.upload(form, {"csrf_token": token, **fields}, f"{kind}.csv", content)
    _, _, page = browser.send(preview)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    started = time.perf_counter()
    status, _ = browser.post_form(preview, {"csrf_token": token})
    seconds = time.perf_counter() - started
    assert status == 302, (kind, status, re.sub(r"<[^>]+>", " ", page)[-1500:])
    # The message shows on the next page drawn: a light one (the members list shows them all).
    _, _, done = browser.send(form)
    found = re.search(r"Đã nhập[^<]*", done)
    assert found, (kind, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", done))[:1500])
    said = found.group(0).strip()
    return {"confirm_s": round(seconds, 3), "message": said,
            "zero_changes": said in ("Đã nhập xong: 0 mục được tạo mới hoặc cập nhật.",
                                     "Đã nhập 0 thành viên mới, cập nhật 0.")}


def bench_database(label: str, url: str, args, work: Path) -> list[dict]:
    """Serve the app on one database and run every round of both imports; return result rows."""
    import sqlalchemy as sa

    instance = work / f"instance-{label}"
    instance.mkdir()
    made = _setup(url, instance, args.rounds)
    env = {"FIELDOPS_INSTANCE_PATH": str(instance), "DATABASE_URL": url,
           "FIELDOPS_CHECKIN_RATE_PER_ADDRESS": "10000000/minute",
           "FIELDOPS_CHECKIN_RATE_PER_CODE": "10000000/minute",
           "FIELDOPS_RATELIMIT_STORAGE_URI": "memory://"}
    port = free_port()
    server = gunicorn("fieldops:create_app()", port, env, ROOT)
    engine = sa.create_engine(url, connect_args={"timeout": 5} if label == "sqlite" else {})
    results = []
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        browser = Browser(f"http://127.0.0.1:{port}")
        token, _ = browser.token("/sign-in")
        status, _ = browser.post_form("/sign-in", {"csrf_token": token, "username": "bench",
                                                   "password": PASSWORD})
        assert status == 302, status
        for kind in ("places", "members"):
            # Not timed: a small file, then the same again on every worker (most likely), so
            # that each worker has compiled what a confirmation runs.
            warm = args.rounds + LOADED
            _round(browser, engine, kind, warm, 200, made)
            for _ in range(2 * WORKERS):
                _same_again(browser, kind, warm, 200, made)
            rounds = [_round(browser, engine, kind, n, args.rows, made)
                      for n in range(args.rounds)]
            with CheckinLoad(port, made["token"], made["tail"], args.checkin_rate) as load:
                idle = (time.perf_counter(), time.perf_counter() + 1.5)
                time.sleep(1.5)  # check-ins alone first: their usual wait
                loaded = []
                for n in range(args.rounds, args.rounds + LOADED):
                    loaded.append(_round(browser, engine, kind, n, args.rows, made, load))
                    time.sleep(0.3)
            results.append({
                "db": label, "import": kind, "rows": args.rows, "rounds": rounds,
                "ratio": statistics.median(r["ratio"] for r in rounds),
                "confirm_s": statistics.median(r["confirm_s"] for r in rounds),
                "raw_s": statistics.median(r["raw_s"] for r in rounds),
                "loaded_confirm_s": statistics.median(r["confirm_s"] for r in loaded),
                "checkins_idle": load.during(idle),
                "checkins_during_upload": load.during(*(r.pop("upload_window") for r in loaded)),
                "checkins_during_confirm": load.during(*(r.pop("confirm_window")
                                                         for r in loaded)),
                "loaded_rounds": loaded,
                "same_file_again": _same_again(browser, kind, 0, args.rows, made)})
    finally:
        stop(server)
        engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="confirmations timed per import")
    parser.add_argument("--checkin-rate", type=float, default=100.0, help="check-ins a second")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--pg-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/"
                        "postgres", help="a database to connect to for CREATE DATABASE")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    started = time.monotonic()
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        work = Path(tmp)
        if not args.postgresql_only:
            results += bench_database("sqlite", f"sqlite:///{work / 'bench.db'}", args, work)
        if not args.sqlite_only:
            name = f"fieldops_bench_{secrets.token_hex(4)}"
            admin = sa.create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            try:
                url = sa.make_url(args.pg_admin_url).set(database=name).render_as_string(
                    hide_password=False)
                results += bench_database("postgresql", url, args, work)
            finally:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()
    _print(results, args)
    print(json.dumps({"benchmark": "imports_confirm", "rows": args.rows, "rounds": args.rounds,
                      "checkin_rate": args.checkin_rate,
                      "elapsed_s": round(time.monotonic() - started, 1), "results": results},
                     separators=(",", ":"), ensure_ascii=False))


def _print(results: list[dict], args) -> None:
    print(f"\n{args.rows} rows a file; medians of {args.rounds} rounds; ratio = raw executemany "
          f"/ confirm (target >= 0.30)\n"
          f"{'db':<11}{'import':<9}{'upload s':>9}{'preview s':>10}{'KB':>6}{'raw s':>7}"
          f"{'confirm s':>10}{'ratio':>7}   same file again")
    for r in results:
        first = r["rounds"][0]
        again = r["same_file_again"]
        print(f"{r['db']:<11}{r['import']:<9}{first['upload_s']:>9.2f}{first['preview_s']:>10.2f}"
              f"{first['preview_kb']:>6.0f}{r['raw_s']:>7.3f}{r['confirm_s']:>10.3f}"
              f"{r['ratio']:>7.2f}   {again['confirm_s']:.3f} s, {again['message']}")
    print(f"\ncheck-ins at {args.checkin_rate:.0f}/s while a file is uploaded and confirmed "
          f"(ms)\n{'db':<11}{'import':<9}{'confirm s':>10}  {'idle p99':>8}  "
          f"{'upload n/p99/max':>18}  {'confirm n/p50/p99/max':>24}  errors")
    for r in results:
        up, during = r["checkins_during_upload"], r["checkins_during_confirm"]
        print(f"{r['db']:<11}{r['import']:<9}{r['loaded_confirm_s']:>10.3f}  "
              f"{r['checkins_idle'].get('p99_ms', 0):>8.1f}  "
              f"{up.get('count', 0):>5}/{up.get('p99_ms', 0):>6.1f}/{up.get('max_ms', 0):>5.0f}  "
              f"{during.get('count', 0):>5}/{during.get('p50_ms', 0):>5.1f}/"
              f"{during.get('p99_ms', 0):>6.1f}/{during.get('max_ms', 0):>6.1f}  "
              f"{up.get('errors', 0) + during.get('errors', 0)}")


if __name__ == "__main__":
    main()
