"""Flask's signed-cookie session, made lazily: most requests of a launch carry no cookie."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from fieldops.security import cookie_secure


class LazyCookieSessionInterface(SecureCookieSessionInterface):
    """Build the cookie signer only when a request brings a session cookie or sets one.

    Flask builds it on every request; a citizen's phone posting the check-in form has no
    cookie, and the signer (key derivation included) cost as much as one of its queries.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return an empty session at once when there is no cookie to read."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the cookie Secure by the app's rule (fieldops/security.py), per request."""
        return cookie_secure()
