"""The task queue: Huey made from the app's config, its consumer, and jobs sent after commit.

On one machine the queue is a SQLite file in the instance folder and `fieldops serve` / `demo`
run its consumer in their own process (worker threads beside waitress's). With several
processes (gunicorn) it is Redis (`TASK_QUEUE_URL=redis://...`) and `fieldops worker` runs the
consumer. A running job's progress is kept in the queue's store (the SQLite file or Redis),
which every process reads and which a job's open transaction does not lock. A job is sent to
the queue only once the transaction that created its row commits, so a worker never looks for
a row it cannot see yet, and a rolled-back request sends nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale
from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.constants import EmptyData
from huey.consumer import Consumer
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy.orm import Session

from fieldops.clock import now_utc
from fieldops.tasks.models import FAILED, RUNNING, Job

log = logging.getLogger(__name__)

#: job kind -> the function that does it, filled by @job in the modules that define them
JOBS: dict[str, Callable[[Job], Any]] = {}
#: (name, when, function) of the periodic tasks, filled by @schedule
SCHEDULES: list[tuple[str, Callable, Callable[[], Any]]] = []
#: ids of jobs created in a session's transaction, sent to the queue when it commits
_PENDING = "fieldops.tasks.pending"
#: the prefix of the consumer's thread names (tests check none is left running)
THREAD_PREFIX = "fieldops-tasks-"


def job(kind: str) -> Callable:
    """Register a job function under a kind: it gets the Job row and returns its outcome."""

    def register(function: Callable[[Job], Any]) -> Callable[[Job], Any]:
        if JOBS.get(kind, function) is not function:
            raise ValueError(f"job kind {kind!r} is already taken")
        JOBS[kind] = function
        return function

    return register


def schedule(when: Callable, name: str) -> Callable:
    """Register a function the consumer runs periodically (`when` is a huey crontab, in UTC)."""

    def register(function: Callable[[], Any]) -> Callable[[], Any]:
        if all(existing != name for existing, _when, _function in SCHEDULES):
            SCHEDULES.append((name, when, function))
        return function

    return register


class TaskQueue:
    """The app's task queue: its Huey instance, made on first use from the app's config."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._huey: Huey | None = None
        self._run_job: Callable | None = None
        self._lock = threading.Lock()

    @property
    def embedded(self) -> bool:
        """True when the queue lives in a SQLite file on this machine (no Redis)."""
        return not _is_redis(self.app.config["TASK_QUEUE_URL"])

    @property
    def huey(self) -> Huey:
        """The Huey instance, with the job runner and the periodic tasks registered."""
        with self._lock:
            if self._huey is None:
                self._huey, self._run_job = _make_huey(self.app)
            return self._huey

    def send(self, job_id: int) -> None:
        """Put a committed job on the queue; a queue that does not answer fails the job."""
        try:
            self.huey  # noqa: B018 (made on first use)
            self._run_job(job_id)
        except Exception:
            log.exception("job %s could not be put on the task queue", job_id)
            from fieldops.tasks.runner import UNSENT, mark_failed

            mark_failed(job_id, UNSENT, "queue unreachable")

    def put_progress(self, job_id: int, done: int, total: int | None) -> None:
        """Keep a running job's progress in the queue's store, which every process reads."""
        value = f"{done} {'' if total is None else total}".encode()
        self.huey.storage.put_data(_progress_key(job_id), value)

    def progress(self, job_id: int) -> tuple[int, int | None] | None:
        """Return a running job's last reported (done, total), or None."""
        value = self.huey.storage.peek_data(_progress_key(job_id))
        if value is EmptyData:
            return None
        done, total = bytes(value).decode().split(" ")
        return int(done), int(total) if total else None

    def forget_progress(self, job_id: int) -> None:
        """Drop a finished job's progress from the queue's store."""
        self.huey.storage.pop_data(_progress_key(job_id))

    def close(self) -> None:
        """Close the queue's storage connection (the SQLite file or the Redis pool)."""
        with self._lock:
            if self._huey is not None:
                storage = self._huey.storage
                if hasattr(storage, "pool"):
                    storage.pool.disconnect()
                else:
                    storage.close()


def _progress_key(job_id: int) -> str:
    return f"fieldops-job-progress:{job_id}"


def _is_redis(url: str | None) -> bool:
    return bool(url) and url.split(":", 1)[0] in ("redis", "rediss", "unix")


def _make_huey(app: Flask) -> tuple[Huey, Callable]:
    """Build the Huey instance the config names and register what it runs."""
    url = app.config["TASK_QUEUE_URL"]
    name = app.config["TASK_QUEUE_NAME"]
    # Outcomes live in the job table, not in the queue's result store.
    if _is_redis(url):
        # Bounded waits: redis-py's default has none, and a frozen Redis would hold a request
        # that sends a job forever. Longer than the consumer's 1 s blocking read.
        import redis  # the "scale" extra: only a deployment with several processes needs it

        pool = redis.ConnectionPool.from_url(url, socket_connect_timeout=1, socket_timeout=3)
        huey: Huey = RedisHuey(name, connection_pool=pool, results=False)
    else:
        path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "tasks.db")
        huey = SqliteHuey(name, filename=path, results=False)

    def run_job(job_id: int) -> None:
        from fieldops.tasks.runner import run_job as run

        with app.app_context():
            run(job_id)

    run_task = huey.task(name="run_job")(run_job)
    for task_name, when, function in SCHEDULES:
        huey.periodic_task(when, name=task_name)(_in_app(app, function))

    @huey.signal(SIGNAL_INTERRUPTED)
    def _interrupted(_signal, task, *args, **kwargs) -> None:
        # The process stops with the job half done: its transaction never committed.
        if task.name == "run_job" and task.args:
            from fieldops.tasks.runner import INTERRUPTED, mark_failed

            with app.app_context():
                mark_failed(task.args[0], INTERRUPTED, "interrupted")

    return huey, run_task


def _in_app(app: Flask, function: Callable[[], Any]) -> Callable[[], None]:
    def periodic() -> None:
        with app.app_context():
            function()

    periodic.__name__ = function.__name__
    periodic.__module__ = function.__module__
    return periodic


class _Consumer(Consumer):
    """Huey's consumer for threads inside another program (the web server or a test)."""

    def _set_signal_handlers(self) -> None:
        # Inside `fieldops serve` the server owns Ctrl+C and SIGTERM and stops us itself.
        pass

    def _create_process(self, process, name):
        return super()._create_process(process, THREAD_PREFIX + name)


def start_consumer(app: Flask) -> Consumer:
    """Start the consumer's worker threads and scheduler in this process."""
    queue: TaskQueue = app.extensions["tasks"]
    if queue.embedded:
        _fail_stale_jobs(app)
    consumer = _Consumer(queue.huey, workers=app.config["TASK_WORKERS"], worker_type="thread",
                         periodic=True, check_worker_health=False,
                         max_delay=app.config["TASK_POLL_SECONDS"],
                         shutdown_timeout=app.config["TASK_SHUTDOWN_TIMEOUT"])
    consumer.start()
    return consumer


def worker_consumer(app: Flask, workers: int | None = None) -> Consumer:
    """Return Huey's consumer for a process of its own (`fieldops worker`), not yet run."""
    queue: TaskQueue = app.extensions["tasks"]
    return Consumer(queue.huey, workers=workers or app.config["TASK_WORKERS"],
                    worker_type="thread", periodic=True,
                    max_delay=app.config["TASK_POLL_SECONDS"],
                    shutdown_timeout=app.config["TASK_SHUTDOWN_TIMEOUT"])


def stop_consumer(consumer: Consumer) -> None:
    """Stop the consumer, waiting for running jobs up to the shutdown timeout."""
    consumer.stop(graceful=True)
    consumer.huey.notify_interrupted_tasks()


@contextmanager
def running_consumer(app: Flask, *, force: bool = False):
    """Run the consumer inside this process for the block, when the config asks for it."""
    wanted = app.config["RUN_WORKER"]
    if wanted is None:
        wanted = app.extensions["tasks"].embedded
    if not (wanted or force):
        yield None
        return
    consumer = start_consumer(app)
    try:
        yield consumer
    finally:
        stop_consumer(consumer)


def _fail_stale_jobs(app: Flask) -> None:
    """Fail the jobs a stopped process left running (only this machine runs the queue)."""
    from fieldops.db import db
    from fieldops.tasks.runner import INTERRUPTED

    with app.app_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        db.session.execute(sa.update(Job).where(Job.status == RUNNING).values(
            status=FAILED, message=str(INTERRUPTED), error="interrupted",
            finished_at=now_utc()))
        db.session.commit()


def remember_to_send(session: Session, job_id: int) -> None:
    """Send this job to the queue once the session's transaction commits."""
    session.info.setdefault(_PENDING, []).append(job_id)


def _send_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        queue: TaskQueue = current_app.extensions["tasks"]
        for job_id in pending:
            queue.send(job_id)


def _forget_pending(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    """Give the app its task queue (made on first use) and send jobs after commit."""
    app.extensions["tasks"] = TaskQueue(app)
    if not sa.event.contains(Session, "after_commit", _send_pending):
        sa.event.listen(Session, "after_commit", _send_pending)
        sa.event.listen(Session, "after_rollback", _forget_pending)

