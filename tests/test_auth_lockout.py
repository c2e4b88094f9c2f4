"""Wrong passwords sent together are all counted: a burst cannot get around the sign-in delay."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from fieldops.auth import services
from fieldops.auth.models import User
from fieldops.db import db

PASSWORD = "dung-mat-khau-1"
BURST = 20


class _Quiet(WSGIRequestHandler):
    def log(self, *args) -> None:  # the burst would fill the output
        pass


@pytest.fixture
def served(app) -> Iterator[str]:
    """Serve the test app on a real threaded server (its own connections to the database)."""
    # The real hash: its tens of milliseconds are the window parallel guesses used to share.
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    with app.app_context():
        services.create_user("nguoidung", "Lê Văn Thử", PASSWORD, "volunteer")
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _post_sign_in(base: str, password: str) -> str:
    data = urllib.parse.urlencode({"username": "nguoidung", "password": password}).encode()
    request = urllib.request.Request(base + "/sign-in", data=data)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:  # a 302 (signed in) lands here
        return f"HTTP {error.code}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_parallel_wrong_passwords_are_all_counted_and_lock_the_account(app, served):
    start = threading.Barrier(BURST)
    pages: list[str] = []

    def guess(n: int) -> None:
        start.wait()
        pages.append(_post_sign_in(served, f"sai-mat-khau-{n}"))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(pages) == BURST
    assert not [p for p in pages if p.startswith("HTTP")], "a wrong password signed in"
    wrong = sum("Tên đăng nhập hoặc mật khẩu không đúng." in p for p in pages)
    waiting = sum("Vui lòng thử lại sau" in p for p in pages)
    assert wrong + waiting == BURST
    # Only the free attempts had their password checked; the rest were told to wait.
    assert wrong == app.config["SIGN_IN_FREE_ATTEMPTS"]
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="nguoidung")).scalar_one()
        assert user.failed_sign_ins == BURST
    # The right password right after the burst is refused with the wait, not accepted.
    page = _post_sign_in(served, PASSWORD)
    assert "Đã nhập sai quá nhiều lần. Vui lòng thử lại sau" in page
