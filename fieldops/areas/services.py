"""Rules about places: where each level sits, unique names, shapes, search."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

from fieldops.areas.imports import split_kind_prefix
from fieldops.areas.models import (
    COMMUNE,
    DEFAULT_KIND,
    DISTRICT,
    KINDS,
    LEVEL_LABELS,
    PARENT_LEVELS,
    PROVINCE,
    Area,
)
from fieldops.areas.shapes import geometry_center, validate_geometry
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.text import fold, nfc

SEARCH_LIMIT = 50


def _check_parent(level: str, parent: Area | None) -> None:
    allowed = PARENT_LEVELS[level]
    if not allowed:
        if parent is not None:
            raise DomainError(_l("Tỉnh/thành phố không nằm trong đơn vị nào khác."), "parent_id")
        return
    if parent is None or parent.level not in allowed:
        names = ", ".join(str(LEVEL_LABELS[lvl]) for lvl in allowed)
        raise DomainError(
            _l("%(level)s phải thuộc một %(parents)s.", level=LEVEL_LABELS[level], parents=names),
            "parent_id",
        )


def _check_unique(level: str, kind: str, name: str, parent: Area | None, area_id: int | None):
    folded = fold(f"{KINDS[kind][0]} {name}")
    query = db.select(Area.id).where(
        Area.level == level,
        Area.name_folded == folded,
        Area.parent_id == parent.id if parent else Area.parent_id.is_(None),
    )
    if area_id is not None:
        query = query.where(Area.id != area_id)
    if db.session.execute(query).first():
        raise DomainError(_l("Đã có một nơi cùng tên ở đây."), "name")


def _check_point(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise DomainError(_l("Cần nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."), "latitude")
    if latitude is not None:
        problem = validate_geometry({"type": "Point", "coordinates": [longitude, latitude]})
        if problem:
            raise DomainError(problem, "latitude")


def kind_and_name(level: str, kind: str | None, name: str) -> tuple[str, str]:
    """Return the kind and the name to store for a place named as typed (kind word split off)."""
    # "Ấp Chợ" with kind ấp is stored as "Chợ"; but "Xóm Hố" as an ấp keeps its whole name.
    words = name.split()
    if kind:
        size = len(KINDS.get(kind, ("",))[0].split())
        if kind in KINDS and len(words) > size and fold(" ".join(words[:size])) == fold(
            KINDS[kind][0]
        ):
            return kind, " ".join(words[size:])
        return kind, name
    inferred, bare = split_kind_prefix(name)
    if level == PROVINCE and inferred == "thanh_pho":
        inferred = "thanh_pho_tw"
    if inferred in KINDS and KINDS[inferred][1] == level:
        return inferred, bare
    return DEFAULT_KIND[level], name


def save_area(
    area: Area | None,
    *,
    level: str,
    name: str,
    parent: Area | None = None,
    kind: str | None = None,
    code: str | None = None,
    population_14plus: int | None = None,
    households: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Area:
    """Create a place (area=None) or change one, after checking level, parent and name."""
    kind, name = kind_and_name(level, kind, nfc(name))
    if not name:
        raise DomainError(_l("Vui lòng nhập tên."), "name")
    if KINDS.get(kind, (None, None))[1] != level:
        raise DomainError(_l("Loại đơn vị không hợp với cấp đã chọn."), "kind")
    _check_parent(level, parent)
    if area is not None and parent is not None and area.id in {a.id for a in parent.path}:
        raise DomainError(_l("Một nơi không thể nằm trong chính nó."), "parent_id")
    _check_unique(level, kind, name, parent, area.id if area else None)
    _check_point(latitude, longitude)
    for label, value in (("population_14plus", population_14plus), ("households", households)):
        if value is not None and value < 0:
            raise DomainError(_l("Số không được âm."), label)
    if area is None:
        area = Area(level=level)
        db.session.add(area)
    else:
        area.updated_at = now_utc()
    area.kind = kind
    area.name = name
    area.parent = parent
    area.code = code or None
    area.population_14plus = population_14plus
    area.households = households
    area.latitude = latitude
    area.longitude = longitude
    db.session.flush()
    return area


def delete_area(area: Area) -> None:
    """Remove a place that has nothing under it and is not used by a campaign."""
    if area.children:
        raise DomainError(_l("Không thể xóa: nơi này còn có đơn vị trực thuộc."))
    from fieldops.campaigns.models import campaign_communes

    used = db.session.execute(
        db.select(campaign_communes.c.campaign_id).where(campaign_communes.c.area_id == area.id)
    ).first()
    if used:
        raise DomainError(_l("Không thể xóa: xã này thuộc phạm vi của một chiến dịch."))
    from fieldops.auth.models import User

    if db.session.execute(db.select(User.id).where(User.area_id == area.id)).first():
        raise DomainError(_l("Không thể xóa: nơi này là địa bàn phụ trách của một tài khoản."))
    db.session.delete(area)
    db.session.flush()


def set_boundary(area: Area, geometry: dict | None) -> None:
    """Store a hamlet's drawn or imported shape (Polygon/MultiPolygon) or point."""
    if geometry is None:
        area.boundary = None
    else:
        problem = validate_geometry(geometry)
        if problem:
            raise DomainError(problem, "boundary")
        if geometry["type"] == "Point":
            area.longitude, area.latitude = geometry["coordinates"][:2]
        else:
            area.boundary = json.dumps(geometry, separators=(",", ":"))
            if area.latitude is None:
                area.latitude, area.longitude = geometry_center(geometry)
    area.updated_at = now_utc()
    db.session.flush()


def search_areas(
    query: str = "", level: str | None = None, parent: Area | None = None,
    limit: int = SEARCH_LIMIT, within: set[int] | None = None,
) -> list[Area]:
    """Return places whose name matches the words typed, with or without accents (only those
    of `within`, the viewer's area, if given)."""
    stmt = db.select(Area)
    if within is not None:
        stmt = stmt.where(Area.id.in_(within))
    for word in fold(query).split():
        # Every word must appear: "phuoc my" finds "Ấp Phước Mỹ".
        stmt = stmt.where(Area.name_folded.contains(word, autoescape=True))
    if level:
        stmt = stmt.where(Area.level == level)
    if parent is not None:
        stmt = stmt.where(Area.parent_id == parent.id)
    stmt = stmt.order_by(Area.level, Area.name_folded).limit(limit)
    return list(db.session.execute(stmt).scalars())


def communes_under(area: Area) -> list[Area]:
    """Return the communes of a province or district (through its districts too)."""
    if area.level == COMMUNE:
        return [area]
    found: list[Area] = []
    for child in area.children:
        if child.level == COMMUNE:
            found.append(child)
        elif child.level == DISTRICT:
            found.extend(c for c in child.children if c.level == COMMUNE)
    return found


def all_communes() -> list[Area]:
    """Return every commune, ordered by province then name, for pickers."""
    rows = db.session.execute(db.select(Area).where(Area.level == COMMUNE)).scalars()
    return sorted(rows, key=lambda a: [fold(x.name) for x in a.path])


def import_parents() -> list[Area]:
    """Return the provinces and districts a file of communes and hamlets can go into."""
    rows = db.session.execute(
        db.select(Area).where(Area.level.in_((PROVINCE, DISTRICT)))
    ).scalars()
    return sorted(rows, key=lambda a: [fold(x.name) for x in a.path])
