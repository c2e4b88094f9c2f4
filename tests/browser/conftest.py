"""Fixtures for the browser tests: a live server on its own database, and headless Chromium.

These tests use neither the root `app` fixture nor its database: the live server gets a fresh
instance folder and SQLite file with the demo data, shared by every browser test of the run.
Chromium is Debian's (/usr/bin/chromium), never a browser downloaded by Playwright. Without it
the tests skip, unless FIELDOPS_BROWSER_REQUIRED=1 (as in .ci/run), where they fail instead.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.scenes import demo_app, served

#: Debian's Chromium; FIELDOPS_CHROMIUM points elsewhere (e.g. to check the skip/fail rule)
CHROMIUM = os.environ.get("FIELDOPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
#: how long a click, a navigation or an expect() waits for the page to reach the awaited state;
#: generous because a busy 2-core CI machine can take seconds to answer, and the waits end as
#: soon as the state is reached, so a quick machine pays nothing for it
TIMEOUT_MS = 30_000
PHONE = {"width": 390, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Schemes that never leave the machine; anything else must go to the live server.
_LOCAL_SCHEMES = {"data", "blob", "about"}

# Chromium's offline emulation covers pages, not the service worker's Background Sync: the
# browser fires 'sync' on its own real network state, and the worker's POSTs then reach the
# server while the test says "offline". Pages in tests do not register for it; the worker's sync
# handler is exercised by dispatching the event through the DevTools protocol instead.
NO_AUTOMATIC_SYNC = """
Object.defineProperty(ServiceWorkerRegistration.prototype, "sync", {get: () => undefined});
"""


def without_automatic_sync(context) -> None:
    """Keep a context's pages from registering Background Sync (see NO_AUTOMATIC_SYNC)."""
    context.add_init_script(NO_AUTOMATIC_SYNC)


def _browser_required() -> bool:
    return os.environ.get("FIELDOPS_BROWSER_REQUIRED") == "1"


def _unavailable(reason: str) -> None:
    if _browser_required():
        pytest.fail(f"FIELDOPS_BROWSER_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items) -> None:
    """Run a failed browser test once more before calling it failed.

    On a loaded 2-core machine Chromium can lose a timing race the product does not have (a
    click before a page's script is ready); a real fault fails both times. Reruns are printed in
    the summary, so a test that needs one is still seen.
    """
    if not config.pluginmanager.hasplugin("rerunfailures"):  # -p no:rerunfailures: one try
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))


class NoSignal:
    """WSGI middleware dropping the connection of chosen POSTs, as a phone without signal never
    reaches the server. Chromium's offline emulation is per page and does not always reach a
    freshly opened tab's first requests; a test that asserts "nothing arrived while offline"
    cuts the server side too (`cut_paths`), so it cannot pass or fail by a race."""

    def __init__(self, app) -> None:
        self.app = app
        #: path prefixes whose POSTs are dropped; empty: everything passes
        self.cut_paths: tuple[str, ...] = ()

    def __call__(self, environ, start_response):
        if (self.cut_paths and environ["REQUEST_METHOD"] == "POST"
                and environ["PATH_INFO"].startswith(self.cut_paths)):
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            raise ConnectionResetError("no signal (test)")  # werkzeug drops it quietly
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    """Serve a fresh app with the demo data on 127.0.0.1; yield its base URL."""
    with served(demo_app(tmp_path_factory.mktemp("browser-instance"), "browser.db")) as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def _patient_expect():
    """Let every expect() wait as long as a click or a navigation does."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright's sync API."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium fonts-noto-core)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        _unavailable(f"Chromium did not start: {error}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


_CSP_TAG = "CSP violation:"
# Every refusal, as the page sees it (Chromium's own console line does not always reach us).
_REPORT_CSP = ("document.addEventListener('securitypolicyviolation', function (e) {"
               f" console.error('{_CSP_TAG} ' + e.violatedDirective + ' ' + e.blockedURI"
               " + ' at ' + e.sourceFile + ':' + e.lineNumber); });")


def wait_until(page, expression: str, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until a JS expression is true on the page.

    page.wait_for_function evaluates its string with eval in the page, which the app's
    Content-Security-Policy refuses; page.evaluate goes through DevTools and is not.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(100)


def watch_csp(context, refused: list[str]) -> None:
    """Record in `refused` whatever the Content-Security-Policy blocks on the context's pages."""
    context.add_init_script(_REPORT_CSP)

    def on_console(message) -> None:
        text = message.text
        if text.startswith(_CSP_TAG) or "Content Security Policy" in text:
            refused.append(f"{message.page.url if message.page else ''}: {text}")

    context.on("console", on_console)


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable]:
    """Return a function opening a page in a fresh browser context (own cookies).

    Every request a page makes is recorded; a request to any host but the live server is
    aborted and fails the test (the app must work with no internet: no CDN, no web font).
    A response of 500 or more from the server fails the test too, and so does anything the
    Content-Security-Policy refused (an inline script or style, a foreign image).
    """
    origin = urlsplit(live_server)
    contexts = []
    foreign: list[str] = []
    server_errors: list[str] = []
    csp_violations: list[str] = []

    def route(route_, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in _LOCAL_SCHEMES or (
                parts.scheme == origin.scheme and parts.netloc == origin.netloc):
            route_.continue_()
        else:
            foreign.append(request.url)
            route_.abort()

    def on_response(response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def _open(viewport: dict | None = None, locale: str = "vi-VN"):
        context = browser.new_context(viewport=viewport or PHONE, locale=locale,
                                      base_url=live_server)
        context.set_default_timeout(TIMEOUT_MS)
        without_automatic_sync(context)
        context.route("**/*", route)
        watch_csp(context, csp_violations)
        contexts.append(context)
        page = context.new_page()
        page.on("response", on_response)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not foreign, f"requests left the live server: {foreign}"
    assert not server_errors, f"server errors: {server_errors}"
    assert not csp_violations, f"refused by the Content-Security-Policy: {csp_violations}"


@pytest.fixture
def page(open_page):
    """A phone-sized page (390 x 800), not signed in."""
    return open_page(PHONE)


@pytest.fixture
def desktop_page(open_page):
    """A desktop-sized page (1280 x 900), not signed in."""
    return open_page(DESKTOP)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def shoot(screenshot_dir) -> Callable:
    """Save a full-page screenshot as artifacts/screenshots/<name>.png, checking first that
    nothing is wider than the viewport (a phone would have to scroll sideways)."""

    def _shoot(page, name: str) -> Path:
        assert_no_sideways_scroll(page)
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot


def assert_no_sideways_scroll(page) -> None:
    """Fail if the page is wider than its viewport, naming the widest culprits."""
    wide = page.evaluate("""() => {
        const limit = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= limit) return [];
        return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1)
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                 + ' right=' + Math.round(e.getBoundingClientRect().right));
    }""")
    width = page.viewport_size["width"]
    assert not wide, f"{page.url} is wider than the {width}px viewport: {wide}"
