"""How fast are the field pages on a cheap phone on weak 4G? The budgets of issue 13, item 4.

Serves the demo data (plus a campaign running today with a desk) as `fieldops serve` does
(waitress) on a free loopback port, and drives Debian's Chromium through Playwright with the
network and CPU of a cheap phone on weak 4G (400 kbps down, 150 kbps up, 400 ms latency, 4x
slower CPU). Measures:
  - the citizen's check-in form usable (DOMContentLoaded: styles and scripts in), first visit
    (empty cache) and from cache, and the bytes it transfers on the first visit;
  - submit to ticket (the tap on "Lấy số thứ tự" to the ticket page usable);
  - the team lead's hamlet map with the hamlets drawn (empty cache).
The baseline, in the same run: the same app with STATIC_HASHED off (static files as before:
uncompressed, revalidated on every use). Prints a table, then ONE JSON line.
Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_field.py
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: bytes per second: about 400 kbps down and 150 kbps up
WEAK_4G = {"offline": False, "latency": 400, "downloadThroughput": 50_000,
           "uploadThroughput": 18_750}
CPU_SLOWDOWN = 4
RUNS = 3  # the median of three: one run on a shared machine can be unlucky
BUDGETS = {"form_first_ms": 2500, "form_cached_ms": 1000, "submit_ms": 3000, "map_ms": 4000,
           "form_first_kb": 25}
LEAD = ("truongdoan", "demo-lead-2025")


def free_port() -> int:
    """Return a loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(instance: Path) -> tuple[str, int]:
    """Load the demo and a campaign running today with one desk; return (token, map campaign)."""
    from datetime import time as clock
    from datetime import timedelta

    from fieldops import create_app
    from fieldops.areas.models import Area
    from fieldops.campaigns import services as campaigns
    from fieldops.campaigns.models import Campaign, Service
    from fieldops.cli import _upgrade_database
    from fieldops.clock import local_today
    from fieldops.db import db
    from fieldops.demo import load_demo
    from fieldops.events import desks
    from fieldops.events import services as events
    from fieldops.events.models import CHECKIN

    os.environ["FIELDOPS_INSTANCE_PATH"] = str(instance)
    app = create_app()
    with app.app_context():
        _upgrade_database()  # as `fieldops demo` does
        load_demo()
        commune = db.session.execute(db.select(Area).filter_by(
            level="commune", name="Nhơn Trạch")).scalar_one()
        chosen = db.session.execute(db.select(Service).where(
            Service.code.in_(["vneid_install", "eid_level2", "digital_signature"]))).scalars()
        chosen = list(chosen)
        today = local_today()
        campaign = campaigns.save_campaign(
            None, title="30 ngày phổ cập chữ ký số", start_date=today - timedelta(days=1),
            end_date=today + timedelta(days=30), communes=[commune], services=chosen)
        event = events.save_event(campaign, None, title="Lễ ra quân", event_date=today,
                                  start_time=clock(0), end_time=clock(23, 59),
                                  venue_name="Hội trường UBND xã")
        desk = desks.save_desk(event, None, organisation="Công an xã", table_label="Bàn 1",
                               services=chosen)
        db.session.commit()
        token = desk.current_code(CHECKIN).token
        map_campaign = db.session.execute(
            db.select(Campaign.id).filter_by(plan_number="63/KH-UBND")).scalar_one()
        db.engine.dispose()
    return token, map_campaign


def serve(instance: Path, port: int, hashed: bool) -> subprocess.Popen:
    """Start `fieldops serve` (waitress) on a loopback port; return once it answers."""
    env = {**os.environ, "FIELDOPS_INSTANCE_PATH": str(instance), "PYTHONPATH": str(ROOT),
           "FIELDOPS_STATIC_HASHED": "true" if hashed else "false",
           "FIELDOPS_RATELIMIT_ENABLED": "false"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from fieldops.cli import main; main()", "serve",
         "--host", "127.0.0.1", "--port", str(port), "--threads", "4"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not answer within 60 s")


class Phone:
    """One browser context throttled like a cheap phone on weak 4G, counting bytes received."""

    def __init__(self, browser, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 390, "height": 800},
                                           locale="vi-VN", base_url=base)
        # Requests are watched, not routed: Playwright's routing would turn the cache off.
        self.foreign: list[str] = []
        self.context.on("request", self._note_foreign)
        self.page = self.context.new_page()
        self.page.add_init_script("""document.addEventListener("hamlets:loaded",
            () => { window.__hamletsAt = performance.now(); });""")
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.received = 0
        self.cdp.on("Network.loadingFinished",
                    lambda event: setattr(self, "received",
                                          self.received + event["encodedDataLength"]))

    def _note_foreign(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            self.foreign.append(request.url)  # a phone in the field may reach no other host

    def throttle(self, cache: bool) -> None:
        """Weak 4G and a slow CPU from now on; cache=False is a first visit."""
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
        self.cdp.send("Network.emulateNetworkConditions", WEAK_4G)
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

    def unthrottle(self) -> None:
        """Full speed (signing in is not what is measured)."""
        self.cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})

    def usable_ms(self) -> float:
        """Return DOMContentLoaded's end for the page now shown, from its navigation start."""
        self.page.wait_for_load_state("load")
        return self.page.evaluate(
            "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")

    def close(self) -> None:
        """Close the context (its cookies and cache go with it)."""
        self.context.close()


def measure_form(browser, base: str, token: str) -> dict:
    """Time the check-in form (first visit, from cache) and the submission to the ticket."""
    phone = Phone(browser, base)
    try:
        phone.throttle(cache=False)
        phone.received = 0
        phone.page.goto(f"/checkin/{token}")
        first = phone.usable_ms()
        first_bytes = phone.received
        phone.throttle(cache=True)
        phone.page.goto(f"/checkin/{token}")  # warm the cache: the first visit had it off
        phone.page.goto("about:blank")
        phone.page.goto(f"/checkin/{token}")
        cached = phone.usable_ms()
        page = phone.page
        page.locator("#full_name").fill("Nguyễn Thị Hoa")
        page.locator("#phone").fill("0987 654 321")
        page.locator("#hamlet-list input").first.check()
        page.locator("input[name=services]").first.check()
        page.locator("input[name=consent]").check()
        page.get_by_role("button", name="Lấy số thứ tự").click()
        page.wait_for_url("**/checkin/ticket/**")
        submit = phone.usable_ms()  # the ticket's navigation starts at the tap
        assert page.locator(".queue-number").inner_text().strip(), "no queue number shown"
        return {"form_first_ms": first, "form_cached_ms": cached, "submit_ms": submit,
                "form_first_kb": first_bytes / 1024, "foreign": phone.foreign}
    finally:
        phone.close()


def measure_map(browser, base: str, campaign_id: int) -> dict:
    """Time the team lead's hamlet map, empty cache, until the hamlets are drawn."""
    phone = Phone(browser, base)
    try:
        page = phone.page
        page.goto("/sign-in")
        page.locator("input[name=username]").fill(LEAD[0])
        page.locator("input[name=password]").fill(LEAD[1])
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(lambda url: "/sign-in" not in url)
        phone.throttle(cache=False)
        phone.received = 0
        page.goto(f"/campaigns/{campaign_id}/map")
        page.wait_for_function("window.__hamletsAt !== undefined", timeout=60_000)
        drawn = page.locator(".leaflet-overlay-pane .leaflet-interactive").count()
        assert drawn, "no hamlet drawn"
        return {"map_ms": page.evaluate("window.__hamletsAt"), "map_kb": phone.received / 1024,
                "map_shapes": drawn, "foreign": phone.foreign}
    finally:
        phone.close()


def median(values: list[float]) -> float:
    """Return the middle value (of an odd count) or the lower middle."""
    return sorted(values)[(len(values) - 1) // 2]


def run(browser, base: str, token: str, campaign_id: int) -> dict:
    """Measure every figure RUNS times; return the medians and any foreign request."""
    runs = [{**measure_form(browser, base, token), **measure_map(browser, base, campaign_id)}
            for _ in range(RUNS)]
    figures = {key: round(median([r[key] for r in runs]), 1)
               for key in runs[0] if key != "foreign"}
    figures["foreign"] = sorted({url for r in runs for url in r["foreign"]})
    return figures


def main() -> None:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    instance = Path(tempfile.mkdtemp(prefix="bench-field-"))
    token, campaign_id = prepare(instance)
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, hashed in (("ours", True), ("baseline", False)):
                port = free_port()
                server = serve(instance, port, hashed)
                try:
                    results[name] = run(browser, f"http://127.0.0.1:{port}", token, campaign_id)
                finally:
                    server.terminate()
                    server.wait(timeout=30)
        finally:
            browser.close()

    ours, base = results["ours"], results["baseline"]
    rows = (("check-in form usable, first visit", "form_first_ms", "ms"),
            ("check-in form usable, from cache", "form_cached_ms", "ms"),
            ("submit to ticket", "submit_ms", "ms"),
            ("team lead's map, hamlets drawn", "map_ms", "ms"),
            ("check-in form, first visit, transferred", "form_first_kb", "KB"),
            ("team lead's map, first visit, transferred", "map_kb", "KB"))
    print(f"Field pages on weak 4G (400/150 kbps, 400 ms, CPU x{CPU_SLOWDOWN}), Chromium, "
          f"median of {RUNS}; baseline = static files as before (uncompressed, no-cache)")
    print(f"{'measure':<44} {'ours':>9} {'baseline':>9} {'budget':>8}  ok")
    for label, key, unit in rows:
        budget = BUDGETS.get(key)
        ok = "" if budget is None else ("yes" if ours[key] <= budget else "NO")
        shown = "" if budget is None else f"{budget} {unit}"
        print(f"{label:<44} {ours[key]:>6.0f} {unit:<2} {base[key]:>6.0f} {unit:<2} "
              f"{shown:>8}  {ok}")
    print(f"hamlets drawn: {ours['map_shapes']:.0f}; requests to other hosts: "
          f"{len(ours['foreign'])}")
    figures = {**{key: ours[key] for key in BUDGETS}, "map_kb": ours["map_kb"],
               "baseline": {key: base[key] for key in (*BUDGETS, "map_kb")},
               "within_budgets": all(ours[k] <= v for k, v in BUDGETS.items()),
               "foreign_requests": len(ours["foreign"]),
               "total_s": round(time.perf_counter() - started, 1)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
