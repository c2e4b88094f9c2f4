"""Spot-checks: draw a reproducible sample of a unit's results, and record each call-back.

A unit is a commune, a hamlet or a team; its results in a period are the records with a
successful outcome, door visits included. The sample is spread over the unit's teams in
proportion to their results (the Hamilton method the targets' cascade uses), and drawn with a
stored seed: the same seed over the same results always gives the same sample, so an auditor
can draw it again. A rejected result leaves the counters through check-in's own change path.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldops.accountability.area_scope import (
    area_choice_visible,
    checks_in_scope,
    team_ids_in_scope,
)
from fieldops.accountability.check_models import (
    COUNT,
    REJECTED,
    SHARE,
    VERDICT_LABELS,
    VERDICTS,
    SpotCheck,
    SpotChecker,
    SpotCheckItem,
    SpotCheckVerdict,
)
from fieldops.areas.models import COMMUNE, Area
from fieldops.auth.models import ORGANIZER, User
from fieldops.campaigns.models import Campaign
from fieldops.checkin import rejection
from fieldops.checkin.models import DONE, RECORDED, Registration, RegistrationService
from fieldops.checkin.models import REJECTED as RECORD_REJECTED
from fieldops.checkin.services import first_write_wins
from fieldops.clock import local_day_bounds, now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.reports.cascade import largest_remainder
from fieldops.teams.models import Team

#: one result: (registration id, its team id or None)
Result = tuple[int, int | None]


# --- who checks -------------------------------------------------------------------------------


def is_checker(user: User, campaign: Campaign) -> bool:
    """Return whether the user may draw and call back a campaign's spot-checks."""
    if user.role == ORGANIZER:
        return True
    return db.session.get(SpotChecker, (campaign.id, user.id)) is not None


def checkers(campaign: Campaign) -> list[SpotChecker]:
    """Return the users named to check a campaign."""
    return list(db.session.execute(db.select(SpotChecker).filter_by(campaign_id=campaign.id)
                                   .order_by(SpotChecker.named_at)).scalars())


def name_checker(campaign: Campaign, user: User, *, by: User) -> SpotChecker:
    """Name a user a checker of the campaign (naming them again changes nothing)."""
    existing = db.session.get(SpotChecker, (campaign.id, user.id))
    if existing is not None:
        return existing
    checker = SpotChecker(campaign_id=campaign.id, user_id=user.id, named_by_id=by.id)
    db.session.add(checker)
    db.session.flush()
    return checker


def can_open(user: User, check: SpotCheck) -> bool:
    """Organizers open every check; a named checker only the checks they drew (their sample)."""
    return user.role == ORGANIZER or check.checker_id == user.id


# --- the units and their results --------------------------------------------------------------


def unit_choices(campaign: Campaign, viewer: User | None = None) -> list[tuple[str, str]]:
    """Return (unit key, label) for the campaign's communes, their hamlets and its teams (those
    in the viewer's area, if a viewer is given)."""
    choices: list[tuple[str, str]] = []
    for commune in campaign.communes:
        if not area_choice_visible(viewer, commune.id):
            continue
        choices.append((f"area:{commune.id}", commune.display_name))
        hamlets = db.session.execute(db.select(Area).filter_by(parent_id=commune.id)
                                     .order_by(Area.name_folded)).scalars()
        choices += [(f"area:{h.id}", f"{h.display_name} ({commune.display_name})")
                    for h in hamlets if area_choice_visible(viewer, h.id)]
    teams = db.session.execute(db.select(Team).filter_by(campaign_id=campaign.id)
                               .order_by(Team.name)).scalars()
    shown = team_ids_in_scope(viewer, campaign)
    choices += [(f"team:{t.id}", t.name) for t in teams if shown is None or t.id in shown]
    return choices


def unit_results(campaign: Campaign, unit_key: str, first_day: date,
                 last_day: date) -> list[Result]:
    """Return the unit's results in the period, by id: records with a successful outcome.

    Results a check already rejected stay in the set, so the sample can be drawn again.
    """
    kind, _, raw_id = unit_key.partition(":")
    start, _ = local_day_bounds(first_day)
    _, end = local_day_bounds(last_day)
    stmt = (sa.select(Registration.id, Registration.team_id).distinct()
            .join(RegistrationService, RegistrationService.registration_id == Registration.id)
            .where(Registration.campaign_id == campaign.id,
                   Registration.status.in_((RECORDED, RECORD_REJECTED)),
                   Registration.recorded_at >= start, Registration.recorded_at <= end,
                   RegistrationService.outcome == DONE)
            .order_by(Registration.id))
    if kind == "team":
        stmt = stmt.where(Registration.team_id == int(raw_id))
    else:
        area = db.session.get(Area, int(raw_id))
        if area is not None and area.level == COMMUNE:
            stmt = stmt.where(Registration.hamlet_id.in_(
                sa.select(Area.id).where(Area.parent_id == area.id)))
        else:
            stmt = stmt.where(Registration.hamlet_id == int(raw_id))
    return [(row[0], row[1]) for row in db.session.execute(stmt)]


def _check_unit(campaign: Campaign, unit_key: str,
                viewer: User | None = None) -> tuple[Area | None, Team | None]:
    if unit_key not in {key for key, _ in unit_choices(campaign, viewer)}:
        raise DomainError(_l("Hãy chọn một xã, ấp hoặc đoàn của chiến dịch."), "unit")
    kind, _, raw_id = unit_key.partition(":")
    if kind == "team":
        return None, db.session.get(Team, int(raw_id))
    return db.session.get(Area, int(raw_id)), None


# --- the draw ---------------------------------------------------------------------------------


def sample_size(size_kind: str, size_value: int, population: int) -> int:
    """Return how many results to draw, or raise when the unit has too few."""
    if population == 0:
        raise DomainError(_l("Đơn vị không có kết quả nào trong kỳ này để kiểm tra."), "unit")
    if size_kind == SHARE:
        if not 1 <= size_value <= 100:
            raise DomainError(_l("Tỷ lệ phải từ 1 đến 100%."), "size_value")
        return math.ceil(population * size_value / 100)
    if size_value < 1:
        raise DomainError(_l("Cỡ mẫu phải từ 1 trở lên."), "size_value")
    if size_value > population:
        raise DomainError(_l("Cỡ mẫu %(size)s lớn hơn số kết quả của đơn vị trong kỳ "
                             "(%(n)s). Hãy chọn cỡ mẫu nhỏ hơn.", size=size_value,
                             n=population), "size_value")
    return size_value


def draw_sample(results: list[Result], size: int, seed: str) -> list[Result]:
    """Draw `size` results spread over their teams in proportion; the same seed and results
    always give the same sample, in the same order."""
    strata: dict[int, list[int]] = defaultdict(list)
    for registration_id, team_id in sorted(results):
        strata[-1 if team_id is None else team_id].append(registration_id)
    keys = sorted(strata)
    shares = largest_remainder(size, [len(strata[k]) for k in keys])
    rng = random.Random(seed)
    sample: list[Result] = []
    for key, share in zip(keys, shares, strict=True):
        team_id = None if key == -1 else key
        sample += [(rid, team_id) for rid in sorted(rng.sample(strata[key], share))]
    return sample


def digest(results: list[Result]) -> str:
    """Return the SHA-256 of the results' ids: the draw's population, for the audit."""
    return hashlib.sha256(",".join(str(r[0]) for r in sorted(results)).encode()).hexdigest()


def find_check(campaign: Campaign, unit_key: str, first_day: date,
               last_day: date) -> SpotCheck | None:
    """Return the check already drawn for this unit and period, if any."""
    return db.session.execute(db.select(SpotCheck).filter_by(
        campaign_id=campaign.id, unit_key=unit_key, first_day=first_day,
        last_day=last_day)).scalar_one_or_none()


def draw(campaign: Campaign, *, unit_key: str, first_day: date, last_day: date,
         size_kind: str, size_value: int, checker: User, seed: str | None = None) -> SpotCheck:
    """Draw a unit's sample for a period, once: drawing it again returns the first draw."""
    if not is_checker(checker, campaign):
        raise DomainError(_l("Bạn không phải người kiểm tra của chiến dịch này."))
    if last_day < first_day:
        raise DomainError(_l("Ngày cuối phải sau ngày đầu của kỳ."), "last_day")
    if size_kind not in (COUNT, SHARE):
        raise DomainError(_l("Hãy chọn số lượng hoặc tỷ lệ."), "size_kind")
    # The unit is checked first: a unit outside the checker's area is refused, even drawn.
    area, team = _check_unit(campaign, unit_key, checker)
    existing = find_check(campaign, unit_key, first_day, last_day)
    if existing is not None:
        return existing
    results = unit_results(campaign, unit_key, first_day, last_day)
    size = sample_size(size_kind, size_value, len(results))
    seed = seed or secrets.token_hex(16)
    check = SpotCheck(campaign_id=campaign.id, unit_key=unit_key, area=area, team=team,
                      first_day=first_day, last_day=last_day, size_kind=size_kind,
                      size_value=size_value, seed=seed, population=len(results),
                      population_digest=digest(results), checker_id=checker.id)
    for position, (registration_id, team_id) in enumerate(
            draw_sample(results, size, seed), start=1):
        check.items.append(SpotCheckItem(registration_id=registration_id, team_id=team_id,
                                         position=position))
    with first_write_wins(_l("Mẫu của đơn vị và kỳ này vừa được rút ở nơi khác; hãy tải lại.")):
        db.session.add(check)
    return check


def redraw(check: SpotCheck) -> tuple[bool, list[int]]:
    """Draw the check again from its seed over today's results (the audit).

    Return whether the results are the ones it was drawn from, and the ids drawn now.
    """
    results = unit_results(check.campaign, check.unit_key, check.first_day, check.last_day)
    size = len(check.items)
    ids = [rid for rid, _ in draw_sample(results, min(size, len(results)), check.seed)]
    return digest(results) == check.population_digest, ids


# --- the call-backs ---------------------------------------------------------------------------


def give_verdict(item: SpotCheckItem, verdict: str, *, user: User,
                 reason: str | None = None) -> SpotCheckItem:
    """Record a call-back's verdict; a rejection stops the result counting, with its reason."""
    if not can_open(user, item.spot_check):
        raise DomainError(_l("Chỉ người rút mẫu này mới ghi được kết quả gọi lại."))
    if verdict not in VERDICTS:
        raise DomainError(_l("Hãy chọn kết quả gọi lại."), "verdict")
    reason = (reason or "").strip()[:255] or None
    if verdict == REJECTED and not reason:
        raise DomainError(_l("Hãy ghi lý do không đúng."), "reason")
    if verdict == item.verdict and reason == item.reason:
        return item
    registration = item.registration
    if verdict == REJECTED:
        rejection.reject(registration, user=user, reason=_(
            "Kiểm tra xác suất #%(id)s: %(reason)s", id=item.spot_check_id, reason=reason))
    elif item.verdict == REJECTED:
        rejection.reinstate(registration, user=user, reason=_(
            "Kiểm tra xác suất #%(id)s: %(verdict)s", id=item.spot_check_id,
            verdict=VERDICT_LABELS[verdict]))
    item.verdict, item.reason = verdict, reason
    item.checked_by_id, item.checked_at = user.id, now_utc()
    db.session.add(SpotCheckVerdict(item=item, verdict=verdict, reason=reason,
                                    given_by_id=user.id))
    db.session.flush()
    return item


def campaign_checks(campaign: Campaign, user: User) -> list[SpotCheck]:
    """Return the campaign's checks the user may open, newest first."""
    stmt = checks_in_scope(db.select(SpotCheck).filter_by(campaign_id=campaign.id), user)
    if user.role != ORGANIZER:
        stmt = stmt.where(SpotCheck.checker_id == user.id)
    return list(db.session.execute(stmt.order_by(SpotCheck.drawn_at.desc(),
                                                 SpotCheck.id.desc())).scalars())
