"""QR codes of desk tokens: the address they carry, and PNG/SVG images made once and kept."""

from __future__ import annotations

import hashlib
import io
import ipaddress
import threading
from collections import OrderedDict
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
import sqlalchemy as sa
from flask import current_app, request, url_for

from fieldops.db import db
from fieldops.events.models import QRImage

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
#: images kept in this process; a poster run of 20 desks needs 40, a busy morning a few more
_MEMORY_LIMIT = 512
_memory: OrderedDict[tuple[str, str], tuple[bytes, str]] = OrderedDict()
_lock = threading.Lock()


def public_base_url() -> str:
    """Return the address phones reach us at: PUBLIC_BASE_URL, else this request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/")


#: kinds of public address a phone on the mobile network cannot open
LOOPBACK, PRIVATE = "loopback", "private"


def address_reach(base: str) -> str | None:
    """Return LOOPBACK or PRIVATE if phones on the mobile network cannot open base, else None."""
    host = (urlsplit(base).hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or address.is_unspecified:
            return LOOPBACK
        if address.is_private or address.is_link_local or address.is_reserved:
            return PRIVATE
        return None
    if not host or host == "localhost" or host.endswith(".localhost"):
        return LOOPBACK
    # a name only a local network resolves (a bare machine name, mDNS, a home router's zone);
    # any other name is public as far as we can tell
    if "." not in host or host.endswith((".local", ".lan", ".internal", ".home.arpa")):
        return PRIVATE
    return None


def code_url(token: str) -> str:
    """Return the absolute address a code's QR carries: <public base>/q/<token>."""
    return public_base_url() + url_for("events.public_code", token=token)


def short_address(url: str) -> str:
    """Return an address without its scheme, to print under a code for typing by hand."""
    return url.split("://", 1)[-1]


def _make(url: str, fmt: str) -> bytes:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    if fmt == "svg":
        image = qr.make_image(image_factory=qrcode.image.svg.SvgPathImage)
        return image.to_string(encoding="utf-8")
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def cached(url: str, fmt: str) -> tuple[bytes, str] | None:
    """Return (content, etag) if this process already holds the image, without the database."""
    with _lock:
        hit = _memory.get((url, fmt))
        if hit is not None:
            _memory.move_to_end((url, fmt))
        return hit


def image(url: str, fmt: str) -> tuple[bytes, str]:
    """Return (content, etag) of the QR image of an address, making and storing it only once.

    A new image is added to the session; the caller commits it with the rest of its request.
    """
    key = (url, fmt)
    hit = cached(url, fmt)
    if hit is not None:
        return hit
    row = db.session.execute(db.select(QRImage).filter_by(url=url, fmt=fmt)).scalar_one_or_none()
    if row is None:
        content = _make(url, fmt)
        row = QRImage(url=url, fmt=fmt, content=content,
                      etag=hashlib.sha256(content).hexdigest()[:32])
        try:
            # Its own savepoint: two first requests for one code may race; the loser reads.
            with db.session.begin_nested():
                db.session.add(row)
        except sa.exc.IntegrityError:
            row = db.session.execute(
                db.select(QRImage).filter_by(url=url, fmt=fmt)).scalar_one()
    found = (bytes(row.content), row.etag)
    with _lock:
        _memory[key] = found
        if len(_memory) > _MEMORY_LIMIT:
            _memory.popitem(last=False)
    return found


def png_for(token: str) -> bytes:
    """Return the PNG of a token's code (for posters)."""
    return image(code_url(token), "png")[0]
