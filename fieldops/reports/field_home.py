"""The first screen of people in the field: a team lead's team and a volunteer's desk and day.

An organizer's home stays the overview of places and campaigns; a team lead came for their
team (today's hamlets, the coming days, the members and their phones, the map, what is left of
the target), a volunteer for the desk they staff today and then their team's day. Core draws the
page and asks the features for blocks (core's `home_blocks_wanted`); this is the block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from markupsafe import Markup

from fieldops.areas.models import Area
from fieldops.auth.models import TEAM_LEAD, User
from fieldops.checkin import access, refusals
from fieldops.checkin import services as checkin
from fieldops.checkin.models import LIVE
from fieldops.clock import local_today
from fieldops.events.models import HelpDesk
from fieldops.reports.progress import TEAM, Line, current_phase, progress
from fieldops.teams.assignments import schedule
from fieldops.teams.models import Member, Team

#: how many coming days with work the team card lists
UPCOMING_DAYS = 5


@dataclass
class DeskToday:
    """A desk the user staffs today, with who waits there and what waits for follow-up."""

    desk: HelpDesk
    waiting: int
    refused: int


@dataclass
class TeamDay:
    """One of the user's teams as their home shows it."""

    team: Team
    #: the user leads it (a lead sees every member's phone and the target's detail)
    leads: bool
    #: the campaign is over: the card says so and shows how it ended
    ended: bool
    hamlets_today: list[Area]
    upcoming: list[tuple[date, list[Area]]]
    people: list[Member]
    target: Line | None
    days_left: int | None


def desks_today(user: User, today: date) -> list[DeskToday]:
    """Return the desks the user staffs today, with their queue and refusals waiting."""
    found = []
    for desk in access.staffed_desks(user):
        if desk.event.event_date != today:
            continue
        queue = checkin.desk_queue(desk, today)
        found.append(DeskToday(desk, sum(1 for r in queue if r.status in LIVE),
                               refusals.waiting_count(desk=desk)))
    return found


def _people(team: Team) -> list[Member]:
    """Return the lead first, then the members by name."""
    people = [m for m in team.members if m.id != team.lead_member_id]
    return ([team.lead] if team.lead is not None else []) + people


def _target(team: Team, today: date) -> tuple[Line | None, int | None]:
    """Return the team's line of its current phase's progress and the days left, or Nones."""
    phase = current_phase(team.campaign, today)
    if phase is None:
        return None, None
    report = progress(team.campaign, phase, level=TEAM, unit_id=team.id, today=today)
    return report.total, report.days_left


def team_day(team: Team, user: User, today: date) -> TeamDay:
    """Return what the user's home shows of one team on a day."""
    ended = team.campaign.end_date < today
    # An ended campaign sends nobody anywhere, whatever assignments outlived its dates.
    upcoming = [] if ended else [
        (day, [h for _team, hamlets in pairs for h in hamlets])
        for day, pairs in schedule(team.campaign_id, team.id) if day > today]
    target, days_left = _target(team, today)
    return TeamDay(team, leads=team.lead is not None and team.lead.user_id == user.id,
                   ended=ended, hamlets_today=[] if ended else access.hamlets_today(team, today),
                   upcoming=upcoming[:UPCOMING_DAYS], people=_people(team), target=target,
                   days_left=days_left)


def my_teams(user: User, today: date) -> list[TeamDay]:
    """Return the user's teams of campaigns not over yet (led ones first); with none, the most
    recent team, so that a lead between campaigns still finds theirs."""
    teams = access.user_teams(user)
    current = [t for t in teams if t.campaign.end_date >= today]
    chosen = current or sorted(teams, key=lambda t: t.campaign.end_date, reverse=True)[:1]
    days = [team_day(t, user, today) for t in chosen]
    return sorted(days, key=lambda d: (not d.leads, d.team.campaign.start_date, d.team.id))


def home_block(_app, user) -> Markup | None:
    """Return the block for the home page (core's `home_blocks_wanted`), or None."""
    if user.is_organizer:
        return None
    today = local_today()
    desks = desks_today(user, today)
    teams = my_teams(user, today)
    if not desks and not teams:
        return None
    return Markup(render_template("reports/_field_home.html", desks=desks, teams=teams,
                                  today=today, lead=user.role == TEAM_LEAD))
