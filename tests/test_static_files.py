"""Static files on weak 4G: compressed, cached for a year under hashed names, no other host."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from fieldops import create_app
from tests.factories.auth import DEMO_ADMIN, sign_in

HASHED = re.compile(r'(?:href|src)="(/(?:static|vendor/leaflet)/[^"]+\.[0-9a-f]{12}\.\w+)"')
YEAR = 365 * 24 * 3600


def _linked(page: str) -> list[str]:
    return HASHED.findall(page)


def test_pages_link_hashed_static_files_cached_for_a_year(client):
    page = client.get("/sign-in").get_data(as_text=True)
    links = _linked(page)
    assert any(re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", u) for u in links), links
    assert 'href="/static/css/app.css"' not in page
    for url in links:
        with client.get(url, headers={"Accept-Encoding": "br, gzip"}) as response:
            assert response.status_code == 200, url
            cache = response.headers["Cache-Control"]
            assert "immutable" in cache
            assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= YEAR


def test_static_files_are_sent_compressed_to_phones_that_accept_it(client):
    url = next(u for u in _linked(client.get("/sign-in").get_data(as_text=True))
               if "/css/app." in u)
    with client.get(url) as plain:
        original = plain.data
        assert b"font-family" in original and "Content-Encoding" not in plain.headers
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as zipped:
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in zipped.headers["Vary"]
        assert gzip.decompress(zipped.data) == original and len(zipped.data) < len(original) / 2
    with client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"}) as squeezed:
        assert squeezed.headers["Content-Encoding"] == "br"
        assert brotli.decompress(squeezed.data) == original


def test_leaflet_on_the_map_is_hashed_compressed_and_deferred(app, client, demo):
    from fieldops.campaigns.models import Campaign
    from fieldops.db import db

    with app.app_context():
        campaign_id = db.session.execute(
            db.select(Campaign.id).filter_by(plan_number="63/KH-UBND")).scalar_one()
    sign_in(client, *DEMO_ADMIN)
    page = client.get(f"/campaigns/{campaign_id}/map").get_data(as_text=True)
    script = re.search(r'<script([^>]*) src="(/vendor/leaflet/leaflet\.[0-9a-f]{12}\.js)"', page)
    assert script and "defer" in script.group(1), "Leaflet must not block the page"
    # The hamlets are asked for while Leaflet arrives, not after it.
    assert (f'<link rel="preload" href="/campaigns/{campaign_id}/map.geojson" as="fetch"'
            in page)
    with client.get(script.group(2), headers={"Accept-Encoding": "br"}) as leaflet:
        assert leaflet.headers["Content-Encoding"] == "br"
        assert len(leaflet.data) < 60_000  # 147 KB as it is
    # Leaflet's CSS asks for its images by their plain names: still served.
    with client.get("/vendor/leaflet/images/layers.png") as image:
        assert image.status_code == 200


def test_a_changed_file_gets_a_new_name(tmp_path, monkeypatch):
    import fieldops

    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    real = fieldops.resource_dir
    monkeypatch.setattr(fieldops, "resource_dir",
                        lambda name: static if name == "static" else real(name))
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path / "instance"))
    names = []
    for colour in ("red", "blue"):
        (static / "css" / "app.css").write_text(f"body {{ color: {colour}; }}\n" * 40)
        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://",
                          "STATIC_BUILD_DIR": str(tmp_path / "build")})
        with app.test_request_context():
            from flask import url_for

            names.append(url_for("static", filename="css/app.css"))
        with app.test_client().get(names[-1]) as response:
            assert colour.encode() in response.data
    assert names[0] != names[1]


def test_static_hashed_off_serves_files_as_they_are(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "STATIC_HASHED": False})
    page = app.test_client().get("/sign-in").get_data(as_text=True)
    assert 'href="/static/css/app.css"' in page


def test_favicon_is_linked_and_served(client):
    page = client.get("/sign-in").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.svg", icon)
    with client.get(icon) as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data
    # Browsers that ask for /favicon.ico whatever the page says are sent to the same icon.
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.headers["Location"] == icon


@pytest.mark.parametrize("path", ["/sign-in", "/campaigns/{campaign}/map"])
def test_no_page_names_another_host_by_default(app, client, demo, path):
    from fieldops.campaigns.models import Campaign
    from fieldops.db import db

    assert app.config["MAP_TILES_URL"] == ""  # the default: no tiles, no tile server
    with app.app_context():
        campaign_id = db.session.execute(
            db.select(Campaign.id).filter_by(plan_number="63/KH-UBND")).scalar_one()
    sign_in(client, *DEMO_ADMIN)
    page = client.get(path.format(campaign=campaign_id)).get_data(as_text=True)
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", page), path
    assert "L.tileLayer" not in page
