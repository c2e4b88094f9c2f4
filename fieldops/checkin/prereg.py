"""The citizen's pre-registration from a desk's QR code: the busiest write of a launch morning.

The POST reads the form as plain values, reads the facts in one query through its writer (one
per database, writers.py), asks the same rules as every other path (rules.py) and then writes
the citizen into the desk's queue, or the refusal, on that same connection. No ORM session is
involved unless the form must be drawn again.
"""

from __future__ import annotations

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from fieldops.checkin import rules
from fieldops.checkin.models import QR, WAITING
from fieldops.checkin.services import RefusedError
from fieldops.checkin.signals import RegistrationState, changes
from fieldops.checkin.writers import Facts, Writer
from fieldops.clock import local_today, now_utc
from fieldops.errors import DomainError, DomainErrors
from fieldops.text import fold

#: what WTForms' BooleanField reads as unticked; anything else sent for the box is a tick
_UNTICKED = ("", "false")


class Submission(NamedTuple):
    """The citizen's POST as plain values (WTForms only draws the form)."""

    submission_id: str
    full_name: str
    phone: str
    hamlet_id: int | None
    service_ids: list[int]
    consent: bool


def _integer(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    # An id no integer column can hold names nothing (and must not break the query).
    return number if -2**31 <= number < 2**31 else None


def read_submission(form: MultiDict) -> Submission:
    """Read the posted form; values that are not numbers count as not chosen."""
    return Submission(
        submission_id=form.get("submission_id", ""), full_name=form.get("full_name", ""),
        phone=form.get("phone", ""), hamlet_id=_integer(form.get("hamlet_id")),
        service_ids=[n for n in map(_integer, form.getlist("services")) if n is not None],
        consent=form.get("consent", "") not in _UNTICKED)


def read_facts(writer: Writer, token: str, submission: Submission) -> Facts | None:
    """Return the facts for this token, submission and person, or None for an unknown token."""
    phone, name_folded = rules.same_person(submission.phone, submission.full_name)
    return writer.facts(token, submission.submission_id.strip(), submission.hamlet_id,
                        day=local_today(), phone=phone, name_folded=name_folded)


def _offered(writer: Writer, facts: Facts) -> set[int]:
    """Return the services on offer at the code's desk (rules.offered_services)."""
    def ids(listed: str | None) -> list[int]:
        return [int(n) for n in listed.split(",")] if listed else []

    offered = rules.offered_services(ids(facts.desk_services), ids(facts.campaign_services))
    return set(offered) if offered is not None else writer.every_service()


def _check_fields(writer: Writer, facts: Facts,
                  submission: Submission) -> tuple[str, str, list[int]]:
    """Return the clean name, phone and chosen services, or raise every field's problem."""
    problems: list[DomainError] = []

    def checked(rule, *args):
        try:
            return rule(*args)
        except DomainError as error:
            problems.append(error)
            return None

    name = checked(rules.clean_name, submission.full_name)
    phone = checked(rules.clean_phone, submission.phone, True)
    if not submission.consent:
        problems.append(DomainError(_l("Cần đánh dấu đồng ý để đăng ký."), "consent"))
    checked(rules.check_hamlet, submission.hamlet_id, facts.hamlet_ok, True)
    chosen = checked(rules.chosen_services, submission.service_ids, _offered(writer, facts))
    if problems:
        raise problems[0] if len(problems) == 1 else DomainErrors(problems)
    return name, phone, chosen


def pre_register(writer: Writer, facts: Facts, submission: Submission) -> str:
    """Put a citizen in the desk's queue; return the submission id the ticket is under.

    A replay (same submission id, same desk and name) returns at once and stores nothing; so
    does the same person (phone and folded name) holding a live ticket at the desk today, with
    that ticket's submission id. A refusal is stored through the writer and raised as RefusedError.
    """
    submission_id = rules.check_submission_id(submission.submission_id)
    # name_folded is never NULL: a name means the outer join found a stored copy. A refusal the
    # desk took into its queue has both: the citizen sending again gets that ticket.
    if facts.refused_reason is not None and facts.earlier_name is None:
        raise RefusedError(facts.refused_reason, facts.desk_id)
    if facts.earlier_name is not None:
        if facts.earlier_desk_id != facts.desk_id or facts.earlier_name != fold(
                submission.full_name):
            raise DomainError(_l("Biểu mẫu này đã được gửi cho một người khác. Hãy tải lại "
                                 "trang để đăng ký người mới."))
        return submission_id
    name, phone, chosen = _check_fields(writer, facts, submission)
    if facts.same_person is not None:
        # Sent again from a new form (an answer lost, Back and send): their ticket, no new number.
        return facts.same_person
    today, now = local_today(), now_utc()
    reason = rules.code_refusal(facts.revoked_at, facts.valid_from, facts.valid_until,
                                facts.start_date, facts.end_date, at=now, today=today)
    if reason:
        writer.refuse(facts, submission_id, reason, {
            "full_name": name, "phone": phone, "hamlet_id": submission.hamlet_id,
            "service_ids": chosen, "token": facts.token})
        raise RefusedError(reason, facts.desk_id)
    values = {"submission_id": submission_id, "campaign_id": facts.campaign_id,
              "event_id": facts.event_id, "desk_id": facts.desk_id,
              "hamlet_id": submission.hamlet_id, "source": QR, "status": WAITING,
              "queue_day": today, "full_name": name, "name_folded": fold(name), "phone": phone,
              "consent_at": now, "created_at": now}
    # Asked before the write, which runs what the receivers return in its own transaction.
    state = RegistrationState(facts.campaign_id, WAITING, None, submission.hamlet_id, None, None,
                              tuple((service_id, None) for service_id in chosen))
    also = changes(None, state, writer.connection.dialect.name)
    # From here to the end of the view's `with` the write lock is held: keep it short.
    writer.register(values, chosen, also)
    # No history row: the record's own created_at and source say who made it and when.
    return submission_id
