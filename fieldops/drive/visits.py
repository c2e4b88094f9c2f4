"""A member's visit to a door: one door registration and one Visit per person, and what follows.

Each person's visit is a check-in registration of the door kind (its own submission id, derived
from the form's; history, edit, void and progress come with it) plus a Visit row with the
drive's outcome. The person then carries the summary the lists read: absences, the last
outcome and note, the next due day, and the day they went on the absent list.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Service
from fieldops.checkin import crypto, recording
from fieldops.checkin.models import (
    DONE,
    DOOR,
    NOT_COUNTED,
    RECORDED,
    VOIDED,
    Registration,
    RegistrationService,
)
from fieldops.checkin.rules import REFUSALS, check_submission_id
from fieldops.checkin.services import (
    campaign_refusal,
    find_change,
    first_write_wins,
    log_change,
    services_counted,
)
from fieldops.checkin.signals import announce, state_of
from fieldops.clock import local_today, now_utc
from fieldops.db import db
from fieldops.drive import credit, households, rules
from fieldops.drive.assign import next_team_day
from fieldops.drive.models import ABSENT, DriveRules, Household, ListedPerson, Visit
from fieldops.errors import DomainError, DomainErrors
from fieldops.teams.models import Team

NOTE_MAX = 500


@dataclass
class PersonOutcome:
    """What the member found for one person at the door."""

    person_id: int
    outcome: str
    reason: str | None = None


def drive_rules(campaign_id: int) -> DriveRules:
    """Return a campaign's door-to-door settings (the defaults until an organizer saves them)."""
    found = db.session.get(DriveRules, campaign_id)
    return found or DriveRules(campaign_id=campaign_id, absences_to_list=2,
                               count_confirmed_only=True)


def save_drive_rules(campaign: Campaign, *, absences_to_list: int | None) -> DriveRules:
    """Set after how many absences a person goes on the absent list (1 to 10)."""
    if absences_to_list is None or not 1 <= absences_to_list <= 10:
        raise DomainError(_l("Nhập một số từ 1 đến 10."), "absences_to_list")
    found = db.session.get(DriveRules, campaign.id)
    if found is None:
        found = DriveRules(campaign_id=campaign.id)
        db.session.add(found)
    found.absences_to_list = absences_to_list
    db.session.flush()
    return found


def person_submission_id(submission_id: str, person_id: int) -> str:
    """Return the registration's submission id of one person of a door's form."""
    return f"{submission_id}-p{person_id}"


def replayed_visits(submission_id: str) -> list[Visit]:
    """Return the visits a door's form already stored (empty when it was never sent)."""
    stmt = (db.select(Visit).join(Registration, Registration.id == Visit.registration_id)
            .where(Registration.submission_id.like(f"{submission_id}-p%")))
    return list(db.session.execute(stmt).scalars())


def _services_by_code(campaign: Campaign) -> dict[str, Service]:
    return {s.code: s for s in services_counted(campaign)}


def _service_row(registration: Registration, campaign: Campaign, outcome: str,
                 services: dict[str, Service]) -> None:
    """Write the registration's one service outcome for a visit's outcome (none if not counted)."""
    code, result, failure = rules.registration_outcome(outcome)
    service = services.get(code)
    registration.services.clear()
    db.session.flush()  # the dedup key of the row removed must be free first
    if service is None:
        return
    key = (crypto.dedup_key(campaign.id, service.id, registration.citizen_id_hash)
           if result == DONE else None)
    if key is not None:
        other = db.session.execute(db.select(RegistrationService).filter_by(
            dedup_key=key)).scalar_one_or_none()
        if other is not None and other.registration_id != registration.id:
            raise DomainError(_l("Người này đã được ghi nhận “%(service)s” trong chiến dịch "
                                 "(hồ sơ #%(id)s).", service=service.name,
                                 id=other.registration_id))
    registration.services.append(RegistrationService(
        service_id=service.id, outcome=result, failure_reason=failure, dedup_key=key))


def _check(people: dict[int, ListedPerson], outcomes: list[PersonOutcome]
           ) -> list[tuple[ListedPerson, str, str | None]]:
    errors: list[DomainError] = []
    checked = []
    for item in outcomes:
        person = people.get(item.person_id)
        if person is None:
            errors.append(DomainError(_l("Người này không thuộc danh sách của bạn.")))
            continue
        try:
            reason = rules.check_outcome(item.outcome, item.reason, f"outcome_{person.id}")
        except DomainError as error:
            errors.append(error)
            continue
        checked.append((person, item.outcome, reason))
    if not checked and not errors:
        errors.append(DomainError(_l("Hãy chọn kết quả cho ít nhất một người.")))
    if errors:
        raise DomainErrors(errors)
    return checked


def record_visit(*, user: User, team: Team | None, submission_id: str,
                 people: list[ListedPerson], outcomes: list[PersonOutcome],
                 note: str | None = None, household: Household | None = None,
                 survey: dict[str, int | None] | None = None,
                 head_name: str | None = None) -> list[Visit]:
    """Store a door's visit: each person's outcome, the note and the household's survey.

    `people` are those the member may record at this door. The same submission id sent
    again returns the visits it stored and writes nothing.
    """
    submission_id = check_submission_id(submission_id)
    again = replayed_visits(submission_id)
    if again:
        return again
    checked = _check({p.id: p for p in people}, outcomes)
    campaign = db.session.get(Campaign, checked[0][0].campaign_id)
    refusal = campaign_refusal(campaign)
    if refusal:
        raise DomainError(REFUSALS[refusal])
    if survey is not None:
        rules.check_survey(survey)
    note = (note or "").strip()[:NOTE_MAX] or None
    services = _services_by_code(campaign)
    today = local_today()
    visits = []
    for person, outcome, reason in checked:
        registration = Registration(
            submission_id=person_submission_id(submission_id, person.id),
            campaign_id=campaign.id, team_id=team.id if team else None,
            hamlet_id=person.hamlet_id, source=DOOR, status=RECORDED, full_name=person.full_name,
            name_folded=person.name_folded, phone=person.phone, birth_year=person.birth_year or (
                person.birth_date.year if person.birth_date else None),
            citizen_id_hash=person.citizen_id_hash, citizen_id_last4=person.citizen_id_last4,
            citizen_id_encrypted=person.citizen_id_encrypted, recorded_at=now_utc(),
            volunteer_id=user.id)
        with first_write_wins(recording.RECORDED_ELSEWHERE):
            db.session.add(registration)
            _service_row(registration, campaign, outcome, services)
            log_change(registration, "created", user,
                       summary=f"visit_outcome: {outcome}" + (f" ({reason})" if reason else ""))
        announce(None, registration)
        visit = Visit(registration_id=registration.id, person_id=person.id,
                      household_id=household.id if household else person.household_id,
                      outcome=outcome, reason=reason, note=note, visited_on=today)
        db.session.add(visit)
        visits.append(visit)
    db.session.flush()
    if household is not None and survey is not None:
        households.record_survey(household, survey, user=user, submission_id=submission_id,
                                 head_name=head_name)
    for person, _outcome, _reason in checked:
        refresh_person(person)
    return visits


def refresh_person(person: ListedPerson) -> None:
    """Recompute what the lists read of a person from their visits that still count.

    Absent: back on the list on the team's next day in the hamlet, or on the absent list once
    absent as often as the campaign says. Any other outcome ends the visits. Whose work an
    activation is follows the last visit too (credit.refresh).
    """
    credit.refresh(person)
    stmt = (db.select(Visit).join(Registration, Registration.id == Visit.registration_id)
            .where(Visit.person_id == person.id, Registration.status.not_in(NOT_COUNTED))
            .order_by(Visit.created_at, Visit.id))
    visits = list(db.session.execute(stmt).scalars())
    person.absences = sum(1 for v in visits if v.outcome == ABSENT)
    if not visits:
        person.last_outcome = person.last_note = person.last_visit_at = None
        person.absent_listed_on = None
        return
    last = visits[-1]
    person.last_outcome = last.outcome
    person.last_note = last.note or last.reason
    person.last_visit_at = last.registration.recorded_at
    limit = drive_rules(person.campaign_id).absences_to_list
    if last.outcome != ABSENT:
        person.due_date = None
        person.absent_listed_on = None
    elif rules.goes_on_absent_list(person.absences, limit):
        person.absent_listed_on = person.absent_listed_on or last.visited_on
        person.due_date = None
    else:
        person.absent_listed_on = None
        person.due_date = next_team_day(person, last.visited_on)
    db.session.flush()


def edit_visit(visit: Visit, *, user: User, submission_id: str, outcome: str,
               reason: str | None, why: str) -> Visit:
    """Correct a visit's outcome, with a reason; the registration's history keeps what it was."""
    submission_id = check_submission_id(submission_id)
    registration = visit.registration
    if find_change(submission_id) is not None:
        return visit
    if registration.status == VOIDED:
        raise DomainError(_l("Hồ sơ này đã bị hủy, không sửa được."))
    if registration.status in NOT_COUNTED:
        raise DomainError(recording.REJECTED_BY_CHECK)
    why = (why or "").strip()
    if not why:
        raise DomainError(_l("Hãy ghi lý do sửa."), "why")
    reason = rules.check_outcome(outcome, reason, "outcome")
    before = state_of(registration)
    with first_write_wins(recording.CHANGED_ELSEWHERE):
        summary = f"visit_outcome: {visit.outcome} → {outcome}"
        _service_row(registration, registration.campaign, outcome,
                     _services_by_code(registration.campaign))
        visit.outcome, visit.reason = outcome, reason
        registration.updated_at = now_utc()
        log_change(registration, "edited", user, submission_id=submission_id,
                   reason=why[:255], summary=summary)
    announce(before, registration)
    refresh_person(visit.person)
    return visit


def void_visit(visit: Visit, *, user: User, submission_id: str, reason: str) -> Visit:
    """Cancel a visit with a reason: its registration is voided and the person recomputed."""
    recording.void(visit.registration, submission_id=submission_id, user=user, reason=reason)
    refresh_person(visit.person)
    return visit


def visits_of(person_ids: list[int]) -> dict[int, int]:
    """Return how many visits that still count each person had."""
    if not person_ids:
        return {}
    stmt = (sa.select(Visit.person_id, sa.func.count())
            .join(Registration, Registration.id == Visit.registration_id)
            .where(Visit.person_id.in_(person_ids), Registration.status.not_in(NOT_COUNTED))
            .group_by(Visit.person_id))
    return dict(db.session.execute(stmt).all())


def latest_visits(person_ids: list[int]) -> dict[int, int]:
    """Return the id of each person's latest visit (voided ones too: their page says so)."""
    if not person_ids:
        return {}
    stmt = (sa.select(Visit.person_id, sa.func.max(Visit.id))
            .where(Visit.person_id.in_(person_ids)).group_by(Visit.person_id))
    return dict(db.session.execute(stmt).all())


def on_registration_changed(_sender, *, before, after, registration_id: int | None = None,
                            **_more) -> None:
    """Recompute the person of a visit whose registration was voided, rejected or restored elsewhere
    (the registrations pages of check-in), as the visit's own page does."""
    if registration_id is None or before is None or after is None:
        return None
    # A void or restore changes the visits that count; a new team, account or guide changes
    # whose work the activation is.
    if (before.status in NOT_COUNTED) == (after.status in NOT_COUNTED) and (
            before.status == VOIDED) == (after.status == VOIDED) and (
            before.team_id, before.volunteer_id, before.credited_member_id) == (
            after.team_id, after.volunteer_id, after.credited_member_id):
        return None
    visit = db.session.execute(
        db.select(Visit).filter_by(registration_id=registration_id)).scalar_one_or_none()
    if visit is not None:
        refresh_person(visit.person)
    return None
