"""The one error type services raise when a rule is broken."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; `field` names the form field to attach the message to, or None."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def attach_to_form(form, error: DomainError) -> None:
    """Put a domain error on the form field it names, or on the form as a whole.

    A field that already shows an error from the form's own checks keeps just that one.
    """
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        if not field.errors:
            field.errors = [error.message]
    else:
        form.form_errors.append(error.message)
