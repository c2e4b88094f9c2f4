"""Clients for benchmarks of the served app: an organizer's browser session, citizens' check-ins.

Loopback only; every loop is bounded.
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookiejar
import re
import secrets
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


@contextlib.contextmanager
def scratch_postgresql(admin_url: str):
    """Create a PostgreSQL database of its own for one benchmark run; yield its URL, drop it
    (with FORCE: the app's pool may still hold connections) whatever happens."""
    import sqlalchemy as sa

    name = f"fieldops_bench_{secrets.token_hex(4)}"
    pg = admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(pg).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


#: at most this many check-ins per run, whatever the rate and the length of what is measured
MAX_CHECKINS = 5000


class _Keep(urllib.request.HTTPRedirectHandler):
    """Do not follow redirects: the confirmation is timed alone, not with the page after it."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """An organizer's session on the served app: cookies, CSRF tokens, multipart uploads."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _Keep())

    def send(self, path: str, data: bytes | None = None, content_type: str | None = None):
        """Return (status, location, body) of one request, redirects not followed."""
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=600) as response:  # noqa: S310 - loopback
                return response.status, None, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location"), error.read().decode()

    def token(self, path: str) -> tuple[str, int]:
        """Return the CSRF token of a page and the page's size in bytes."""
        status, _, page = self.send(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1), \
            len(page.encode())

    def post_form(self, path: str, fields: dict) -> tuple[int, str | None]:
        status, location, _ = self.send(path, urllib.parse.urlencode(fields).encode(),
                                        "application/x-www-form-urlencoded")
        return status, location

    def upload(self, path: str, fields: dict, filename: str, content: bytes) -> str:
        """Send a file through an upload form; return the preview's path."""
        boundary = secrets.token_hex(16)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                     + content + f"\r\n--{boundary}--\r\n".encode())
        status, location, body = self.send(path, b"".join(parts),
                                           f"multipart/form-data; boundary={boundary}")
        assert status == 302, (status, re.sub(r"<[^>]+>", " ", body)[-1500:])
        return urllib.parse.urlsplit(location).path


class CheckinLoad:
    """Citizens' check-in POSTs at a steady rate on their own keep-alive connections."""

    def __init__(self, port: int, token: str, tail: str, rate: float, threads: int = 8):
        self.port, self.path, self.tail = port, f"/checkin/{token}", tail
        self.interval = threads / rate
        self.stop = threading.Event()
        self.samples: list[tuple[float, float, int]] = []  # (sent at, seconds, status)
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(threads)]

    def _run(self, number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        tag = secrets.token_hex(3)
        for n in range(MAX_CHECKINS // len(self.threads)):
            if self.stop.is_set():
                break
            body = f"submission_id=bi-{tag}-{number}-{n}&full_name=Nguyen+Van+{n}{self.tail}"
            sent = time.perf_counter()
            try:
                connection.request("POST", self.path, body, {
                    "Content-Type": "application/x-www-form-urlencoded"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
                connection.close()
            self.samples.append((sent, time.perf_counter() - sent, status))
            time.sleep(max(0.0, self.interval - (time.perf_counter() - sent)))
        connection.close()

    def __enter__(self) -> CheckinLoad:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def during(self, *windows: tuple[float, float]) -> dict:
        """Return count, p50, p99, max (ms) and errors of the check-ins sent in the windows."""
        inside = [(s, status) for sent, s, status in self.samples
                  if any(start <= sent <= end for start, end in windows)]
        times = sorted(s * 1000 for s, _ in inside)
        if not times:
            return {"count": 0}
        return {"count": len(times), "p50_ms": round(statistics.median(times), 1),
                "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
                "max_ms": round(times[-1], 1),
                "errors": sum(1 for _, status in inside if status not in (200, 302, 303))}
