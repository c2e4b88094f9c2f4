"""Accounts: the three test users, any other user, and signing in from a test client or a page."""

from __future__ import annotations

import re

import factory

from fieldops.auth import services as accounts
from fieldops.auth.models import ORGANIZER, TEAM_LEAD, VOLUNTEER, User
from fieldops.demo import DEMO_USERS

PASSWORD = "matkhau-123"
#: (username, password) of the demo accounts, for the browser tests on the demo data
DEMO_ADMIN, DEMO_TEAM_LEAD, DEMO_VOLUNTEER = ((user[0], user[4]) for user in DEMO_USERS[:3])


class UserFactory(factory.Factory):
    """An account made by accounts.create_user (free username and phone, hashed password)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Người Dùng {n}")
    password = PASSWORD
    role = VOLUNTEER
    phone = factory.Sequence(lambda n: f"0913{n:06d}")

    @classmethod
    def _create(cls, model_class, **kwargs) -> User:
        return accounts.create_user(**kwargs)


def users() -> dict[str, User]:
    """Create an organizer, a team lead and a volunteer."""
    return {
        ORGANIZER: UserFactory(username="toch", full_name="Phạm Tổ Chức", role=ORGANIZER,
                               phone="0912000001"),
        TEAM_LEAD: UserFactory(username="doan1", full_name="Võ Trưởng Đoàn", role=TEAM_LEAD,
                               phone="0912000002"),
        VOLUNTEER: UserFactory(username="tnv1", full_name="Đặng Tình Nguyện", role=VOLUNTEER,
                               phone="0912000003"),
    }


def sign_in(client, username: str, password: str = PASSWORD):
    """Sign a test client in through the sign-in form."""
    response = client.post("/sign-in", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def sign_in_page(page, username: str, password: str) -> None:
    """Fill in and send the sign-in form in a browser page (whatever the answer)."""
    page.goto("/sign-in")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit].primary").click()


def signed_in(app, username: str):
    """Return a test client of `app` signed in as `username` (password PASSWORD)."""
    client = app.test_client()
    sign_in(client, username)
    return client


def signed_in_page(page, who: tuple[str, str] = DEMO_ADMIN):
    """Sign a browser page in as `who` (username, password); return it once on the home page."""
    from playwright.sync_api import expect  # only the browser tests need Playwright

    sign_in_page(page, *who)
    expect(page).to_have_url(re.compile(r"/$"))
    return page
