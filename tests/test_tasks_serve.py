"""`fieldops serve` runs background jobs itself: a real server process on a free port applies
a large upload through its job, and stops its worker threads cleanly on SIGTERM."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "serve-test-2025"
MEMBERS = ("Họ và tên,Số điện thoại,Đơn vị,Am hiểu CNTT,Tài khoản\n"
           "Trần Thị Một,0987111001,Viettel Đồng Nai,x,\n"
           "Lê Văn Hai,0987111002,Viettel Đồng Nai,,\n")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """A browser's cookies and forms against the served app, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def send(self, path: str, data: bytes | None = None, content_type: str | None = None):
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=60) as response:  # noqa: S310 - loopback
                return response.status, None, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location"), error.read().decode()

    def token(self, path: str) -> str:
        status, _, page = self.send(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def post(self, path: str, fields: dict):
        return self.send(path, urllib.parse.urlencode(fields).encode(),
                         "application/x-www-form-urlencoded")

    def upload(self, path: str, filename: str, content: bytes):
        boundary = secrets.token_hex(16)
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f'{self.token(path)}\r\n--{boundary}\r\nContent-Disposition: form-data; '
                f'name="file"; filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
                ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self.send(path, body, f"multipart/form-data; boundary={boundary}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fieldops(env: dict, *args: str, **popen) -> subprocess.Popen:
    """Run the `fieldops` command of this checkout (not of another installed copy)."""
    return subprocess.Popen([sys.executable, "-c", "from fieldops.cli import main; main()",
                             *args], cwd=ROOT, env=env, **popen)


def _wait(check, what: str, server: subprocess.Popen):
    deadline = time.monotonic() + 60
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        assert server.poll() is None, f"the server stopped while waiting for {what}"
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def served(tmp_path):
    """`fieldops serve` on a fresh SQLite database, with imports of 2+ rows in the background."""
    env = {**os.environ, "FIELDOPS_INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
           "FIELDOPS_UPLOAD_BACKGROUND_ROWS": json.dumps({"members": 1}),
           "FIELDOPS_RATELIMIT_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    env.pop("FIELDOPS_TASK_QUEUE_URL", None)
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    server = _fieldops(env, "serve", "--port", str(port), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: urllib.request.urlopen(base + "/healthz", timeout=5).status == 200,
              "/healthz", server)
        made = _fieldops(env, "create-user", "admin", "--name", "Nguyễn Văn An",
                         "--password", PASSWORD, stdout=subprocess.DEVNULL)
        assert made.wait(60) == 0
        yield base, server, log, env
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
        log.close()


def test_serve_runs_a_background_import_and_stops_its_workers_on_sigterm(served):
    base, server, log, env = served
    from fieldops import create_app
    from fieldops.db import db
    from fieldops.teams import services as teams

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
    with app.app_context():
        teams.save_organisation(None, name="Viettel Đồng Nai", kind="telecom")
        db.session.commit()
        db.engine.dispose()

    browser = Session(base)
    status, _, _ = browser.post("/sign-in", {"csrf_token": browser.token("/sign-in"),
                                             "username": "admin", "password": PASSWORD})
    assert status == 302
    status, preview, _ = browser.upload("/members/import", "thanh-vien.csv", MEMBERS.encode())
    assert status == 302, "the file was refused"
    status, job_page, _ = browser.post(preview, {"csrf_token": browser.token(preview)})
    assert status == 302 and re.fullmatch(r"/jobs/\d+", job_page)

    def finished() -> bool:
        return json.loads(browser.send(job_page + ".json")[2])["finished"]

    _wait(finished, "the job run by the server's own worker threads", server)
    state = json.loads(browser.send(job_page + ".json")[2])
    assert state["status"] == "done", state
    assert state["message"] == "Đã nhập 2 thành viên mới, cập nhật 0."
    members = browser.send(state["result_url"])[2]
    assert "Trần Thị Một" in members and "Lê Văn Hai" in members

    server.send_signal(signal.SIGTERM)
    assert server.wait(60) == 0
    log.seek(0)
    output = log.read()
    assert "Việc nền chạy trong tiến trình này (2 luồng)." in output
    assert "Traceback" not in output


def test_fieldops_worker_runs_the_jobs_web_processes_send_through_redis(tmp_path, redis_url):
    from fieldops import create_app
    from fieldops.db import db
    from fieldops.tasks import enqueue, running_consumer
    from fieldops.uploads.background import APPLY, GONE

    name = f"test-worker-{secrets.token_hex(4)}"
    env = {**os.environ, "FIELDOPS_INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.db'}",
           "FIELDOPS_TASK_QUEUE_URL": redis_url, "FIELDOPS_TASK_QUEUE_NAME": name,
           "PYTHONUNBUFFERED": "1"}
    # A web process as under gunicorn: Redis queue, so it runs no consumer of its own.
    web = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                      "TASK_QUEUE_URL": redis_url, "TASK_QUEUE_NAME": name})
    with web.app_context():
        db.create_all()
        with running_consumer(web) as running:
            assert running is None
        with web.test_request_context():
            job = enqueue(APPLY, title="Nhập tệp đã mất", params={"upload_id": 999})
            db.session.commit()
        job_id = job.id
    log = (tmp_path / "worker.log").open("w+")
    worker = _fieldops(env, "worker", stdout=log, stderr=subprocess.STDOUT)
    queue = web.extensions["tasks"]
    try:
        def finished() -> bool:
            with web.app_context():
                return db.session.get(Job, job_id).finished

        from fieldops.tasks import Job

        _wait(finished, "the worker process", worker)
        with web.app_context():
            done = db.session.get(Job, job_id)
            assert (done.status, done.message) == ("failed", str(GONE))
            db.engine.dispose()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
        queue.huey.flush()
        queue.close()
        log.close()
