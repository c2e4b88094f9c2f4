"""Keys for citizen ID numbers: a keyed hash to find duplicates, encryption to show one."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Iterable
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

#: the prefix of AES-GCM tokens; Fernet tokens start with "gAAAA", so the two never mix
_GCM_PREFIX = "g1."


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


@lru_cache(maxsize=4)
def _gcm(secret: str) -> AESGCM:
    return AESGCM(hashlib.sha256(b"checkin-aesgcm:" + secret.encode()).digest())


def encrypt_many(numbers: Iterable[str]) -> list[str]:
    """Return each number encrypted with AES-GCM (random 96-bit nonce), as ASCII text.

    For imports of hundreds of thousands of people: a Fernet token costs 7-20 us (HMAC, PKCS7,
    a key object per call), this under 2 us, and is authenticated all the same. decrypt()
    reads both formats.
    """
    gcm = _gcm(current_app.config["CHECKIN_ENCRYPTION_KEY"])
    numbers = list(numbers)
    # One read of the system's random source for every nonce, not one system call each.
    nonces = os.urandom(12 * len(numbers))
    encrypt, encode = gcm.encrypt, base64.urlsafe_b64encode
    tokens = []
    for index, number in enumerate(numbers):
        nonce = nonces[12 * index:12 * index + 12]
        tokens.append(_GCM_PREFIX + encode(nonce + encrypt(nonce, number.encode(), None))
                      .decode("ascii"))
    return tokens


def hash_many(numbers: Iterable[str]) -> list[str]:
    """Return citizen_hash() of each number, the key set up once for all of them."""
    keyed = hmac.new(current_app.config["CHECKIN_HASH_KEY"].encode(), digestmod=hashlib.sha256)
    hashes = []
    for number in numbers:
        # A copy of the keyed state: the key is not padded and hashed again for each number.
        one = keyed.copy()
        one.update(number.encode())
        hashes.append(one.hexdigest())
    return hashes


def decrypt(token: str) -> str | None:
    """Return the number (Fernet or AES-GCM token), or None if the key has changed since."""
    if token.startswith(_GCM_PREFIX):
        try:
            raw = base64.urlsafe_b64decode(token[len(_GCM_PREFIX):])
            gcm = _gcm(current_app.config["CHECKIN_ENCRYPTION_KEY"])
            return gcm.decrypt(raw[:12], raw[12:], None).decode()
        except (InvalidTag, ValueError, binascii.Error):
            return None
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        return None


def token_digest(token: str) -> str:
    """Return the SHA-256 of a device token: only this is stored, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()
