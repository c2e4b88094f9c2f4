"""What a citizen's phone opens when it scans a desk's code: no sign-in, read only."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for

from fieldops.clock import now_utc
from fieldops.events import desks, qr
from fieldops.events.models import CHECKIN
from fieldops.events.views import bp

#: images never change for a token; phones and proxies may keep them for a day
IMAGE_MAX_AGE = 24 * 60 * 60


@bp.get("/q/<token>")
def public_code(token: str):
    code = desks.find_code(token)
    if code is None:
        return render_template("events/public_invalid.html", reason="unknown"), 404
    state = code.state(now_utc())
    if state != "valid":
        # Old posters stay on walls: say so plainly instead of showing an error.
        status = 200 if state == "not_yet" else 410
        return render_template("events/public_invalid.html", reason=state, code=code), status
    if code.kind == CHECKIN:
        # The registrations feature owns the quick form; events only hands the phone over.
        return redirect(url_for("checkin.public.form", token=token))
    desk = code.desk
    return render_template("events/public_guide.html", desk=desk, event=desk.event, code=code)


@bp.get("/qr/<token>.<fmt>")
def code_image(token: str, fmt: str):
    if fmt not in qr.FORMATS:
        abort(404)
    url = qr.code_url(token)
    found = qr.cached(url, fmt)
    if found is None:
        if desks.find_code(token) is None:
            abort(404)
        found = qr.image(url, fmt)  # kept for every later request by the request's commit
    return image_response(found, fmt)


def image_response(found: tuple[bytes, str], fmt: str) -> Response:
    """Answer with a QR image kept for a day, conditional on its ETag, downloadable by name."""
    content, etag = found
    response = Response(content, mimetype=qr.FORMATS[fmt])
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = IMAGE_MAX_AGE
    if request.args.get("download"):
        kind = request.args.get("name", "ma-qr")
        safe = "".join(c for c in kind if c.isalnum() or c in "-_")[:60] or "ma-qr"
        response.headers["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response.make_conditional(request)
