"""List, create and edit campaigns, their phases and the services catalogue."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.areas.models import COMMUNE, Area
from fieldops.areas.services import all_communes
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns import services
from fieldops.campaigns.forms import (
    RETENTION_HINT,
    CampaignForm,
    DeleteForm,
    PhaseForm,
    ServiceForm,
)
from fieldops.campaigns.models import Campaign, Phase, Service
from fieldops.db import db
from fieldops.forms import choices
from fieldops.scope import (
    campaigns_in_scope,
    commune_ids_in_scope,
    visible_communes,
    whole_campaign_visible,
)
from fieldops.web import rules_on

bp = Blueprint("campaigns", __name__)


def _all_services() -> list[Service]:
    return list(db.session.execute(
        db.select(Service).order_by(Service.position, Service.name_vi)).scalars())


@bp.get("/campaigns")
@login_required
def index():
    campaigns = db.session.execute(campaigns_in_scope(
        db.select(Campaign).order_by(Campaign.start_date.desc(), Campaign.id.desc()),
        current_user)).scalars()
    return render_template("campaigns/index.html", campaigns=list(campaigns),
                           communes_of=lambda c: visible_communes(current_user, c))


@bp.get("/campaigns/<int:campaign_id>")
@login_required
def detail(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)  # out of the user's area: scope.guard_url
    return render_template("campaigns/detail.html", campaign=campaign, phase_form=PhaseForm(),
                           delete_form=DeleteForm(),
                           communes=visible_communes(current_user, campaign),
                           whole=whole_campaign_visible(current_user, campaign))


def _campaign_form(campaign: Campaign | None) -> CampaignForm:
    form = CampaignForm(obj=campaign)
    scope = commune_ids_in_scope(current_user)
    form.communes.choices = choices((a.id, a.full_name) for a in all_communes()
                                    if scope is None or a.id in scope)
    form.services.choices = choices((s.id, s.name) for s in _all_services())
    if campaign is not None and not form.is_submitted():
        form.communes.data = [a.id for a in visible_communes(current_user, campaign)]
        form.services.data = [s.id for s in campaign.services]
    return form


def _save(form: CampaignForm, campaign: Campaign | None) -> Campaign:
    scope = commune_ids_in_scope(current_user)
    chosen_ids = [i for i in form.communes.data or [] if scope is None or i in scope]
    communes = list(db.session.execute(
        db.select(Area).where(Area.id.in_(chosen_ids), Area.level == COMMUNE)).scalars())
    chosen = list(db.session.execute(
        db.select(Service).where(Service.id.in_(form.services.data or []))).scalars())
    return services.save_campaign(
        campaign, title=form.title.data, plan_number=form.plan_number.data,
        issuing_unit=form.issuing_unit.data, issued_on=form.issued_on.data,
        start_date=form.start_date.data, end_date=form.end_date.data,
        description=form.description.data, communes=communes, services=chosen,
        retention_days=form.retention_days.data, created_by_id=current_user.id)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@role_required(ORGANIZER)
def new():
    form = _campaign_form(None)
    if form.validate_on_submit():
        with rules_on(form):
            campaign = _save(form, None)
            flash(_("Đã tạo chiến dịch. Hãy thêm các giai đoạn."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=None,
                           retention_hint=RETENTION_HINT)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit(campaign_id: int):
    # Its dates, services and communes hold for every commune: only who sees them all edits.
    campaign = _phases_changeable(db.get_or_404(Campaign, campaign_id))
    form = _campaign_form(campaign)
    if form.validate_on_submit():
        with rules_on(form):
            _save(form, campaign)
            flash(_("Đã lưu chiến dịch."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign,
                           retention_hint=RETENTION_HINT)


def _phases_changeable(campaign: Campaign) -> Campaign:
    # The campaign and its phases bind every commune's targets and rankings (deleting a phase
    # drops them all): only who sees all the campaign's communes changes them.
    if not whole_campaign_visible(current_user, campaign):
        abort(404)
    return campaign


@bp.post("/campaigns/<int:campaign_id>/phases")
@role_required(ORGANIZER)
def add_phase(campaign_id: int):
    campaign = _phases_changeable(db.get_or_404(Campaign, campaign_id))
    form = PhaseForm()
    if form.validate_on_submit():
        with rules_on(form):
            services.save_phase(campaign, None, name=form.name.data,
                                start_date=form.start_date.data, end_date=form.end_date.data)
            flash(_("Đã thêm giai đoạn."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    db.session.refresh(campaign)
    return render_template("campaigns/detail.html", campaign=campaign, phase_form=form,
                           delete_form=DeleteForm(),
                           communes=visible_communes(current_user, campaign), whole=True), 422


@bp.route("/campaigns/<int:campaign_id>/phases/<int:phase_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_phase(campaign_id: int, phase_id: int):
    phase = db.get_or_404(Phase, phase_id)
    if phase.campaign_id != campaign_id:
        abort(404)
    _phases_changeable(phase.campaign)
    form = PhaseForm(obj=phase)
    if form.validate_on_submit():
        with rules_on(form):
            services.save_phase(phase.campaign, phase, name=form.name.data,
                                start_date=form.start_date.data, end_date=form.end_date.data)
            flash(_("Đã lưu giai đoạn."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign_id))
    return render_template("campaigns/phase_form.html", form=form, phase=phase)


@bp.post("/campaigns/<int:campaign_id>/phases/<int:phase_id>/delete")
@role_required(ORGANIZER)
def delete_phase(campaign_id: int, phase_id: int):
    phase = db.get_or_404(Phase, phase_id)
    if phase.campaign_id != campaign_id or not DeleteForm().validate_on_submit():
        abort(404)
    _phases_changeable(phase.campaign)
    services.delete_phase(phase)
    flash(_("Đã xóa giai đoạn."), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign_id))


@bp.route("/services", methods=["GET", "POST"])
@login_required
def service_list():
    form = ServiceForm()
    if form.validate_on_submit():
        if not current_user.is_organizer:
            abort(403)
        with rules_on(form):
            service = services.add_service(form.name_vi.data, form.name_en.data)
            flash(_("Đã thêm dịch vụ “%(name)s”.", name=service.name_vi), "success")
            return redirect(url_for("campaigns.service_list"))
    return render_template("campaigns/services.html", services=_all_services(), form=form)
