"""The volunteer's side: a desk's queue, calling the next citizen, recording at a desk or a door."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops import outbox
from fieldops.checkin import access, recording, services
from fieldops.checkin.citizen_id import check_citizen_id
from fieldops.checkin.forms import (
    QueueActionForm,
    credit_choices,
    new_submission_id,
    record_form,
)
from fieldops.checkin.models import (
    CALLED,
    DESK,
    DOOR,
    LIVE,
    WAITING,
    Registration,
    RegistrationChange,
)
from fieldops.checkin.services import RefusedError
from fieldops.checkin.views import bp
from fieldops.clock import local_today, now_utc
from fieldops.db import db
from fieldops.events.models import HelpDesk
from fieldops.forms import choices
from fieldops.i18n import format_vn_datetime
from fieldops.teams.models import Team
from fieldops.web import flash_errors, rules_checked, rules_on


@bp.get("/checkin")
@login_required
def desks():
    today = local_today()
    return render_template("checkin/index.html", today=today,
                           desks=access.by_date(access.staffed_desks(current_user), today),
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
    return render_template("checkin/queue.html", desk=desk, new_id=new_submission_id,
                           **_queue_state(desk))


def _entry_json(registration: Registration) -> dict:
    """Return a queue row as the desk page's live script draws it."""
    return {"id": registration.id, "number": registration.queue_number,
            "name": registration.full_name,
            "hamlet": registration.hamlet.display_name if registration.hamlet else "",
            "services": [row.service.name for row in registration.services],
            "status": registration.status, "status_label": registration.status_label,
            "record_url": url_for(".complete", registration_id=registration.id),
            "mark_url": url_for(".mark", registration_id=registration.id)}


def _queue_state(desk: HelpDesk) -> dict:
    """Return the desk's queue as the page draws it first and its live script redraws it."""
    entries = services.desk_queue(desk, with_marks=True)
    return {"updated_at": now_utc(), "waiting": sum(1 for r in entries if r.status in LIVE),
            "entries": [_entry_json(r) for r in entries]}


@bp.get("/checkin/desks/<int:desk_id>/queue.json")
@login_required
def queue_json(desk_id: int):
    state = _queue_state(_desk_for_user(desk_id))
    response = jsonify({**state, "updated_at": format_vn_datetime(state["updated_at"])})
    response.headers["Cache-Control"] = "no-store"
    return response


def _queue_action(desk: HelpDesk, act, replay_to):
    """Apply one tap at a desk's queue once per submission id; answer like the record forms.

    `act(form)` does it with the form's submission id and returns (message, category, where
    the page goes next). A resend of a tap already applied (its first answer lost on the way)
    changes nothing and goes where `replay_to(change)` says, the first answer's place.
    """
    form = QueueActionForm()
    back = url_for(".queue", desk_id=desk.id)
    if not form.validate_on_submit():
        if outbox.from_outbox():
            return outbox.refused(outbox.form_errors(form))
        flash(_("Biểu mẫu đã hết hạn. Hãy tải lại trang và gửi lại."), "error")
        return redirect(back)
    submission_id = form.submission_id.data or None
    before = _tapped_here(submission_id, desk)
    if before is None:
        with rules_checked() as outcome:
            message, category, next_url = act(form)
        if not outcome.failed:
            if message:
                flash(message, category)
            return outbox.kept(next_url) if outbox.from_outbox() else redirect(next_url)
        # Two copies of the tap at once: the other one applied it, this one is its replay.
        before = _tapped_here(submission_id, desk)
        if before is None:
            if outbox.from_outbox():
                return outbox.refused({"": [str(outcome.error.message)]})
            flash_errors(outcome.error)
            return redirect(back)
    if outbox.from_outbox():
        return outbox.kept(replay_to(before), replay=True)
    return redirect(replay_to(before))


def _tapped_here(submission_id: str | None, desk: HelpDesk) -> RegistrationChange | None:
    """Return the change a tap's submission id made at this desk (the user works it), if any.

    A change elsewhere is none of this desk's: the tap goes on as new and its write conflicts
    on the id, so a resend never opens another desk's citizen.
    """
    change = services.find_change(submission_id) if submission_id else None
    return change if change is not None and change.registration.desk_id == desk.id else None


@bp.post("/checkin/registrations/<int:registration_id>/mark")
@login_required
def mark(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    if registration.desk_id is None:
        abort(404)
    desk = _desk_for_user(registration.desk_id)
    back = url_for(".queue", desk_id=desk.id)

    def act(form):
        services.mark(registration, form.mark.data or "", current_user,
                      submission_id=form.submission_id.data or None)
        return (_("Đã cập nhật số %(n)s – %(name)s: %(status)s.", n=registration.queue_number,
                  name=registration.full_name, status=registration.status_label),
                "success", back)

    return _queue_action(desk, act, lambda _change: back)


@bp.post("/checkin/desks/<int:desk_id>/call")
@login_required
def call_next(desk_id: int):
    desk = _desk_for_user(desk_id)

    def act(form):
        called = services.call_next(desk, current_user,
                                    submission_id=form.submission_id.data or None)
        if called is None:
            return _("Không còn ai đang chờ."), "info", url_for(".queue", desk_id=desk.id)
        # The record form's heading names who was called: no message needed.
        return None, None, url_for(".complete", registration_id=called.id)

    # A resend of a call that went through: the citizen that tap called, never a second one.
    return _queue_action(desk, act, lambda change: url_for(
        ".complete", registration_id=change.registration_id))


def _save_record(form, *, registration, campaign, source, desk=None, team=None):
    """Run the record rules on a submitted form; return (the record or None, a duplicate or None).

    On a broken rule the form carries the message and nothing is written.
    """
    with rules_on(form) as outcome:
        try:
            number = check_citizen_id(form.citizen_id.data, confirm=form.citizen_id_confirm.data,
                                      birth_year=form.birth_year.data)
            saved = recording.record(
                registration, submission_id=form.submission_id.data, user=current_user,
                campaign=campaign, source=source, full_name=form.full_name.data,
                phone=form.phone.data, hamlet_id=form.hamlet_id.data or None,
                birth_year=form.birth_year.data, citizen_id=number, outcomes=form.outcomes(),
                consent=form.consent.data, desk=desk, team=team,
                credited_member_id=form.credited_member_id.data or None)
        except RefusedError as error:
            # Not undone: the request stores the refusal, so the organizer can follow up.
            form.form_errors.append(error.message)
            return None, None
        return saved, None
    # Sent twice at once (the phone and its service worker, or a resend racing the first):
    # the other copy won, and whatever rule this copy then broke (the same person's record
    # already there, the submission id taken) it is only that copy's replay. Only a record
    # the user may read is one: another's submission id stays refused, and says nothing.
    replay = recording.replayed(form.submission_id.data, current_user)
    if replay is not None:
        return replay, None
    return None, getattr(outcome.error, "existing", None)


def _render_record(form, **context):
    if form.is_submitted() and outbox.from_outbox():
        return outbox.refused(outbox.form_errors(form))
    status = 422 if form.is_submitted() else 200
    return render_template("checkin/record.html", form=form, **context), status


def _saved(message: str, next_url: str):
    """Answer a stored record: the outbox's JSON, or the flash and redirect of a plain POST."""
    flash(message, "success")
    if outbox.from_outbox():
        return outbox.kept(next_url)
    return redirect(next_url)


def _already_sent(next_url: str):
    """For the outbox, answer a submission id stored before as a replay before any check.

    The first answer may have been lost on the way: the same record sent again is kept once,
    even when its page now says it is done (a queued citizen already recorded).
    """
    if request.method != "POST" or not outbox.from_outbox():
        return None
    if recording.replayed(request.form.get("submission_id", ""), current_user) is None:
        return None
    return outbox.kept(next_url, replay=True)


@bp.route("/checkin/registrations/<int:registration_id>/record", methods=["GET", "POST"])
@login_required
def complete(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    desk = registration.desk
    if not (desk is not None and access.can_work_desk(current_user, desk)) and not (
            access.can_see(current_user, registration)):
        abort(404)  # the same answer as a missing id: who may see neither hears nothing of it
    if registration.desk_id is not None:
        _desk_for_user(registration.desk_id)  # who may not work the desk hears nothing of it
        replay = _already_sent(url_for(".queue", desk_id=registration.desk_id))
        if replay is not None:
            return replay
    if registration.desk is None or registration.status not in (WAITING, CALLED):
        if outbox.from_outbox():
            return outbox.refused({"": [str(recording.RECORDED_ELSEWHERE)]}, 409)
        return redirect(url_for("checkin.registration", registration_id=registration.id))
    desk = _desk_for_user(registration.desk_id)
    campaign = registration.campaign
    form = record_form(services.services_counted(campaign), data={
        "full_name": registration.full_name, "phone": registration.phone,
        "hamlet_id": registration.hamlet_id})
    form.hamlet_id.choices = choices(
        [(0, _("— Chọn thôn/ấp —"))]
        + [(h.id, h.display_name) for h in services.campaign_hamlets(campaign)])
    credit_choices(form, recording.creditable_people(current_user, campaign))
    duplicate = None
    if form.validate_on_submit():
        saved, duplicate = _save_record(form, registration=registration, campaign=campaign,
                                        source=DESK, desk=desk)
        if saved is not None:
            return _saved(_("Đã ghi nhận số %(n)s – %(name)s.", n=saved.queue_number or "",
                            name=saved.full_name), url_for(".queue", desk_id=desk.id))
    requested = {row.service_id for row in registration.services}
    return _render_record(form, registration=registration, desk=desk, requested=requested,
                          duplicate=duplicate, action=request.path)


@bp.route("/checkin/desks/<int:desk_id>/new", methods=["GET", "POST"])
@login_required
def walk_in(desk_id: int):
    desk = _desk_for_user(desk_id)
    replay = _already_sent(url_for(".queue", desk_id=desk.id))
    if replay is not None:
        return replay
    campaign = desk.event.campaign
    form = record_form(services.services_counted(campaign))
    form.hamlet_id.choices = choices(
        [(0, _("— Chọn thôn/ấp —"))]
        + [(h.id, h.display_name) for h in services.campaign_hamlets(campaign)])
    credit_choices(form, recording.creditable_people(current_user, campaign))
    duplicate = None
    if form.validate_on_submit():
        saved, duplicate = _save_record(form, registration=None, campaign=campaign,
                                        source=DESK, desk=desk)
        if saved is not None:
            return _saved(_("Đã ghi nhận %(name)s.", name=saved.full_name),
                          url_for(".queue", desk_id=desk.id))
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
    replay = _already_sent(url_for(".door", team_id=team.id)) if team is not None else None
    if replay is not None:
        return replay
    if team is None:
        return render_template("checkin/door_pick.html", teams=teams)
    today = local_today()
    hamlets = access.hamlets_today(team, today)
    if not hamlets:
        return render_template("checkin/door_pick.html", teams=teams, team=team,
                               no_assignment=True)
    form = record_form(services.services_counted(team.campaign),
                       data={"hamlet_id": hamlets[0].id})
    # The hamlet comes from the team's assignment for today, not from free choice.
    form.hamlet_id.choices = choices((h.id, h.display_name) for h in hamlets)
    credit_choices(form, recording.creditable_people(current_user, team.campaign, team))
    duplicate = None
    if form.validate_on_submit():
        if form.hamlet_id.data not in {h.id for h in hamlets}:
            form.hamlet_id.errors = [_("Đoàn không được phân công thôn/ấp này hôm nay.")]
        else:
            saved, duplicate = _save_record(form, registration=None, campaign=team.campaign,
                                            source=DOOR, team=team)
            if saved is not None:
                return _saved(_("Đã ghi nhận %(name)s.", name=saved.full_name),
                              url_for(".door", team_id=team.id))
    return _render_record(form, registration=None, team=team, requested=set(),
                          duplicate=duplicate, action=request.full_path)
