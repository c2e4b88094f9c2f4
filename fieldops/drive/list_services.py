"""The rules around the police's lists: remembered columns, hamlet aliases, lists by chain."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.areas.models import HAMLET, Area
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.drive.models import ColumnMapping, HamletAlias, PoliceList
from fieldops.errors import DomainError
from fieldops.text import fold_words

GONE_LABEL = _l("Đã ra khỏi danh sách")


@dataclass
class Chain:
    """One commune's lists of one kind, newest day first."""

    commune: Area
    kind: str
    lists: list[PoliceList] = field(default_factory=list)


def chains(campaign: Campaign, communes: set[int] | None = None) -> list[Chain]:
    """Return the campaign's lists grouped by commune and kind, communes by name; only those of
    `communes` when given (an organizer's area)."""
    found: dict[tuple[int, str], Chain] = {}
    stmt = sa.select(PoliceList).where(PoliceList.campaign_id == campaign.id)
    if communes is not None:
        stmt = stmt.where(PoliceList.commune_id.in_(communes))
    for item in db.session.execute(stmt.order_by(PoliceList.list_day.desc())).scalars():
        found.setdefault((item.commune_id, item.kind),
                         Chain(item.commune, item.kind)).lists.append(item)
    return sorted(found.values(), key=lambda c: (c.commune.name_folded, c.kind))


def saved_mapping(campaign_id: int, kind: str) -> dict[str, str]:
    """Return the columns as the organizer mapped them for this campaign's lists of a kind."""
    saved = db.session.execute(sa.select(ColumnMapping.mapping).filter_by(
        campaign_id=campaign_id, kind=kind)).scalar_one_or_none()
    return dict(saved or {})


def map_hamlets(campaign: Campaign, chosen: list[tuple[int | None, str, int]]) -> int:
    """Remember how lists write hamlet names: (commune id, name as written, hamlet id).

    Raises DomainError when a hamlet is not of that commune, or the commune not the campaign's.
    """
    communes = {c.id for c in campaign.communes}
    count = 0
    for commune_id, text, hamlet_id in chosen:
        hamlet = db.session.get(Area, hamlet_id)
        if (commune_id not in communes or hamlet is None or hamlet.level != HAMLET
                or hamlet.parent_id != commune_id or not fold_words(text)):
            raise DomainError(_l("Thôn/ấp đã chọn không thuộc xã/phường của danh sách."))
        alias = db.session.execute(sa.select(HamletAlias).filter_by(
            commune_id=commune_id, alias_folded=fold_words(text)[:160])).scalar_one_or_none()
        if alias is None:
            db.session.add(HamletAlias(commune_id=commune_id, alias_folded=fold_words(text)[:160],
                                       hamlet_id=hamlet_id))
        else:
            alias.hamlet_id = hamlet_id
        count += 1
    db.session.flush()
    return count
