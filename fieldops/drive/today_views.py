"""The member's phone: "Danh sách hôm nay", the visit of a door, a household's survey."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops import outbox
from fieldops.checkin.services import ConflictError, campaign_hamlets
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.drive import households, today
from fieldops.drive.assign import teams_in_hamlet
from fieldops.drive.forms import HouseholdForm, visit_form
from fieldops.drive.in_area import people_in_area
from fieldops.drive.models import Household, ListedPerson
from fieldops.drive.views import bp
from fieldops.drive.visits import latest_visits, record_visit, replayed_visits
from fieldops.forms import choices
from fieldops.scope import area_visible, campaign_visible, commune_ids_in_scope
from fieldops.teams.models import Team
from fieldops.web import rules_on


def _member_or_404():
    member = today.member_of(current_user)
    if member is None:
        abort(404)
    return member


def _no_store(response):
    # Names of people: keep them out of shared caches (the service worker keeps its own copy).
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/today")
@login_required
def today_list():
    member = today.member_of(current_user)
    day = local_today()
    people = people_in_area(today.today_people(member.id, day) if member else [],
                            commune_ids_in_scope(current_user))
    query = request.args.get("q", "")
    doors = today.doors_of(people, day, query)
    visited = [p.id for p in people if today.visited_on(p, day)]
    return _no_store(make_response(render_template(
        "drive/today.html", member=member, groups=today.by_street(doors), total=len(people),
        done=len(visited), query=query, day=day, visits=latest_visits(visited))))


def _door_people(member, household_id: int | None, person_id: int | None):
    """Return the door's people due for this member today and not yet visited today."""
    day = local_today()
    people = people_in_area(today.today_people(member.id, day),
                            commune_ids_in_scope(current_user))
    if household_id is not None:
        door = [p for p in people if p.household_id == household_id]
    else:
        door = [p for p in people if p.id == person_id and p.household_id is None]
    return [p for p in door if not today.visited_on(p, day)], door


def _lost_race(outcome, stored, next_url: str):
    """Answer a form sent twice at once (the page and the service worker) whose other copy won:
    this one is its replay, not a conflict to show."""
    if not isinstance(outcome.error, ConflictError) or not stored:
        return None
    return outbox.kept(next_url, replay=True) if outbox.from_outbox() else redirect(next_url)


def _team_of(member, hamlet_id: int | None) -> Team | None:
    if hamlet_id is None:
        return None
    for team in teams_in_hamlet(hamlet_id, local_today()):
        if any(m.id == member.id for m in team.members):
            return team
    return None


def _visit(household: Household | None, person_id: int | None):
    member = _member_or_404()
    next_url = url_for(".today_list")
    if request.method == "POST" and outbox.from_outbox() and replayed_visits(
            request.form.get("submission_id", "")):
        return outbox.kept(next_url, replay=True)
    pending, door = _door_people(member, household.id if household else None, person_id)
    if not door:
        abort(404)
    if not pending:
        if request.method == "POST" and outbox.from_outbox():
            return outbox.refused({"": [_("Cả hộ đã được ghi nhận hôm nay.")]}, 409)
        flash(_("Cả hộ đã được ghi nhận hôm nay."), "info")
        return redirect(next_url)
    data = {}
    if household is not None:
        data = {name: getattr(household, name) for name in (
            "head_name", "members_14plus", "smartphones", "computers", "vneid_installed",
            "vneid_activated")}
    form = visit_form(pending, data=data)
    if form.validate_on_submit():
        with rules_on(form) as outcome:
            visits = record_visit(
                user=current_user, team=_team_of(member, pending[0].hamlet_id),
                submission_id=form.submission_id.data, people=pending, outcomes=form.outcomes(),
                note=form.note.data, household=household,
                survey=form.survey() if household is not None else None,
                head_name=form.head_name.data)
            flash(_("Đã ghi nhận %(n)s người.", n=len(visits)), "success")
            return outbox.kept(next_url) if outbox.from_outbox() else redirect(next_url)
        replay = _lost_race(outcome, replayed_visits(form.submission_id.data), next_url)
        if replay is not None:
            return replay
    if form.is_submitted() and outbox.from_outbox():
        return outbox.refused(outbox.form_errors(form))
    body = render_template("drive/visit.html", form=form, household=household,
                           person=door[0] if household is None else None, done=[
                               p for p in door if p not in pending], action=request.path)
    response = make_response(body)
    response.status_code = 422 if form.is_submitted() else 200
    return _no_store(response)


@bp.route("/today/households/<int:household_id>", methods=["GET", "POST"])
@login_required
def visit_household(household_id: int):
    return _visit(db.get_or_404(Household, household_id), None)


@bp.route("/today/people/<int:person_id>", methods=["GET", "POST"])
@login_required
def visit_person(person_id: int):
    db.get_or_404(ListedPerson, person_id)
    return _visit(None, person_id)


def _member_campaign(member):
    teams = [t for t in db.session.execute(db.select(Team)).scalars()
             if any(m.id == member.id for m in t.members)
             and campaign_visible(current_user, t.campaign)]
    if not teams:
        abort(404)
    return teams[0].campaign


@bp.route("/households/new", methods=["GET", "POST"])
@login_required
def new_household():
    member = _member_or_404()
    campaign = _member_campaign(member)
    form = HouseholdForm()
    form.hamlet_id.choices = choices(
        [(0, _("— Chọn thôn/ấp —"))]
        + [(h.id, h.display_name) for h in campaign_hamlets(campaign)
           if area_visible(current_user, h.id)])
    next_url = url_for(".today_list")
    if form.is_submitted() and form.hamlet_id.data and not area_visible(
            current_user, form.hamlet_id.data):
        abort(404)  # a hamlet outside the organizer's area is never offered
    if form.validate_on_submit():
        with rules_on(form) as outcome:
            households.save_household(
                campaign, form.hamlet_id.data or None, address=form.address.data,
                street=form.street.data, head_name=form.head_name.data, survey=form.survey(),
                user=current_user, submission_id=form.submission_id.data)
            flash(_("Đã lưu hộ %(a)s.", a=form.address.data), "success")
            return outbox.kept(next_url) if outbox.from_outbox() else redirect(next_url)
        replay = _lost_race(outcome, households.surveyed(form.submission_id.data), next_url)
        if replay is not None:
            return replay
    if form.is_submitted() and outbox.from_outbox():
        return outbox.refused(outbox.form_errors(form))
    return render_template("drive/household.html", form=form), \
        422 if form.is_submitted() else 200
