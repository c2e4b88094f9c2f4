"""The officials' own e-ID: rosters kept by hand, completion per unit, and who has not yet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.accountability import duties
from fieldops.accountability.area_scope import units_in_scope
from fieldops.accountability.duty_models import COMMUNE, ReportingUnit
from fieldops.accountability.official_models import CHECKS, UnitOfficial
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today, now_utc
from fieldops.db import db
from fieldops.errors import DomainError, DomainErrors
from fieldops.text import fold, fold_words, nfc, normalize_phone

#: what a roster's yes/no cell may say; anything else is a row problem
_YES = {"co", "x", "v", "1", "yes", "y", "da", "roi", "dat", "true", "ok", "✓", "✔", "☑", "+"}
_NO = {"", "khong", "k", "0", "no", "n", "chua", "false", "-", "–", "✗", "✘", "☐"}
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
#: an Excel date cell as the reader gives it: "2023-05-12 00:00:00"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: 00:00:00)?$")


@dataclass
class OfficialsCompletion:
    """How many officials a unit listed, how many did all three checks, and each check."""

    listed: int = 0
    complete: int = 0
    #: per check (CHECKS' keys): how many officials did it
    by_check: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKS, 0))

    @property
    def is_complete(self) -> bool:
        """Return True only for a listed roster where everyone did all three."""
        return self.listed > 0 and self.complete == self.listed

    @property
    def rate(self) -> float | None:
        """Return complete / listed (0 to 1), or None for a unit with no roster."""
        return self.complete / self.listed if self.listed else None

    @property
    def eid_level2(self) -> int:
        """Return how many have a level-2 e-ID."""
        return self.by_check["eid_level2"]

    @property
    def vneid_install(self) -> int:
        """Return how many installed and activated VNeID."""
        return self.by_check["vneid_install"]

    @property
    def public_services_account(self) -> int:
        """Return how many used it on the public-services portal."""
        return self.by_check["public_services_account"]

    def rate_of(self, check: str) -> float | None:
        """Return the share of listed officials who did one check, or None with no roster."""
        return self.by_check[check] / self.listed if self.listed else None


def person_key(full_name: str, position: str) -> str:
    """Return the key a roster row is matched by: the folded name and position."""
    return f"{fold_words(full_name)}|{fold_words(position)}"[:250]


def yes_no(value: str | None) -> tuple[bool, date | None] | None:
    """Read a roster cell: (done, the day if the cell is a date), or None if not understood."""
    text = fold(value).rstrip(".")
    if text.endswith(".0"):  # Excel's numbers as the reader gives them
        text = text[:-2]
    vn, iso = _DATE.match(text), _ISO_DATE.match(text)
    if vn or iso:
        day, month, year = (int(g) for g in vn.groups()) if vn else (
            int(g) for g in reversed(iso.groups()))
        try:
            return True, date(year, month, day)
        except ValueError:
            return None
    if text in _YES:
        return True, None
    if text in _NO:
        return False, None
    return None


def completion_by_unit(campaign: Campaign) -> dict[int, OfficialsCompletion]:
    """Return every reporting unit's completion, keyed by ReportingUnit.id (zeros: no roster)."""
    counts = [sa.func.count(UnitOfficial.id),
              sa.func.sum(sa.case((sa.and_(*(getattr(UnitOfficial, c) for c in CHECKS)), 1),
                                  else_=0))]
    counts += [sa.func.sum(sa.case((getattr(UnitOfficial, c), 1), else_=0)) for c in CHECKS]
    found = {unit_id: OfficialsCompletion() for unit_id in db.session.execute(
        sa.select(ReportingUnit.id).where(ReportingUnit.campaign_id == campaign.id)).scalars()}
    rows = db.session.execute(
        sa.select(UnitOfficial.unit_id, *counts).join(ReportingUnit)
        .where(ReportingUnit.campaign_id == campaign.id).group_by(UnitOfficial.unit_id))
    for unit_id, listed, complete, *per_check in rows:
        found[unit_id] = OfficialsCompletion(
            listed, int(complete or 0), {c: int(n or 0) for c, n in zip(CHECKS, per_check,
                                                                     strict=True)})
    return found


def roster_units(campaign: Campaign, viewer: User | None = None) -> list[ReportingUnit]:
    """Return the campaign's reporting units, every commune of the campaign among them (those
    in the viewer's area, if a viewer is given)."""
    # Every commune's officials are asked, whether or not a report duty made its unit yet.
    duties.sync_units(campaign, COMMUNE)
    found = db.session.execute(units_in_scope(
        db.select(ReportingUnit).filter_by(campaign_id=campaign.id), viewer))
    return sorted(found.scalars(), key=lambda u: (fold(u.sort_name), u.sort_name))


def ranked(campaign: Campaign, order: str = "rate", viewer: User | None = None
           ) -> list[tuple[ReportingUnit, OfficialsCompletion]]:
    """Return (unit, completion) for every unit (in the viewer's area, if given): lagging
    first ("rate"), best first ("rate_desc") or by name ("name"); a unit with no roster counts
    as the most lagging."""
    completion = completion_by_unit(campaign)
    rows = [(unit, completion[unit.id]) for unit in roster_units(campaign, viewer)]
    if order == "name":
        return rows

    def rate(row) -> float:
        return -1.0 if row[1].rate is None else row[1].rate

    # sorted is stable: equal rates keep the name order.
    return sorted(rows, key=rate, reverse=order == "rate_desc")


def roster_of(unit: ReportingUnit) -> list[UnitOfficial]:
    """Return a unit's officials in the order they were listed."""
    return list(db.session.execute(db.select(UnitOfficial).filter_by(unit_id=unit.id)
                                   .order_by(UnitOfficial.id)).scalars())


def not_done(campaign: Campaign, viewer: User | None = None) -> dict[int, list[UnitOfficial]]:
    """Return, per unit id (of the viewer's area, if given), the officials who miss at least
    one check (see .missing)."""
    lagging = sa.or_(*(getattr(UnitOfficial, c).is_(False) for c in CHECKS))
    found: dict[int, list[UnitOfficial]] = {}
    for official in db.session.execute(units_in_scope(
            db.select(UnitOfficial).join(ReportingUnit)
            .where(ReportingUnit.campaign_id == campaign.id, lagging)
            .order_by(UnitOfficial.unit_id, UnitOfficial.id), viewer)).scalars():
        found.setdefault(official.unit_id, []).append(official)
    return found


def save_official(unit: ReportingUnit, official: UnitOfficial | None, *, full_name: str,
                  position: str, phone: str | None,
                  checks: dict[str, tuple[bool, date | None]]) -> UnitOfficial:
    """Add an official to a unit's roster, or change one; checks: name -> (done, day)."""
    full_name, position = " ".join(nfc(full_name).split()), " ".join(nfc(position).split())
    problems = []
    if not full_name:
        problems.append(DomainError(_l("Vui lòng nhập họ và tên."), "full_name"))
    if not position:
        problems.append(DomainError(_l("Vui lòng nhập chức vụ."), "position"))
    cleaned = normalize_phone(phone) if phone and phone.strip() else None
    if phone and phone.strip() and cleaned is None:
        problems.append(DomainError(_l("Số điện thoại di động không hợp lệ."), "phone"))
    for check, (done, day) in checks.items():
        if done and day is not None and day > local_today():
            problems.append(DomainError(_l("Ngày xác nhận không được sau hôm nay."),
                                        f"{check}_on"))
    key = person_key(full_name, position)
    twin = db.session.execute(db.select(UnitOfficial.id).filter_by(
        unit_id=unit.id, person_key=key)).scalar_one_or_none()
    if full_name and position and twin is not None and (official is None or twin != official.id):
        problems.append(DomainError(_l("%(name)s (%(position)s) đã có trong danh sách.",
                                       name=full_name, position=position), "full_name"))
    if problems:
        raise DomainErrors(problems)
    if official is None:
        official = UnitOfficial(unit_id=unit.id)
        db.session.add(official)
    else:
        official.updated_at = now_utc()
    official.full_name, official.position, official.person_key = full_name, position, key
    official.phone = cleaned
    for check, (done, day) in checks.items():
        setattr(official, check, done)
        setattr(official, f"{check}_on", day if done else None)
    db.session.flush()
    return official


def remove_official(official: UnitOfficial) -> None:
    """Take an official off the unit's roster."""
    db.session.delete(official)
    db.session.flush()
