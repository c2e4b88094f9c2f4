"""Language, time zone and the date/number formats the interface shows."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, session
from flask_babel import format_datetime, format_decimal, get_locale

from fieldops.extensions import babel
from fieldops.text import by_name

DATE_FORMAT = "dd/MM/yyyy"
DATETIME_FORMAT = "dd/MM/yyyy HH:mm"


def select_locale() -> str:
    """Return the language chosen in this session; Vietnamese unless English was picked."""
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


def format_number(value: int | float | None) -> str:
    """Return a count grouped the way the current language writes it (225.208 / 225,208)."""
    return "" if value is None else format_decimal(value)


def init_app(app: Flask) -> None:
    """Attach Flask-Babel and the formatting filters."""
    translations = str(app.root_path) + "/translations"
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translations)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["vndate"] = format_vn_date
    app.jinja_env.filters["vndatetime"] = format_vn_datetime
    app.jinja_env.filters["num"] = format_number
    app.jinja_env.filters["by_name"] = by_name
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
