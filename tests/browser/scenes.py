"""What the browser tests serve: the demo data in an instance folder and SQLite file of their
own, plus what a test module adds (a campaign running today, its event and desk, a team).

The session's live server (conftest) serves the demo as it is; a module whose pages need a
campaign that runs today builds it on its own copy, so that its rows never meet the others'.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

SECRET_KEY = "browser-test-secret-key-not-for-production"


class QuietHandler(WSGIRequestHandler):
    """Log server errors only: one line per request would drown the test output."""

    def log_request(self, code="-", size="-") -> None:
        if str(code).startswith("5"):
            super().log_request(code, size)


def demo_app(instance: Path, database: str, **config):
    """Return an app on `instance` and a SQLite file there, holding the demo data (`config`
    adds to the app's settings)."""
    from fieldops import create_app
    from fieldops.db import db
    from fieldops.demo import load_demo

    with pytest.MonkeyPatch.context() as patch:
        # create_app reads the instance folder from the environment; put it back afterwards.
        patch.setenv("FIELDOPS_INSTANCE_PATH", str(instance))
        patch.delenv("DATABASE_URL", raising=False)
        app = create_app({"SECRET_KEY": SECRET_KEY, "RATELIMIT_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / database}",
                          **config})
    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
    return app


@contextmanager
def served(app, wsgi=None) -> Iterator[str]:
    """Serve `app` (through `wsgi`, a middleware around it, if given) on 127.0.0.1; yield its
    base URL; stop it and close its database connections afterwards."""
    from fieldops.db import db

    server = make_server("127.0.0.1", 0, wsgi or app, threaded=True,
                         request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()  # closes the listening socket: no ResourceWarning
        with app.app_context():
            db.engine.dispose()


def nhon_trach():
    """Return the demo's commune of Nhơn Trạch (inside an app context)."""
    from fieldops.areas.models import Area
    from fieldops.db import db

    return db.session.execute(db.select(Area).filter_by(
        level="commune", name="Nhơn Trạch")).scalar_one()


def running_campaign(title: str, services: Iterable[str]):
    """Return a campaign over Nhơn Trạch running today, offering the services named by code."""
    from tests.factories.campaigns import CampaignFactory, services_by_code

    by_code = services_by_code()
    return CampaignFactory(running=True, title=title, communes=[nhon_trach()],
                           services=[by_code[code] for code in services])


def desk_today(campaign, *, event_title: str, table_label: str, services: Iterable[str],
               staff: list, venue_name: str = "UBND xã"):
    """Return a desk of the police at an event of the campaign held today."""
    from tests.factories.campaigns import services_by_code
    from tests.factories.events import HelpDeskFactory, LaunchEventFactory

    by_code = services_by_code()
    event = LaunchEventFactory(campaign=campaign, today=True, title=event_title,
                               venue_name=venue_name)
    return HelpDeskFactory(event=event, organisation="Công an xã", table_label=table_label,
                           services=[by_code[code] for code in services], staff=staff)


def demo_user(username: str):
    """Return a demo account by its username (inside an app context)."""
    from fieldops.auth.models import User
    from fieldops.db import db

    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
