"""Keys for citizen ID numbers: a keyed hash to find duplicates, encryption to show one."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def citizen_hash(number: str) -> str:
    """Return the HMAC-SHA256 of a number: equal numbers match, the number cannot be read back.

    Keyed, because 12 digits with a known structure are few enough to hash them all.
    """
    key = current_app.config["CHECKIN_HASH_KEY"].encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def dedup_key(campaign_id: int, service_id: int, id_hash: str) -> str:
    """Return the key that the database keeps unique: one citizen, one service, one campaign."""
    return hashlib.sha256(f"{campaign_id}:{service_id}:{id_hash}".encode()).hexdigest()


def _fernet() -> Fernet:
    # The configured secret may be any string; Fernet wants 32 bytes, so derive them.
    secret = current_app.config["CHECKIN_ENCRYPTION_KEY"].encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"checkin-fernet:" + secret).digest()))


def encrypt(number: str) -> str:
    """Return the number encrypted (authenticated, with a random IV) as ASCII text."""
    return _fernet().encrypt(number.encode()).decode("ascii")


def decrypt(token: str) -> str | None:
    """Return the number, or None if the key has changed since it was stored."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        return None


def token_digest(token: str) -> str:
    """Return the SHA-256 of a device token: only this is stored, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()
