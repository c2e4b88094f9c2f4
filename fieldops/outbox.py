"""Answers for the phone's outbox (static/js/outbox.js): stored, replay or refused, as JSON.

A form sent by the outbox carries the header X-Fieldops-Outbox: 1. It needs to know whether the
server kept the submission (then the phone forgets it) or refused it (then the phone keeps it and
shows why); a redirect or a page would not say. Without the header the plain form POST answers
as before, for phones without JavaScript.
"""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

HEADER = "X-Fieldops-Outbox"
STORED, REPLAY, REFUSED = "stored", "replay", "refused"


def from_outbox() -> bool:
    """Return True when the request was sent by the phone's outbox."""
    return request.headers.get(HEADER) == "1"


def kept(redirect_to: str, *, replay: bool = False, **extra):
    """Answer that the submission is stored (or was already), and where the page goes next.

    `extra` is what the page draws from the answer (the reception's counts).
    """
    return jsonify(status=REPLAY if replay else STORED, redirect=redirect_to, errors={}, **extra)


def refused(errors: dict[str, list[str]], status: int = 422, **extra):
    """Answer that the submission is refused, with the messages for each field ("" = the form)."""
    return jsonify(status=REFUSED, errors=errors, **extra), status


def form_errors(form) -> dict[str, list[str]]:
    """Return a WTForms form's messages by field name, the form's own under ""."""
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()
              if name is not None and isinstance(messages, list)}
    general = [str(m) for m in form.form_errors]
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        errors.pop("csrf_token", None)
        general.append(_("Biểu mẫu đã hết hạn. Hãy tải lại trang và gửi lại."))
    if general:
        errors[""] = general
    return errors
