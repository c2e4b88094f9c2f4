"""Rules of recording what was done: complete a queued citizen, a walk-in, a door; edit; void."""

from __future__ import annotations

from types import EllipsisType
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Service
from fieldops.checkin import crypto
from fieldops.checkin.access import can_see, can_work_desk, user_teams
from fieldops.checkin.citizen_id import mask
from fieldops.checkin.models import (
    DOOR,
    FAILURE_REASONS,
    OUTCOME_LABELS,
    RECORDED,
    REJECTED,
    VOIDED,
    Registration,
    RegistrationService,
)
from fieldops.checkin.rules import (
    check_submission_id,
    checked_outcomes,
    clean_name,
    clean_phone,
)
from fieldops.checkin.services import (
    DuplicateError,
    Outcome,
    RefusedError,
    campaign_refusal,
    check_hamlet,
    find_change,
    find_refusal,
    find_registration,
    first_write_wins,
    log_change,
    refuse,
    services_counted,
)
from fieldops.checkin.signals import announce, state_of
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.events.models import HelpDesk
from fieldops.teams.models import Member, Team
from fieldops.text import fold

RECORDED_ELSEWHERE = _l("Hồ sơ vừa được ghi ở nơi khác. Hãy tải lại và kiểm tra.")
CHANGED_ELSEWHERE = _l("Hồ sơ vừa được sửa ở nơi khác. Hãy tải lại.")
#: only the checker who rejected a record may restore it (rejection.reinstate)
REJECTED_BY_CHECK = _l("Hồ sơ này đã bị loại khi kiểm tra xác suất; chỉ người kiểm tra mới "
                       "khôi phục được.")


class Recorded(NamedTuple):
    """What `record` did: the record, and whether the call was a replay (nothing written)."""

    registration: Registration
    replay: bool


def replayed(submission_id: str, user: User) -> Registration | None:
    """Return the record a submission id already created or changed, if the user may read it.

    Another's submission id returns None: the caller goes on as if it were new, and its write
    then conflicts on the id, without a word of the record it names.
    """
    existing = find_registration(submission_id)
    if existing is None:
        change = find_change(submission_id)
        existing = change.registration if change is not None else None
    return existing if existing is not None and can_see(user, existing) else None


def _check_outcomes(campaign: Campaign, outcomes: list[Outcome]) -> list[Outcome]:
    return checked_outcomes(outcomes, {s.id for s in services_counted(campaign)})


def _check_duplicates(registration: Registration | None, campaign: Campaign, id_hash: str,
                      outcomes: list[Outcome]) -> None:
    keys = {crypto.dedup_key(campaign.id, o.service_id, id_hash): o for o in outcomes}
    stmt = db.select(RegistrationService).where(RegistrationService.dedup_key.in_(keys))
    for row in db.session.execute(stmt).scalars():
        if registration is not None and row.registration_id == registration.id:
            continue
        raise DuplicateError(
            _l("Người dân này đã được ghi nhận dịch vụ “%(service)s” trong chiến dịch "
               "(hồ sơ #%(id)s).", service=row.service.name, id=row.registration_id),
            row.registration)


def _credit_teams(user: User, campaign: Campaign, team: Team | None) -> list[Team]:
    if team is not None:
        return [team]
    if user.is_organizer:
        return list(db.session.execute(db.select(Team).filter_by(campaign_id=campaign.id)
                                       .order_by(Team.name)).scalars())
    return [t for t in user_teams(user) if t.campaign_id == campaign.id]


def creditable_people(user: User, campaign: Campaign, team: Team | None = None) -> list[Member]:
    """Return who may be chosen as "người hướng dẫn": the team's people, or (at a desk, where
    a record has no team) the people of the recorder's teams in the campaign (of every team
    for an organizer)."""
    teams = _credit_teams(user, campaign, team)
    people: dict[int, Member] = {}
    for each in teams:
        for member in each.people:
            people.setdefault(member.id, member)
    return list(people.values())


def _check_credit(member_id: int | None, user: User, campaign: Campaign,
                  team: Team | None) -> tuple[Member | None, Team | None]:
    """Return the credited member and the team they are credited in (None, None if nobody)."""
    if not member_id:
        return None, None
    for each in _credit_teams(user, campaign, team):
        member = next((m for m in each.people if m.id == member_id), None)
        if member is not None:
            return member, each
    raise DomainError(_l("Người hướng dẫn phải là người của đoàn."), "credited_member_id")


def _service_name(service_id: int) -> str:
    service = db.session.get(Service, service_id)
    return service.name_vi if service else str(service_id)


def _apply(registration: Registration, *, campaign: Campaign, full_name: str,
           phone: str | None, hamlet: Area | None, birth_year: int | None,
           citizen_id: str | None, outcomes: list[Outcome]) -> list[str]:
    """Write the fields and outcomes; return "field: before → after" lines for the history."""
    lines: list[str] = []

    def change(label: str, before, after) -> None:
        if (before or None) != (after or None):
            lines.append(f"{label}: {before or '–'} → {after or '–'}")

    change("full_name", registration.full_name, full_name)
    change("phone", registration.phone, phone)
    change("hamlet", registration.hamlet.display_name if registration.hamlet else None,
           hamlet.display_name if hamlet else None)
    change("birth_year", registration.birth_year, birth_year)
    registration.full_name = full_name
    registration.name_folded = fold(full_name)
    registration.phone = phone
    registration.hamlet = hamlet
    registration.birth_year = birth_year
    if citizen_id is not None:
        id_hash = crypto.citizen_hash(citizen_id)
        if id_hash != registration.citizen_id_hash:
            change("citizen_id", registration.masked_citizen_id, mask(citizen_id[-4:]))
            registration.citizen_id_hash = id_hash
            registration.citizen_id_last4 = citizen_id[-4:]
            registration.citizen_id_encrypted = crypto.encrypt(citizen_id)
    current = {row.service_id: row for row in registration.services}
    wanted = {o.service_id: o for o in outcomes}
    for service_id, row in list(current.items()):
        if service_id not in wanted:
            change(_service_name(service_id), row.outcome_label, None)
            registration.services.remove(row)
    # Remove before adding: the dedup key of a moved service must be free first.
    db.session.flush()
    for service_id, item in wanted.items():
        row = current.get(service_id)
        if row is None:
            row = RegistrationService(service_id=service_id)
            registration.services.append(row)
        before = row.outcome_label if row.outcome else None
        row.outcome = item.outcome
        row.failure_reason = item.failure_reason
        row.note = (item.note or "").strip()[:255] or None
        row.dedup_key = (crypto.dedup_key(campaign.id, service_id, registration.citizen_id_hash)
                         if registration.citizen_id_hash else None)
        after = str(OUTCOME_LABELS[item.outcome]) + (
            f": {FAILURE_REASONS[item.failure_reason]}" if item.failure_reason else "")
        change(_service_name(service_id), before, after)
    return lines


def record(registration: Registration | None, **fields) -> Registration:
    """Record who was helped with what (see `record_or_replay`); return the record."""
    return record_or_replay(registration, **fields).registration


def record_or_replay(registration: Registration | None, *, submission_id: str, user: User,
                     campaign: Campaign, source: str, full_name: str, phone: str | None,
                     hamlet_id: int | None, birth_year: int | None, citizen_id: str,
                     outcomes: list[Outcome], consent: bool, desk: HelpDesk | None = None,
                     team: Team | None = None,
                     credited_member_id: int | None = None) -> Recorded:
    """Record who was helped with what: complete a queued citizen, or create a walk-in/door one.

    `citizen_id` must already be checked (citizen_id.check_citizen_id). Sending the same
    submission id again returns the same record as a replay and changes nothing. The member
    chosen as "người hướng dẫn" (one of `creditable_people`) is credited instead of the
    recording account; a desk record crediting someone counts in that person's team.
    """
    submission_id = check_submission_id(submission_id)
    existing = replayed(submission_id, user)
    if existing is not None:
        # Stored by a twin of this request since the caller last looked: still a replay.
        return Recorded(existing, replay=True)
    refused = find_refusal(submission_id)
    if refused is not None and refused.user_id == user.id:
        raise RefusedError(refused.reason, refused.desk_id)
    name = clean_name(full_name)
    phone = clean_phone(phone, required=False)
    if not consent:
        raise DomainError(_l("Cần xác nhận người dân đã đồng ý cho ghi thông tin."), "consent")
    hamlet = check_hamlet(campaign, hamlet_id, required=source == DOOR)
    outcomes = _check_outcomes(campaign, outcomes)
    credited, credit_team = _check_credit(credited_member_id, user, campaign, team)
    if registration is not None and registration.status == VOIDED:
        raise DomainError(_l("Hồ sơ này đã bị hủy."))
    reason = campaign_refusal(campaign)
    if reason is None and desk is not None and not can_work_desk(user, desk):
        reason = "wrong_desk"
    if reason:
        payload = {"full_name": name, "phone": phone, "hamlet_id": hamlet_id,
                   "services": [o.__dict__ for o in outcomes],
                   "citizen_id": mask(citizen_id[-4:]), "registration_id":
                   registration.id if registration else None}
        refuse(submission_id, reason, source=source, payload=payload, campaign=campaign,
               desk=desk, user=user)
        raise RefusedError(reason, desk.id if desk else None)
    id_hash = crypto.citizen_hash(citizen_id)
    _check_duplicates(registration, campaign, id_hash, outcomes)
    before = state_of(registration)
    with first_write_wins(RECORDED_ELSEWHERE):
        created = registration is None
        if created:
            registration = Registration(
                submission_id=submission_id, campaign_id=campaign.id,
                event_id=desk.event_id if desk else None, desk_id=desk.id if desk else None,
                team_id=team.id if team else None, source=source, full_name=name,
                name_folded=fold(name), consent_at=now_utc())
            db.session.add(registration)
        registration.campaign = campaign
        summary = _apply(registration, campaign=campaign, full_name=name, phone=phone,
                         hamlet=hamlet, birth_year=birth_year, citizen_id=citizen_id,
                         outcomes=outcomes)
        registration.status = RECORDED
        registration.recorded_at = now_utc()
        registration.volunteer_id = user.id
        if credited is not None:
            summary.append(_credit_line(registration, (credited, credit_team)))
        registration.consent_at = registration.consent_at or now_utc()
        log_change(registration, "created" if created else "recorded", user,
                   submission_id=None if created else submission_id,
                   summary="\n".join(summary) or None)
    announce(before, registration)
    return Recorded(registration, replay=False)


def _credit_line(registration: Registration,
                 credit: tuple[Member | None, Team | None]) -> str:
    """Move the credit to another member (or back to the recorder); return the history line."""
    member, team = credit
    before = registration.credited_member
    registration.credited_member = member
    if member is not None and registration.team_id is None:
        registration.team = team
    return (f"credited_member: {before.full_name if before else '–'} → "
            f"{member.full_name if member else '–'}")


def edit(registration: Registration, *, submission_id: str, user: User, reason: str,
         full_name: str, phone: str | None, hamlet_id: int | None, birth_year: int | None,
         citizen_id: str | None, outcomes: list[Outcome],
         credited_member_id: int | None | EllipsisType = ...) -> Registration:
    """Correct a recorded registration, with a reason; the history keeps what it was.

    `credited_member_id` left out keeps the credited member; None credits the recorder again.
    """
    submission_id = check_submission_id(submission_id)
    if find_change(submission_id) is not None:
        return registration
    if registration.status == VOIDED:
        raise DomainError(_l("Hồ sơ này đã bị hủy, không sửa được."))
    if registration.status == REJECTED:
        raise DomainError(REJECTED_BY_CHECK)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Hãy ghi lý do sửa."), "reason")
    campaign = registration.campaign
    name = clean_name(full_name)
    phone = clean_phone(phone, required=False)
    hamlet = check_hamlet(campaign, hamlet_id, required=False)
    outcomes = _check_outcomes(campaign, outcomes)
    credit = None
    if credited_member_id is not ... and (credited_member_id or None) != (
            registration.credited_member_id):
        credit = _check_credit(credited_member_id, user, campaign, registration.team)
    id_hash = crypto.citizen_hash(citizen_id) if citizen_id else registration.citizen_id_hash
    if id_hash:
        _check_duplicates(registration, campaign, id_hash, outcomes)
    before = state_of(registration)
    with first_write_wins(CHANGED_ELSEWHERE):
        summary = _apply(registration, campaign=campaign, full_name=name, phone=phone,
                         hamlet=hamlet, birth_year=birth_year, citizen_id=citizen_id,
                         outcomes=outcomes)
        if credit is not None:
            summary.append(_credit_line(registration, credit))
        registration.updated_at = now_utc()
        log_change(registration, "edited", user, submission_id=submission_id,
                   reason=reason[:255], summary="\n".join(summary) or None)
    announce(before, registration)
    return registration


def void(registration: Registration, *, submission_id: str, user: User,
         reason: str) -> Registration:
    """Cancel a record with a reason: it stays, stops counting and frees its duplicate keys."""
    submission_id = check_submission_id(submission_id)
    if find_change(submission_id) is not None or registration.status == VOIDED:
        return registration
    if registration.status == REJECTED:
        raise DomainError(REJECTED_BY_CHECK)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Hãy ghi lý do hủy."), "reason")
    before = state_of(registration)
    with first_write_wins(CHANGED_ELSEWHERE):
        registration.status = VOIDED
        registration.voided_at = now_utc()
        registration.void_reason = reason[:255]
        registration.updated_at = now_utc()
        for row in registration.services:
            row.dedup_key = None
        log_change(registration, "voided", user, submission_id=submission_id,
                   reason=reason[:255])
    announce(before, registration)
    return registration
