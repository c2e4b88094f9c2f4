"""The one error type services raise when a rule is broken."""

from __future__ import annotations


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


def attach_to_form(form, error: DomainError) -> None:
    """Put each domain error on the form field it names, or on the form as a whole.

    A field that already shows an error from the form's own checks keeps just that one.
    """
    for one in getattr(error, "errors", [error]):
        field = getattr(form, one.field, None) if one.field else None
        if field is None:
            form.form_errors.append(one.message)
        elif not field.errors:
            field.errors = [one.message]
