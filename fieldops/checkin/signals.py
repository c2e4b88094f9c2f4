"""What check-in announces when a registration changes, for the features after it (reports).

Check-in does not know who counts what. It sends the registration as it was and as it is now,
as plain values; each receiver returns the statements that keep its own tables in step, and
the sender runs them in the change's own transaction: on the ORM paths and on the citizen
POST's fast writer alike, a counter never disagrees with the records.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from blinker import Namespace

from fieldops.checkin.models import Registration
from fieldops.db import db

_signals = Namespace()

#: sent with before= and after= (RegistrationState or None), dialect= (the database's name) and
#: registration_id= (None on the citizen POST's fast path, which only ever creates); each
#: receiver returns the statements to run in the same transaction (or nothing)
registration_changed = _signals.signal("registration-changed")


class RegistrationState(NamedTuple):
    """A registration as the features after check-in count it, in plain values."""

    campaign_id: int
    status: str
    recorded_at: datetime | None
    hamlet_id: int | None
    team_id: int | None
    volunteer_id: int | None
    #: (service id, outcome or None while the citizen waits), one per service
    outcomes: tuple[tuple[int, str | None], ...]
    #: the member credited on the form ("người hướng dẫn"), if any
    credited_member_id: int | None = None


def state_of(registration: Registration | None) -> RegistrationState | None:
    """Return a flushed registration's state (None for no registration)."""
    if registration is None:
        return None
    return RegistrationState(
        registration.campaign_id, registration.status, registration.recorded_at,
        registration.hamlet_id, registration.team_id, registration.volunteer_id,
        tuple((row.service_id, row.outcome) for row in registration.services),
        registration.credited_member_id)


def changes(before: RegistrationState | None, after: RegistrationState | None,
            dialect: str, registration_id: int | None = None) -> list[sa.Executable]:
    """Announce a change; return the statements the receivers ask to run in its transaction."""
    statements: list[sa.Executable] = []
    for _receiver, returned in registration_changed.send(
            before=before, after=after, dialect=dialect, registration_id=registration_id):
        statements.extend(returned or ())
    return statements


def announce(before: RegistrationState | None, registration: Registration) -> None:
    """Announce an ORM change made to a registration and run what the receivers ask, now."""
    db.session.flush()  # campaign_id, hamlet_id... are set on the row once flushed
    dialect = db.session.get_bind().dialect.name
    for statement in changes(before, state_of(registration), dialect, registration.id):
        db.session.execute(statement)
