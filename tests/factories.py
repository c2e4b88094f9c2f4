"""Small builders for test data."""

from __future__ import annotations

from datetime import date

from fieldops.areas import services as areas
from fieldops.areas.models import COMMUNE, HAMLET, PROVINCE, Area
from fieldops.auth import services as accounts
from fieldops.auth.models import ORGANIZER, TEAM_LEAD, VOLUNTEER, User
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign

PASSWORD = "matkhau-123"


def users() -> dict[str, User]:
    """Create an organizer, a team lead and a volunteer."""
    return {
        ORGANIZER: accounts.create_user("toch", "Phạm Tổ Chức", PASSWORD, ORGANIZER, "0912000001"),
        TEAM_LEAD: accounts.create_user("doan1", "Võ Trưởng Đoàn", PASSWORD, TEAM_LEAD,
                                        "0912000002"),
        VOLUNTEER: accounts.create_user("tnv1", "Đặng Tình Nguyện", PASSWORD, VOLUNTEER,
                                        "0912000003"),
    }


def sign_in(client, username: str, password: str = PASSWORD):
    """Sign a test client in through the sign-in form."""
    response = client.post("/sign-in", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def commune_with_hamlets(province: str = "Đồng Nai", commune: str = "Nhơn Trạch",
                         hamlets: tuple[str, ...] = ("Chợ", "Trâu", "Phước Mỹ")) -> Area:
    """Create a province, a commune and its hamlets (kind ấp)."""
    top = areas.save_area(None, level=PROVINCE, name=province)
    place = areas.save_area(None, level=COMMUNE, name=commune, parent=top,
                            population_14plus=9000)
    for index, name in enumerate(hamlets):
        areas.save_area(None, level=HAMLET, name=name, kind="ap", parent=place,
                        population_14plus=1000 + index)
    return place


def campaign(communes: list[Area] | None = None, start: date = date(2025, 10, 10),
             end: date = date(2025, 11, 8)) -> Campaign:
    """Create a campaign over the given communes."""
    return campaigns.save_campaign(None, title="Chiến dịch thử", start_date=start, end_date=end,
                                   plan_number="63/KH-UBND", communes=communes or [])
