"""Results the police's lists confirm, and targets that take the lists as their denominator.

Plan 003 counts an activation only when the person leaves the police's list of the approved but
not activated ("căn cứ vào số liệu trích xuất trên hệ thống CSDLQG về DC"). A person gone from the
list is credited to the hamlet they were listed in and to the team and member of their last visit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.campaigns.models import Campaign, Phase
from fieldops.checkin.models import VOIDED, Registration
from fieldops.db import db
from fieldops.drive.models import (
    APPROVED_NOT_ACTIVATED,
    ConfirmedCount,
    DriveRules,
    ListedPerson,
    PoliceList,
    Visit,
)
from fieldops.errors import DomainError
from fieldops.reports.models import PhaseListTarget


def uses_lists(campaign: Campaign) -> bool:
    """Return True once the campaign has a police list of the approved but not activated."""
    return db.session.execute(sa.select(sa.literal(1)).where(
        PoliceList.campaign_id == campaign.id,
        PoliceList.kind == APPROVED_NOT_ACTIVATED).limit(1)).first() is not None


def count_confirmed_only(campaign: Campaign) -> bool:
    """Return whether progress counts only what the lists confirm (the default, plan 003)."""
    rules = db.session.get(DriveRules, campaign.id)
    return True if rules is None else rules.count_confirmed_only


def set_count_confirmed_only(campaign: Campaign, value: bool) -> None:
    """Choose whether progress counts confirmed results only, or what members claim."""
    rules = db.session.get(DriveRules, campaign.id)
    if rules is None:
        rules = DriveRules(campaign_id=campaign.id, absences_to_list=2)
        db.session.add(rules)
    rules.count_confirmed_only = value
    db.session.flush()


def fresh_confirmed(campaign: Campaign, first: date, last: date):
    """Return the GROUP BY over listed people and their visits that the counters must equal
    (drive.credit keeps the counters; this reads every confirmed person)."""
    person, visit, registration = ListedPerson, Visit, Registration
    # The last visit that was not voided: whose work the activation was.
    last_visit = (sa.select(sa.func.max(visit.id))
                  .join(registration, registration.id == visit.registration_id)
                  .where(visit.person_id == person.id, registration.status != VOIDED)
                  .scalar_subquery())
    return (sa.select(person.hamlet_id, registration.team_id, registration.volunteer_id,
                      registration.credited_member_id, person.gone_on, sa.func.count())
            .select_from(person)
            .outerjoin(visit, visit.id == last_visit)
            .outerjoin(registration, registration.id == visit.registration_id)
            .where(person.campaign_id == campaign.id, person.kind == APPROVED_NOT_ACTIVATED,
                   person.gone_on >= first, person.gone_on <= last)
            .group_by(person.hamlet_id, registration.team_id, registration.volunteer_id,
                      registration.credited_member_id, person.gone_on))


def confirmed_rows(campaign: Campaign, phase: Phase) -> list[tuple]:
    """Return people gone from the list in the phase by (hamlet, team, volunteer, credited
    member, day, count), from the counters: read once, then summed by place, team or day."""
    stmt = sa.select(ConfirmedCount.hamlet_id, ConfirmedCount.team_id,
                     ConfirmedCount.volunteer_id, ConfirmedCount.member_id, ConfirmedCount.day,
                     ConfirmedCount.count).where(
        ConfirmedCount.campaign_id == campaign.id, ConfirmedCount.count != 0,
        ConfirmedCount.day >= phase.start_date, ConfirmedCount.day <= phase.end_date)
    return [(hamlet_id, team_id, volunteer_id, member_id,
             day if isinstance(day, date) else date.fromisoformat(day), n)
            for hamlet_id, team_id, volunteer_id, member_id, day, n in db.session.execute(stmt)]


def confirmed_groups(campaign: Campaign, phase: Phase,
                     rows: list[tuple] | None = None) -> dict[tuple, int]:
    """Return people gone from the list in the phase by (hamlet, team, volunteer, credited
    member)."""
    groups: dict[tuple, int] = defaultdict(int)
    for hamlet_id, team_id, volunteer_id, member_id, _day, n in (
            confirmed_rows(campaign, phase) if rows is None else rows):
        groups[(hamlet_id, team_id, volunteer_id, member_id)] += n
    return dict(groups)


def confirmed_by_day(campaign: Campaign, phase: Phase, *, hamlet_ids: list[int] | None = None,
                     team_id: int | None = None,
                     rows: list[tuple] | None = None) -> dict[date, int]:
    """Return people gone from the list per day of the phase, for a scope."""
    by_day: dict[date, int] = defaultdict(int)
    wanted = set(hamlet_ids) if hamlet_ids is not None else None
    for hamlet_id, team, _volunteer, _member, day, n in (
            confirmed_rows(campaign, phase) if rows is None else rows):
        if (wanted is None or hamlet_id in wanted) and (team_id is None or team == team_id):
            by_day[day] += n
    return dict(by_day)


def eligible_by_hamlet(campaign: Campaign, phase: Phase) -> dict[int | None, int]:
    """Return how many people the police listed per hamlet up to the phase's end.

    Everyone ever on the list of the approved but not activated, gone or not: the denominator of
    "80 % of the eligible" and of "all that remain".
    """
    rows = db.session.execute(
        sa.select(ListedPerson.hamlet_id, sa.func.count())
        .where(ListedPerson.campaign_id == campaign.id,
               ListedPerson.kind == APPROVED_NOT_ACTIVATED,
               ListedPerson.first_listed_on <= phase.end_date)
        .group_by(ListedPerson.hamlet_id))
    return {hamlet_id: int(n) for hamlet_id, n in rows}


def list_percent(phase: Phase) -> int | None:
    """Return the phase's target as a share of the listed people, in per cent, if set."""
    found = db.session.get(PhaseListTarget, phase.id)
    return found.percent if found else None


def set_list_percent(phase: Phase, percent: int | None) -> None:
    """Set (or with None, drop) a phase's target as a share of the people the lists name."""
    if percent is not None and not 1 <= percent <= 100:
        raise DomainError(_l("Tỷ lệ phải từ 1 đến 100%."), "list_percent")
    found = db.session.get(PhaseListTarget, phase.id)
    if percent is None:
        if found is not None:
            db.session.delete(found)
    elif found is None:
        db.session.add(PhaseListTarget(phase_id=phase.id, percent=percent))
    else:
        found.percent = percent
    db.session.flush()


def list_targets(campaign: Campaign, phase: Phase, parents: dict[int, int]) -> dict[int, int]:
    """Return {area id: target} for hamlets and communes from the lists' sizes, if the phase
    sets its target as a share of them."""
    percent = list_percent(phase)
    if percent is None:
        return {}
    eligible = eligible_by_hamlet(campaign, phase)
    by_area: dict[int, int] = defaultdict(int)
    for hamlet_id, n in eligible.items():
        if hamlet_id is None:
            continue
        by_area[hamlet_id] += n
        if hamlet_id in parents:
            by_area[parents[hamlet_id]] += n
    # Whole people, rounded up: 80 % of 7 is 6, not 5.6.
    return {area_id: math.ceil(n * percent / 100) for area_id, n in by_area.items()}

