"""Cascade targets down: commune -> hamlets by population aged 14+, hamlets -> teams."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from fieldops.areas.models import HAMLET, Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.i18n import format_number
from fieldops.reports.models import CASCADE, PhaseFloor
from fieldops.reports.targets import find_target, set_target, settings_of
from fieldops.teams.assignments import campaign_assignments
from fieldops.teams.models import Team


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Split a whole number in proportion to weights; the shares are whole and add up to total.

    Each share gets the floor of its exact quota; the units left over go to the largest
    fractional remainders (ties: the earlier entry), the Hamilton method.
    """
    if not weights:
        return []
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights, weight_sum = [1] * len(weights), len(weights)  # no populations: split evenly
    quotas = [total * w for w in weights]  # exact quotas times weight_sum, in integers
    shares = [q // weight_sum for q in quotas]
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] % weight_sum), i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def hamlets_of(commune: Area) -> list[Area]:
    """Return a commune's hamlets in name order."""
    return [a for a in commune.children if a.level == HAMLET]


def cascade_to_hamlets(phase: Phase, commune: Area, *, user: User,
                       service_id: int | None = None) -> dict[int, int]:
    """Spread a commune's target over its hamlets by population aged 14+; return the shares."""
    target = find_target(phase, service_id=service_id, area=commune)
    if target is None:
        raise DomainError(_l("%(name)s chưa có chỉ tiêu trong %(phase)s.",
                             name=commune.display_name, phase=phase.name))
    hamlets = hamlets_of(commune)
    if not hamlets:
        raise DomainError(_l("%(name)s chưa có thôn/ấp nào.", name=commune.display_name))
    shares = largest_remainder(target.value, [h.population_14plus or 0 for h in hamlets])
    # History lines are data, kept in the plan's language like registration histories.
    reason = f"Chia từ chỉ tiêu {commune.display_name} theo nhân khẩu từ 14 tuổi"
    for hamlet, share in zip(hamlets, shares, strict=True):
        set_target(phase, share, user=user, source=CASCADE, service_id=service_id, area=hamlet,
                   reason=reason)
    return {h.id: s for h, s in zip(hamlets, shares, strict=True)}


def teams_by_hamlet(campaign: Campaign, phase: Phase) -> dict[int, list[int]]:
    """Return, for each hamlet, the teams assigned to it on some day of the phase."""
    found: dict[int, list[int]] = {}
    for a in campaign_assignments(campaign.id):
        if a.start_date <= phase.end_date and a.end_date >= phase.start_date:
            teams = found.setdefault(a.hamlet_id, [])
            if a.team_id not in teams:
                teams.append(a.team_id)
    return found


def cascade_to_teams(campaign: Campaign, phase: Phase, *, user: User,
                     service_id: int | None = None) -> dict[int, int]:
    """Give each team the sum of its hamlets' targets (a shared hamlet is split evenly)."""
    totals: dict[int, int] = {}
    for hamlet_id, team_ids in teams_by_hamlet(campaign, phase).items():
        hamlet = db.session.get(Area, hamlet_id)
        target = find_target(phase, service_id=service_id, area=hamlet)
        if target is None:
            continue
        for team_id, share in zip(team_ids, largest_remainder(target.value, [1] * len(team_ids)),
                                  strict=True):
            totals[team_id] = totals.get(team_id, 0) + share
    if not totals:
        raise DomainError(_l("Chưa có thôn/ấp nào vừa có chỉ tiêu vừa được giao cho đoàn trong "
                             "giai đoạn này."))
    reason = "Cộng từ chỉ tiêu các thôn/ấp được giao"
    for team_id, value in totals.items():
        set_target(phase, value, user=user, source=CASCADE, service_id=service_id,
                   team=db.session.get(Team, team_id), reason=reason)
    return totals


def cascade_to_members(phase: Phase, team: Team, *, user: User,
                       service_id: int | None = None) -> dict[int, int]:
    """Split a team's target evenly among its people (lead included), none below the
    per-person floor; return the shares by member id."""
    target = find_target(phase, service_id=service_id, team=team)
    if target is None:
        raise DomainError(_l("%(name)s chưa có chỉ tiêu trong %(phase)s.", name=team.name,
                             phase=phase.name))
    people = team.people
    if not people:
        raise DomainError(_l("%(name)s chưa có thành viên nào.", name=team.name))
    floor = person_floor(team.campaign, phase)
    shares = [max(share, floor) for share in largest_remainder(target.value, [1] * len(people))]
    reason = f"Chia đều từ chỉ tiêu {team.name} (tối thiểu {floor} mỗi người)"
    for member, share in zip(people, shares, strict=True):
        set_target(phase, share, user=user, source=CASCADE, service_id=service_id,
                   member=member, reason=reason)
    return {m.id: s for m, s in zip(people, shares, strict=True)}


def member_sum_problems(campaign: Campaign, phase: Phase,
                        service_id: int | None = None) -> list[str]:
    """Return, per team with a target, why its people's shares (their own, else the floor)
    do not add up to it."""
    floor = person_floor(campaign, phase)
    problems = []
    for team in db.session.execute(db.select(Team).filter_by(campaign_id=campaign.id)
                                   .order_by(Team.id)).scalars():
        own = find_target(phase, service_id=service_id, team=team)
        if own is None or not team.people:
            continue
        shares = [find_target(phase, service_id=service_id, member=m) for m in team.people]
        total = sum(s.value if s is not None else floor for s in shares)
        if total != own.value:
            problems.append(str(_l(
                "%(name)s có chỉ tiêu %(own)s, nhưng %(n)s người cộng lại %(sum)s (lệch %(diff)s).",
                name=team.name, own=format_number(own.value), n=len(shares),
                sum=format_number(total), diff=format_number(total - own.value))))
    return problems


def person_floor(campaign: Campaign, phase: Phase) -> int:
    """Return what each member must reach in a phase: the phase's floor, else the campaign's."""
    override = db.session.get(PhaseFloor, phase.id)
    return override.person_floor if override else settings_of(campaign).person_floor


def set_phase_floor(phase: Phase, value: int | None) -> None:
    """Set (or with None, drop) a phase's own per-person floor."""
    if value is not None and value < 0:
        raise DomainError(_l("Chỉ tiêu mỗi người phải là số nguyên không âm."), "phase_floor")
    found = db.session.get(PhaseFloor, phase.id)
    if value is None:
        if found is not None:
            db.session.delete(found)
    elif found is None:
        db.session.add(PhaseFloor(phase_id=phase.id, person_floor=value))
    else:
        found.person_floor = value
    db.session.flush()


def sum_problems(phase: Phase, commune: Area, service_id: int | None = None) -> list[str]:
    """Return why a commune's hamlet targets do not add up to its own, if they do not."""
    own = find_target(phase, service_id=service_id, area=commune)
    parts = [find_target(phase, service_id=service_id, area=h) for h in hamlets_of(commune)]
    parts = [p for p in parts if p is not None]
    if own is None or not parts:
        return []
    total = sum(p.value for p in parts)
    if total == own.value:
        return []
    return [str(_l("Tổng chỉ tiêu các thôn/ấp của %(name)s là %(sum)s, khác chỉ tiêu của xã "
                   "%(own)s (lệch %(diff)s).", name=commune.display_name, sum=format_number(total),
                   own=format_number(own.value), diff=format_number(total - own.value)))]
