"""Check teams against the plan: required composition and IT-savvy minimums, as warnings.

Warnings, not errors: a team short of one Viettel staff still goes out; the organizer must see
what is missing, by name, and decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from fieldops.areas.models import Area
from fieldops.campaigns.models import Campaign
from fieldops.teams.models import Member, Team, TeamRequirement
from fieldops.teams.services import rules_of, teams_of


@dataclass(frozen=True)
class RuleWarning:
    """One thing the plan asks for that is missing; `team` or `hamlet` says where."""

    message: str
    team: Team | None = None
    hamlet: Area | None = None


def _matches(member: Member, line: TeamRequirement) -> bool:
    if line.organisation_id is not None:
        return member.organisation_id == line.organisation_id
    return member.organisation.kind == line.organisation_kind


def composition_warnings(team: Team) -> list[RuleWarning]:
    """Return a warning per composition line the members do not fill ("Viettel: 3 of 5")."""
    found = []
    for line in team.requirements:
        have = sum(1 for m in team.members if _matches(m, line))
        if have < line.count:
            found.append(RuleWarning(str(_l(
                "%(team)s thiếu %(missing)s người của %(what)s (kế hoạch cần %(need)s, "
                "hiện có %(have)s).", team=team.name, missing=line.count - have,
                what=line.label, need=line.count, have=have)), team=team))
    return found


def it_savvy_count(team: Team) -> int:
    """Return how many of the team's members know IT."""
    return sum(1 for m in team.members if m.it_savvy)


def team_warnings(team: Team, min_per_team: int) -> list[RuleWarning]:
    """Return the composition warnings and the IT-savvy minimum warning of one team."""
    found = composition_warnings(team)
    have = it_savvy_count(team)
    if min_per_team and have < min_per_team:
        found.append(RuleWarning(str(_l(
            "%(team)s có %(have)s thành viên am hiểu CNTT; kế hoạch yêu cầu ít nhất %(need)s "
            "(thiếu %(missing)s).", team=team.name, have=have, need=min_per_team,
            missing=min_per_team - have)), team=team))
    return found


def hamlet_warnings(teams: list[Team], min_per_hamlet: int) -> list[RuleWarning]:
    """Return a warning per assigned hamlet whose teams bring too few IT-savvy members."""
    if not min_per_hamlet:
        return []
    people: dict[int, tuple[Area, set[int], list[str]]] = {}
    for team in teams:
        for assignment in team.assignments:
            hamlet, ids, names = people.setdefault(assignment.hamlet_id,
                                                   (assignment.hamlet, set(), []))
            if team.name not in names:
                names.append(team.name)
            ids.update(m.id for m in team.members if m.it_savvy)
    found = []
    for hamlet, ids, names in sorted(people.values(), key=lambda v: v[0].name_folded):
        if len(ids) < min_per_hamlet:
            found.append(RuleWarning(str(_l(
                "%(hamlet)s (%(teams)s) có %(have)s người am hiểu CNTT; kế hoạch yêu cầu ít nhất "
                "%(need)s mỗi thôn/ấp (thiếu %(missing)s).", hamlet=hamlet.display_name,
                teams=", ".join(names), have=len(ids), need=min_per_hamlet,
                missing=min_per_hamlet - len(ids))), hamlet=hamlet))
    return found


def campaign_warnings(campaign: Campaign) -> list[RuleWarning]:
    """Return every warning of a campaign's teams: per team first, then per hamlet."""
    rules = rules_of(campaign)
    teams = teams_of(campaign)
    found: list[RuleWarning] = []
    for team in teams:
        found.extend(team_warnings(team, rules.min_it_savvy_per_team))
    found.extend(hamlet_warnings(teams, rules.min_it_savvy_per_hamlet))
    return found
