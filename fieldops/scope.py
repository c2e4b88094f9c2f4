"""What an account's area lets it see: one place decides it for every page, export and API read.

An account with an area (a province, district or commune) sees that place and everything below
it; an account without one sees the whole install. A campaign is in scope when it covers at least
one commune of the area; inside it, communes and hamlets outside the area are hidden. Whatever
lies outside answers 404, never 403: a commune officer must not learn what exists next door.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import abort, g, request
from flask_login import current_user

from fieldops.db import db

if TYPE_CHECKING:
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Campaign


def _subtree(area_id: int) -> dict[int, str]:
    """Return {id: level} of a place and everything below it (at most three more levels)."""
    # Imported here: the areas package's own views use this module.
    from fieldops.areas.models import Area

    found = dict(db.session.execute(
        sa.select(Area.id, Area.level).where(Area.id == area_id)).all())
    frontier = list(found)
    while frontier:
        rows = db.session.execute(
            sa.select(Area.id, Area.level).where(Area.parent_id.in_(frontier))).all()
        frontier = [i for i, _level in rows if i not in found]
        found.update(rows)
    return found


def _tree(user: User | None) -> dict[int, str] | None:
    area_id = getattr(user, "area_id", None)
    if area_id is None:
        return None
    # Read once per request: every list and guard of the request asks the same question.
    cache = g.setdefault("_scope_trees", {})
    if area_id not in cache:
        cache[area_id] = _subtree(area_id)
    return cache[area_id]


def detached(user: User | None) -> SimpleNamespace:
    """Return a stand-in carrying only the user's area: for work that outlives the request's
    session (a streamed export, an upload's plan made again later)."""
    return SimpleNamespace(area_id=getattr(user, "area_id", None))


def area_ids_in_scope(user: User | None) -> set[int] | None:
    """Return the ids of every place the user may see, or None for the whole install."""
    tree = _tree(user)
    return None if tree is None else set(tree)


def commune_ids_in_scope(user: User | None) -> set[int] | None:
    """Return the ids of the communes the user may see, or None for all of them."""
    tree = _tree(user)
    return None if tree is None else {i for i, level in tree.items() if level == "commune"}


def hamlet_ids_in_scope(user: User | None) -> set[int] | None:
    """Return the ids of the hamlets the user may see, or None for all of them."""
    tree = _tree(user)
    return None if tree is None else {i for i, level in tree.items() if level == "hamlet"}


def area_visible(user: User | None, area_id: int | None) -> bool:
    """Return whether a place lies in the user's area (always, for an account without one)."""
    ids = area_ids_in_scope(user)
    return ids is None or area_id in ids


def can_grant(acting: User, area_id: int | None) -> bool:
    """Return whether the acting account may give someone this area (None: everything)."""
    ids = area_ids_in_scope(acting)
    return ids is None or (area_id is not None and area_id in ids)


def campaigns_in_scope(stmt: sa.Select, user: User | None) -> sa.Select:
    """Narrow a select of campaigns to those covering at least one commune of the user's area."""
    communes = commune_ids_in_scope(user)
    if communes is None:
        return stmt
    from fieldops.campaigns.models import Campaign, campaign_communes

    return stmt.where(Campaign.id.in_(sa.select(campaign_communes.c.campaign_id).where(
        campaign_communes.c.area_id.in_(communes))))


def campaign_visible(user: User | None, campaign: Campaign) -> bool:
    """Return whether a campaign covers at least one commune of the user's area."""
    communes = commune_ids_in_scope(user)
    return communes is None or any(c.id in communes for c in campaign.communes)


def visible_communes(user: User | None, campaign: Campaign) -> list[Area]:
    """Return the campaign's communes the user may see, in the campaign's order."""
    communes = commune_ids_in_scope(user)
    return [c for c in campaign.communes if communes is None or c.id in communes]


def whole_campaign_visible(user: User | None, campaign: Campaign) -> bool:
    """Return whether every commune of the campaign lies in the user's area: what changes the
    whole campaign (its settings, cascading its target) needs that."""
    communes = commune_ids_in_scope(user)
    return communes is None or all(c.id in communes for c in campaign.communes)


def teams_in_scope(stmt: sa.Select, user: User | None) -> sa.Select:
    """Narrow a select of teams to those sent to at least one hamlet of the user's area, or
    not sent anywhere yet (a team just made must stay in its maker's list)."""
    hamlets = hamlet_ids_in_scope(user)
    if hamlets is None:
        return stmt
    from fieldops.teams.models import Assignment, Team

    return stmt.where(sa.or_(
        Team.id.in_(sa.select(Assignment.team_id).where(Assignment.hamlet_id.in_(hamlets))),
        Team.id.not_in(sa.select(Assignment.team_id))))


def team_visible(user: User | None, team_id: int) -> bool:
    """Return whether a team lies in the user's area (see teams_in_scope)."""
    from fieldops.teams.models import Team

    stmt = teams_in_scope(sa.select(Team.id).where(Team.id == team_id), user)
    return db.session.execute(stmt).first() is not None


def users_in_scope(stmt: sa.Select, user: User | None) -> sa.Select:
    """Narrow a select of accounts to those whose area lies in the user's area."""
    ids = area_ids_in_scope(user)
    if ids is None:
        return stmt
    from fieldops.auth.models import User

    return stmt.where(User.area_id.in_(ids))


def members_in_scope(stmt: sa.Select, user: User | None) -> sa.Select:
    """Narrow a select of members to those on or leading a team in the user's area, linked to
    an account in it, or on no team at all (a member just added must stay in the list)."""
    if area_ids_in_scope(user) is None:
        return stmt
    from fieldops.auth.models import User as Account
    from fieldops.teams.models import Member, Team, team_members

    teams = teams_in_scope(sa.select(Team.id), user)
    return stmt.where(sa.or_(
        Member.id.in_(sa.select(team_members.c.member_id).where(team_members.c.team_id.in_(teams))),
        Member.id.in_(sa.select(Team.lead_member_id).where(Team.id.in_(teams))),
        Member.user_id.in_(users_in_scope(sa.select(Account.id), user)),
        sa.and_(Member.id.not_in(sa.select(team_members.c.member_id)),
                Member.id.not_in(sa.select(Team.lead_member_id).where(
                    Team.lead_member_id.is_not(None))))))


def member_visible(user: User | None, member_id: int) -> bool:
    """Return whether a member lies in the user's area (see members_in_scope)."""
    from fieldops.teams.models import Member

    stmt = members_in_scope(sa.select(Member.id).where(Member.id == member_id), user)
    return db.session.execute(stmt).first() is not None


def registrations_in_scope(stmt: sa.Select, user: User | None) -> sa.Select:
    """Narrow a select of registrations to the user's area: their hamlet lies in it, or they
    have no hamlet and their campaign lies wholly inside it."""
    hamlets = hamlet_ids_in_scope(user)
    if hamlets is None:
        return stmt
    from fieldops.campaigns.models import campaign_communes
    from fieldops.checkin.models import Registration

    # A desk record without a hamlet belongs to its whole campaign: only an area holding every
    # commune of the campaign may see it.
    outside = sa.select(campaign_communes.c.campaign_id).where(
        campaign_communes.c.area_id.not_in(commune_ids_in_scope(user) or {-1}))
    return stmt.where(sa.or_(
        Registration.hamlet_id.in_(hamlets),
        sa.and_(Registration.hamlet_id.is_(None), Registration.campaign_id.not_in(outside))))


def _campaign_of(name: str, value: int) -> int | None:
    """Return the campaign id an object named in a URL belongs to (None if it does not exist)."""
    from fieldops.events.models import HelpDesk, LaunchEvent
    from fieldops.teams.models import Team

    if name == "desk_id":
        stmt = sa.select(LaunchEvent.campaign_id).join(
            HelpDesk, HelpDesk.event_id == LaunchEvent.id).where(HelpDesk.id == value)
    else:
        model = {"event_id": LaunchEvent, "team_id": Team}[name]
        stmt = sa.select(model.campaign_id).where(model.id == value)
    return db.session.execute(stmt).scalar_one_or_none()


# URL argument name -> a function giving (campaign id, place id) of the object it names, or
# None when no such object exists (the view answers its own 404 then). Each feature registers
# the objects its URLs name, so the one guard below covers every page.
_OWNERS: dict[str, Callable[[int], tuple[int | None, int | None] | None]] = {}


def url_owner(name: str):
    """Register how to find the campaign and place of the object a URL argument names."""
    def register(find: Callable[[int], tuple[int | None, int | None] | None]):
        _OWNERS[name] = find
        return find
    return register


def owner_row(stmt: sa.Select) -> tuple[int | None, int | None] | None:
    """Run a select of (campaign id, place id) for one object: a helper for url_owner."""
    row = db.session.execute(stmt).first()
    return None if row is None else (row[0], row[1])


def guard_url(user: User | None, view_args: dict | None) -> None:
    """Answer 404 when a URL names a campaign, event, desk, team, place (area, commune,
    hamlet) or any object a feature registered with url_owner outside the user's area."""
    if getattr(user, "area_id", None) is None or not view_args:
        return
    from fieldops.campaigns.models import Campaign

    campaign_ids = []
    if view_args.get("campaign_id"):
        campaign_ids.append(view_args["campaign_id"])
    for name in ("event_id", "desk_id", "team_id"):
        if view_args.get(name):
            campaign_ids.append(_campaign_of(name, view_args[name]))
    for name, find in _OWNERS.items():
        if view_args.get(name):
            owner = find(view_args[name])
            if owner is None:
                continue
            campaign_ids.append(owner[0])
            if owner[1] is not None and not area_visible(user, owner[1]):
                abort(404)
    for campaign_id in campaign_ids:
        campaign = db.session.get(Campaign, campaign_id) if campaign_id else None
        if campaign is not None and not campaign_visible(user, campaign):
            abort(404)
    if view_args.get("team_id") and not team_visible(user, view_args["team_id"]):
        abort(404)
    for name in ("area_id", "commune_id", "hamlet_id"):
        if view_args.get(name) and not area_visible(user, view_args[name]):
            abort(404)


def _guard_request() -> None:
    # The API authenticates its bearer in its own hook and guards there (reports.api_views).
    if (request.blueprint or "").rsplit(".", 1)[-1] == "api" or not current_user.is_authenticated:
        return
    guard_url(current_user, request.view_args)


def init_app(app) -> None:
    """Guard every page whose URL names a campaign, event, desk, team or place."""
    app.before_request(_guard_request)
