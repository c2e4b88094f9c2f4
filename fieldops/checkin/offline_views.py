"""The installable field app: its service worker, manifest, the pages it keeps for the day."""

from __future__ import annotations

from pathlib import Path

from blinker import Namespace
from flask import current_app, jsonify, render_template, url_for
from flask_login import current_user

from fieldops.checkin import access
from fieldops.checkin.views import bp
from fieldops.clock import local_today

#: sent with user= and day= when a phone asks for its day's pages; each receiver (a feature
#: after check-in: the drive's member list and visit forms) returns the URLs it adds, its
#: static files (under /static/) among them
offline_pages_wanted = Namespace().signal("offline-pages-wanted")


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker that keeps the app's pages and sends the outbox."""
    # Served from the root, not /static/, so that its scope covers every page of the app.
    # Read whole (a few KB), not streamed from an open file: a browser often drops its update
    # check half-way, which left the file handle open until garbage collection.
    body = (Path(current_app.static_folder) / "js" / "sw.js").read_bytes()
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """Describe the installable app (name, icon, start page) to the phone."""
    response = current_app.response_class(
        render_template("checkin/manifest.webmanifest"), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/checkin/offline")
def offline():
    """Render the page shown for an app page that was not kept for offline use."""
    return render_template("checkin/offline.html")


@bp.get("/checkin/offline-pages")
def offline_pages():
    """List the pages a volunteer needs today without network: the shell, desks, forms."""
    pages = [url_for(".offline")]
    if current_user.is_authenticated:
        pages.append(url_for(".desks"))
        today = local_today()
        events: set[int] = set()
        for desk in access.staffed_desks(current_user):
            if desk.event.event_date != today:
                continue  # only today's desks: less to download and less kept on the phone
            pages += [url_for(".queue", desk_id=desk.id), url_for(".walk_in", desk_id=desk.id)]
            events.add(desk.event_id)
        # The reception counter of the events those desks are at.
        pages += [url_for("events.reception", event_id=e) for e in sorted(events)]
        for team in access.user_teams(current_user):
            if access.hamlets_today(team, today):
                pages.append(url_for(".door", team_id=team.id))
    static = [url_for("static", filename=name) for name in (
        "css/app.css", "css/checkin.css", "js/app.js", "js/outbox.js", "js/offline.js",
        "js/outbox-bar.js", "js/outbox-page.js", "js/checkin.js", "js/live.js",
        "js/events-reception.js")]
    if current_user.is_authenticated:
        for _receiver, more in offline_pages_wanted.send(
                user=current_user._get_current_object(), day=local_today()):
            for url in more or ():
                (static if url.startswith("/static/") else pages).append(url)
    response = jsonify(pages=pages, static=static, day=local_today().isoformat())
    response.headers["Cache-Control"] = "no-store"
    return response
