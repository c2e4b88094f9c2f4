"""Browse, search and edit places (their import is in import_views.py)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.areas import services
from fieldops.areas.forms import AreaForm, ConfirmForm
from fieldops.areas.models import (
    LEVEL_LABELS,
    LEVELS,
    PARENT_LEVELS,
    PROVINCE,
    Area,
    kinds_for,
)
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.db import db
from fieldops.forms import choices
from fieldops.scope import area_ids_in_scope, area_visible
from fieldops.web import rules_flashed, rules_on

bp = Blueprint("areas", __name__, url_prefix="/areas")


@bp.get("/")
@login_required
def index():
    query = request.args.get("q", "").strip()
    level = request.args.get("level") if request.args.get("level") in LEVELS else None
    within = area_ids_in_scope(current_user)
    if query or level:
        results = services.search_areas(query, level, within=within)
    elif current_user.area_id is not None:
        results = [current_user.area]  # the top of what this organizer sees
    else:
        results = list(db.session.execute(
            db.select(Area).where(Area.level == PROVINCE).order_by(Area.name_folded)
        ).scalars())
    return render_template("areas/index.html", results=results, query=query, level=level,
                           searching=bool(query or level), level_labels=LEVEL_LABELS)


@bp.get("/search.json")
@login_required
def search_json():
    level = request.args.get("level") if request.args.get("level") in LEVELS else None
    found = services.search_areas(request.args.get("q", ""), level, limit=20,
                                  within=area_ids_in_scope(current_user))
    return jsonify([{"id": a.id, "name": a.display_name, "full_name": a.full_name,
                     "level": a.level} for a in found])


@bp.get("/<int:area_id>")
@login_required
def detail(area_id: int):
    area = db.get_or_404(Area, area_id)
    child_levels = [lvl for lvl, parents in PARENT_LEVELS.items() if area.level in parents]
    return render_template("areas/detail.html", area=area, child_levels=child_levels,
                           level_labels=LEVEL_LABELS, form=ConfirmForm(),
                           within=area_ids_in_scope(current_user))


def _area_form(level: str, area: Area | None) -> AreaForm:
    form = AreaForm(obj=area)
    form.kind.choices = choices(kinds_for(level))
    return form


def _save(form: AreaForm, area: Area | None, level: str, parent: Area | None):
    return services.save_area(
        area, level=level, parent=parent, name=form.name.data, kind=form.kind.data,
        code=form.code.data, population_14plus=form.population_14plus.data,
        households=form.households.data, latitude=form.latitude.data,
        longitude=form.longitude.data)


@bp.route("/new", methods=["GET", "POST"])
@role_required(ORGANIZER)
def new():
    level = request.args.get("level", PROVINCE)
    if level not in LEVELS:
        abort(404)
    parent = None
    if request.args.get("parent"):
        parent = db.get_or_404(Area, request.args.get("parent", type=int))
    # A new place must land inside the organizer's area (a province only without an area).
    if not area_visible(current_user, parent.id if parent else None):
        abort(404)
    form = _area_form(level, None)
    if form.validate_on_submit():
        with rules_on(form):
            area = _save(form, None, level, parent)
            flash(_("Đã thêm %(name)s.", name=area.display_name), "success")
            return redirect(url_for("areas.detail", area_id=area.id))
    return render_template("areas/form.html", form=form, area=None, parent=parent,
                           level_label=LEVEL_LABELS[level])


@bp.route("/<int:area_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit(area_id: int):
    area = db.get_or_404(Area, area_id)
    form = _area_form(area.level, area)
    if form.validate_on_submit():
        with rules_on(form):
            _save(form, area, area.level, area.parent)
            flash(_("Đã lưu %(name)s.", name=area.display_name), "success")
            return redirect(url_for("areas.detail", area_id=area.id))
    return render_template("areas/form.html", form=form, area=area, parent=area.parent,
                           level_label=LEVEL_LABELS[area.level])


@bp.post("/<int:area_id>/delete")
@role_required(ORGANIZER)
def delete(area_id: int):
    area = db.get_or_404(Area, area_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    parent_id, name = area.parent_id, area.display_name
    if area.id == current_user.area_id:
        # Their whole area: deleting it would leave the account nothing, and the place is
        # the level above's to remove.
        flash(_("Không thể xóa địa bàn của chính mình; hãy nhờ cán bộ cấp trên."), "error")
        return redirect(url_for("areas.detail", area_id=area_id))
    with rules_flashed():
        services.delete_area(area)
        flash(_("Đã xóa %(name)s.", name=name), "success")
        return redirect(url_for("areas.detail", area_id=parent_id) if parent_id
                        else url_for("areas.index"))
    return redirect(url_for("areas.detail", area_id=area_id))
