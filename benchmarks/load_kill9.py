"""Load under faults: a retry storm of citizens' check-ins while gunicorn is killed with -9.

    .venv/bin/python benchmarks/load_kill9.py [--citizens 1500] [--threads 24] [--kills 2]
                                              [--sqlite-only | --postgresql-only]

The real app under gunicorn (5 sync workers) on loopback; --threads phones send --citizens
check-ins to a desk's public form, every one sent twice (the first answer "lost"), and any
send that gets no answer, a connection error or a 5xx is sent again with the same submission
id until it gets its redirect to the ticket. Meanwhile the whole gunicorn process group is
killed with SIGKILL --kills times and started again. Afterwards the database is counted:
exactly --citizens rows, no submission id twice, queue numbers unique and without gaps, and on
SQLite `PRAGMA integrity_check` is ok. Not a test: a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import secrets
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_checkin import ROOT, count_rows, free_port, gunicorn, prepare, wait_for  # noqa: E402


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _send(url: str, body: bytes) -> int:
    """POST once; return the status, 0 for no answer."""
    try:
        with _OPENER.open(urllib.request.Request(url, data=body), timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _phone(url: str, work: queue.Queue, stats: dict, lock: threading.Lock) -> None:
    while True:
        try:
            n, body = work.get_nowait()
        except queue.Empty:
            return
        _send(url, body)  # the first answer is "lost": the phone sends again
        tries = 1
        while True:
            status = _send(url, body)
            tries += 1
            if status == 302:
                break
            with lock:
                stats["retried_" + ("no_answer" if status == 0 else str(status))] = (
                    stats.get("retried_" + ("no_answer" if status == 0 else str(status)), 0)
                    + 1)
            if status in (400, 404, 409, 422):
                with lock:
                    stats.setdefault("refused", []).append((n, status))
                break
            time.sleep(0.2)
        with lock:
            stats["sends"] += tries


def run(label: str, url: str, args, work: Path) -> dict:
    """Storm one database; return its figures."""
    instance = work / f"instance-{label}"
    instance.mkdir()
    token, tail = prepare(url, instance)
    env = {"FIELDOPS_INSTANCE_PATH": str(instance), "DATABASE_URL": url,
           "FIELDOPS_RATELIMIT_ENABLED": "false"}
    port = free_port()
    form_url = f"http://127.0.0.1:{port}/checkin/{token}"
    work_items: queue.Queue = queue.Queue()
    tail = tail.replace("phone=0987654321", "phone={phone}")
    for n in range(args.citizens):
        body = (f"submission_id={secrets.token_hex(16)}&full_name="
                + urllib.parse.quote(f"Người Dân Số {n}") + tail.format(phone=f"09{n:08d}"))
        work_items.put((n, body.encode()))
    stats: dict = {"sends": 0}
    lock = threading.Lock()
    server = gunicorn("fieldops:create_app()", port, env, ROOT)
    wait_for(f"http://127.0.0.1:{port}/healthz")
    started = time.monotonic()
    phones = [threading.Thread(target=_phone, args=(form_url, work_items, stats, lock))
              for _ in range(args.threads)]
    for phone in phones:
        phone.start()
    kills = 0
    try:
        while kills < args.kills and any(p.is_alive() for p in phones):
            time.sleep(args.every)
            os.killpg(server.pid, signal.SIGKILL)  # no shutdown, no flush: a power cut
            server.wait()
            kills += 1
            time.sleep(1)  # phones keep sending into nothing meanwhile
            server = gunicorn("fieldops:create_app()", port, env, ROOT)
            wait_for(f"http://127.0.0.1:{port}/healthz")
        for phone in phones:
            phone.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    elapsed = time.monotonic() - started
    counts = count_rows(url)
    result = {"db": label, "citizens": args.citizens, "kills": kills,
              "seconds": round(elapsed, 1), "sends": stats["sends"],
              "retries": {k: v for k, v in stats.items() if k.startswith("retried_")},
              "refused": len(stats.get("refused", [])), **counts}
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            result["integrity_check"] = db.execute("PRAGMA integrity_check").fetchone()[0]
    result["ok"] = (counts["rows"] == args.citizens and counts["duplicates"] == 0
                    and counts["queue_numbers_unique_and_gapless"] and not result["refused"]
                    and result.get("integrity_check", "ok") == "ok")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=1500)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--every", type=float, default=4.0, help="seconds between kills")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    results = []
    with tempfile.TemporaryDirectory(prefix="load-kill9-") as tmp:
        work = Path(tmp)
        if not args.postgresql_only:
            results.append(run("sqlite", f"sqlite:///{work / 'load.db'}", args, work))
        if not args.sqlite_only:
            name = f"fieldops_load_{secrets.token_hex(4)}"
            admin = sa.create_engine(args.pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            try:
                url = sa.make_url(args.pg).set(database=name).render_as_string(
                    hide_password=False)
                results.append(run("postgresql", url, args, work))
            finally:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()
    print(f"\n{args.citizens} citizens, each sent twice and resent until stored, "
          f"{args.threads} phones, gunicorn killed -9 {args.kills} times")
    print(f"{'db':<11}{'rows':>6}{'dupes':>7}{'queue ok':>9}{'sends':>7}{'kills':>6}"
          f"{'s':>7}  retries")
    for r in results:
        print(f"{r['db']:<11}{r['rows']:>6}{r['duplicates']:>7}"
              f"{str(r['queue_numbers_unique_and_gapless']):>9}{r['sends']:>7}{r['kills']:>6}"
              f"{r['seconds']:>7}  {r['retries']}  {'OK' if r['ok'] else 'NOT OK'}")
    print(json.dumps({"benchmark": "load_kill9", "results": results}, separators=(",", ":"),
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
