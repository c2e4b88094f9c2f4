"""A phase's end: its ranking frozen automatically, a freeze by hand undone before the end.

A ranking frozen by hand before the phase ends can be undone by an organizer until the phase's
last day (local time) is over; from then on every frozen ranking is final. Once a phase has
ended the schedule freezes it if nobody did, recorded as automatic (no user). Every freeze and
undo is logged (`ranking_freeze_log`) and the log is shown on the ranking page.
"""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy.exc import IntegrityError

from fieldops.auth.models import User
from fieldops.campaigns.models import Phase
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.reports import ranking
from fieldops.reports.models import UNDO, RankingFreezeLog, RankingSnapshot
from fieldops.tasks import schedule

log = logging.getLogger(__name__)


def has_ended(phase: Phase, today: date) -> bool:
    """Return True once the phase's last local day is over."""
    return today > phase.end_date


def can_undo(phase: Phase, today: date) -> bool:
    """Return True while the phase's frozen ranking may still be undone (frozen, not ended)."""
    return not has_ended(phase, today) and ranking.snapshot_of(phase) is not None


def undo_freeze(phase: Phase, *, user: User, today: date) -> None:
    """Drop the phase's frozen ranking so it follows the results again; refused once the phase
    has ended (the frozen ranking is then final)."""
    snapshot = ranking.snapshot_of(phase)
    if snapshot is None:
        raise DomainError(_l("Xếp hạng %(phase)s chưa được chốt.", phase=phase.name))
    if has_ended(phase, today):
        raise DomainError(_l(
            "%(phase)s đã kết thúc ngày %(day)s: xếp hạng đã chốt là chính thức, không hủy "
            "được nữa.", phase=phase.name, day=phase.end_date.strftime("%d/%m/%Y")))
    db.session.delete(snapshot)
    db.session.add(RankingFreezeLog(phase_id=phase.id, action=UNDO, user_id=user.id))
    db.session.flush()


def freeze_log(phase: Phase) -> list[RankingFreezeLog]:
    """Return the phase's freezes and undos, newest first."""
    return list(db.session.execute(db.select(RankingFreezeLog).filter_by(phase_id=phase.id)
                                   .order_by(RankingFreezeLog.at.desc(),
                                             RankingFreezeLog.id.desc())).scalars())


def freeze_ended_phases(today: date) -> list[Phase]:
    """Freeze the ranking of every phase that ended before today and has none; return them.

    Another process may freeze the same phase at the same moment: the unique phase on the
    snapshot lets one win, and the other leaves that phase alone.
    """
    frozen = sa.select(RankingSnapshot.phase_id)
    ended = db.session.execute(db.select(Phase).where(
        Phase.end_date < today, Phase.id.not_in(frozen)).order_by(Phase.id)).scalars().all()
    made = []
    for phase in ended:
        try:
            with db.session.begin_nested():
                ranking.freeze(phase.campaign, phase, user=None, today=today)
        except IntegrityError:
            log.info("phase %s was frozen by another process", phase.id)
            continue
        except DomainError:
            continue  # frozen meanwhile, seen before the insert
        made.append(phase)
    return made


# Every hour at 15 past: a phase that ended at midnight is frozen by 00:15 local time, and a
# server that was down at that hour catches up at its next run.
@schedule(crontab(minute="15"), "freeze_ended_phases")
def freeze_ended_phases_now() -> int:
    """Freeze the rankings of the phases that have ended; return how many were frozen."""
    made = freeze_ended_phases(local_today())
    db.session.commit()
    return len(made)
