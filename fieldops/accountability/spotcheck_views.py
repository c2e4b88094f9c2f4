"""Spot-check pages: the campaign's checks and the draw, the call-back list and its verdicts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.accountability import check_rates, spotchecks
from fieldops.accountability.area_scope import team_ids_in_scope, whole_campaign
from fieldops.accountability.check_forms import CheckerForm, DrawForm, VerdictForm
from fieldops.accountability.check_models import SpotCheck, SpotCheckItem
from fieldops.accountability.views import bp
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, User
from fieldops.campaigns.models import Campaign
from fieldops.checkin.access import audit
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.i18n import format_vn_datetime
from fieldops.scope import visible_communes
from fieldops.teams.models import Team
from fieldops.web import rules_flashed, rules_on


def _checker_of(campaign: Campaign) -> None:
    if not spotchecks.is_checker(current_user, campaign):
        abort(403)


def _check(check_id: int) -> SpotCheck:
    check = db.get_or_404(SpotCheck, check_id)
    # A checker sees phone numbers of their own sample only.
    if not spotchecks.can_open(current_user, check):
        abort(403)
    return check


def _team_names(campaign: Campaign) -> dict[int | None, str]:
    names: dict[int | None, str] = {None: _("Không thuộc đoàn (tại bàn)")}
    for team in db.session.execute(db.select(Team).filter_by(campaign_id=campaign.id)).scalars():
        names[team.id] = team.name
    return names


@bp.route("/campaigns/<int:campaign_id>/spot-checks", methods=["GET", "POST"])
@login_required
def spot_checks(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    _checker_of(campaign)
    form = DrawForm()
    form.unit.choices = spotchecks.unit_choices(campaign, current_user)
    if not form.is_submitted():
        form.first_day.data = campaign.start_date
        form.last_day.data = min(local_today(), campaign.end_date)
    if form.validate_on_submit():
        with rules_on(form):
            existing = spotchecks.find_check(campaign, form.unit.data, form.first_day.data,
                                             form.last_day.data)
            check = spotchecks.draw(
                campaign, unit_key=form.unit.data, first_day=form.first_day.data,
                last_day=form.last_day.data, size_kind=form.size_kind.data,
                size_value=form.size_value.data, checker=current_user)
            if existing is not None:
                flash(_("Đơn vị và kỳ này đã được rút mẫu lúc %(at)s: đây là mẫu đó, không "
                        "rút mẫu thứ hai.", at=format_vn_datetime(existing.drawn_at)), "info")
            else:
                flash(_("Đã rút %(n)s kết quả để gọi lại.", n=len(check.items)), "success")
            return redirect(url_for("accountability.spot_check", check_id=check.id))
    checks = spotchecks.campaign_checks(campaign, current_user)
    rates = check_rates.campaign_rates(campaign)
    checker_form = CheckerForm()
    named = spotchecks.checkers(campaign)
    # A checker may draw any unit of the campaign: only who sees all of it names one.
    if current_user.role == ORGANIZER and whole_campaign(current_user, campaign):
        taken = {c.user_id for c in named}
        checker_form.user_id.choices = [
            (u.id, f"{u.full_name} ({u.username})") for u in db.session.execute(
                db.select(User).where(User.role != ORGANIZER).order_by(User.full_name)).scalars()
            if u.id not in taken]
    # The rates table lists only these units: those of the viewer's area.
    shown = team_ids_in_scope(current_user, campaign)
    units = {("team", k): v for k, v in _team_names(campaign).items()
             if k is not None and (shown is None or k in shown)}
    units.update({("commune", c.id): c.display_name
                  for c in (visible_communes(current_user, campaign)
                            if current_user.role == ORGANIZER else campaign.communes)})
    return render_template("accountability/spot_checks.html", campaign=campaign, form=form,
                           checks=checks, rates=sorted(rates.items()), units=units,
                           checkers=named, checker_form=checker_form,
                           summaries={c.id: check_rates.rates([c])[0] for c in checks})


@bp.post("/campaigns/<int:campaign_id>/spot-checks/checkers")
@role_required(ORGANIZER)
def name_checker(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    if not whole_campaign(current_user, campaign):
        abort(404)
    form = CheckerForm()
    form.user_id.choices = [(u.id, u.username) for u in db.session.execute(
        db.select(User)).scalars()]
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        spotchecks.name_checker(campaign, user, by=current_user)
        flash(_("%(name)s được giao kiểm tra xác suất chiến dịch này.", name=user.full_name),
              "success")
    return redirect(url_for("accountability.spot_checks", campaign_id=campaign.id))


@bp.get("/spot-checks/<int:check_id>")
@login_required
def spot_check(check_id: int):
    check = _check(check_id)
    # Phone numbers are personal data: each one shown is logged against the checker.
    for item in check.items:
        if item.registration.phone:
            audit("callback_view", current_user, item.registration,
                  detail=f"spot_check={check.id}")
    total, by_team = check_rates.rates([check])
    return render_template("accountability/spot_check.html", check=check, total=total,
                           by_team=by_team, teams=_team_names(check.campaign),
                           form=VerdictForm())


@bp.post("/spot-checks/<int:check_id>/items/<int:item_id>")
@login_required
def give_verdict(check_id: int, item_id: int):
    check = _check(check_id)
    item = db.get_or_404(SpotCheckItem, item_id)
    if item.spot_check_id != check.id:
        abort(404)
    form = VerdictForm()
    if form.validate_on_submit():
        with rules_flashed() as outcome:
            spotchecks.give_verdict(item, form.verdict.data, user=current_user,
                                    reason=form.reason.data)
        if outcome.error is None:
            flash(_("Đã ghi kết quả gọi lại số %(n)s: %(verdict)s.", n=item.position,
                    verdict=item.verdict_label), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("accountability.spot_check", check_id=check.id,
                            _anchor=f"item-{item.position}"))


@bp.get("/spot-checks/<int:check_id>/redraw")
@login_required
def redraw(check_id: int):
    check = _check(check_id)
    same_results, ids = spotchecks.redraw(check)
    same_sample = ids == [item.registration_id for item in check.items]
    if same_results and same_sample:
        flash(_("Rút lại từ mã gốc %(seed)s trên cùng tập kết quả: trùng khớp với mẫu đã "
                "lưu.", seed=check.seed), "success")
    elif same_results:
        flash(_("Rút lại từ mã gốc cho mẫu khác với mẫu đã lưu: cần xem xét."), "error")
    else:
        flash(_("Tập kết quả của đơn vị trong kỳ đã thay đổi từ khi rút mẫu (ghi thêm hoặc hủy "
                "hồ sơ), nên không so được mẫu."), "warning")
    return redirect(url_for("accountability.spot_check", check_id=check.id))
