"""Commendation lists of a phase, built from its FROZEN ranking.

The proposed list: the communes and teams at or over 100 % of target with nothing against them
(every reason below), and the people (members) at or over 100 %. A unit never spot-checked in
the phase still qualifies — plan 003 counts what is truly activated, and no check found
otherwise — but is marked "chưa kiểm tra xác suất" so the committee knows its figures are
unverified. The excluded list: every commune and team with at least one reason, each with ALL
its reasons.

Reasons are small functions of the `Scene` (one per topic, listed in `REASONS`): each returns
{ranking unit (kind, id): [reason, ...]}. A ranking unit is mapped to its reporting unit by the
commune's area id or the team's id (`Scene.reporting_units`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as _

from fieldops.accountability.commendation_models import (
    MAX_REJECTION,
    MIN_CONFIRMATION,
    CommendationSettings,
)
from fieldops.accountability.duty_models import (
    LATE,
    MISSING,
    ReportingDuty,
    ReportingUnit,
    UnitReport,
)
from fieldops.accountability.officials import completion_by_unit
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.reports.models import RankingRow, RankingSnapshot

UnitKey = tuple[str, int]


def settings_for(campaign: Campaign) -> CommendationSettings:
    """Return the campaign's thresholds (the defaults, unsaved, until an organizer sets them)."""
    found = db.session.get(CommendationSettings, campaign.id)
    return found or CommendationSettings(campaign_id=campaign.id,
                                         min_confirmation_percent=MIN_CONFIRMATION,
                                         max_rejection_percent=MAX_REJECTION)


def save_settings(campaign: Campaign, *, min_confirmation: int, max_rejection: int
                  ) -> CommendationSettings:
    """Store the campaign's thresholds after checking they are per cents."""
    for value, name in ((min_confirmation, "min_confirmation"), (max_rejection, "max_rejection")):
        if not 0 <= value <= 100:
            raise DomainError(_("Hãy nhập một tỷ lệ từ 0 đến 100 %."), name)
    found = db.session.get(CommendationSettings, campaign.id)
    if found is None:
        found = CommendationSettings(campaign_id=campaign.id)
        db.session.add(found)
    found.min_confirmation_percent = min_confirmation
    found.max_rejection_percent = max_rejection
    db.session.flush()
    return found


def pct(value_x100: int) -> str:
    """Return a per cent x100 as the interface writes it (85,5 %)."""
    return f"{format_decimal(value_x100 / 100, format='0.0')} %"


@dataclass
class Scene:
    """What the reasons read: the phase, its frozen unit lines and their reporting units."""

    campaign: Campaign
    phase: Phase
    settings: CommendationSettings
    #: the frozen lines of communes and teams, by ranking unit
    lines: dict[UnitKey, RankingRow]
    #: the reporting unit of each ranking unit that has one
    reporting_units: dict[UnitKey, ReportingUnit]


def target_missed(scene: Scene) -> dict[UnitKey, list[str]]:
    """A unit under 100 % of its target, with the per cent reached."""
    return {key: [_("Chưa đạt chỉ tiêu (đạt %(percent)s)", percent=pct(line.percent_x100))]
            for key, line in scene.lines.items() if line.percent_x100 < 10000}


def reports_missing_or_late(scene: Scene) -> dict[UnitKey, list[str]]:
    """A unit with reports missing or late for periods inside the phase, with the counts.

    Read from the report records the deadline schedule keeps (a missing report is recorded at
    its deadline and stays missing until the unit reports, then late).
    """
    by_unit = {unit.id: key for key, unit in scene.reporting_units.items()}
    if not by_unit:
        return {}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {LATE: 0, MISSING: 0})
    for unit_id, status, n in db.session.execute(
            sa.select(UnitReport.unit_id, UnitReport.status, sa.func.count())
            .join(ReportingDuty, ReportingDuty.id == UnitReport.duty_id)
            .where(ReportingDuty.campaign_id == scene.campaign.id,
                   UnitReport.unit_id.in_(by_unit), UnitReport.status.in_((LATE, MISSING)),
                   UnitReport.period_start >= scene.phase.start_date,
                   UnitReport.period_end <= scene.phase.end_date)
            .group_by(UnitReport.unit_id, UnitReport.status)):
        counts[unit_id][status] = n
    found = {}
    for unit_id, count in counts.items():
        parts = []
        if count[MISSING]:
            parts.append(_("Không nộp %(n)s báo cáo trong giai đoạn", n=count[MISSING]))
        if count[LATE]:
            parts.append(_("Nộp muộn %(n)s báo cáo trong giai đoạn", n=count[LATE]))
        found[by_unit[unit_id]] = parts
    return found


def spot_checks_failed(scene: Scene) -> dict[UnitKey, list[str]]:
    """A unit whose spot-checked results were found untrue more than the campaign allows, or
    confirmed less than it asks (a unit never checked has no reason here)."""
    settings, found = scene.settings, {}
    for key, line in scene.lines.items():
        if line.confirmation_x100 is None:
            continue
        rejected = 10000 - line.confirmation_x100
        if rejected > settings.max_rejection_percent * 100:
            found[key] = [_("Tỷ lệ sai khi kiểm tra xác suất %(rate)s, vượt ngưỡng %(limit)s",
                            rate=pct(rejected), limit=pct(settings.max_rejection_percent * 100))]
        elif line.confirmation_x100 < settings.min_confirmation_percent * 100:
            found[key] = [_("Tỷ lệ xác nhận khi kiểm tra xác suất %(rate)s, dưới ngưỡng "
                            "%(limit)s", rate=pct(line.confirmation_x100),
                            limit=pct(settings.min_confirmation_percent * 100))]
    return found


def officials_incomplete(scene: Scene) -> dict[UnitKey, list[str]]:
    """A unit whose own officials have not all completed their e-ID (level 2, VNeID, public
    services), or that listed none while others did; a campaign keeping no roster at all
    asks nothing of anyone."""
    completion = completion_by_unit(scene.campaign)
    if not any(c.listed for c in completion.values()):
        return {}
    found = {}
    for key, unit in scene.reporting_units.items():
        done = completion.get(unit.id)
        if done is None or done.listed == 0:
            found[key] = [_("Chưa có danh sách cán bộ để đối chiếu định danh điện tử")]
        elif not done.is_complete:
            found[key] = [_("Cán bộ chưa hoàn thành định danh điện tử (%(done)s/%(listed)s)",
                            done=done.complete, listed=done.listed)]
    return found


#: every reason a unit is not commended, in the order they are printed
REASONS: list[Callable[[Scene], dict[UnitKey, list[str]]]] = [
    target_missed,
    reports_missing_or_late,
    spot_checks_failed,
    officials_incomplete,
]


@dataclass
class Entry:
    """A unit or person on one of the lists."""

    kind: str
    name: str
    rank: int
    target: int
    done: int
    percent_x100: int
    confirmation_x100: int | None
    reasons: list[str] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        """Return True if the unit's results were spot-checked in the phase."""
        return self.confirmation_x100 is not None


@dataclass
class Lists:
    """A phase's proposed commendations and the units excluded, with why."""

    campaign: Campaign
    phase: Phase
    settings: CommendationSettings
    frozen_at: datetime
    commended: list[Entry]
    excluded: list[Entry]


def _entry(row: RankingRow, reasons: list[str] | None = None) -> Entry:
    return Entry(row.kind, row.name, row.rank, row.target, row.done, row.percent_x100,
                 row.confirmation_x100, reasons or [])


def scene_of(campaign: Campaign, phase: Phase, snapshot: RankingSnapshot) -> Scene:
    """Return what the reasons read for a frozen ranking."""
    lines = {(row.unit_kind, row.unit_id): row for row in snapshot.rows
             if row.unit_kind in ("commune", "team") and row.unit_id is not None}
    reporting = {}
    for unit in db.session.execute(db.select(ReportingUnit).filter_by(campaign_id=campaign.id)
                                   ).scalars():
        key = ("commune", unit.area_id) if unit.area_id else ("team", unit.team_id)
        if key in lines:
            reporting[key] = unit
    return Scene(campaign, phase, settings_for(campaign), lines, reporting)


def build_lists(campaign: Campaign, phase: Phase) -> Lists | None:
    """Return the phase's commendation lists, or None while its ranking is not frozen."""
    snapshot = db.session.execute(
        db.select(RankingSnapshot).filter_by(phase_id=phase.id)).scalar_one_or_none()
    if snapshot is None:
        return None
    scene = scene_of(campaign, phase, snapshot)
    reasons: dict[UnitKey, list[str]] = defaultdict(list)
    for check in REASONS:
        for key, found in check(scene).items():
            reasons[key].extend(found)
    commended, excluded = [], []
    for key, row in scene.lines.items():
        (excluded if reasons.get(key) else commended).append(_entry(row, reasons.get(key)))
    # People have no spot-check rate or duty of their own: the target decides.
    commended += [_entry(row) for row in snapshot.rows
                  if row.kind == "member" and row.percent_x100 >= 10000]
    order = {"commune": 0, "team": 1, "member": 2}
    commended.sort(key=lambda e: (order[e.kind], e.rank))
    excluded.sort(key=lambda e: (order[e.kind], e.rank))
    return Lists(campaign, phase, scene.settings, snapshot.frozen_at, commended, excluded)
