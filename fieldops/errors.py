"""The one error type services raise when a rule is broken (NotFound: nothing to act on)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A rule was broken; `field` names the form field to attach the message to, or None."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class DomainErrors(DomainError):
    """Several rules broken at once (one per field), so a form can show them together."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(errors[0].message, errors[0].field)
        self.errors = errors


class NotFound(DomainError):
    """What was asked for is not there, or not where it was asked for: answered with a 404."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _l("Trang hoặc mục bạn tìm không có hoặc đã bị xóa."))


def attach_to_form(form, error: DomainError, renamed: dict[str, str] | None = None) -> None:
    """Put each domain error on the form field it names, or on the form as a whole.

    A field that already shows an error from the form's own checks keeps just that one.
    `renamed` shows an error a service names by one field on another field of this form.
    """
    for one in getattr(error, "errors", [error]):
        name = (renamed or {}).get(one.field or "", one.field)
        field = getattr(form, name, None) if name else None
        if field is None:
            form.form_errors.append(one.message)
        elif not field.errors:
            field.errors = [one.message]
