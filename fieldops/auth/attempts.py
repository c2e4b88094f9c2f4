"""Counting sign-in attempts so that parallel guesses cannot slip past the delay.

Every attempt is counted in the database before its password is checked, each on its own short
connection committed at once: the password check takes tens of milliseconds, and twenty guesses
sent together must see each other's count, not the count they all read at the start. An attempt
made while the account must wait is counted too (and refused unchecked), so a burst of guesses
ends with every one of them counted and the account locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from fieldops.auth.models import User
from fieldops.clock import now_utc
from fieldops.db import db

MAX_DELAY = timedelta(minutes=15)
#: a claim lost to a parallel attempt is tried again this many times before counting as locked
CLAIM_TRIES = 20


@dataclass(frozen=True)
class Claim:
    """The outcome of counting one attempt: how long the account must still wait (0: check it)."""

    failures: int
    wait: timedelta


def delay_for(failures: int, last_failed: datetime | None, now: datetime) -> timedelta:
    """Return how long an account with this many failures, the last at that time, must wait."""
    free = current_app.config["SIGN_IN_FREE_ATTEMPTS"]
    if failures < free or last_failed is None:
        return timedelta(0)
    # Each failure past the free ones doubles the wait, up to a quarter of an hour.
    step = current_app.config["SIGN_IN_DELAY_SECONDS"] * 2 ** min(failures - free, 20)
    wait = min(timedelta(seconds=step), MAX_DELAY)
    return max(last_failed + wait - now, timedelta(0))


def claim_attempt(user_id: int) -> Claim:
    """Count one attempt as failed until its password proves right; say whether it may be checked.

    The count moves only from the value just read (compare and set), so two attempts never both
    pass on the same count; one made while the account waits is counted with the atomic
    `failed_sign_ins + 1` and refused with the wait its new count gives.
    """
    table = User.__table__
    for _ in range(CLAIM_TRIES):
        with db.engine.begin() as connection:
            failures, last_failed = connection.execute(
                sa.select(table.c.failed_sign_ins, table.c.last_failed_sign_in_at)
                .where(table.c.id == user_id)).one()
            now = now_utc()
            if delay_for(failures, last_failed, now):
                break
            claimed = connection.execute(
                sa.update(table)
                .where(table.c.id == user_id, table.c.failed_sign_ins == failures)
                .values(failed_sign_ins=failures + 1, last_failed_sign_in_at=now))
            if claimed.rowcount == 1:
                return Claim(failures + 1, timedelta(0))
    with db.engine.begin() as connection:
        failures, last_failed = connection.execute(
            sa.update(table).where(table.c.id == user_id)
            .values(failed_sign_ins=table.c.failed_sign_ins + 1)
            .returning(table.c.failed_sign_ins, table.c.last_failed_sign_in_at)).one()
    # Parallel claims always set the time; a lost race with none set yet waits a full step.
    wait = delay_for(failures, last_failed or now_utc(), now_utc())
    return Claim(failures, wait)


def give_back(user_id: int) -> None:
    """Uncount a claimed attempt that was not a wrong password (a disabled account)."""
    table = User.__table__
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(table).where(table.c.id == user_id, table.c.failed_sign_ins > 0)
            .values(failed_sign_ins=table.c.failed_sign_ins - 1))
