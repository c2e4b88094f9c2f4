"""The read-only API for integrations: campaigns, progress per unit, teams; token, paging,
refusals in Vietnamese."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from fieldops.campaigns.models import Campaign
from fieldops.db import db
from tests.factories.accountability_duties import build_duty_scene
from tests.factories.auth import signed_in
from tests.test_checkin_api import token_for


@pytest.fixture
def duty_scene(app, users):
    return build_duty_scene(app)


def _get(client, headers, url, status=200):
    answer = client.get(url, headers=headers)
    assert answer.status_code == status, (url, answer.status_code, answer.json)
    return answer.json


def test_progress_reads_the_same_numbers_as_the_page(app, client, duty_scene):
    headers = {"Authorization": f"Bearer {token_for(app, 'toch')}"}
    campaign_id = duty_scene.campaign_id
    eid = f"service={duty_scene.eid}"  # the target is per service: 100 level-2 e-IDs
    places = _get(client, headers, f"/api/campaigns/{campaign_id}/progress?{eid}")
    assert places["phase_id"] == duty_scene.phase_id and places["level"] == "places"
    assert (places["elapsed_days"], places["phase_days"]) == (5, 10)
    nhon_trach = next(line for line in places["lines"] if line["label"] == "Xã Nhơn Trạch")
    # 4 results (3 today, 1 yesterday) against the commune's target of 100
    assert (nhon_trach["done"], nhon_trach["target"], nhon_trach["claimed"]) == (4, 100, 4)
    assert nhon_trach["drill"]["level"] == "commune"
    assert places["total"]["done"] == 4

    hamlets = _get(client, headers, f"/api/campaigns/{campaign_id}/progress"
                                    f"?level=commune&unit={nhon_trach['drill']['unit']}&{eid}")
    done = {line["label"]: line["done"] for line in hamlets["lines"]}
    assert done["Ấp Chợ"] == 3 and done["Ấp Trâu"] == 1
    assert hamlets["total"]["target"] == 100

    page = signed_in(app, "toch").get(
        f"/campaigns/{campaign_id}/progress?level=commune&unit={nhon_trach['drill']['unit']}")
    assert re.search(r"Ấp Chợ.*?>\s*3\s*<", page.get_data(as_text=True), re.S)


def test_campaigns_and_teams_are_paged_and_hide_phones(app, client, duty_scene):
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    with app.app_context():
        for n in range(3):
            db.session.add(Campaign(title=f"Chiến dịch phụ {n}", start_date=_day(n),
                                    end_date=_day(n + 30)))
        db.session.commit()
    first = _get(client, headers, "/api/campaigns?per_page=2")
    assert (first["page"], first["per_page"], first["total"], len(first["items"])) == (1, 2, 4, 2)
    rest = _get(client, headers, "/api/campaigns?per_page=2&page=2")
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert len(set(ids)) == 4
    campaign = next(c for c in first["items"] + rest["items"] if c["phases"])
    assert campaign["phases"][0]["name"] == "Cao điểm"
    assert {s["code"] for s in campaign["services"]} >= {"eid_level2"}
    assert _get(client, headers, f"/api/campaigns/{campaign['id']}") == campaign

    teams = _get(client, headers, f"/api/campaigns/{campaign['id']}/teams")
    assert teams["total"] == len(teams["items"]) >= 1
    team = teams["items"][0]
    assert team["assignments"] and team["assignments"][0]["hamlet"].startswith("Ấp ")
    assert "phone" not in str(teams)


def _day(offset: int) -> date:
    return date(2026, 1, 1) + timedelta(days=offset)


@pytest.mark.parametrize(("url", "status", "field"), [
    ("/api/campaigns?page=0", 422, "page"),
    ("/api/campaigns?per_page=101", 422, "per_page"),
    ("/api/campaigns?page=abc", 422, "page"),
    ("/api/campaigns?per-page=5", 422, "per-page"),
    ("/api/campaigns/{c}/progress?level=district", 422, "level"),
    ("/api/campaigns/{c}/progress?level=team", 422, "unit"),
    ("/api/campaigns/{c}/progress?level=team&unit=999999", 404, None),
    ("/api/campaigns/{c}/progress?phase=999999", 404, None),
    ("/api/campaigns/{c}/progress?service=999999", 404, None),
    ("/api/campaigns/999999/teams", 404, None),
    ("/api/campaigns/2147483648", 404, None),
])
def test_bad_queries_are_refused_in_vietnamese(app, client, duty_scene, url, status, field):
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    answer = client.get(url.format(c=duty_scene.campaign_id), headers=headers)
    assert answer.status_code == status
    if field:
        assert answer.json["field"] == field
        assert re.search(r"phải|cần|không được hỗ trợ", answer.json["error"]), answer.json
    else:
        assert re.search(r"[Kk]hông", answer.json["error"]), answer.json


def test_reads_need_a_device_token(app, client, duty_scene):
    answer = client.get("/api/campaigns")
    assert answer.status_code == 401 and "Authorization" in answer.json["error"]
    revoked = client.get("/api/campaigns", headers={"Authorization": "Bearer sai-ma"})
    assert revoked.status_code == 401
