"""Check-in: citizen ID rules, the citizen's QR form, queue numbers, resends and refusals."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from fieldops.areas.models import Area
from fieldops.checkin import citizen_id
from fieldops.checkin.models import RefusedSubmission, Registration, RegistrationChange
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.events.models import DeskCode
from tests.factories.areas import commune_with_hamlets
from tests.factories.campaigns import CampaignFactory
from tests.factories.checkin import (
    CCCD_1985,
    CCCD_2003,
    checkin_data,
    sid,
    today,
)


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


# --- citizen ID numbers -----------------------------------------------------------------------


def test_citizen_id_shape_province_and_birth_year():
    assert citizen_id.check_citizen_id("075 085 001 234", birth_year=1985) == CCCD_1985
    assert citizen_id.check_citizen_id(CCCD_2003, confirm="079-303-004-321") == CCCD_2003
    assert citizen_id.birth_year_of(CCCD_2003) == 2003
    assert citizen_id.mask("1234") == "********1234"
    cases = {
        "B1234567": "Hộ chiếu",                # a passport: letters
        "075085001": "CMND 9 số",              # the old 9-digit card
        "07508500123": "đúng 12 chữ số",       # 11 digits
        "003085001234": "Mã tỉnh 003",          # no province 003
        "075985001234": "năm sinh hợp lệ",     # born 2385
    }
    for raw, expected in cases.items():
        with pytest.raises(DomainError) as caught:
            citizen_id.check_citizen_id(raw, birth_year=1985)
        assert expected in str(caught.value.message), raw
    with pytest.raises(DomainError, match="không khớp năm sinh 1986"):
        citizen_id.check_citizen_id(CCCD_1985, birth_year=1986)
    with pytest.raises(DomainError) as caught:
        citizen_id.check_citizen_id(CCCD_1985)
    assert caught.value.field == "citizen_id_confirm"
    with pytest.raises(DomainError, match="không giống nhau"):
        citizen_id.check_citizen_id(CCCD_1985, confirm="075085001235")


# --- the citizen's form ------------------------------------------------------------------------


def test_form_shows_minimal_fields_and_unticked_consent(client, scene):
    page = client.get(f"/checkin/{scene.token}").get_data(as_text=True)
    assert "Đăng ký nhanh" in page and "Bàn 1 – Công an xã" in page
    assert 'name="consent"' in page and "checked" not in page.split('name="consent"')[1][:80]
    assert "chỉ để xếp lượt" in page  # the purpose is written beside the box
    assert 'name="citizen_id"' not in page  # not needed for a queue number
    assert "Ấp Chợ" in page and "Chữ ký số" not in page  # only this desk's services
    assert 'name="submission_id" type="hidden" value="' in page


def test_pre_register_gives_queue_numbers_and_resend_is_idempotent(app, client, scene):
    first = checkin_data(scene)
    response = client.post(f"/checkin/{scene.token}", data=first)
    assert response.status_code == 302
    ticket = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ">1<" in ticket and "Nguyễn Văn An" in ticket

    # The phone lost its connection and sends the same form again: same record, nothing new.
    again = client.post(f"/checkin/{scene.token}", data=first)
    assert again.headers["Location"] == response.headers["Location"]
    second = client.post(f"/checkin/{scene.token}",
                         data=checkin_data(scene, full_name="Trần Thị Bích"))
    assert second.status_code == 302
    with app.app_context():
        rows = db.session.execute(db.select(Registration).order_by(Registration.id)).scalars()
        rows = list(rows)
        assert [(r.full_name, r.queue_number, r.status) for r in rows] == [
            ("Nguyễn Văn An", 1, "waiting"), ("Trần Thị Bích", 2, "waiting")]
        assert rows[0].phone == "0987654321" and rows[0].consent_at is not None
        assert rows[0].citizen_id_hash is None


@pytest.mark.parametrize("name, status", [("Nguyễn Văn An", 302), ("Lê Văn Cường", 422)])
def test_a_resend_racing_the_first_copy_is_answered_as_a_replay(app, client, scene, monkeypatch,
                                                              name, status):
    from fieldops.checkin import prereg

    data = checkin_data(scene)
    stored = client.post(f"/checkin/{scene.token}", data=data)
    read = prereg.read_facts
    calls = []

    def read_before_the_first_copy_committed(tx, token, submission):
        facts = read(tx, token, submission)
        calls.append(facts)
        # The first read missed the other copy, which committed just after it.
        return facts._replace(earlier_desk_id=None, earlier_name=None, same_person=None) \
            if len(calls) == 1 else facts

    monkeypatch.setattr(prereg, "read_facts", read_before_the_first_copy_committed)
    response = client.post(f"/checkin/{scene.token}", data={**data, "full_name": name})
    assert len(calls) == 2  # the write hit the unique submission id; the retry read again
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"] == stored.headers["Location"]
    else:
        assert "đã được gửi cho một người khác" in response.get_data(as_text=True)
    # Nothing doubled, and the failed write gave back its queue number.
    client.post(f"/checkin/{scene.token}", data=checkin_data(scene, full_name="Trần Thị Bích"))
    with app.app_context():
        numbers = db.session.execute(
            db.select(Registration.queue_number).order_by(Registration.id)).scalars().all()
        assert numbers == [1, 2]


def test_same_submission_id_for_another_person_is_refused(client, scene):
    data = checkin_data(scene)
    client.post(f"/checkin/{scene.token}", data=data)
    response = client.post(f"/checkin/{scene.token}", data={**data, "full_name": "Lê Văn Cường"})
    assert response.status_code == 422
    assert "đã được gửi cho một người khác" in response.get_data(as_text=True)


def test_database_refuses_a_second_row_with_the_same_submission_id(app, scene):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        shared = sid()
        for name in ("A", "B"):
            db.session.add(Registration(submission_id=shared, campaign_id=scene.campaign_id,
                                        source="qr", full_name=name, name_folded=name.lower()))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("overrides, message", [
    ({"consent": ""}, "Cần đánh dấu đồng ý"),
    ({"phone": "0123456789"}, "không phải số di động Việt Nam"),
    ({"phone": "+1 415 555 0100"}, "không phải số di động Việt Nam"),
    ({"full_name": "<script>alert(1)</script>"}, "Họ tên chỉ gồm chữ cái"),
    ({"full_name": ""}, "Vui lòng nhập trường này"),
    ({"services": []}, "ít nhất một dịch vụ"),
    ({"hamlet_id": ""}, "Hãy chọn thôn/ấp"),
    ({"hamlet_id": "999999"}, "không thuộc địa bàn"),
    ({"submission_id": "x"}, "Mã gửi biểu mẫu không hợp lệ"),
])
def test_bad_input_is_explained_and_stores_nothing(app, client, scene, overrides, message):
    response = client.post(f"/checkin/{scene.token}", data=checkin_data(scene, **overrides))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert "<script>alert" not in body  # escaped when shown back
    with app.app_context():
        assert count(Registration) == 0 and count(RefusedSubmission) == 0


def test_every_problem_of_a_form_is_shown_at_once(app, client, scene):
    data = checkin_data(scene, phone="0123456789", consent="", services=[])
    response = client.post(f"/checkin/{scene.token}", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("không phải số di động Việt Nam", "Cần đánh dấu đồng ý",
                    "ít nhất một dịch vụ"):
        assert message in body
    assert 'value="Nguyễn Văn An"' in body  # what was typed is kept
    with app.app_context():
        assert count(Registration) == 0


def test_a_hamlet_of_another_campaigns_commune_is_refused(app, client, scene):
    with app.app_context():
        elsewhere = commune_with_hamlets(province="Thái Bình", commune="Hưng Hà",
                                                   hamlets=("Thôn Đông",))
        CampaignFactory(communes=[elsewhere])
        db.session.commit()
        hamlet = db.session.execute(db.select(Area.id).filter_by(name="Thôn Đông")).scalar_one()
    response = client.post(f"/checkin/{scene.token}",
                           data=checkin_data(scene, hamlet_id=str(hamlet)))
    assert response.status_code == 422
    assert "không thuộc địa bàn" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Registration) == 0


def test_a_5_mb_body_is_refused_in_vietnamese(app, client, scene):
    data = checkin_data(scene, full_name="A" * (5 * 1024 * 1024))
    response = client.post(f"/checkin/{scene.token}", data=data)
    assert response.status_code == 413
    assert "quá lớn" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Registration) == 0


def test_unknown_token_is_404(client, scene):
    assert client.get("/checkin/not-a-real-token-000000").status_code == 404


def test_revoked_code_refusal_is_stored_and_explained(app, client, scene):
    page = client.get(f"/checkin/{scene.token}")  # the phone loaded the form while valid
    assert page.status_code == 200
    with app.app_context():
        code = db.session.execute(db.select(DeskCode).filter_by(token=scene.token)).scalar_one()
        code.revoked_at = now_utc()
        db.session.commit()
    data = checkin_data(scene)
    response = client.post(f"/checkin/{scene.token}", data=data)
    assert response.status_code == 409
    assert "đã bị thu hồi" in response.get_data(as_text=True)
    again = client.post(f"/checkin/{scene.token}", data=data)
    assert again.status_code == 409
    assert client.get(f"/checkin/{scene.token}").status_code == 410
    with app.app_context():
        assert count(Registration) == 0
        refusal = db.session.execute(db.select(RefusedSubmission)).scalar_one()
        assert refusal.reason == "revoked" and refusal.submission_id == data["submission_id"]
        assert json.loads(refusal.payload)["full_name"] == "Nguyễn Văn An"


def test_ended_campaign_refuses_with_reason(app, client, scene):
    from datetime import timedelta

    from fieldops.campaigns.models import Campaign

    with app.app_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        campaign.start_date -= timedelta(days=60)
        campaign.end_date = campaign.start_date + timedelta(days=10)
        db.session.commit()
    response = client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    assert response.status_code == 409
    assert "đã kết thúc" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(RefusedSubmission.reason)).scalar_one() == (
            "campaign_ended")


def test_public_form_is_rate_limited_per_code_and_address(scene, app, monkeypatch):
    from fieldops import create_app

    limited = create_app({**app.config, "RATELIMIT_ENABLED": True,
                          "CHECKIN_RATE_PER_ADDRESS": "3/minute"})
    client = limited.test_client()
    codes = [client.get(f"/checkin/{scene.token}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.get(f"/checkin/{scene.token}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    with limited.app_context():
        db.engine.dispose()


def test_two_processes_share_the_limit_through_redis(scene, app, redis_url):
    from fieldops import create_app

    # Two app instances stand for two worker processes: only the Redis store is shared.
    config = {**app.config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_url,
              "CHECKIN_RATE_PER_ADDRESS": "3/minute"}
    apps = create_app(config), create_app(config)
    first, second = (one.test_client() for one in apps)
    url = f"/checkin/{scene.token}"  # a new random token per test: counts start at zero
    codes = [first.get(url).status_code, second.get(url).status_code,
             first.get(url).status_code, second.get(url).status_code]
    assert codes == [200, 200, 200, 429]
    # Counted under limits' own key names, and forgotten when the minute is over.
    import redis

    store = redis.Redis.from_url(config["RATELIMIT_STORAGE_URI"])
    keys = store.keys(f"LIMITS:LIMITER/checkin-address/{scene.token}|*")
    assert len(keys) == 1 and int(store.get(keys[0])) == 4 and 0 < store.ttl(keys[0]) <= 60
    store.close()
    for one in apps:
        with one.app_context():
            db.engine.dispose()


def test_a_limit_store_that_is_down_does_not_turn_citizens_away(scene, app):
    from fieldops import create_app

    broken = create_app({**app.config, "RATELIMIT_ENABLED": True,
                         "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    response = broken.test_client().post(f"/checkin/{scene.token}", data=checkin_data(scene))
    assert response.status_code == 302
    with app.app_context():
        assert count(Registration) == 1
    with broken.app_context():
        db.engine.dispose()


def test_pre_registration_writes_no_history_row_but_a_dated_record(app, client, scene):
    client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    with app.app_context():
        assert count(RegistrationChange) == 0  # the record itself says when and by whom
        registration = db.session.execute(db.select(Registration)).scalar_one()
        assert registration.source == "qr" and registration.created_at is not None


def test_the_fast_path_stores_values_exactly_as_the_orm_does(app, client, scene):
    # The citizen's POST writes through the driver; a volunteer's walk-in through the ORM.
    client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    with app.app_context():
        ours = db.session.execute(db.select(Registration)).scalar_one()
        theirs = Registration(submission_id=sid(), campaign_id=scene.campaign_id, source="desk",
                              full_name="B", name_folded="b", queue_day=ours.queue_day,
                              consent_at=ours.consent_at, created_at=ours.created_at)
        db.session.add(theirs)
        db.session.commit()
        stored = db.session.execute(sa.text(
            "SELECT queue_day, consent_at, created_at FROM registration ORDER BY id")).all()
        assert stored[0] == stored[1]  # same text on SQLite, same values on PostgreSQL
        assert ours.created_at.tzinfo is not None and ours.queue_day == today()


def test_demo_trial_desk_takes_a_registration_today(app, demo, client):
    import uuid

    from fieldops.areas.models import Area
    from fieldops.campaigns.models import Campaign
    from fieldops.events.models import CHECKIN, HelpDesk, LaunchEvent

    with app.app_context():
        trial = db.session.execute(db.select(Campaign).where(
            Campaign.title.startswith("Dùng thử"))).scalar_one()
        desk = db.session.execute(db.select(HelpDesk).join(LaunchEvent).where(
            LaunchEvent.campaign_id == trial.id, HelpDesk.table_label == "Bàn 1")).scalar_one()
        token = desk.current_code(CHECKIN).token
        service_id = desk.services[0].id
        hamlet_id = db.session.execute(db.select(Area.id).filter_by(name="Chợ")).scalar_one()
    form = client.get(f"/q/{token}", follow_redirects=True)
    assert form.status_code == 200 and "Đăng ký nhanh" in form.get_data(as_text=True)
    response = client.post(f"/checkin/{token}", data={
        "submission_id": str(uuid.uuid4()), "full_name": "Nguyễn Văn Thử", "phone": "0987000111",
        "hamlet_id": str(hamlet_id), "services": [str(service_id)], "consent": "y"})
    assert response.status_code == 302 and "/checkin/ticket/" in response.headers["Location"]
    assert "Nguyễn Văn Thử" in client.get(response.headers["Location"]).get_data(as_text=True)
