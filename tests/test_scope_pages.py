"""What a commune organizer found walking the pages: the hamlet map's boundary-import links, the
targets' history, the home page's deadline boards and the places' breadcrumbs keep to the area,
and no button leads them to a page that answers 404; a shared campaign's phases need every
commune to change."""

from __future__ import annotations

import re
from datetime import time, timedelta

from fieldops.accountability import duties, units
from fieldops.accountability.duty_models import COMMUNE, DAILY, ReportingUnit
from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.reports import targets
from fieldops.teams.models import Team
from tests.factories.auth import UserFactory, signed_in
from tests.factories.teams import MemberFactory, OrganisationFactory
from tests.test_scope import WHO, World, world  # noqa: F401


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _clients(app) -> dict:
    return {who: signed_in(app, name) for who, name in WHO.items()}


def test_hamlet_map_offers_boundary_files_of_the_area_only(app, world):  # noqa: F811
    seen = {}
    for who, client in _clients(app).items():
        html = _html(client, f"/campaigns/{world.shared}/map")
        seen[who] = {place for place, area_id in (("nt", world.nhon_trach),
                                                  ("lt", world.long_tan))
                     if f"/areas/{area_id}/shapes" in html}
    assert seen == {"toch": {"nt", "lt"}, "tinh": {"nt", "lt"}, "xa": {"nt"}}


def test_targets_history_holds_the_changes_of_the_area(app, world):  # noqa: F811
    with app.app_context():
        campaign = db.session.get(Campaign, world.shared)
        toch = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        phase = campaign.phases[0]
        for area_id, reason in ((world.nhon_trach, "Giao cho Nhơn Trạch"),
                                (world.long_tan, "Giao cho Long Tân")):
            targets.set_target(phase, 100, user=toch, area=db.session.get(Area, area_id),
                               reason=reason)
        db.session.commit()
        phase_id = phase.id
    seen = {}
    for who, client in _clients(app).items():
        html = _html(client, f"/campaigns/{world.shared}/targets?phase={phase_id}")
        seen[who] = ("Giao cho Nhơn Trạch" in html, "Giao cho Long Tân" in html)
    assert seen == {"toch": (True, True), "tinh": (True, True), "xa": (True, False)}


def test_home_boards_are_those_of_the_area(app, world):  # noqa: F811
    with app.app_context():
        toch = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        only = db.session.get(Campaign, world.long_tan_only)
        only.start_date, only.end_date = local_today() - timedelta(days=1), local_today()
        shared_duty = duties.save_duty(db.session.get(Campaign, world.shared), None,
                                       title="Báo cáo chung", frequency=DAILY,
                                       unit_kind=COMMUNE, deadline=time(17), user=toch)
        only_duty = duties.save_duty(only, None, title="Báo cáo riêng Long Tân",
                                     frequency=DAILY, unit_kind=COMMUNE, deadline=time(17),
                                     user=toch)
        db.session.commit()
        ids = shared_duty.id, only_duty.id
    seen, owed = {}, {}
    for who, client in _clients(app).items():
        html = _html(client, "/")
        seen[who] = {i for i in ids if f'data-board="{i}"' in html}
        card = re.search(rf'data-board="{ids[0]}">(.*?)</a>', html, re.S).group(1)
        owed[who] = int(re.search(r"chưa nộp (\d+)", card).group(1))
    assert seen == {"toch": set(ids), "tinh": set(ids), "xa": {ids[0]}}
    # The shared campaign's board counts the units the organizer sees: Nhơn Trạch alone.
    assert owed == {"toch": 2, "tinh": 2, "xa": 1}


def test_places_pages_link_only_what_opens(app, world):  # noqa: F811
    clients = _clients(app)
    crumbs = {who: f'href="/areas/{world.dong_nai}"' in _html(c, f"/areas/{world.nhon_trach}")
              for who, c in clients.items()}
    assert crumbs == {"toch": True, "tinh": True, "xa": False}
    # The province above stays named, as plain text.
    assert "Tỉnh Đồng Nai" in _html(clients["xa"], f"/areas/{world.nhon_trach}")
    add_province = {who: "/areas/new?level=province" in _html(c, "/areas/")
                    for who, c in clients.items()}
    assert add_province == {"toch": True, "tinh": False, "xa": False}


def test_phases_of_a_shared_campaign_need_every_commune(app, world):  # noqa: F811
    """Deleting a phase drops every commune's targets and rankings of it: a commune organizer
    of a shared campaign sees the phases but neither changes nor adds one."""
    with app.app_context():
        phase_id = db.session.get(Campaign, world.shared).phases[0].id
    clients = _clients(app)
    base = f"/campaigns/{world.shared}"
    offered = {who: f"{base}/phases/{phase_id}/edit" in _html(c, base)
               for who, c in clients.items()}
    assert offered == {"toch": True, "tinh": True, "xa": False}
    xa = clients["xa"]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      _html(xa, f"/campaigns/{world.shared}/tasks/new")).group(1)
    assert xa.get(f"{base}/phases/{phase_id}/edit").status_code == 404
    assert xa.post(f"{base}/phases/{phase_id}/edit", data={
        "csrf_token": token, "name": "Đổi tên", "start_date": "01/01/2025",
        "end_date": "02/01/2025"}).status_code == 404
    assert xa.post(f"{base}/phases/{phase_id}/delete",
                   data={"csrf_token": token}).status_code == 404
    assert xa.post(f"{base}/phases", data={
        "csrf_token": token, "name": "Thêm", "start_date": "01/01/2025",
        "end_date": "02/01/2025"}).status_code == 404
    with app.app_context():
        assert [p.name for p in db.session.get(Campaign, world.shared).phases] == ["Giai đoạn 1"]
    # The province holds both communes: it still changes them.
    assert clients["tinh"].get(f"{base}/phases/{phase_id}/edit").status_code == 200


def test_people_pickers_offer_the_accounts_and_members_of_the_area(app, world):  # noqa: F811
    """The reporting units' account picker and the task form's people and organisations: a
    commune's office account (no area of its own) is offered by the unit it reports for."""
    with app.app_context():
        toch = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        campaign = db.session.get(Campaign, world.shared)
        duty = duties.save_duty(campaign, None, title="Báo cáo chung", frequency=DAILY,
                                unit_kind=COMMUNE, deadline=time(17), user=toch)
        by_area = {u.area_id: u for u in duties.units_of(campaign, COMMUNE)}
        for area_id, name in ((world.nhon_trach, "nt"), (world.long_tan, "lt")):
            units.attach_user(by_area[area_id], UserFactory(
                username=f"vanphong_{name}", full_name=f"Văn phòng {name.upper()}"))
        UserFactory(username="tnv_lt", full_name="Tình nguyện Long Tân", area_id=world.long_tan)
        lt_org = OrganisationFactory(name="Hội Phụ nữ Long Tân")
        stranger = MemberFactory(full_name="Người Long Tân", organisation=lt_org)
        outside = db.session.get(Team, world.outside_team)
        outside.members.append(stranger)
        db.session.commit()
        duty_id, nt_unit = duty.id, by_area[world.nhon_trach].id
        lt_office = db.session.execute(
            db.select(User.id).filter_by(username="vanphong_lt")).scalar_one()
    clients = _clients(app)
    names = ("Văn phòng NT", "Văn phòng LT", "Tình nguyện Long Tân", "Người Long Tân",
             "Hội Phụ nữ Long Tân")
    seen = {}
    for who, client in clients.items():
        picker = _html(client, f"/duties/{duty_id}/units")
        form = _html(client, f"/campaigns/{world.shared}/tasks/new")
        seen[who] = ({n for n in names[:3] if n in picker}, {n for n in names if n in form})
    assert seen["xa"] == ({"Văn phòng NT"}, {"Văn phòng NT"})
    for who in ("toch", "tinh"):
        assert seen[who] == (set(names[:3]), set(names)), who
    # Attaching an account from outside answers 404 and changes nothing.
    xa = clients["xa"]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      _html(xa, f"/duties/{duty_id}/units")).group(1)
    response = xa.post(f"/duties/{duty_id}/units/{nt_unit}/users",
                       data={"csrf_token": token, f"u{nt_unit}-user": lt_office})
    assert response.status_code == 404
    with app.app_context():
        attached = [u.username for u in db.session.get(ReportingUnit, nt_unit).users]
        assert attached == ["vanphong_nt"]


def test_the_live_ranking_gives_each_unit_its_rank_in_the_whole_campaign(app, world):
    toch = signed_in(app, "toch")
    for commune in (world.nhon_trach, world.long_tan):  # one result each: a tie, by name
        assert toch.post(f"/campaigns/{world.shared}/targets/set", data={
            "kind": "area", "unit": str(commune), "value": "50"}).status_code == 302
    xa = signed_in(app, "xa_nt").get(f"/campaigns/{world.shared}/ranking").get_data(as_text=True)
    assert re.search(r">2</td><td[^>]*>[^<]*</td><td[^>]*>Xã Nhơn Trạch<", xa)
    assert "Long Tân" not in xa
    whole = toch.get(f"/campaigns/{world.shared}/ranking").get_data(as_text=True)
    assert re.search(r">1</td><td[^>]*>[^<]*</td><td[^>]*>Xã Long Tân<", whole)


def test_an_organizer_cannot_delete_their_own_area(app, world):
    xa = signed_in(app, "xa_nt")
    page = xa.get(f"/areas/{world.nhon_trach}").get_data(as_text=True)
    assert f"/areas/{world.nhon_trach}/delete" not in page
    refused = xa.post(f"/areas/{world.nhon_trach}/delete", follow_redirects=True)
    assert "Không thể xóa địa bàn của chính mình" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Area, world.nhon_trach) is not None
    home = xa.get("/").get_data(as_text=True)
    assert "tỉnh/thành phố" not in home  # nothing above their commune to count
