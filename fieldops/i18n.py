"""Language, time zone and the date/number formats the interface shows."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from fieldops.extensions import babel
from fieldops.forms import WTFormsMessages
from fieldops.text import by_name

DATE_FORMAT = "dd/MM/yyyy"
DATETIME_FORMAT = "dd/MM/yyyy HH:mm"


def select_locale() -> str:
    """Return the language chosen in this session; Vietnamese unless English was picked."""
    if not has_request_context():  # a command or a background job: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def format_vn_date(value: date | datetime | None) -> str:
    """Return a date as dd/mm/yyyy (a datetime is first moved to Asia/Ho_Chi_Minh)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, DATE_FORMAT)
    return value.strftime("%d/%m/%Y")


def format_vn_datetime(value: datetime | None) -> str:
    """Return a timestamp as dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh, 24-hour clock."""
    return format_datetime(value, DATETIME_FORMAT) if value else ""


def format_weekday(value: date) -> str:
    """Return the day of the week in the interface language ("Thứ Hai", "Monday")."""
    return format_date(value, "EEEE")


def format_number(value: int | float | None) -> str:
    """Return a count grouped the way the current language writes it (225.208 / 225,208)."""
    return "" if value is None else format_decimal(value)


#: compiled catalogs of this process, by the digest of their .po file
_compiled: dict[str, bytes] = {}


def compile_catalogs(source: Path, target: Path) -> Path:
    """Compile every <lang>/LC_MESSAGES/*.po under source into .mo files under target.

    The .po files are the only committed form of a translation: compiling them at start-up
    means no stale or generator-dependent .mo can ship. A .mo is rewritten only when the
    digest of its .po changed, and atomically, so several worker processes may start at once.
    """
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        po_bytes = po_path.read_bytes()
        digest = hashlib.sha256(po_bytes).hexdigest()
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        stamp = mo_path.with_suffix(".sha256")
        if mo_path.is_file() and stamp.is_file() and stamp.read_text() == digest:
            continue
        if digest not in _compiled:
            catalog = read_po(BytesIO(po_bytes), locale=po_path.parts[-3])
            buffer = BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            _compiled[digest] = buffer.getvalue()
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(mo_path, _compiled[digest])
        _write_atomically(stamp, digest.encode())
    return target


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a file under a temporary name and rename it: readers never see half of it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


_wtforms_messages = WTFormsMessages()


def _use_our_wtforms_messages() -> None:
    """Give Flask-WTF our catalog of WTForms' messages for this request."""
    # Flask-WTF (flask_wtf/i18n.py) reads request.wtforms_translations before loading WTForms'
    # own catalog, which has no Vietnamese: one place instead of a message= on every validator.
    request.wtforms_translations = _wtforms_messages


def init_app(app: Flask) -> None:
    """Compile the catalogs into the instance folder; attach Flask-Babel and the filters."""
    if "BABEL_TRANSLATION_DIRECTORIES" not in app.config:
        compiled = compile_catalogs(
            Path(app.root_path) / "translations", Path(app.instance_path) / "translations"
        )
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_use_our_wtforms_messages)
    app.jinja_env.filters["vndate"] = format_vn_date
    app.jinja_env.filters["vndatetime"] = format_vn_datetime
    app.jinja_env.filters["weekday"] = format_weekday
    app.jinja_env.filters["num"] = format_number
    app.jinja_env.filters["by_name"] = by_name
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
