"""The citizen's side: the check-in form a desk's QR code opens, and the queue ticket."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from fieldops import outbox, ratelimit
from fieldops.checkin import prereg, refusals, services, writers
from fieldops.checkin.forms import CheckinForm
from fieldops.checkin.models import WAITING
from fieldops.checkin.rules import REFUSALS
from fieldops.checkin.services import RefusedError
from fieldops.clock import now_utc
from fieldops.errors import DomainError, attach_to_form
from fieldops.events.models import HelpDesk, LaunchEvent
from fieldops.extensions import csrf
from fieldops.forms import choices
from fieldops.i18n import format_vn_datetime

bp = Blueprint("public", __name__)


def _within_limits(token: str) -> None:
    """Count the request against its code + address's limit and, for a POST, against its
    code's; 429 with Retry-After when over."""
    # Generous: a whole crowd may come through one carrier address (CGNAT) at a launch event.
    # Only registrations count for the code: views of a poster's photo must not block a desk.
    config = current_app.config
    checks = [("checkin-address", f"{token}|{request.remote_addr}",
               config["CHECKIN_RATE_PER_ADDRESS"])]
    if request.method == "POST":
        checks.append(("checkin-code", token, config["CHECKIN_RATE_PER_CODE"]))
    ratelimit.enforce(*checks)


@bp.before_request
def _small_bodies():
    # A real check-in is under 2 KB; refuse big bodies before anything reads them.
    request.max_content_length = current_app.config["CHECKIN_MAX_BODY"]


@bp.errorhandler(413)
def _too_large(error):
    limit = current_app.config["CHECKIN_MAX_BODY"] // 1024
    return render_template("error.html", code=413, title=_("Biểu mẫu quá lớn"), message=_(
        "Biểu mẫu gửi lên quá lớn (tối đa %(kb)s KB). Không có gì được lưu.", kb=limit)), 413


@bp.errorhandler(429)
def _too_many(error):
    # The citizen keeps what they typed: the form comes back filled, with when to send again.
    wait = getattr(error, "retry_after", None) or 60
    message = _("Quầy đang nhận quá nhiều đăng ký cùng lúc. Vui lòng chờ khoảng %(seconds)s giây "
                "rồi bấm “Lấy số thứ tự” lại; thông tin bạn đã nhập vẫn còn.", seconds=wait)
    token = (request.view_args or {}).get("token")
    if request.method == "POST" and outbox.from_outbox():
        response = jsonify({"status": "busy", "error": message})
    elif token and services.find_code(token) is not None:
        response = _draw(token, CheckinForm(), busy=message)[0]
    else:
        response = make_response(render_template(
            "error.html", code=429, title=_("Quá nhiều yêu cầu"), message=message))
    response.status_code = 429
    return ratelimit.with_retry_after(response, error)


@bp.route("/checkin/<token>", methods=["GET", "POST"])
@csrf.exempt
def form(token: str):
    _within_limits(token)
    if request.method in ("GET", "HEAD"):  # HEAD is a GET without the body
        code = services.find_code(token)
        if code is None:
            abort(404)
        reason = services.code_refusal(code)
        if reason:
            return _refused(code.desk, REFUSALS[reason], 410)
        return _draw(token, CheckinForm())
    # The POST reads plain values and runs on its own connection (see prereg.py); WTForms and
    # the ORM come in only to draw the form again.
    submission = prereg.read_submission(request.form)
    try:
        try:
            return _pre_register(token, submission)
        except IntegrityError:
            # The same submission arrived twice at once and the other request stored it
            # first: asked again, it is a replay now (or refused, if it names someone else).
            return _pre_register(token, submission)
    except DomainError as error:
        form = CheckinForm()
        form.validate()
        attach_to_form(form, error)
        if outbox.from_outbox():
            return outbox.refused(outbox.form_errors(form))
        return _draw(token, form, 422)


def _pre_register(token: str, submission: prereg.Submission):
    """Pre-register on the POST's own connection, committed on return; 404 for a bad token."""
    with writers.open_writer() as writer:
        facts = prereg.read_facts(writer, token, submission)
        if facts is None:
            abort(404)
        try:
            submission_id = prereg.pre_register(writer, facts, submission)
        except RefusedError as error:
            # Stored by the writer, so the organizer can follow up; drawn once it committed.
            refused = error
        else:
            refused = None
    if refused is not None:
        # Drawn from the facts, not loaded: a refusal costs no second connection.
        desk = HelpDesk(table_label=facts.table_label, organisation=facts.organisation,
                        event=LaunchEvent(title=facts.event_title))
        return _refused(desk, refused.message, 409, refused.reason)
    ticket_url = url_for(".ticket", submission_id=submission_id)
    # Stored now or before (a resend): the outbox forgets it either way.
    return outbox.kept(ticket_url) if outbox.from_outbox() else redirect(ticket_url)


def _next_step(reason: str | None) -> str | None:
    """Return what happens to a refused POST's details (refusal_views lists them)."""
    if reason is None:
        return None
    if reason in refusals.CODE_REASONS:
        # The desk still works: its staff see the list and can queue the citizen.
        return _("Thông tin bạn gửi đã được lưu kèm lý do và hiện trong danh sách của bàn. Hãy "
                 "đến bàn, báo họ tên: cán bộ sẽ xếp bạn vào hàng chờ và cho bạn số thứ tự.")
    return _("Thông tin bạn gửi đã được lưu kèm lý do. Ban tổ chức sẽ xem danh sách này và có "
             "thể gọi lại cho bạn theo số điện thoại bạn đã gửi.")


def _refused(desk: HelpDesk, message: str, status: int, reason: str | None = None):
    """Render the page that says why the code takes no registration now, and what follows."""
    next_step = _next_step(reason)
    if request.method == "POST" and outbox.from_outbox():
        return outbox.refused({"": [f"{message} {next_step}" if next_step else str(message)]},
                              status)
    return render_template("checkin/refused.html", desk=desk, message=message,
                           next_step=next_step), status


def _draw(token: str, form: CheckinForm, status: int = 200, busy: str | None = None):
    """Render the citizen's form with the desk's hamlets and services as its choices."""
    code = services.find_code(token)
    desk = code.desk
    hamlets = services.campaign_hamlets(desk.event.campaign)
    form.hamlet_id.choices = choices((h.id, h.display_name) for h in hamlets)
    form.services.choices = choices((s.id, s.name) for s in services.desk_services(desk))
    page = render_template("checkin/form.html", form=form, desk=desk, code=code, busy=busy)
    return make_response(page), status


def _ticket_or_404(submission_id: str):
    """Return the QR ticket of this submission id; 404 for any other."""
    # The submission id is a random UUID only the citizen's phone knows.
    registration = services.find_registration(submission_id)
    if registration is None or registration.source != "qr":
        abort(404)
    return registration


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/checkin/ticket/<submission_id>")
def ticket(submission_id: str):
    registration = _ticket_or_404(submission_id)
    return _no_store(current_app.make_response(render_template(
        "checkin/ticket.html", registration=registration, updated_at=now_utc(),
        ahead=services.people_ahead(registration))))


@bp.get("/checkin/ticket/<submission_id>.json")
def ticket_json(submission_id: str):
    registration = _ticket_or_404(submission_id)
    ahead = services.people_ahead(registration) if registration.status == WAITING else 0
    return _no_store(jsonify(
        updated_at=format_vn_datetime(now_utc()), queue_number=registration.queue_number,
        status=registration.status, status_label=registration.status_label, ahead=ahead,
        ahead_label=_("còn %(n)s người trước bạn", n=ahead) if ahead else ""))
