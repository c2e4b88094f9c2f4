"""How fast are desk posters and QR images?

Measures, on a throw-away SQLite database with one launch event and 20 help desks:
  (a) the poster PDF of all 20 desks (two QR codes each): cold (every QR image made and
      stored) and warm (images cached), against a baseline of fpdf2 writing 20 A4 pages of
      plain text with the same bundled font (so font loading and subsetting cancel out);
  (b) requests per second for a cached QR PNG (/qr/<token>.png) against a static file of
      about the same size (/static/js/app.js), both served by the same server: waitress, as
      `fieldops serve` runs it, in a child process with 4 threads. The load comes from `wrk`
      (apt-get install -y wrk) when installed, else from a Python thread pool.
Prints a table, then ONE JSON line of figures. Run: .venv/bin/python benchmarks/bench_events.py
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DESKS = 20
RUNS = 3
LOAD_SECONDS = 5
CONNECTIONS = 16
THREADS = 4


def _app(instance: Path):
    os.environ["FIELDOPS_INSTANCE_PATH"] = str(instance)
    from fieldops import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'bench.db'}",
                       "RATELIMIT_ENABLED": False, "PUBLIC_BASE_URL": "http://192.168.1.10:5000"})


def _build(app) -> tuple[int, str]:
    """Create a campaign, a launch event and 20 desks; return the event id and one token."""
    from fieldops.campaigns import services as campaigns
    from fieldops.db import db
    from fieldops.events import desks, services

    with app.app_context():
        db.create_all()
        campaigns.ensure_builtin_services()
        campaign = campaigns.save_campaign(None, title="Chiến dịch đo",
                                           start_date=date(2025, 10, 10),
                                           end_date=date(2025, 11, 8))
        event = services.save_event(campaign, None, title="Lễ phát động ra quân",
                                    event_date=date(2025, 10, 10), start_time=clock(7),
                                    end_time=clock(11), venue_name="Trụ sở UBND xã")
        for n in range(1, DESKS + 1):
            desks.save_desk(event, None, organisation=f"Đơn vị hỗ trợ số {n}",
                            table_label=f"Bàn {n}", purpose="Hướng dẫn cài đặt, kích hoạt")
        db.session.commit()
        return event.id, event.desks[0].current_code("guide").token


def _median_ms(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _posters(app, event_id: int) -> dict:
    from fieldops.db import db
    from fieldops.events import pdf, qr
    from fieldops.events.desk_views import _codes_for
    from fieldops.events.models import LaunchEvent, QRImage

    def render() -> bytes:
        with app.test_request_context():
            event = db.session.get(LaunchEvent, event_id)
            content = pdf.posters(event, list(event.desks), _codes_for)
            db.session.commit()
            return content

    def cold() -> None:
        qr._memory.clear()
        with app.app_context():
            db.session.execute(db.delete(QRImage))
            db.session.commit()
        render()

    def baseline() -> None:
        document = pdf.new_document("baseline")
        for n in range(DESKS):
            document.add_page()
            document.set_font(pdf.FONT, "B", 40)
            document.cell(0, 20, f"BÀN {n + 1} – Đơn vị hỗ trợ số {n + 1}")
        document.output()
        pdf.close_fonts(document)

    figures = {"poster_cold_ms": _median_ms(cold), "poster_warm_ms": _median_ms(render),
               "baseline_text_pages_ms": _median_ms(baseline)}
    figures["poster_bytes"] = len(render())
    return figures


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(instance: Path, port: int) -> subprocess.Popen:
    here = str(Path(__file__).parent)
    code = (f"import sys, pathlib; sys.path.insert(0, {here!r}); import bench_events as b; "
            f"from waitress import serve; serve(b._app(pathlib.Path({str(instance)!r})), "
            f"host='127.0.0.1', port={port}, threads={THREADS}, _quiet=True)")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def _wrk(url: str) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{LOAD_SECONDS}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale}


def _pool(port: int, path: str) -> dict:
    """A keep-alive client per thread, for machines without wrk."""
    counts, latencies, stop = [], [], time.perf_counter() + LOAD_SECONDS
    lock = threading.Lock()

    def worker() -> None:
        conn, done, mine = http.client.HTTPConnection("127.0.0.1", port), 0, []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            conn.request("GET", path)
            conn.getresponse().read()
            mine.append((time.perf_counter() - start) * 1000)
            done += 1
        conn.close()
        with lock:
            counts.append(done)
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {"rps": sum(counts) / LOAD_SECONDS,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0}


def _http(instance: Path, token: str) -> dict:
    port = _free_port()
    server = _serve(instance, port)
    try:
        qr_path, static_path = f"/qr/{token}.png", "/static/js/app.js"
        sizes = {}
        for path in (qr_path, static_path):  # warm up: the first QR request makes the image
            conn = http.client.HTTPConnection("127.0.0.1", port)
            conn.request("GET", path)
            response = conn.getresponse()
            sizes[path] = len(response.read())
            assert response.status == 200, (path, response.status)
            conn.close()
        tool = "wrk" if shutil.which("wrk") else "python-threads"
        measure = (lambda p: _wrk(f"http://127.0.0.1:{port}{p}")) if tool == "wrk" else (
            lambda p: _pool(port, p))
        return {"client": tool, "qr": measure(qr_path), "static": measure(static_path),
                "qr_bytes": sizes[qr_path], "static_bytes": sizes[static_path]}
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        app = _app(instance)
        event_id, token = _build(app)
        posters = _posters(app, event_id)
        with app.app_context():
            from fieldops.db import db

            db.engine.dispose()
        served = _http(instance, token)
    ratio = served["qr"]["rps"] / served["static"]["rps"]
    print(f"Posters PDF, {DESKS} desks (median of {RUNS})")
    print(f"  cold (QR images made)      {posters['poster_cold_ms']:8.1f} ms")
    print(f"  warm (QR images cached)    {posters['poster_warm_ms']:8.1f} ms"
          f"   ({posters['poster_bytes'] / 1024:.0f} KiB)")
    print(f"  baseline: 20 text pages    {posters['baseline_text_pages_ms']:8.1f} ms")
    print(f"HTTP, waitress {THREADS} threads, {CONNECTIONS} connections, {LOAD_SECONDS} s each,"
          f" client {served['client']}")
    for name, key, size in (("cached QR PNG", "qr", served["qr_bytes"]),
                            ("static file", "static", served["static_bytes"])):
        print(f"  {name:<15} {size:5d} B  {served[key]['rps']:8.0f} req/s"
              f"  p99 {served[key]['p99_ms']:7.1f} ms")
    print(f"  QR / static throughput: {ratio:.2f}")
    print(f"  total run time {time.perf_counter() - started:.1f} s")
    print(json.dumps({
        "desks": DESKS, "poster_cold_ms": round(posters["poster_cold_ms"], 1),
        "poster_warm_ms": round(posters["poster_warm_ms"], 1),
        "baseline_text_pages_ms": round(posters["baseline_text_pages_ms"], 1),
        "qr_png_rps": round(served["qr"]["rps"]), "static_rps": round(served["static"]["rps"]),
        "qr_p99_ms": round(served["qr"]["p99_ms"], 1),
        "static_p99_ms": round(served["static"]["p99_ms"], 1),
        "qr_to_static": round(ratio, 2), "server": f"waitress threads={THREADS}",
        "client": served["client"], "connections": CONNECTIONS}))


if __name__ == "__main__":
    main()
