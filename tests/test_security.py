"""What every answer tells the browser (headers, cookies, sessions); answers that leak nothing."""

from __future__ import annotations

import re

import pytest

from fieldops.db import db
from tests.factories.auth import PASSWORD, UserFactory, sign_in, signed_in
from tests.factories.checkin import checkin_data, recorded

HTTPS = "https://fieldops.example.gov.vn"


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split("; ")}


def _cookie(response, name: str) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    assert cookies, f"no {name} cookie set"
    return cookies[-1]


def test_csp_allows_only_our_own_scripts_and_styles(client):
    policy = _csp(client.get("/sign-in"))
    assert policy["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w-]{32}'", policy["script-src"])
    assert policy["style-src"] == "'self'"
    assert "unsafe-inline" not in client.get("/sign-in").headers["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["form-action"] == "'self'"


def test_the_map_pages_inline_script_carries_the_requests_nonce(app, organizer, demo):
    from fieldops.campaigns.models import Campaign

    with app.app_context():
        campaign_id = db.session.execute(db.select(Campaign.id)).scalars().first()
    for url in (f"/campaigns/{campaign_id}/map", f"/campaigns/{campaign_id}/progress-map"):
        response = organizer.get(url)
        assert response.status_code == 200, url
        nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"])[1]
        html = response.get_data(as_text=True)
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
        assert not re.search(r"\sstyle=|\son[a-z]+=", html)  # no inline style or handler
    # A second answer gets another nonce: a script copied from one page runs on no other.
    again = organizer.get(f"/campaigns/{campaign_id}/map").headers["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in again


def test_map_tiles_host_is_allowed_as_images_only_when_configured(app, client):
    assert _csp(client.get("/sign-in"))["img-src"] == "'self' data:"
    app.config["MAP_TILES_URL"] = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    policy = _csp(client.get("/sign-in"))
    assert policy["img-src"] == "'self' data: https://*.tile.openstreetmap.org"
    assert policy["connect-src"] == "'self'"


def test_pages_may_not_be_framed_by_another_site(client):
    assert client.get("/sign-in").headers["X-Frame-Options"] == "SAMEORIGIN"


def test_content_types_are_not_sniffed(client):
    assert client.get("/sign-in").headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/sign-in").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app[^"]*\.css)"', page)[1]
    static = client.get(css)
    assert static.status_code == 200
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    static.close()


def test_referrer_policy_sends_only_the_origin_elsewhere(client):
    assert client.get("/sign-in").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url=HTTPS)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_session_cookie_is_secure_over_https_and_plain_http_still_signs_in(client, users):
    # The demo on http://127.0.0.1:5000 and a trial on a commune's network must still let
    # you sign in: a browser refuses a Secure cookie over plain http.
    for base in ("http://127.0.0.1:5000", "http://localhost", "http://192.168.1.20:8000"):
        response = client.get("/sign-in", base_url=base)
        assert "Secure" not in _cookie(response, "session"), base
    for base in (HTTPS, "https://192.168.1.20:8443"):
        response = client.get("/sign-in", base_url=base)
        cookie = _cookie(response, "session")
        assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, base


@pytest.mark.parametrize("setting, secure", [(True, True), (False, False)])
def test_session_cookie_secure_setting_overrides_the_guess(app, client, setting, secure):
    app.config["SESSION_COOKIE_SECURE"] = setting
    response = client.get("/sign-in", base_url="http://127.0.0.1:5000")
    assert ("; Secure" in _cookie(response, "session")) is secure


def test_remember_cookie_is_lax_httponly_and_secure_over_https(client, users):
    response = client.post("/sign-in", base_url=HTTPS, data={
        "username": users["volunteer"], "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    remember = _cookie(response, "remember_token")
    assert "SameSite=Lax" in remember and "HttpOnly" in remember and "; Secure" in remember
    assert "; Secure" in _cookie(response, "session")


def test_remember_cookie_not_secure_on_the_local_demo(client, users):
    response = client.post("/sign-in", base_url="http://127.0.0.1:5000", data={
        "username": users["volunteer"], "password": PASSWORD, "remember": "y"})
    remember = _cookie(response, "remember_token")
    assert "SameSite=Lax" in remember and "Secure" not in remember


def test_proxy_fix_trusts_the_proxys_https_and_client_address(app):
    from fieldops import create_app

    proxied = create_app({**app.config, "PROXY_FIX": 1})
    client = proxied.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "fieldops.example.gov.vn",
               "X-Forwarded-For": "203.0.113.7"}
    response = client.get("/sign-in", base_url="http://127.0.0.1:8000", headers=headers)
    assert "; Secure" in _cookie(response, "session")
    assert "Strict-Transport-Security" in response.headers
    # Without PROXY_FIX the same headers are not believed for the cookie.
    plain = app.test_client().get("/sign-in", base_url="http://127.0.0.1:8000", headers=headers)
    assert "Secure" not in _cookie(plain, "session")
    with proxied.app_context():
        db.engine.dispose()


def test_a_copied_session_cookie_stops_working_after_sign_out(app, users):
    browser = app.test_client()
    sign_in(browser, users["volunteer"])
    copy = app.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)
    assert copy.get("/campaigns").status_code == 200  # the copy works while signed in
    browser.post("/sign-out")
    assert copy.get("/campaigns").status_code == 302
    assert "/sign-in" in copy.get("/campaigns").headers["Location"]
    # Signing in again starts a new session that works.
    sign_in(browser, users["volunteer"])
    assert browser.get("/campaigns").status_code == 200


def test_a_copied_remember_cookie_stops_working_after_sign_out(app, users):
    browser = app.test_client()
    browser.post("/sign-in", data={"username": users["volunteer"], "password": PASSWORD,
                                   "remember": "y"})
    copy = app.test_client()
    copy.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    assert copy.get("/campaigns").status_code == 200
    browser.post("/sign-out")
    copy.delete_cookie("session")
    assert copy.get("/campaigns").status_code == 302


def test_head_of_the_citizen_form_answers_like_get_without_a_body(client, scene):
    get = client.get(f"/checkin/{scene.token}")
    head = client.head(f"/checkin/{scene.token}")
    assert get.status_code == head.status_code == 200
    assert head.get_data() == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert client.head("/checkin/khong-co-ma-nay").status_code == 404


def test_record_page_says_404_for_a_hidden_record_as_for_a_missing_one(app, users, scene):
    client = app.test_client()
    with app.app_context():
        door = recorded(scene, "tnv1", 1, hamlet="Chợ")
        UserFactory(username="tnv9", full_name="Người Ngoài", role="volunteer",
                    phone="0912000099")
        db.session.commit()
    queued = client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    assert queued.status_code == 302
    with app.app_context():
        from fieldops.checkin.models import Registration

        at_desk = db.session.execute(db.select(Registration.id).where(
            Registration.desk_id == scene.desk_id)).scalar_one()
    stranger = signed_in(app, "tnv9")
    for registration_id in (door, at_desk, 999999):
        response = stranger.get(f"/checkin/registrations/{registration_id}/record")
        assert response.status_code == 404, registration_id
    # Those who may see a record still get where they used to.
    staff = signed_in(app, "tnv1")
    assert staff.get(f"/checkin/registrations/{door}/record").status_code == 302
    assert staff.get(f"/checkin/registrations/{at_desk}/record").status_code == 200
