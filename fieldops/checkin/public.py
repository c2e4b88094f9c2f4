"""The citizen's side: the check-in form a desk's QR code opens, and the queue ticket."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from fieldops import ratelimit
from fieldops.checkin import prereg, services
from fieldops.checkin.forms import CheckinForm
from fieldops.checkin.services import REFUSALS, RefusedError
from fieldops.db import db
from fieldops.errors import DomainError, attach_to_form
from fieldops.events.models import HelpDesk
from fieldops.extensions import csrf
from fieldops.forms import choices

bp = Blueprint("public", __name__)


def _within_limits(token: str) -> None:
    """Count the request against its code's limit and its code + address's; 429 when over."""
    # Generous: a whole crowd may come through one carrier address (CGNAT) at a launch event.
    config = current_app.config
    ratelimit.enforce(("checkin-code", token, config["CHECKIN_RATE_PER_CODE"]),
                      ("checkin-address", f"{token}|{request.remote_addr}",
                       config["CHECKIN_RATE_PER_ADDRESS"]))


@bp.before_request
def _small_bodies():
    # A real check-in is under 2 KB; refuse big bodies before anything reads them.
    request.max_content_length = current_app.config["CHECKIN_MAX_BODY"]


@bp.errorhandler(413)
def _too_large(error):
    limit = current_app.config["CHECKIN_MAX_BODY"] // 1024
    return render_template("error.html", code=413, title=_("Biểu mẫu quá lớn"), message=_(
        "Biểu mẫu gửi lên quá lớn (tối đa %(kb)s KB). Không có gì được lưu.", kb=limit)), 413


@bp.route("/checkin/<token>", methods=["GET", "POST"])
@csrf.exempt
def form(token: str):
    _within_limits(token)
    if request.method == "GET":
        code = services.find_code(token)
        if code is None:
            abort(404)
        reason = services.code_refusal(code)
        if reason:
            return render_template("checkin/refused.html", desk=code.desk,
                                   message=REFUSALS[reason]), 410
        return _draw(token, CheckinForm())
    # The POST reads plain values and runs on its own short transaction (see prereg.py);
    # WTForms and the ORM come in only to draw the form again or to store a refusal.
    submission = prereg.read_submission(request.form)
    try:
        try:
            submission_id = _pre_register(token, submission)
        except IntegrityError:
            # The same submission arrived twice at once and the other request stored it
            # first: asked again, it is a replay now (or refused, if it names someone else).
            submission_id = _pre_register(token, submission)
    except RefusedError as error:
        # The refusal itself is stored, so the organizer can follow up.
        db.session.commit()
        desk = db.session.get(HelpDesk, error.refusal.desk_id)
        return render_template("checkin/refused.html", desk=desk, message=error.message), 409
    except DomainError as error:
        form = CheckinForm()
        form.validate()
        attach_to_form(form, error)
        return _draw(token, form, 422)
    return redirect(url_for(".ticket", submission_id=submission_id))


def _pre_register(token: str, submission: prereg.Submission) -> str:
    """Pre-register in the POST's own transaction, committed on return; 404 for a bad token."""
    with prereg.transaction() as tx:
        facts = prereg.read_facts(tx, token, submission)
        if facts is None:
            abort(404)
        return prereg.pre_register(tx, facts, submission)


def _draw(token: str, form: CheckinForm, status: int = 200):
    """Render the citizen's form with the desk's hamlets and services as its choices."""
    code = services.find_code(token)
    desk = code.desk
    hamlets = services.campaign_hamlets(desk.event.campaign)
    form.hamlet_id.choices = choices((h.id, h.display_name) for h in hamlets)
    form.services.choices = choices((s.id, s.name) for s in services.desk_services(desk))
    return render_template("checkin/form.html", form=form, desk=desk, code=code), status


@bp.get("/checkin/ticket/<submission_id>")
def ticket(submission_id: str):
    # The submission id is a random UUID only the citizen's phone knows.
    registration = services.find_registration(submission_id)
    if registration is None or registration.source != "qr":
        abort(404)
    ahead = sum(1 for r in services.desk_queue(registration.desk, registration.queue_day)
                if r.queue_number < registration.queue_number) if registration.desk else 0
    response = current_app.make_response(render_template(
        "checkin/ticket.html", registration=registration, ahead=ahead))
    response.headers["Cache-Control"] = "no-store"
    return response
