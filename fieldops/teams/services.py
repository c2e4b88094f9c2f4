"""Rules about organisations, members and teams (assignments live in assignments.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.scope import area_ids_in_scope, members_in_scope, teams_in_scope
from fieldops.teams.models import (
    ORG_KINDS,
    PALETTE,
    CampaignTeamRules,
    Member,
    Organisation,
    Team,
    TeamRequirement,
)
from fieldops.text import fold, nfc, normalize_phone


def save_organisation(organisation: Organisation | None, *, name: str, kind: str) -> Organisation:
    """Create or rename an organisation; names are unique regardless of accents."""
    name = nfc(name)
    if not name:
        raise DomainError(_l("Vui lòng nhập tên tổ chức."), "name")
    if kind not in ORG_KINDS:
        raise DomainError(_l("Loại tổ chức không hợp lệ."), "kind")
    same = db.session.execute(
        db.select(Organisation).filter_by(name_folded=fold(name))).scalar_one_or_none()
    if same is not None and same is not organisation:
        raise DomainError(_l("Đã có tổ chức “%(name)s”.", name=same.name), "name")
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    organisation.name = name
    organisation.name_folded = fold(name)
    organisation.kind = kind
    db.session.flush()
    return organisation


def find_organisation(name: str) -> Organisation | None:
    """Return the organisation with this name, accents and case aside."""
    return db.session.execute(
        db.select(Organisation).filter_by(name_folded=fold(name))).scalar_one_or_none()


def all_organisations(user=None) -> list[Organisation]:
    """Return the organisations, by name; for an account with an area, those with a member in
    it or with no member yet (the shared list would otherwise name every commune's units)."""
    stmt = db.select(Organisation).order_by(Organisation.name_folded)
    if user is not None and area_ids_in_scope(user) is not None:
        stmt = stmt.where(sa.or_(
            Organisation.id.in_(members_in_scope(db.select(Member.organisation_id), user)),
            Organisation.id.not_in(db.select(Member.organisation_id))))
    return list(db.session.execute(stmt).scalars())


def save_member(
    member: Member | None,
    *,
    full_name: str,
    phone: str,
    organisation: Organisation | None,
    it_savvy: bool = False,
    user: User | None = None,
) -> Member:
    """Create or change a member after checking the phone number and the account."""
    full_name = nfc(full_name)
    if not full_name:
        raise DomainError(_l("Vui lòng nhập họ và tên."), "full_name")
    normalized = normalize_phone(phone)
    if normalized is None:
        raise DomainError(_l("“%(phone)s” không phải số di động Việt Nam (10 số, ví dụ "
                             "0912 345 678).", phone=nfc(phone)), "phone")
    if organisation is None:
        raise DomainError(_l("Vui lòng chọn tổ chức (đơn vị) của thành viên."), "organisation_id")
    other = db.session.execute(db.select(Member).filter_by(phone=normalized)).scalar_one_or_none()
    if other is not None and other is not member:
        raise DomainError(_l("Số %(phone)s đã là của thành viên %(name)s.", phone=normalized,
                             name=other.full_name), "phone")
    if user is not None:
        holder = db.session.execute(db.select(Member).filter_by(user_id=user.id)).scalar()
        if holder is not None and holder is not member:
            raise DomainError(_l("Tài khoản %(user)s đã gắn với thành viên %(name)s.",
                                 user=user.username, name=holder.full_name), "user_id")
    if member is None:
        member = Member()
        db.session.add(member)
    member.full_name = full_name
    member.phone = normalized
    member.organisation = organisation
    member.it_savvy = bool(it_savvy)
    member.user = user
    db.session.flush()
    return member


def all_members(user=None) -> list[Member]:
    """Return the members (those in the user's area, when given), by name."""
    stmt = db.select(Member).order_by(Member.full_name)
    if user is not None:
        stmt = members_in_scope(stmt, user)
    return list(db.session.execute(stmt).scalars())


def save_team(
    campaign: Campaign,
    team: Team | None,
    *,
    name: str,
    lead_organisation: Organisation | None,
    lead: Member | None,
    members: list[Member],
) -> Team:
    """Create or change a team of a campaign; its lead is always one of its members."""
    name = nfc(name)
    if not name:
        raise DomainError(_l("Vui lòng nhập tên đoàn."), "name")
    for other in teams_of(campaign):
        if other is not team and fold(other.name) == fold(name):
            raise DomainError(_l("Chiến dịch đã có “%(name)s”.", name=other.name), "name")
    if team is None:
        existing = teams_of(campaign)
        # The first colour no team uses yet; past ten teams, colours repeat in turn.
        free = [c for c in PALETTE if c not in {t.color for t in existing}]
        team = Team(campaign=campaign,
                    color=free[0] if free else PALETTE[len(existing) % len(PALETTE)])
        db.session.add(team)
    team.name = name
    team.lead_organisation = lead_organisation
    team.lead = lead
    chosen = list(dict.fromkeys(members))
    if lead is not None and lead not in chosen:
        chosen.insert(0, lead)
    team.members = chosen
    db.session.flush()
    return team


def delete_team(team: Team, *, by_user: User | None) -> None:
    """Remove a team with its composition and assignments (their history is kept)."""
    # Imported here: assignments.py builds on this module's teams, not the other way round.
    from fieldops.teams.assignments import remove_assignment

    for assignment in list(team.assignments):
        remove_assignment(assignment, by_user=by_user)
    db.session.delete(team)
    db.session.flush()


def teams_of(campaign: Campaign) -> list[Team]:
    """Return the teams of a campaign in the order they were made."""
    return list(db.session.execute(
        db.select(Team).filter_by(campaign_id=campaign.id).order_by(Team.id)).scalars())


def visible_teams(campaign: Campaign, user) -> list[Team]:
    """Return the teams of a campaign that lie in the user's area, in the order they were made."""
    return list(db.session.execute(teams_in_scope(
        db.select(Team).filter_by(campaign_id=campaign.id), user).order_by(Team.id)).scalars())


def teams_of_user(campaign: Campaign, user) -> list[Team]:
    """Return the teams of a campaign that the signed-in user leads or belongs to."""
    return [t for t in teams_of(campaign) if t.is_led_or_joined_by(user)]


def add_requirement(team: Team, *, count: int | None, organisation: Organisation | None = None,
                    kind: str | None = None) -> TeamRequirement:
    """Add a line of required composition ("Viettel: 5"), replacing one for the same target."""
    if not count or count < 1:
        raise DomainError(_l("Số người phải từ 1 trở lên."), "count")
    if (organisation is None) == (not kind):
        raise DomainError(_l("Chọn một tổ chức cụ thể hoặc một loại tổ chức."), "target")
    if kind and kind not in ORG_KINDS:
        raise DomainError(_l("Loại tổ chức không hợp lệ."), "target")
    for line in team.requirements:
        if (organisation is not None and line.organisation_id == organisation.id) or (
                kind and line.organisation_kind == kind):
            line.count = count
            db.session.flush()
            return line
    line = TeamRequirement(team=team, organisation=organisation,
                           organisation_kind=kind or None, count=count)
    db.session.add(line)
    db.session.flush()
    return line


def remove_requirement(line: TeamRequirement) -> None:
    """Remove a line of required composition."""
    db.session.delete(line)
    db.session.flush()


def rules_of(campaign: Campaign) -> CampaignTeamRules:
    """Return the campaign's team rules, zero (no rule) where none were set."""
    rules = db.session.get(CampaignTeamRules, campaign.id)
    return rules or CampaignTeamRules(campaign_id=campaign.id, min_it_savvy_per_team=0,
                                      min_it_savvy_per_hamlet=0)


def set_rules(campaign: Campaign, *, per_team: int | None, per_hamlet: int | None
              ) -> CampaignTeamRules:
    """Set the minimum IT-savvy members per team and per hamlet (0 or empty: no rule)."""
    for field, value in (("min_it_savvy_per_team", per_team),
                         ("min_it_savvy_per_hamlet", per_hamlet)):
        if value is not None and not 0 <= value <= 100:
            raise DomainError(_l("Số tối thiểu phải từ 0 đến 100."), field)
    rules = db.session.get(CampaignTeamRules, campaign.id)
    if rules is None:
        rules = CampaignTeamRules(campaign_id=campaign.id)
        db.session.add(rules)
    rules.min_it_savvy_per_team = per_team or 0
    rules.min_it_savvy_per_hamlet = per_hamlet or 0
    db.session.flush()
    return rules
