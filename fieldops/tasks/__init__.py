"""Background work: the task queue (Huey), its jobs with their progress, and schedules.

A feature defines a job with `@job("kind")` (a function of the Job row, returning its message
or a `JobResult(message, url)`), asks for one with `enqueue(...)` inside its request, and calls
`report_progress(done, total)` from the job's loops. The job runs in a worker in its own
transaction; its page (`jobs.detail`) shows the progress bar and then the outcome.
`@schedule(crontab(...), "name")` runs a function periodically. See queue.py for where the
consumer runs.
"""

from fieldops.tasks import schedules
from fieldops.tasks.models import DONE, FAILED, QUEUED, RUNNING, Job
from fieldops.tasks.queue import init_app, job, running_consumer, schedule
from fieldops.tasks.runner import JobResult, report_progress
from fieldops.tasks.services import enqueue, last_job, live_job
from fieldops.tasks.views import bp

__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "Job", "JobResult", "bp", "enqueue",
           "init_app", "job", "last_job", "live_job", "report_progress", "running_consumer",
           "schedule", "schedules"]
