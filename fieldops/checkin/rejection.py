"""A recorded result found untrue on a spot-check call-back: rejected, and restored if need be.

A rejection is not a void: the record stays as it was recorded, only its status says it no
longer counts, and the history says who rejected it and why. Both moves are announced like any
other change (checkin.signals), so the counters and the drive's lists follow in the same
transaction.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from fieldops.auth.models import User
from fieldops.checkin import crypto
from fieldops.checkin.models import RECORDED, REJECTED, Registration
from fieldops.checkin.services import first_write_wins, log_change
from fieldops.checkin.signals import announce, state_of
from fieldops.clock import now_utc
from fieldops.errors import DomainError


def reject(registration: Registration, *, user: User, reason: str) -> Registration:
    """Stop counting a recorded result with a reason; rejecting it again changes nothing."""
    if registration.status == REJECTED:
        return registration
    if registration.status != RECORDED:
        raise DomainError(_l("Chỉ loại được hồ sơ đã ghi nhận (hồ sơ #%(id)s đang “%(status)s”).",
                             id=registration.id, status=registration.status_label))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Hãy ghi lý do loại kết quả."), "reason")
    before = state_of(registration)
    registration.status = REJECTED
    registration.updated_at = now_utc()
    # As a void does: the citizen may be helped and recorded again for real.
    for row in registration.services:
        row.dedup_key = None
    log_change(registration, "rejected", user, reason=reason[:255])
    announce(before, registration)
    return registration


def reinstate(registration: Registration, *, user: User, reason: str) -> Registration:
    """Count a rejected result again (the checker changed their verdict), with a reason."""
    if registration.status != REJECTED:
        return registration
    before = state_of(registration)
    with first_write_wins(_l("Người dân này đã được ghi nhận lại ở hồ sơ khác; không khôi "
                             "phục được.")):
        registration.status = RECORDED
        registration.updated_at = now_utc()
        for row in registration.services:
            if registration.citizen_id_hash:
                row.dedup_key = crypto.dedup_key(registration.campaign_id, row.service_id,
                                                 registration.citizen_id_hash)
        log_change(registration, "reinstated", user, reason=(reason or "").strip()[:255] or None)
    announce(before, registration)
    return registration
