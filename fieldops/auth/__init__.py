"""Accounts, roles, sign-in and sign-out."""

from fieldops.auth.views import bp

__all__ = ["bp"]
