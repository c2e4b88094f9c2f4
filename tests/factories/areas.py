"""Places: Nhơn Trạch with its hamlets, Hưng Hà with its communes, hamlets of any commune."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from fieldops.areas import services as areas
from fieldops.areas.models import COMMUNE, DISTRICT, HAMLET, PROVINCE, Area
from fieldops.demo import HUNG_HA_COMMUNES, TOWNS

#: Vietnamese tone marks, which Windows-1258 writes as combining characters
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def add_hamlets(commune: Area, hamlets: Iterable[tuple[str, int | None]],
                kind: str = "ap") -> list[Area]:
    """Create hamlets (name, population aged 14+) under a commune."""
    return [areas.save_area(None, level=HAMLET, name=name, kind=kind, parent=commune,
                            population_14plus=population) for name, population in hamlets]


def commune_with_hamlets(province: str = "Đồng Nai", commune: str = "Nhơn Trạch",
                         hamlets: tuple[str, ...] = ("Chợ", "Trâu", "Phước Mỹ")) -> Area:
    """Create a province, a commune and its hamlets (kind ấp)."""
    top = areas.save_area(None, level=PROVINCE, name=province)
    place = areas.save_area(None, level=COMMUNE, name=commune, parent=top,
                            population_14plus=9000)
    add_hamlets(place, ((name, 1000 + index) for index, name in enumerate(hamlets)))
    return place


def hung_ha_district() -> Area:
    """Create Thái Bình province and its Hưng Hà district (a level older plans still use)."""
    province = areas.save_area(None, level=PROVINCE, name="Thái Bình", kind="tinh")
    return areas.save_area(None, level=DISTRICT, name="Hưng Hà", kind="huyen", parent=province)


def hung_ha(names: Iterable[str] | None = None) -> list[Area]:
    """Create Hưng Hà district and the communes of plan 60/KH-TCTĐA-CA (all 35, or those named)
    with the appendix's population aged 14+; return the communes in the appendix's order."""
    district = hung_ha_district()
    population = dict(HUNG_HA_COMMUNES)
    return [areas.save_area(None, level=COMMUNE, name=name, parent=district,
                            kind="thi_tran" if name in TOWNS else "xa",
                            population_14plus=population[name])
            for name in (population if names is None else names)]


def to_cp1258(text: str) -> bytes:
    """Encode like Windows-1258: base letters precomposed, tone marks as combining characters."""
    out = []
    for char in text:
        try:
            char.encode("cp1258")
            out.append(char)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = "".join(c for c in parts if c not in TONE_MARKS)
            out.append(unicodedata.normalize("NFC", base) + "".join(c for c in parts
                                                                    if c in TONE_MARKS))
    return "".join(out).encode("cp1258")
