"""The volunteer's side: a desk's queue, calling the next citizen, recording at a desk or a door."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from fieldops.checkin import access, recording, services
from fieldops.checkin.citizen_id import check_citizen_id
from fieldops.checkin.forms import record_form
from fieldops.checkin.models import CALLED, DESK, DOOR, WAITING, Registration
from fieldops.checkin.services import DuplicateError, RefusedError
from fieldops.db import db
from fieldops.errors import DomainError, attach_to_form
from fieldops.events.models import HelpDesk
from fieldops.forms import choices
from fieldops.teams.models import Team

bp = Blueprint("desk", __name__)


@bp.get("/checkin")
@login_required
def index():
    return render_template("checkin/index.html", desks=access.staffed_desks(current_user),
                           teams=access.user_teams(current_user))


def _desk_for_user(desk_id: int) -> HelpDesk:
    desk = db.get_or_404(HelpDesk, desk_id)
    if not access.can_work_desk(current_user, desk):
        abort(403)
    return desk


@bp.get("/checkin/desks/<int:desk_id>")
@login_required
def queue(desk_id: int):
    desk = _desk_for_user(desk_id)
    return render_template("checkin/queue.html", desk=desk, queue=services.desk_queue(desk))


@bp.post("/checkin/desks/<int:desk_id>/call")
@login_required
def call_next(desk_id: int):
    desk = _desk_for_user(desk_id)
    registration = services.call_next(desk, current_user)
    db.session.commit()
    if registration is None:
        flash(_("Không còn ai đang chờ."), "info")
        return redirect(url_for(".queue", desk_id=desk.id))
    return redirect(url_for(".complete", registration_id=registration.id))


def _save_record(form, *, registration, campaign, source, desk=None, team=None):
    """Run the record rules for a submitted form; return the record, or None with errors set."""
    try:
        number = check_citizen_id(form.citizen_id.data, confirm=form.citizen_id_confirm.data,
                                  birth_year=form.birth_year.data)
        saved = recording.record(
            registration, submission_id=form.submission_id.data, user=current_user,
            campaign=campaign, source=source, full_name=form.full_name.data,
            phone=form.phone.data, hamlet_id=form.hamlet_id.data or None,
            birth_year=form.birth_year.data, citizen_id=number, outcomes=form.outcomes(),
            consent=form.consent.data, desk=desk, team=team)
        db.session.commit()
        return saved, None
    except RefusedError as error:
        db.session.commit()
        form.form_errors.append(error.message)
        return None, None
    except DuplicateError as error:
        db.session.rollback()
        attach_to_form(form, error)
        return None, error.existing
    except DomainError as error:
        db.session.rollback()
        attach_to_form(form, error)
        return None, None
    except IntegrityError:
        # Sent twice at once, or the same citizen recorded at two desks at the same moment.
        db.session.rollback()
        saved = recording.replayed(form.submission_id.data)
        if saved is None:
            form.form_errors.append(_("Hồ sơ vừa được ghi ở nơi khác. Hãy tải lại và kiểm tra."))
        return saved, None


def _render_record(form, **context):
    status = 422 if form.is_submitted() else 200
    return render_template("checkin/record.html", form=form, **context), status


@bp.route("/checkin/registrations/<int:registration_id>/record", methods=["GET", "POST"])
@login_required
def complete(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    if registration.desk is None or registration.status not in (WAITING, CALLED):
        return redirect(url_for("checkin.records.detail", registration_id=registration.id))
    desk = _desk_for_user(registration.desk_id)
    campaign = registration.campaign
    form = record_form(services.campaign_services(campaign), data={
        "full_name": registration.full_name, "phone": registration.phone,
        "hamlet_id": registration.hamlet_id})
    form.hamlet_id.choices = choices(
        [(0, _("— Chọn thôn/ấp —"))]
        + [(h.id, h.display_name) for h in services.campaign_hamlets(campaign)])
    duplicate = None
    if form.validate_on_submit():
        saved, duplicate = _save_record(form, registration=registration, campaign=campaign,
                                        source=DESK, desk=desk)
        if saved is not None:
            flash(_("Đã ghi nhận số %(n)s – %(name)s.", n=saved.queue_number or "",
                    name=saved.full_name), "success")
            return redirect(url_for(".queue", desk_id=desk.id))
    requested = {row.service_id for row in registration.services}
    return _render_record(form, registration=registration, desk=desk, requested=requested,
                          duplicate=duplicate, action=request.path)


@bp.route("/checkin/desks/<int:desk_id>/new", methods=["GET", "POST"])
@login_required
def walk_in(desk_id: int):
    desk = _desk_for_user(desk_id)
    campaign = desk.event.campaign
    form = record_form(services.campaign_services(campaign))
    form.hamlet_id.choices = choices(
        [(0, _("— Chọn thôn/ấp —"))]
        + [(h.id, h.display_name) for h in services.campaign_hamlets(campaign)])
    duplicate = None
    if form.validate_on_submit():
        saved, duplicate = _save_record(form, registration=None, campaign=campaign,
                                        source=DESK, desk=desk)
        if saved is not None:
            flash(_("Đã ghi nhận %(name)s.", name=saved.full_name), "success")
            return redirect(url_for(".queue", desk_id=desk.id))
    return _render_record(form, registration=None, desk=desk, requested=set(),
                          duplicate=duplicate, action=request.path)


@bp.route("/checkin/door", methods=["GET", "POST"])
@login_required
def door():
    teams = access.user_teams(current_user)
    if current_user.is_organizer and not teams:
        teams = list(db.session.execute(db.select(Team).order_by(Team.name)).scalars())
    team_id = request.args.get("team_id", type=int) or (teams[0].id if len(teams) == 1 else None)
    team = next((t for t in teams if t.id == team_id), None)
    if team is None:
        return render_template("checkin/door_pick.html", teams=teams)
    today = services.local_today()
    hamlets = access.hamlets_today(team, today)
    if not hamlets:
        return render_template("checkin/door_pick.html", teams=teams, team=team,
                               no_assignment=True)
    form = record_form(services.campaign_services(team.campaign),
                       data={"hamlet_id": hamlets[0].id})
    # The hamlet comes from the team's assignment for today, not from free choice.
    form.hamlet_id.choices = choices((h.id, h.display_name) for h in hamlets)
    duplicate = None
    if form.validate_on_submit():
        if form.hamlet_id.data not in {h.id for h in hamlets}:
            form.hamlet_id.errors = [_("Đoàn không được phân công thôn/ấp này hôm nay.")]
        else:
            saved, duplicate = _save_record(form, registration=None, campaign=team.campaign,
                                            source=DOOR, team=team)
            if saved is not None:
                flash(_("Đã ghi nhận %(name)s.", name=saved.full_name), "success")
                return redirect(url_for(".door", team_id=team.id))
    return _render_record(form, registration=None, team=team, requested=set(),
                          duplicate=duplicate, action=request.full_path)
