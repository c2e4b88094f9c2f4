"""Import places (CSV/XLSX) and hamlet shapes (GeoJSON) through the staged-upload pages."""

from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user

from fieldops.areas import services
from fieldops.areas.forms import PlacesImportForm, ShapesImportForm
from fieldops.areas.import_plans import PLACES
from fieldops.areas.models import COMMUNE, Area
from fieldops.areas.shape_plans import SHAPES
from fieldops.areas.views import bp
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.db import db
from fieldops.forms import choices
from fieldops.scope import area_visible
from fieldops.uploads.views import cancel_page, preview_page, upload_or_404, upload_page

IMPORTERS = {PLACES.kind: PLACES, SHAPES.kind: SHAPES}


def _preview_url(token: str) -> str:
    return url_for("areas.import_preview", token=token)


@bp.route("/import", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_places():
    form = PlacesImportForm()
    form.parent_id.choices = choices((a.id, a.full_name) for a in services.import_parents()
                                     if area_visible(current_user, a.id))
    if request.method == "GET" and request.args.get("parent"):
        form.parent_id.data = request.args.get("parent", type=int)

    def scope() -> dict:
        if not area_visible(current_user, form.parent_id.data):
            abort(404)
        return {"parent_id": db.get_or_404(Area, form.parent_id.data).id}

    return upload_page(PLACES, form, scope, "areas/import.html", _preview_url)


@bp.route("/<int:area_id>/shapes", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_shapes(area_id: int):
    area = db.get_or_404(Area, area_id)
    if area.level != COMMUNE:
        abort(404)
    return upload_page(SHAPES, ShapesImportForm(), lambda: {"parent_id": area.id},
                       "areas/shapes.html", _preview_url, area=area)


@bp.route("/import/<token>", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_preview(token: str):
    upload = upload_or_404(IMPORTERS, token)
    if not area_visible(current_user, upload.scope["parent_id"]):
        abort(404)
    parent = db.get_or_404(Area, upload.scope["parent_id"])
    return preview_page(IMPORTERS[upload.kind], upload,
                        done_url=url_for("areas.detail", area_id=parent.id),
                        cancel_url=url_for("areas.import_cancel", token=token),
                        target=parent.full_name)


@bp.post("/import/<token>/cancel")
@role_required(ORGANIZER)
def import_cancel(token: str):
    upload = upload_or_404(IMPORTERS, token)
    return cancel_page(upload, done_url=url_for("areas.detail", area_id=upload.scope["parent_id"]),
                       preview_url=_preview_url(token))
