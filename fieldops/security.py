"""What every answer tells the browser: the security headers, Secure cookies, the proxy in front.

The headers come from Flask-Talisman: a kept, reviewed set (CSP with a per-request nonce for the
map pages' inline script, frame options, nosniff, referrer policy, HSTS only over HTTPS) rather
than our own list to keep up to date.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, has_request_context, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

HSTS_SECONDS = 365 * 24 * 3600


def content_security_policy(tiles_url: str) -> dict[str, str]:
    """Return the CSP: our own scripts, styles, images and requests, plus the map tiles' host."""
    images = ["'self'", "data:"]
    tiles = urlsplit(tiles_url.replace("{s}", "*"))
    if tiles.scheme and tiles.netloc:
        images.append(f"{tiles.scheme}://{tiles.netloc}")
    return {
        "default-src": "'self'",
        "script-src": "'self'",  # and the request's nonce, added by Talisman
        "style-src": "'self'",
        "img-src": " ".join(images),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }


class _PolicyFromConfig:
    """The CSP as Talisman reads it (its items), made from the config at each answer.

    The tile host is part of it, and the map's tile setting may change while the app runs.
    """

    def items(self):
        """Return the directives for the current MAP_TILES_URL."""
        return content_security_policy(current_app.config["MAP_TILES_URL"] or "").items()


def cookie_secure() -> bool:
    """Return whether this answer's cookies are marked Secure (sent back over HTTPS only).

    SESSION_COOKIE_SECURE true or false decides; unset (None), they are Secure whenever the
    request came over HTTPS (directly, or through a TLS proxy with PROXY_FIX). A plain-http
    server, the demo on http://127.0.0.1:5000 or a commune's trial on http://192.168.x.y,
    keeps working: a browser refuses Secure cookies there and nobody could sign in.
    """
    setting = current_app.config.get("SESSION_COOKIE_SECURE")
    if setting is not None:
        return bool(setting)
    if not has_request_context():
        return True
    return request.is_secure


def _secure_remember_cookie(response: Response) -> Response:
    """Mark Flask-Login's remember cookie Secure by the same rule as the session cookie."""
    name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    cookies = response.headers.getlist("Set-Cookie")
    if not cookie_secure() or not any(c.startswith(f"{name}=") for c in cookies):
        return response
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        if cookie.startswith(f"{name}=") and "; Secure" not in cookie:
            cookie += "; Secure"
        response.headers.add("Set-Cookie", cookie)
    return response


def init_app(app: Flask) -> None:
    """Add the headers, the remember cookie's Secure flag and, if configured, ProxyFix."""
    Talisman(
        app,
        force_https=False,  # the TLS proxy redirects; the demo runs on plain http
        session_cookie_secure=False,  # decided per request by cookie_secure(), not once
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        content_security_policy=_PolicyFromConfig(),
        content_security_policy_nonce_in=["script-src"],
        frame_options="SAMEORIGIN",
        strict_transport_security=True,  # Talisman sends it over HTTPS only
        strict_transport_security_max_age=HSTS_SECONDS,
        strict_transport_security_include_subdomains=False,  # other sites of the domain
        # The origin (never the path with a desk's code) still reaches the tile server, whose
        # use policy asks for a Referer.
        referrer_policy="strict-origin-when-cross-origin",
    )
    # First in the list, so it runs last (after_request hooks run in reverse), after Flask-Login
    # has set the cookie.
    app.after_request_funcs.setdefault(None, []).insert(0, _secure_remember_cookie)
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops:
        # The proxy's X-Forwarded-For/-Proto/-Host/-Port: the citizen's address for the rate
        # limits, https for Secure cookies and HSTS, the public host for QR codes.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops)
