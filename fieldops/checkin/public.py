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
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import IntegrityError

from fieldops.checkin import prereg, services
from fieldops.checkin.forms import CheckinForm
from fieldops.checkin.services import REFUSALS, RefusedError
from fieldops.db import db
from fieldops.errors import DomainError, attach_to_form
from fieldops.events.models import HelpDesk
from fieldops.extensions import csrf, limiter
from fieldops.forms import choices

bp = Blueprint("public", __name__)


def _token_key() -> str:
    return (request.view_args or {}).get("token", "")


def _token_and_address_key() -> str:
    return f"{_token_key()}|{get_remote_address()}"


# Generous: a whole crowd may come through one carrier address (CGNAT) at a launch event.
per_code = limiter.limit(lambda: current_app.config["CHECKIN_RATE_PER_CODE"],
                         key_func=_token_key, scope="checkin-code")
per_address = limiter.limit(lambda: current_app.config["CHECKIN_RATE_PER_ADDRESS"],
                            key_func=_token_and_address_key, scope="checkin-address")


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
@per_code
@per_address
def form(token: str):
    if request.method == "GET":
        code = services.find_code(token)
        if code is None:
            abort(404)
        reason = services.code_refusal(code)
        if reason:
            return render_template("checkin/refused.html", desk=code.desk,
                                   message=REFUSALS[reason]), 410
    else:
        # A POST needs only plain facts about the code: one light query (see prereg.py).
        facts = prereg.code_facts(token)
        if facts is None:
            abort(404)
    form = CheckinForm()
    status = 200
    if form.validate_on_submit():
        try:
            prereg.pre_register(
                facts, submission_id=form.submission_id.data, full_name=form.full_name.data,
                phone=form.phone.data, hamlet_id=form.hamlet_id.data,
                service_ids=form.services.data or [], consent=form.consent.data)
            db.session.commit()
        except RefusedError as error:
            # The refusal itself is stored, so the organizer can follow up.
            db.session.commit()
            desk = db.session.get(HelpDesk, facts.desk_id)
            return render_template("checkin/refused.html", desk=desk, message=error.message), 409
        except DomainError as error:
            db.session.rollback()
            attach_to_form(form, error)
        except IntegrityError:
            # The same submission arrived twice at once: the other request stored it.
            db.session.rollback()
            if services.find_registration(form.submission_id.data) is None:
                raise
            return redirect(url_for(".ticket", submission_id=form.submission_id.data))
        else:
            return redirect(url_for(".ticket", submission_id=form.submission_id.data.strip()))
        status = 422
    elif form.is_submitted():
        status = 422
    # Choices are needed only to draw the form: a valid POST never builds them.
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
