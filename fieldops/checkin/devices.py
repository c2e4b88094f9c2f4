"""Device tokens for the JSON API: a secret shown once, only its digest stored."""

from __future__ import annotations

import secrets

from fieldops.auth.models import User
from fieldops.checkin import crypto
from fieldops.checkin.models import DeviceToken
from fieldops.db import db


def issue_token(user: User, label: str) -> tuple[DeviceToken, str]:
    """Create a device token for a user; return it and the secret, which is never stored."""
    secret = "fo_" + secrets.token_urlsafe(32)
    token = DeviceToken(user_id=user.id, label=label.strip()[:80],
                        token_hash=crypto.token_digest(secret), token_prefix=secret[:8])
    db.session.add(token)
    db.session.flush()
    return token, secret
