"""Background work: jobs through the real Huey queue (SQLite file, or Redis) and a consumer
thread; their progress and outcome as the user sees them; large uploads applied by a job."""

from __future__ import annotations

import io
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.tasks import Job, JobResult, enqueue, job, report_progress, running_consumer
from fieldops.tasks.queue import THREAD_PREFIX
from fieldops.tasks.runner import UNEXPECTED
from fieldops.teams import services as teams
from fieldops.teams.models import Member, Organisation
from fieldops.uploads.models import StagedUpload

MEMBERS_HEADER = "Họ và tên,Số điện thoại,Đơn vị,Am hiểu CNTT,Tài khoản\n"
MEMBERS = (MEMBERS_HEADER + "Trần Thị Một,0987111001,Viettel Đồng Nai,x,\n"
           "Lê Văn Hai,0987111002,Viettel Đồng Nai,,\nPhạm Ba,0987111003,Viettel Đồng Nai,,\n")
#: the test holds the stepwise job half-way until it sets this
RELEASE = threading.Event()


@job("test.stepwise")
def stepwise(job: Job):
    """Create an organisation, say it is half-way, wait for the test, then finish."""
    teams.save_organisation(None, name=job.params["name"], kind="telecom")
    report_progress(5, 10)
    assert RELEASE.wait(60), "the test never released the job"
    report_progress(10, 10)
    return JobResult("Đã tạo tổ chức.", "/teams/organisations")


@job("test.broken")
def broken(job: Job):
    """Write a row, then fail on a bug: the row must not stay."""
    teams.save_organisation(None, name="Nửa chừng", kind="telecom")
    db.session.flush()
    raise RuntimeError("a bug in the job")


@job("test.refused")
def refused(job: Job):
    """Fail on a rule the data breaks: the user reads the rule's message."""
    raise DomainError("Danh sách này đã được đối chiếu rồi.")


def wait_until(check, what: str):
    """Poll until check() is true (the consumer works in its own thread)."""
    deadline = time.monotonic() + 60
    while not check():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def job_state(client, job_id: int) -> dict:
    response = client.get(f"/jobs/{job_id}.json")
    assert response.status_code == 200
    return response.get_json()


def consumer_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX)]


@pytest.fixture
def consumer(app):
    """The task queue's consumer running in this process, as inside `fieldops serve`."""
    app.config["JOB_PROGRESS_EVERY"] = 0  # every report is written: the test reads each one
    RELEASE.clear()
    with running_consumer(app) as running:
        assert running is not None, "the SQLite queue runs its consumer in the process"
        yield running
    RELEASE.set()
    assert consumer_threads() == []  # stopped: nothing left running after the test


def _enqueue(app, kind: str, username: str, **params) -> int:
    from fieldops.auth.models import User

    with app.test_request_context():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
        made = enqueue(kind, title="Việc thử", params=params, user=user)
        db.session.commit()  # sent to the queue only now
        return made.id


def _stored(app, model, **where):
    with app.app_context():
        return list(db.session.execute(db.select(model).filter_by(**where)).scalars())


def test_a_job_runs_in_the_consumer_and_its_page_shows_progress_then_the_result(
        app, organizer, users, consumer):
    job_id = _enqueue(app, "test.stepwise", users["organizer"], name="Tổ chức nền")
    wait_until(lambda: job_state(organizer, job_id)["done"] == 5, "the half-way report")
    state = job_state(organizer, job_id)
    assert (state["status"], state["total"], state["percent"]) == ("running", 10, 50)
    page = organizer.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'value="50"' in page and "5 / 10 dòng (50%)" in page and "Đang xử lý…" in page
    # A phone without JavaScript is offered a reload; the page never reloads on its own
    # (offline, a reload would replace what it shows with the browser's error page).
    assert "Tải lại để cập nhật" in page and 'http-equiv="refresh"' not in page
    # Its writes are not seen before the job ends (one transaction).
    assert _stored(app, Organisation, name="Tổ chức nền") == []

    RELEASE.set()
    wait_until(lambda: job_state(organizer, job_id)["finished"], "the job's end")
    state = job_state(organizer, job_id)
    assert state == {"id": job_id, "status": "done", "finished": True, "done": 10, "total": 10,
                     "percent": 100, "message": "Đã tạo tổ chức.",
                     "result_url": "/teams/organisations", "retry_url": None}
    assert len(_stored(app, Organisation, name="Tổ chức nền")) == 1
    page = organizer.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Đã xong." in page and 'href="/teams/organisations"' in page
    assert "Tải lại để cập nhật" not in page
    [row] = _stored(app, Job, id=job_id)
    assert row.started_at <= row.finished_at


def test_a_failing_job_writes_nothing_logs_its_traceback_and_tells_the_user(
        app, organizer, users, consumer, caplog):
    job_id = _enqueue(app, "test.broken", users["organizer"])
    wait_until(lambda: job_state(organizer, job_id)["finished"], "the job's end")
    state = job_state(organizer, job_id)
    assert state["status"] == "failed" and state["message"] == str(UNEXPECTED)
    assert _stored(app, Organisation, name="Nửa chừng") == []
    [row] = _stored(app, Job, id=job_id)
    assert row.error == "RuntimeError: a bug in the job"
    [record] = [r for r in caplog.records if r.message == f"job {job_id} failed"]
    assert record.exc_info and "a bug in the job" in str(record.exc_info[1])
    page = organizer.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Không thành công." in page and "dữ liệu chưa thay đổi gì" in page

    refused_id = _enqueue(app, "test.refused", users["organizer"])
    wait_until(lambda: job_state(organizer, refused_id)["finished"], "the job's end")
    assert job_state(organizer, refused_id)["message"] == "Danh sách này đã được đối chiếu rồi."


def test_a_job_is_shown_to_its_creator_and_organizers_only(app, client, users):
    from tests.factories import auth

    job_id = _enqueue(app, "test.refused", users["team_lead"])
    auth.sign_in(client, users["volunteer"])
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert client.get(f"/jobs/{job_id}.json").status_code == 404
    lead = app.test_client()
    auth.sign_in(lead, users["team_lead"])
    assert job_state(lead, job_id)["status"] == "queued"  # no consumer here: it waits


def test_a_rolled_back_request_sends_no_job(app, users):
    from fieldops.auth.models import User

    with app.test_request_context():
        user = db.session.execute(db.select(User)).scalars().first()
        enqueue("test.refused", title="Việc thử", user=user)
        db.session.rollback()
        assert app.extensions["tasks"].huey.pending_count() == 0
        assert db.session.execute(db.select(Job)).first() is None


def test_one_live_job_per_key_in_the_database(app):
    with app.app_context():
        db.session.add(Job(kind="upload.apply", key="upload:1", title="a", status="failed"))
        db.session.add(Job(kind="upload.apply", key="upload:1", title="b"))
        db.session.commit()
        db.session.add(Job(kind="upload.apply", key="upload:1", title="c"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()


@pytest.fixture
def viettel(app):
    with app.app_context():
        teams.save_organisation(None, name="Viettel Đồng Nai", kind="telecom")
        db.session.commit()


def _preview_url(client) -> str:
    response = client.post("/members/import", data={
        "file": (io.BytesIO(MEMBERS.encode()), "thanh-vien.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_large_upload_confirmed_twice_is_applied_once_by_one_job(app, organizer, viettel):
    app.config["UPLOAD_BACKGROUND_ROWS"] = {"members": 2}  # 3 rows: in the background
    preview = _preview_url(organizer)
    first = organizer.post(preview)
    second = organizer.post(preview)  # sent again before any worker ran
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    [queued] = _stored(app, Job)
    assert first.headers["Location"] == f"/jobs/{queued.id}"
    assert queued.kind == "upload.apply" and queued.status == "queued"
    assert queued.title == "Nhập tệp thanh-vien.csv"
    assert _stored(app, Member) == []  # nothing applied in the request
    # The preview and cancel now lead to the job: the upload cannot be dropped under it.
    assert organizer.get(preview).headers["Location"] == f"/jobs/{queued.id}"
    organizer.post(preview + "/cancel")
    assert len(_stored(app, StagedUpload)) == 1

    app.config["JOB_PROGRESS_EVERY"] = 0
    with running_consumer(app):
        wait_until(lambda: job_state(organizer, queued.id)["finished"], "the import job")
    state = job_state(organizer, queued.id)
    assert state["status"] == "done", state
    assert state["message"] == "Đã nhập 3 thành viên mới, cập nhật 0."
    assert (state["done"], state["total"], state["result_url"]) == (3, 3, "/members")
    assert len(_stored(app, Member)) == 3
    [upload] = _stored(app, StagedUpload)
    assert upload.applied_at is not None and upload.row_count == 3
    # A third confirmation, after the job: still one job, still three members.
    assert organizer.post(preview).headers["Location"] == f"/jobs/{queued.id}"
    assert len(_stored(app, Job)) == 1 and len(_stored(app, Member)) == 3
    assert consumer_threads() == []


def test_a_failed_import_job_can_be_confirmed_again(app, organizer, viettel):
    app.config["UPLOAD_BACKGROUND_ROWS"] = {"members": 2}
    preview = _preview_url(organizer)
    job_url = organizer.post(preview).headers["Location"]
    with app.app_context():  # the organisation goes away between the preview and the job
        db.session.execute(sa.delete(Organisation))
        db.session.commit()
    with running_consumer(app):
        wait_until(lambda: job_state(organizer, int(job_url.rsplit("/", 1)[1]))["finished"],
                   "the import job")
    state = organizer.get(job_url + ".json").get_json()
    assert state["status"] == "failed"
    assert state["message"] == "Dữ liệu đã thay đổi từ lúc xem trước; hãy tải tệp lên lại."
    assert state["retry_url"] == preview
    assert _stored(app, Member) == [] and _stored(app, StagedUpload)[0].applied_at is None
    # The failed job frees the upload: its preview shows again and a new job can be asked for.
    assert organizer.get(preview).status_code == 200
    assert organizer.post(preview).headers["Location"] != job_url


def test_small_uploads_and_importers_without_a_threshold_apply_in_the_request(
        app, organizer, viettel):
    preview = _preview_url(organizer)
    assert organizer.post(preview).headers["Location"] == "/members"
    assert len(_stored(app, Member)) == 3 and _stored(app, Job) == []


def test_old_finished_jobs_and_abandoned_uploads_are_deleted_by_the_schedule(app, users):
    from fieldops.auth.models import User

    long_ago = datetime.now(UTC) - timedelta(days=40)
    with app.app_context():
        user = db.session.execute(db.select(User)).scalars().first()
        db.session.add_all([
            Job(kind="x", title="cũ", status="done", finished_at=long_ago),
            Job(kind="x", title="mới", status="done", finished_at=datetime.now(UTC)),
            Job(kind="x", title="đang chạy", status="running"),
            StagedUpload(token="old", kind="members", scope={}, filename="a.csv", data=[],
                         created_by_id=user.id, created_at=long_ago),
            StagedUpload(token="new", kind="members", scope={}, filename="b.csv", data=[],
                         created_by_id=user.id),
        ])
        db.session.commit()
        huey = app.extensions["tasks"].huey
        # 20:30 UTC is 03:30 in Vietnam: both daily schedules are due at their minute.
        names = set()
        for minute in (10, 20):
            for task in huey.read_periodic(datetime(2026, 12, 1, 20, minute)):
                names.add(task.name)
                huey.execute(task)  # what the consumer's worker does with a due task
        assert names == {"forget_old_jobs", "drop_stale_uploads"}
        assert huey.read_periodic(datetime(2026, 12, 1, 9, 10)) == []
    assert sorted(j.title for j in _stored(app, Job)) == ["mới", "đang chạy"]
    assert [u.token for u in _stored(app, StagedUpload)] == ["new"]


def test_with_redis_the_web_process_only_sends_and_a_worker_runs(app, organizer, users,
                                                                 redis_url):
    app.config.update(TASK_QUEUE_URL=redis_url, TASK_QUEUE_NAME=f"test-{uuid.uuid4().hex}",
                      JOB_PROGRESS_EVERY=0)
    queue = app.extensions["tasks"]
    try:
        assert not queue.embedded
        with running_consumer(app) as running:
            assert running is None  # gunicorn's processes leave the jobs to `fieldops worker`
        job_id = _enqueue(app, "test.broken", users["organizer"])
        assert queue.huey.pending_count() == 1  # the message waits in Redis
        with running_consumer(app, force=True):
            wait_until(lambda: job_state(organizer, job_id)["finished"], "the job's end")
        assert job_state(organizer, job_id)["status"] == "failed"
        app.config["RUN_WORKER"] = True  # FIELDOPS_RUN_WORKER=1: this process runs them too
        RELEASE.set()
        job_id = _enqueue(app, "test.stepwise", users["organizer"], name="Qua Redis")
        with running_consumer(app) as running:
            assert running is not None
            wait_until(lambda: job_state(organizer, job_id)["finished"], "the job's end")
        assert job_state(organizer, job_id)["status"] == "done"
        assert queue.huey.pending_count() == 0
    finally:
        queue.huey.flush()
        queue.close()
    assert consumer_threads() == []


def test_a_hung_redis_queue_fails_the_job_quickly_instead_of_holding_the_request(
        app, organizer, users, hung_redis):
    app.config.update(TASK_QUEUE_URL=f"redis://127.0.0.1:{hung_redis.port}/0",
                      TASK_QUEUE_NAME=f"test-{uuid.uuid4().hex}")
    queue = app.extensions["tasks"]
    try:
        started = time.monotonic()
        job_id = _enqueue(app, "test.broken", users["organizer"])
        # redis-py's default would wait for ever; the queue's socket timeout is 3 s.
        assert time.monotonic() - started < 10
        state = job_state(organizer, job_id)
        assert state["status"] == "failed" and state["finished"]
    finally:
        queue.close()
