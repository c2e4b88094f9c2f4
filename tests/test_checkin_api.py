"""Check-in: the device API and its OpenAPI document, tokens, and the door-to-door team flow."""

from __future__ import annotations

from fieldops.auth.models import User
from fieldops.checkin.devices import issue_token
from fieldops.checkin.models import DeviceToken, RefusedSubmission, Registration
from fieldops.db import db
from tests.factories.auth import sign_in
from tests.factories.checkin import (
    CCCD_1985,
    CCCD_2003,
    checkin_data,
    record_data,
    sid,
)


def token_for(app, username: str) -> str:
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
        _token, secret = issue_token(user, "Điện thoại bàn 1")
        db.session.commit()
        return secret


def body(scene, **overrides) -> dict:
    data = {"submission_id": sid(), "desk_id": scene.desk_id, "full_name": "Nguyễn Văn An",
            "phone": "0987654321", "hamlet_id": scene.hamlets["Chợ"], "citizen_id": CCCD_1985,
            "birth_year": 1985, "consent": True,
            "outcomes": [{"service_code": "eid_level2", "outcome": "done"}]}
    data.update(overrides)
    return data


def test_post_is_idempotent_and_reads_back_masked(app, client, users, scene):
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    payload = body(scene)
    first = client.post("/api/registrations", json=payload, headers=headers)
    assert first.status_code == 201, first.json
    again = client.post("/api/registrations", json=payload, headers=headers)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    record = client.get(f"/api/registrations/{first.json['id']}", headers=headers).json
    assert record["citizen_id_masked"] == "********1234" and CCCD_1985 not in str(record)
    assert record["services"][0]["outcome"] == "done"
    duplicate = client.post("/api/registrations", json=body(scene), headers=headers)
    assert duplicate.status_code == 409 and duplicate.json["existing"]["id"] == first.json["id"]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Registration.id))).scalar_one() == 1
        token = db.session.execute(db.select(DeviceToken)).scalar_one()
        assert token.last_used_at is not None and token.token_hash != headers["Authorization"]


def test_queue_and_errors_are_json_in_vietnamese(app, client, users, scene):
    client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    queue = client.get(f"/api/desks/{scene.desk_id}/queue", headers=headers).json
    assert [r["queue_number"] for r in queue["queue"]] == [1]
    assert client.get(f"/api/desks/{scene.other_desk_id}/queue",
                      headers=headers).status_code == 403
    assert client.get("/api/registrations/1").json["error"].startswith("Thiếu mã thiết bị")
    bad = {
        "citizen_id": ("P1234567", "Hộ chiếu"),
        "phone": ("0123456789", "không phải số di động Việt Nam"),
        "consent": (False, "đồng ý"),
        "full_name": ("<script>x</script>", "Họ tên chỉ gồm"),
    }
    for key, (value, message) in bad.items():
        response = client.post("/api/registrations", json=body(scene, **{key: value}),
                               headers=headers)
        assert response.status_code == 422 and message in response.json["error"], key
    huge = client.post("/api/registrations", data="x" * (5 * 1024 * 1024), headers={
        **headers, "Content-Type": "application/json"})
    assert huge.status_code == 413 and "quá lớn" in huge.json["error"]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Registration.id))).scalar_one() == 1


def test_another_desk_is_refused_and_stored_and_revoked_tokens_stop(app, client, users, scene):
    secret = token_for(app, "tnv1")
    headers = {"Authorization": f"Bearer {secret}"}
    payload = body(scene, desk_id=scene.other_desk_id,
                   outcomes=[{"service_code": "digital_signature", "outcome": "done"}])
    response = client.post("/api/registrations", json=payload, headers=headers)
    assert response.status_code == 403 and response.json["refused"] == "wrong_desk"
    with app.app_context():
        refusal = db.session.execute(db.select(RefusedSubmission)).scalar_one()
        assert CCCD_1985 not in refusal.payload and "********1234" in refusal.payload
        token_id = db.session.execute(db.select(DeviceToken.id)).scalar_one()
    web = app.test_client()
    sign_in(web, "tnv1")
    assert web.post(f"/checkin/devices/{token_id}/revoke").status_code == 302
    again = client.get(f"/api/desks/{scene.desk_id}/queue", headers=headers)
    assert again.status_code == 401 and "thu hồi" in again.json["error"]


def test_device_page_shows_a_new_token_once(app, users):
    web = app.test_client()
    sign_in(web, "tnv1")
    page = web.post("/checkin/devices", data={"label": "Máy bàn 1"}).get_data(as_text=True)
    assert "fo_" in page
    assert "fo_" not in web.get("/checkin/devices").get_data(as_text=True).replace(
        "<code>fo_", "")  # only the prefix is shown later


def test_openapi_matches_the_routes(app, client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):  # every API route, whichever feature serves it
            path = rule.rule.replace("<int:", "{").replace(">", "}")
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routes


def test_team_door_record_takes_the_hamlet_from_todays_assignment(app, users, scene):
    web = app.test_client()
    sign_in(web, "tnv1")
    page = web.get(f"/checkin/door?team_id={scene.team_id}").get_data(as_text=True)
    assert "Ghi nhận tại nhà" in page and "Ấp Chợ" in page and "Ấp Trâu" not in page
    elsewhere = web.post(f"/checkin/door?team_id={scene.team_id}",
                         data=record_data(scene, hamlet_id=str(scene.hamlets["Trâu"])))
    assert elsewhere.status_code == 422
    response = web.post(f"/checkin/door?team_id={scene.team_id}", data=record_data(scene))
    assert response.status_code == 302
    lead = app.test_client()
    sign_in(lead, "doan1")
    assert "Nguyễn Văn An" in lead.get("/registrations").get_data(as_text=True)
    with app.app_context():
        registration = db.session.execute(db.select(Registration)).scalar_one()
        assert (registration.source, registration.team_id, registration.hamlet.name) == (
            "door", scene.team_id, "Chợ")


def test_team_record_through_the_api(app, client, users, scene):
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    payload = body(scene, desk_id=None, team_id=scene.team_id, citizen_id=CCCD_2003,
                   birth_year=2003)
    assert client.post("/api/registrations", json=payload, headers=headers).status_code == 201
    wrong = body(scene, desk_id=None, team_id=scene.team_id, hamlet_id=scene.hamlets["Trâu"])
    response = client.post("/api/registrations", json=wrong, headers=headers)
    assert response.status_code == 422 and "phân công" in response.json["error"]
