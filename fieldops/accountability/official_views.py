"""The officials' own e-ID: the campaign's page for organizers, each unit's roster page, the
roster's import; a unit's people see and change only their own unit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.accountability import officials, units
from fieldops.accountability.duty_models import ReportingUnit
from fieldops.accountability.official_forms import OfficialForm, OfficialsImportForm
from fieldops.accountability.official_import import OFFICIALS
from fieldops.accountability.official_models import CHECKS, UnitOfficial
from fieldops.accountability.views import bp
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.uploads.views import cancel_page, preview_page, upload_or_404, upload_page
from fieldops.web import rules_on

IMPORTERS = {OFFICIALS.kind: OFFICIALS}
SORTS = ("rate", "rate_desc", "name")


def _unit(unit_id: int) -> ReportingUnit:
    """Return the unit if the user may see and change its roster (its people, organizers)."""
    unit = db.get_or_404(ReportingUnit, unit_id)
    if not current_user.is_organizer and not units.belongs(unit, current_user):
        abort(403)
    return unit


def _official(unit: ReportingUnit, official_id: int) -> UnitOfficial:
    official = db.get_or_404(UnitOfficial, official_id)
    if official.unit_id != unit.id:
        abort(404)
    return official


@bp.get("/campaigns/<int:campaign_id>/officials")
@login_required
def officials_overview(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    if not current_user.is_organizer:
        # A unit's people go to their own unit's roster; others have nothing to see here.
        mine = [u for u in db.session.execute(db.select(ReportingUnit).where(
            ReportingUnit.campaign_id == campaign.id,
            ReportingUnit.id.in_(units.unit_ids_of(current_user)))).scalars()]
        if not mine:
            abort(403)
        return redirect(url_for("accountability.unit_officials", unit_id=mine[0].id))
    order = request.args.get("sort", "rate")
    order = order if order in SORTS else "rate"
    rows = officials.ranked(campaign, order, current_user)
    listed = [c for _, c in rows if c.listed]
    return render_template("accountability/officials.html", campaign=campaign, rows=rows,
                           order=order, checks=CHECKS,
                           not_done=officials.not_done(campaign, current_user),
                           without_roster=sum(1 for _, c in rows if not c.listed),
                           listed=sum(c.listed for c in listed),
                           complete=sum(c.complete for c in listed))


@bp.route("/reporting-units/<int:unit_id>/officials", methods=["GET", "POST"])
@login_required
def unit_officials(unit_id: int):
    unit = _unit(unit_id)
    form = OfficialForm()
    if form.validate_on_submit():
        with rules_on(form):
            official = officials.save_official(unit, None, full_name=form.full_name.data,
                                               position=form.position.data,
                                               phone=form.phone.data, checks=form.checks())
            flash(_("Đã thêm %(name)s vào danh sách.", name=official.full_name), "success")
            return redirect(url_for("accountability.unit_officials", unit_id=unit.id))
    return render_template("accountability/unit_officials.html", unit=unit, form=form,
                           roster=officials.roster_of(unit), checks=CHECKS,
                           completion=officials.completion_by_unit(unit.campaign)[unit.id])


@bp.route("/reporting-units/<int:unit_id>/officials/<int:official_id>",
          methods=["GET", "POST"])
@login_required
def edit_official(unit_id: int, official_id: int):
    unit = _unit(unit_id)
    official = _official(unit, official_id)
    form = OfficialForm(obj=official)
    if form.validate_on_submit():
        with rules_on(form):
            officials.save_official(unit, official, full_name=form.full_name.data,
                                    position=form.position.data, phone=form.phone.data,
                                    checks=form.checks())
            flash(_("Đã lưu %(name)s.", name=official.full_name), "success")
            return redirect(url_for("accountability.unit_officials", unit_id=unit.id))
    return render_template("accountability/official_form.html", unit=unit, official=official,
                           form=form)


@bp.post("/reporting-units/<int:unit_id>/officials/<int:official_id>/remove")
@login_required
def remove_official(unit_id: int, official_id: int):
    unit = _unit(unit_id)
    official = _official(unit, official_id)
    name = official.full_name
    officials.remove_official(official)
    flash(_("Đã bỏ %(name)s khỏi danh sách.", name=name), "success")
    return redirect(url_for("accountability.unit_officials", unit_id=unit.id))


def _preview_url(unit_id: int, token: str) -> str:
    return url_for("accountability.officials_preview", unit_id=unit_id, token=token)


@bp.route("/reporting-units/<int:unit_id>/officials/import", methods=["GET", "POST"])
@login_required
def officials_import(unit_id: int):
    unit = _unit(unit_id)
    return upload_page(OFFICIALS, OfficialsImportForm(), lambda: {"unit_id": unit.id},
                       "accountability/officials_import.html",
                       lambda token: _preview_url(unit.id, token), unit=unit)


@bp.route("/reporting-units/<int:unit_id>/officials/import/<token>", methods=["GET", "POST"])
@login_required
def officials_preview(unit_id: int, token: str):
    unit = _unit(unit_id)
    return preview_page(OFFICIALS, upload_or_404(IMPORTERS, token, unit_id=unit.id),
                        done_url=url_for("accountability.unit_officials", unit_id=unit.id),
                        cancel_url=url_for("accountability.officials_cancel", unit_id=unit.id,
                                           token=token))


@bp.post("/reporting-units/<int:unit_id>/officials/import/<token>/cancel")
@login_required
def officials_cancel(unit_id: int, token: str):
    unit = _unit(unit_id)
    return cancel_page(upload_or_404(IMPORTERS, token, unit_id=unit.id),
                       done_url=url_for("accountability.unit_officials", unit_id=unit.id),
                       preview_url=_preview_url(unit.id, token))
