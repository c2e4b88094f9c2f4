"""The one staged-upload pipeline: read a file once, preview it, confirm it once, apply it whole.

Every import is an `Importer` of three functions:
- `parse(filename, content, scope)` reads the file into JSON-able data and its problems; it
  writes nothing. The data is kept with the upload and never parsed again.
- `plan(data, scope)` compares that data with the database as it is now, reading in sets (one
  query per table, then dict lookups); it writes nothing.
- `apply(plan, upload, user, options)` writes the plan in batches (executemany) and returns the
  message the user sees.
`confirm` plans before it claims the upload, so that on SQLite the write lock is taken by the
claim and held only for the batched writes until the request commits: a citizen's check-in waits
for a few hundred milliseconds at most, never for the import.
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.tasks import report_progress
from fieldops.uploads.models import StagedUpload
from fieldops.uploads.tables import ImportProblem, Message

if TYPE_CHECKING:
    from fieldops.auth.models import User

CREATE, UPDATE, SAME = "create", "update", "same"
#: the preview lists this many changing rows; a 10,000-row file shows its counts and these
PREVIEW_ROWS = 50
ALREADY_APPLIED = _l("Tệp này đã được nhập rồi; không nhập lại lần nữa.")
CHANGED_SINCE = _l("Dữ liệu đã thay đổi từ lúc xem trước; hãy tải tệp lên lại.")


@dataclass(frozen=True)
class Column:
    """A column of the preview's table of rows."""

    label: Message
    numeric: bool = False


class Noted(NamedTuple):
    """A preview cell with a note beside its value ("1.250 (stored: 1.100)")."""

    value: Any
    note: Message


@dataclass
class Change:
    """One row of the file and what it does to the database: create, update or nothing."""

    row: int
    action: str
    #: what the preview's table shows for this row, one value per column
    cells: tuple = ()
    #: what is counted apart ("commune", "hamlet"); empty when the import has one kind of row
    group: str = ""


@dataclass
class Parsed:
    """A file as read: JSON-able data to keep (None if nothing is usable) and its problems."""

    data: Any
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass
class Plan:
    """What a file would change in the database now, or the problems that stop it."""

    changes: list[Change] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    columns: tuple[Column, ...] = ()
    #: lines of counts at the top of the preview
    summary: list[Message] = field(default_factory=list)
    confirm_label: Message = ""
    #: what apply() needs to write, in the import's own shape
    steps: Any = None
    #: anything else the import's preview page shows (the appendix's total-row mismatches)
    notes: Any = None

    def count(self, action: str, group: str | None = None) -> int:
        """Return how many rows (of a group) the file creates, updates or leaves the same."""
        return sum(1 for c in self.changes
                   if c.action == action and (group is None or c.group == group))

    @property
    def changed(self) -> int:
        """Return how many rows create or update something."""
        return sum(1 for c in self.changes if c.action != SAME)


#: every importer by kind, so that a worker finds the one of a staged upload
IMPORTERS: dict[str, Importer] = {}


def count_rows(data: Any) -> int:
    """Return how many rows staged data holds: a list's length, or its "rows" list's."""
    if isinstance(data, dict):
        data = data.get("rows")
    return len(data) if isinstance(data, list) else 0


@dataclass(frozen=True)
class Importer:
    """One kind of file that can be staged: its parser, its planner and its apply function.

    `background_rows`: a file with more rows than this is applied by a background job, with a
    progress page, instead of inside the confirming request (None: always in the request).
    `rows` counts the staged data's rows (by default its list, or its "rows" list).
    """

    kind: str
    parse: Callable[[str, bytes, dict], Parsed]
    plan: Callable[[Any, dict], Plan]
    apply: Callable[[Plan, StagedUpload, User, dict], Message]
    background_rows: int | None = None
    rows: Callable[[Any], int] = count_rows

    def __post_init__(self) -> None:
        IMPORTERS[self.kind] = self


@dataclass
class Staged:
    """The outcome of an upload: the staged upload, or every problem and nothing stored."""

    upload: StagedUpload | None
    problems: list[ImportProblem]


@dataclass
class Preview:
    """A staged upload planned again for its page: the plan and its first changing rows."""

    plan: Plan
    rows: list[Change]
    changed: int
    same: int


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while thousands of rows are read, planned, written.

    Every row makes a few lists, tuples and dicts that live until the request ends; CPython
    would walk the whole heap (some 200,000 objects) again and again for them, which was half
    the time of a 10,000-row confirmation. Rows make no reference cycles: nothing is kept late.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _by_row(problem: ImportProblem) -> tuple[bool, int]:
    return problem.row is not None, problem.row or 0


def stage(importer: Importer, filename: str, content: bytes, scope: dict,
          user: User) -> Staged:
    """Read and check a file; keep its parse for the preview if nothing stops it."""
    with _bulk():
        parsed = importer.parse(filename, content, scope)
        problems = list(parsed.problems)
        if parsed.data is not None:
            problems += importer.plan(parsed.data, scope).problems
    if problems:
        # Every problem at once, in the order of the file's rows (sorted is stable).
        return Staged(None, sorted(problems, key=_by_row))
    upload = StagedUpload(token=secrets.token_urlsafe(24), kind=importer.kind, scope=scope,
                          filename=filename[:255], data=parsed.data,
                          row_count=importer.rows(parsed.data), created_by_id=user.id)
    db.session.add(upload)
    db.session.flush()
    return Staged(upload, [])


def preview(importer: Importer, upload: StagedUpload) -> Preview:
    """Plan a staged upload against the database as it is now, for its preview page."""
    with _bulk():
        plan = importer.plan(upload.data, upload.scope)
    changing = [c for c in plan.changes if c.action != SAME]
    return Preview(plan, changing[:PREVIEW_ROWS], len(changing), len(plan.changes) - len(changing))


def claim(upload: StagedUpload) -> None:
    """Mark a staged upload as applied, or raise DomainError if it already was."""
    # A conditional UPDATE: of two confirmations sent at once, only one finds applied_at empty
    # (the row lock decides on PostgreSQL, the write lock on SQLite). Its parse is not needed
    # any more: emptied, so that applied files do not pile up in the database.
    claimed = db.session.execute(
        sa.update(StagedUpload)
        .where(StagedUpload.id == upload.id, StagedUpload.applied_at.is_(None))
        .values(applied_at=now_utc(), data=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise DomainError(ALREADY_APPLIED)


def confirm(importer: Importer, upload: StagedUpload, user: User, options: dict) -> Message:
    """Apply a staged upload in full, once, and return what to tell the user.

    Raises DomainError (and the request changes nothing) when it was applied already or the
    database no longer agrees with the preview.
    """
    if upload.applied_at is not None:
        raise DomainError(ALREADY_APPLIED)
    with _bulk():
        if upload.data is None:
            raise DomainError(ALREADY_APPLIED)
        report_progress(0, upload.row_count or None)
        plan = importer.plan(upload.data, upload.scope)  # reads only: no write lock yet
        if plan.problems:
            raise DomainError(CHANGED_SINCE)
        claim(upload)
        try:
            message = importer.apply(plan, upload, user, options)
        except sa.exc.IntegrityError as error:
            # Someone changed the same places or people between the plan and the claim.
            raise DomainError(CHANGED_SINCE) from error
    # The batches bypassed the ORM: objects loaded before them must be read again.
    db.session.expire_all()
    return message


def drop(upload: StagedUpload) -> None:
    """Forget a staged upload that was not applied."""
    db.session.delete(upload)
    db.session.flush()
