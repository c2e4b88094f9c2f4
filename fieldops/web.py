"""The request's unit of work and the one mapping from a broken rule to what the user sees.

A view validates its form, calls a service and redirects; it never commits or rolls back.
`FieldopsFlask.dispatch_request` commits once when the view returns normally (as Indico's request
handler does); an exception leaves the view uncommitted and the session is rolled back when the
app context ends. A `DomainError` becomes what the user sees in one place: on the form that was
sent (`rules_on(form)`), as flash messages (`rules_flashed()`), by the view itself
(`rules_checked()`, for answers such as an API's), or, when nothing in the view handles it, as
a JSON problem for the API and a flash message plus a redirect back for a page.
A `NotFound` is never shown on a form: it answers 404, as `abort(404)` in a view would.

A database that is busy (SQLite's write lock past its busy timeout) or a connection the server
dropped fails the request before its commit: the whole request runs again on a fresh
connection, nothing of the failed try having been kept; when the retries run out it answers
503 with Retry-After, whose message says truthfully whether anything was stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, flash, g, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from fieldops.db import MAX_ID, db
from fieldops.errors import DomainError, NotFound, attach_to_form

log = logging.getLogger(__name__)

#: where the request's commit stands (g): not yet, under way, or done
_COMMIT = "_fieldops_commit"
STARTED, DONE = "started", "done"


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: a number an id column holds; a larger one names nothing (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


class FieldopsFlask(Flask):
    """Flask with one commit per request, made when the view returns normally."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Before any blueprint adds its routes: each rule takes its converter when added.
        self.url_map.converters["int"] = IdConverter

    def full_dispatch_request(self):
        """Run the request; run it again when the database failed it before its commit."""
        for attempt in range(self.config["DATABASE_RETRIES"] + 1):
            g.pop(_COMMIT, None)
            try:
                return super().full_dispatch_request()
            except sa.exc.DBAPIError as error:
                if not transient(error):
                    raise
                db.session.rollback()
                if _sqlite(error) and g.get(_COMMIT) == STARTED:
                    g.pop(_COMMIT)  # SQLite refused the commit: nothing was stored
                # A commit cut short on a server may have been made: running it again could
                # store twice. SQLite's refused commit was not made.
                log.warning("database unavailable (try %s): %s", attempt + 1, error.orig)
                if g.get(_COMMIT) is not None:
                    break
                time.sleep(0.05 * (attempt + 1))
        return self.finalize_request(unavailable())

    def dispatch_request(self):
        """Run the view, then commit what it changed (an exception skips the commit)."""
        result = super().dispatch_request()
        commit_request()
        return result


def commit_request() -> None:
    """Commit the request's session if the view opened one and it holds a transaction."""
    # registry.has(): the check-in fast path never creates a session; do not make one for it.
    if db.session.registry.has() and db.session().in_transaction():
        setattr(g, _COMMIT, STARTED)
        db.session.commit()
        setattr(g, _COMMIT, DONE)


def stored_state() -> str | None:
    """Return where the request's commit stands: None (not tried), "started" or "done"."""
    return g.get(_COMMIT)


def _sqlite(error: sa.exc.DBAPIError) -> bool:
    return "sqlite" in type(error.orig).__module__


def transient(error: sa.exc.DBAPIError) -> bool:
    """Return whether a database error may pass when the request runs again.

    SQLite's write lock held past the busy timeout; on a server a dropped connection, a
    deadlock or a cancelled statement (psycopg's OperationalError family).
    """
    if error.connection_invalidated:
        return True
    if not isinstance(error, sa.exc.OperationalError):
        return False
    if _sqlite(error):
        message = str(error.orig).lower()
        return "locked" in message or "busy" in message
    return True


def unavailable() -> Response:
    """Answer 503 with Retry-After, saying truthfully whether the request stored anything."""
    state = stored_state()
    if state == DONE:
        message = _("Dữ liệu đã được lưu, nhưng máy chủ chưa trả lời được. Hãy tải lại trang "
                    "để xem.")
    elif state == STARTED:
        message = _("Mất kết nối với cơ sở dữ liệu lúc đang lưu: chưa rõ dữ liệu đã được lưu "
                    "hay chưa. Hãy tải lại trang để kiểm tra.")
    else:
        message = _("Máy chủ đang bận, dữ liệu chưa được lưu. Hãy thử lại sau ít giây.")
    return error_answer(503, _("Máy chủ đang bận"), message,
                        {"Retry-After": str(current_app.config["DATABASE_RETRY_AFTER"])})


def error_answer(code: int, title: str, message: str, headers: dict | None = None) -> Response:
    """Return an error as JSON (the API, the phone's outbox) or as the error page."""
    if _wants_json() or request.headers.get("X-Fieldops-Outbox") == "1":
        response = jsonify({"error": message})
    else:
        try:
            response = current_app.make_response(render_template(
                "error.html", code=code, title=title, message=message))
        except sa.exc.SQLAlchemyError:
            # The page's frame reads the signed-in user: with no database, say it plainly.
            db.session.rollback()
            response = current_app.make_response(f"{title}. {message}")
            response.mimetype = "text/plain"
    response.status_code = code
    response.headers.update(headers or {})
    return response


class _Outcome:
    """Whether the rules held inside a `rules_on` / `rules_flashed` block."""

    error: DomainError | None = None

    @property
    def failed(self) -> bool:
        """True when a rule was broken and the block's changes were rolled back."""
        return self.error is not None


@contextmanager
def _caught(on_error) -> Iterator[_Outcome]:
    """Run a block; on a DomainError hand it to `on_error` and note it on the outcome.

    A `NotFound` passes through: the page answers 404, there is nothing to show.
    """
    outcome = _Outcome()
    try:
        yield outcome
    except NotFound:
        raise
    except DomainError as error:
        on_error(error)
        outcome.error = error


def _undone(error: DomainError) -> None:
    """Roll back what the block did; the caller reads the error from the outcome."""
    db.session.rollback()


def rules_on(form, *, renamed: dict[str, str] | None = None,
             keep: bool = False) -> AbstractContextManager[_Outcome]:
    """Run a service call; on a DomainError roll back and show it on the form's fields.

    `renamed` shows a service's field on another field of this form (see `attach_to_form`);
    `keep=True` stores what the block did even when a rule broke (a refused sign-in counts).
    """

    def on_form(error: DomainError) -> None:
        if not keep:
            db.session.rollback()
        attach_to_form(form, error, renamed)

    return _caught(on_form)


def rules_flashed() -> AbstractContextManager[_Outcome]:
    """Run a service call; on a DomainError roll back and flash each message as an error."""

    def flashed(error: DomainError) -> None:
        db.session.rollback()
        flash_errors(error)

    return _caught(flashed)


def rules_checked() -> AbstractContextManager[_Outcome]:
    """Run a service call; on a DomainError roll back and hand it to the view (an API answer)."""
    return _caught(_undone)


def flash_errors(error: DomainError) -> None:
    """Flash every message a DomainError carries (one per broken rule)."""
    for one in getattr(error, "errors", [error]):
        flash(one.message, "error")


def problem(error: DomainError, status: int = 422):
    """Return the API's JSON answer to a broken rule: {"error": message, "field": field}."""
    return jsonify({"error": str(error.message), "field": error.field}), status


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.is_json or request.accept_mimetypes.best == "application/json")


def _back() -> str:
    """Return the page the request came from if it is ours, else the request's own address."""
    referrer = request.referrer
    if referrer and urlsplit(referrer).netloc == request.host:
        return referrer
    return request.path


def _unhandled_domain_error(error: DomainError) -> Response | tuple:
    """A rule broken where no view handles it: a JSON problem or a flash and a redirect back."""
    db.session.rollback()
    if _wants_json():
        return problem(error)
    flash_errors(error)
    return redirect(_back(), code=303)


def _bad_value(error: sa.exc.DataError) -> Response:
    """A value the database cannot hold (an id past its integer range) that no check caught."""
    db.session.rollback()
    return error_answer(422, _("Dữ liệu không hợp lệ"), _(
        "Một giá trị gửi lên không hợp lệ (số quá lớn?). Không có gì được lưu."))


def _not_found(error: NotFound) -> Response | tuple:
    """Nothing at the address asked for: the app's own 404 answer (page or JSON)."""
    db.session.rollback()
    return current_app.handle_http_exception(HTTPNotFound())


def init_app(app: Flask) -> None:
    """Map every DomainError that no view handles to what the user sees."""
    app.register_error_handler(DomainError, _unhandled_domain_error)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(sa.exc.DataError, _bad_value)
