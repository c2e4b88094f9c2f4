"""Places: provinces, districts, communes and hamlets."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fieldops.db import UTCDateTime, created_at, db, int_pk
from fieldops.text import fold

PROVINCE, DISTRICT, COMMUNE, HAMLET = "province", "district", "commune", "hamlet"
LEVELS = (PROVINCE, DISTRICT, COMMUNE, HAMLET)
LEVEL_LABELS = {
    PROVINCE: _l("Tỉnh/Thành phố"),
    DISTRICT: _l("Huyện/Quận"),
    COMMUNE: _l("Xã/Phường"),
    HAMLET: _l("Thôn/Ấp"),
}
#: which level a place of each level may sit under (a commune skips the district since 2025)
PARENT_LEVELS = {PROVINCE: (), DISTRICT: (PROVINCE,), COMMUNE: (PROVINCE, DISTRICT),
                 HAMLET: (COMMUNE,)}

# kind code -> (Vietnamese word as written before a name, level). Vietnamese words are
# proper names of administrative kinds and read the same in the English interface.
KINDS: dict[str, tuple[str, str]] = {
    "tinh": ("Tỉnh", PROVINCE),
    "thanh_pho_tw": ("Thành phố", PROVINCE),
    "huyen": ("Huyện", DISTRICT),
    "quan": ("Quận", DISTRICT),
    "thi_xa": ("Thị xã", DISTRICT),
    "thanh_pho": ("Thành phố", DISTRICT),
    "xa": ("Xã", COMMUNE),
    "phuong": ("Phường", COMMUNE),
    "thi_tran": ("Thị trấn", COMMUNE),
    "dac_khu": ("Đặc khu", COMMUNE),
    "thon": ("Thôn", HAMLET),
    "ap": ("Ấp", HAMLET),
    "xom": ("Xóm", HAMLET),
    "ban": ("Bản", HAMLET),
    "soc": ("Sóc", HAMLET),
    "khu_pho": ("Khu phố", HAMLET),
    "to_dan_pho": ("Tổ dân phố", HAMLET),
    "pho": ("Phố", HAMLET),
    "khom": ("Khóm", HAMLET),
    "buon": ("Buôn", HAMLET),
    "lang": ("Làng", HAMLET),
}
DEFAULT_KIND = {PROVINCE: "tinh", DISTRICT: "huyen", COMMUNE: "xa", HAMLET: "thon"}


def kinds_for(level: str) -> list[tuple[str, str]]:
    """Return (code, word) choices of kind for a level."""
    return [(code, word) for code, (word, lvl) in KINDS.items() if lvl == level]


class Area(db.Model):
    """A place at one of the four levels, with its counts and optional shape."""

    __tablename__ = "area"

    id: Mapped[int_pk]
    level: Mapped[str] = mapped_column(sa.String(10), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: the name without its kind word: "Chợ" for ấp Chợ
    name: Mapped[str] = mapped_column(sa.String(120))
    #: kind word + name, lower-case, without accents: what accent-free search matches
    name_folded: Mapped[str] = mapped_column(sa.String(160), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    #: official administrative code where known (GSO), e.g. "26434"
    code: Mapped[str | None] = mapped_column(sa.String(20))
    #: residents aged 14 and over: the denominator of most targets
    population_14plus: Mapped[int | None]
    households: Mapped[int | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    #: GeoJSON Polygon or MultiPolygon geometry, as text
    boundary: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parent: Mapped[Area | None] = relationship(remote_side="Area.id", back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent", order_by="Area.name")

    __table_args__ = (
        sa.UniqueConstraint("parent_id", "level", "name_folded"),
        sa.CheckConstraint(sa.text("population_14plus IS NULL OR population_14plus >= 0"),
                           name="population_14plus"),
        sa.CheckConstraint(sa.text("households IS NULL OR households >= 0"), name="households"),
    )

    @validates("name", "kind")
    def _refold(self, key: str, value: str) -> str:
        name = value if key == "name" else self.name
        kind = value if key == "kind" else self.kind
        if name:
            self.name_folded = fold(f"{KINDS.get(kind or '', ('',))[0]} {name}")
        return value

    @property
    def kind_word(self) -> str:
        """Return the kind as written before the name ("Ấp", "Xã")."""
        return KINDS.get(self.kind, ("",))[0]

    @property
    def display_name(self) -> str:
        """Return the name as people say it: "Ấp Chợ", "Xã Nhơn Trạch"."""
        return f"{self.kind_word} {self.name}".strip()

    @property
    def path(self) -> list[Area]:
        """Return the chain of places from the province down to this one."""
        chain: list[Area] = []
        node: Area | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def full_name(self) -> str:
        """Return the place with its parents: "Ấp Chợ, Xã Nhơn Trạch, Tỉnh Đồng Nai"."""
        return ", ".join(a.display_name for a in reversed(self.path))

    @property
    def geometry(self) -> dict | None:
        """Return the boundary as a GeoJSON geometry, or the point, or None."""
        if self.boundary:
            return json.loads(self.boundary)
        if self.latitude is not None and self.longitude is not None:
            return {"type": "Point", "coordinates": [self.longitude, self.latitude]}
        return None
