"""Background jobs in headless Chromium on a 390 px phone: a large members file confirmed,
its job's page moving to "done" with the link to the result; a job half-way on its bar; and
the page without JavaScript offering a reload until the job ends."""

from __future__ import annotations

import re
import threading
import time

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from fieldops.errors import DomainError
from fieldops.tasks import Job, JobResult, job, report_progress
from tests.browser.conftest import PHONE, TIMEOUT_MS
from tests.browser.scenes import SECRET_KEY
from tests.browser.scenes import QuietHandler as _QuietHandler
from tests.factories.auth import DEMO_ADMIN, signed_in_page

pytestmark = pytest.mark.browser

#: the held job waits here until the test lets it finish
RELEASE = threading.Event()
APP: dict = {}


@job("test.browser_hold")
def held(job: Job):
    """Report 40 of 100 rows, wait for the test, finish."""
    report_progress(40, 100)
    assert RELEASE.wait(120), "the test never released the job"
    report_progress(100, 100)
    return JobResult("Đã đối chiếu 100 người trong danh sách.", "/members")


@job("test.browser_refused")
def refused(job: Job):
    """Stop on a rule the data breaks."""
    raise DomainError("Danh sách ngày 21/06/2023 của xã này đã được đối chiếu rồi.")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo on a live server whose process runs the task queue, as `fieldops serve` does;
    a members file of more than 2 rows is imported in the background."""
    from fieldops import create_app
    from fieldops.db import db
    from fieldops.demo import load_demo
    from fieldops.tasks import running_consumer

    instance = tmp_path_factory.mktemp("tasks-browser")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FIELDOPS_INSTANCE_PATH", str(instance))
        patch.delenv("DATABASE_URL", raising=False)
        app = create_app({"SECRET_KEY": SECRET_KEY, "RATELIMIT_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'demo.db'}",
                          "UPLOAD_BACKGROUND_ROWS": {"members": 2}})
    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
    APP["app"] = app
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    RELEASE.clear()
    with running_consumer(app):
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            RELEASE.set()
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
    with app.app_context():
        db.engine.dispose()


def _hold_a_job(kind: str = "test.browser_hold") -> int:
    """Ask for a job (the held one) as the demo organizer; return its id."""
    from fieldops.auth.models import User
    from fieldops.db import db
    from fieldops.tasks import enqueue

    app = APP["app"]
    with app.test_request_context():
        admin = db.session.execute(db.select(User).filter_by(username=DEMO_ADMIN[0])).scalar_one()
        made = enqueue(kind, title="Đối chiếu danh sách ngày 21/06/2023",
                       user=admin)
        db.session.commit()
        return made.id


def test_a_large_members_file_is_imported_by_a_job_with_its_progress_page(page, shoot,
                                                                         tmp_path):
    signed_in_page(page)
    csv = tmp_path / "thanh-vien-xa.csv"
    csv.write_bytes(("Họ và tên,Số điện thoại,Đơn vị,Am hiểu CNTT,Tài khoản\r\n"
                     "Nguyễn Văn Nền,0987222001,Viettel Đồng Nai,x,\r\n"
                     "Trần Thị Nền,0987222002,Viettel Đồng Nai,,\r\n"
                     "Lê Văn Nền,0987222003,VNPT Đồng Nai,,\r\n").encode("utf-8-sig"))
    page.goto("/members/import")
    page.locator("input[name=file]").set_input_files(str(csv))
    page.get_by_role("button", name="Xem trước").click()
    page.get_by_role("button", name="Xác nhận nhập 3 thành viên").click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    expect(page.get_by_role("heading")).to_have_text("Nhập tệp thanh-vien-xa.csv")
    # The page reads the job's JSON until it ends: no reload needed.
    expect(page.locator("[data-field=status]")).to_have_text("Đã xong.")
    expect(page.locator("[data-field=message]")).to_have_text(
        "Đã nhập 3 thành viên mới, cập nhật 0.")
    expect(page.locator("progress")).to_have_attribute("value", "100")
    shoot(page, "tasks-import-done")
    page.get_by_role("link", name="Xem kết quả").click()
    page.wait_for_url(re.compile(r"/members$"))
    expect(page.get_by_text("Trần Thị Nền")).to_be_visible()


def test_a_running_job_shows_its_bar_and_then_its_outcome(page, shoot):
    signed_in_page(page)
    job_id = _hold_a_job()
    page.goto(f"/jobs/{job_id}")
    expect(page.locator("[data-field=count]")).to_have_text("40 / 100 dòng (40%)")
    expect(page.locator("[data-field=status]")).to_have_text("Đang xử lý…")
    expect(page.locator("progress")).to_have_attribute("value", "40")
    expect(page.get_by_role("link", name="Xem kết quả")).to_be_hidden()
    shoot(page, "tasks-job-running")
    RELEASE.set()
    expect(page.locator("[data-field=status]")).to_have_text("Đã xong.")
    expect(page.locator("[data-field=message]")).to_have_text(
        "Đã đối chiếu 100 người trong danh sách.")
    expect(page.get_by_role("link", name="Xem kết quả")).to_have_attribute("href", "/members")
    RELEASE.clear()


def test_a_failed_job_says_why(page, shoot):
    signed_in_page(page)
    page.goto(f"/jobs/{_hold_a_job('test.browser_refused')}")
    expect(page.locator("[data-field=status]")).to_have_text("Không thành công.")
    expect(page.locator("[data-field=message]")).to_have_text(
        "Danh sách ngày 21/06/2023 của xã này đã được đối chiếu rồi.")
    expect(page.get_by_role("link", name="Xem kết quả")).to_be_hidden()
    expect(page.locator("progress")).to_be_hidden()
    shoot(page, "tasks-job-failed")


def _reload_until(page, locator, text: str) -> None:
    """Press the page's reload link, as a person without JavaScript would, until it shows."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while locator.inner_text().strip() != text:
        assert time.monotonic() < deadline, f"never showed {text!r}"
        page.get_by_role("link", name="Tải lại để cập nhật").click()
        page.wait_for_load_state()


def test_without_javascript_the_job_page_offers_a_reload_until_the_end(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server,
                                  java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        signed_in_page(page)
        job_id = _hold_a_job()
        page.goto(f"/jobs/{job_id}")
        # It never reloads on its own: offline that would replace it with an error page.
        assert page.locator("meta[http-equiv=refresh]").count() == 0
        _reload_until(page, page.locator("[data-field=count]"), "40 / 100 dòng (40%)")
        RELEASE.set()
        _reload_until(page, page.locator("[data-field=status]"), "Đã xong.")
        expect(page.get_by_role("link", name="Xem kết quả")).to_be_visible()
        expect(page.get_by_role("link", name="Tải lại để cập nhật")).to_have_count(0)
    finally:
        RELEASE.clear()
        context.close()
