"""Compare an uploaded file of places or shapes with what is stored, then apply it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from fieldops import uploads
from fieldops.areas import services
from fieldops.areas.imports import parse_places, strip_kind_prefix
from fieldops.areas.models import COMMUNE, DISTRICT, HAMLET, PROVINCE, Area, AreaImport
from fieldops.areas.shapes import parse_geojson
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.text import fold
from fieldops.uploads import ImportFileError, ImportProblem, read_table


@dataclass
class PlannedChange:
    """One place the import will create or update."""

    row: int
    action: str  # "create" or "update"
    level: str
    name: str
    parent_name: str
    population_14plus: int | None = None
    households: int | None = None
    has_shape: bool = False


@dataclass
class ImportPlan:
    """What an import would do, or the problems that stop it."""

    changes: list[PlannedChange] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    # How to carry the change out, kept out of the preview table.
    _steps: list = field(default_factory=list, repr=False)

    def count(self, action: str, level: str) -> int:
        """Return how many places of a level the import creates or updates."""
        return sum(1 for c in self.changes if c.action == action and c.level == level)


def _key(name: str) -> str:
    return fold(strip_kind_prefix(name))


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(fold(name), [fold(c) for c in candidates], n=3, cutoff=0.6)
    by_fold = {fold(c): c for c in candidates}
    return ", ".join(by_fold[c] for c in close)


def plan_places(parent: Area, filename: str, content: bytes) -> ImportPlan:
    """Work out which communes and hamlets a CSV/XLSX file creates or updates under parent."""
    plan = ImportPlan()
    if parent.level not in (PROVINCE, DISTRICT):
        plan.problems.append(ImportProblem(None, None, _l("Chỉ nhập vào một tỉnh hoặc huyện.")))
        return plan
    try:
        parsed = parse_places(read_table(filename, content))
    except ImportFileError as error:
        plan.problems.append(ImportProblem(None, None, error.message))
        return plan
    plan.problems.extend(parsed.problems)
    commune_column = parsed.columns.get("commune", "Xã/Phường")
    stored = {_key(c.name): c for c in services.communes_under(parent)}
    in_file = {_key(r.commune) for r in parsed.rows if not r.hamlet}

    for row in parsed.rows:
        key = _key(row.commune)
        commune = stored.get(key)
        if not row.hamlet:
            plan.changes.append(PlannedChange(
                row.row, "update" if commune else "create", COMMUNE, row.commune,
                parent.display_name, row.population_14plus, row.households))
            plan._steps.append(("commune", row, commune))
            continue
        if commune is None and key not in in_file:
            hint = _suggest(row.commune, [c.name for c in stored.values()])
            message = _l("Không có xã/phường “%(name)s” trong %(parent)s.",
                         name=row.commune, parent=parent.display_name)
            if hint:
                message = _l("%(message)s Có phải: %(hint)s?", message=message, hint=hint)
            plan.problems.append(ImportProblem(row.row, commune_column, message))
            continue
        hamlet = None
        if commune is not None:
            hamlet = next((h for h in commune.children if _key(h.name) == _key(row.hamlet)), None)
        plan.changes.append(PlannedChange(
            row.row, "update" if hamlet else "create", HAMLET, row.hamlet, row.commune,
            row.population_14plus, row.households))
        plan._steps.append(("hamlet", row, hamlet))
    return plan


def _apply_place_steps(parent: Area, plan: ImportPlan) -> None:
    communes = {_key(c.name): c for c in services.communes_under(parent)}
    # Communes first, so that hamlets of a commune created by the same file find it.
    ordered = sorted(plan._steps, key=lambda s: s[0] != "commune")
    for what, row, existing in ordered:
        try:
            if what == "commune":
                commune = existing or communes.get(_key(row.commune))
                communes[_key(row.commune)] = services.save_area(
                    commune, level=COMMUNE, name=row.commune,
                    parent=commune.parent if commune else parent,
                    kind=row.kind or (commune.kind if commune else None),
                    code=commune.code if commune else None,
                    **_counts(row, commune))
            else:
                commune = communes[_key(row.commune)]
                hamlet = existing or next(
                    (h for h in commune.children if _key(h.name) == _key(row.hamlet)), None)
                services.save_area(
                    hamlet, level=HAMLET, name=row.hamlet, parent=commune,
                    kind=row.kind or (hamlet.kind if hamlet else None),
                    code=hamlet.code if hamlet else None, **_counts(row, hamlet))
        except DomainError as error:
            raise DomainError(_l("Dòng %(row)s: %(message)s", row=row.row,
                                 message=error.message)) from error


def _counts(row, area: Area | None) -> dict:
    # A blank cell keeps what is stored rather than erasing it.
    def pick(new, attr):
        return new if new is not None else (getattr(area, attr) if area else None)

    return {
        "population_14plus": pick(row.population_14plus, "population_14plus"),
        "households": pick(row.households, "households"),
        "latitude": pick(row.latitude, "latitude"),
        "longitude": pick(row.longitude, "longitude"),
    }


def plan_shapes(parent: Area, content: bytes) -> ImportPlan:
    """Match the features of a GeoJSON file with the hamlets of a commune."""
    plan = ImportPlan()
    if parent.level != COMMUNE:
        plan.problems.append(ImportProblem(None, None, _l("Chỉ nhập ranh giới vào một xã.")))
        return plan
    try:
        parsed = parse_geojson(content)
    except ImportFileError as error:
        plan.problems.append(ImportProblem(None, None, error.message))
        return plan
    plan.problems.extend(parsed.problems)
    hamlets = {_key(h.name): h for h in parent.children if h.level == HAMLET}
    seen: dict[str, int] = {}
    for feature in parsed.features:
        key = _key(feature.name)
        hamlet = hamlets.get(key)
        if hamlet is None:
            hint = _suggest(feature.name, [h.name for h in hamlets.values()])
            message = _l("Không có thôn/ấp “%(name)s” trong %(commune)s.",
                         name=feature.name, commune=parent.display_name)
            if hint:
                message = _l("%(message)s Có phải: %(hint)s?", message=message, hint=hint)
            plan.problems.append(ImportProblem(feature.index, "name", message))
            continue
        if key in seen:
            plan.problems.append(ImportProblem(
                feature.index, "name",
                _l("Thôn/ấp này đã có ranh giới ở đối tượng số %(first)s.", first=seen[key])))
            continue
        seen[key] = feature.index
        plan.changes.append(PlannedChange(
            feature.index, "update", HAMLET, hamlet.display_name, parent.display_name,
            hamlet.population_14plus, hamlet.households, has_shape=True))
        plan._steps.append(("shape", feature, hamlet))
    return plan


def plan_upload(upload: AreaImport) -> ImportPlan:
    """Plan a stored upload against the database as it is now."""
    if upload.kind == "shapes":
        return plan_shapes(upload.parent, upload.content)
    return plan_places(upload.parent, upload.filename, upload.content)


def store_upload(kind: str, parent: Area, filename: str, content: bytes, user_id: int):
    """Keep an upload that previewed cleanly, so that the user can confirm it."""
    upload = AreaImport(token=uploads.new_token(), kind=kind, parent=parent,
                        filename=filename[:255], content=content, created_by_id=user_id)
    db.session.add(upload)
    db.session.flush()
    return upload


def apply_upload(upload: AreaImport) -> ImportPlan:
    """Apply a previewed upload in full, or raise DomainError and change nothing."""
    uploads.claim(AreaImport, upload)
    plan = plan_upload(upload)
    if plan.problems:
        raise DomainError(_l("Dữ liệu đã thay đổi từ lúc xem trước; hãy tải tệp lên lại."))
    if upload.kind == "shapes":
        for _, feature, hamlet in plan._steps:
            services.set_boundary(hamlet, feature.geometry)
    else:
        _apply_place_steps(upload.parent, plan)
    return plan
