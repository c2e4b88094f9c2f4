"""Campaigns: header, dates, communes, services, and phases inside and apart."""

from __future__ import annotations

import pytest

from fieldops.campaigns import services
from fieldops.campaigns.models import Campaign, Phase, Service
from fieldops.db import db
from tests.factories.areas import commune_with_hamlets
from tests.factories.auth import sign_in


@pytest.fixture
def setup(app):
    with app.app_context():
        commune = commune_with_hamlets()
        service_ids = {s.code: s.id for s in db.session.execute(db.select(Service)).scalars()}
        db.session.commit()
        return {"commune": commune.id, "services": service_ids}


def _campaign(app) -> Campaign:
    with app.app_context():
        campaign = db.session.execute(db.select(Campaign)).scalar_one()
        # Load the collections before the context ends.
        assert campaign.phases is not None and campaign.communes is not None
        assert campaign.services is not None
        return campaign


def _new(client, setup, **overrides):
    data = {"title": "Chiến dịch 30 ngày phổ cập chữ ký số", "plan_number": "Số 63/KH-UBND",
            "issuing_unit": "UBND xã Nhơn Trạch", "issued_on": "07/10/2025",
            "start_date": "10/10/2025", "end_date": "08/11/2025",
            "communes": [str(setup["commune"])],
            "services": [str(setup["services"]["digital_signature"]),
                         str(setup["services"]["vneid_install"])]}
    data.update(overrides)
    return client.post("/campaigns/new", data=data)


def test_builtin_services_are_there(organizer):
    page = organizer.get("/services").get_data(as_text=True)
    for name in ("Cài đặt ứng dụng VNeID", "Đăng ký định danh điện tử mức độ 1",
                 "Kích hoạt định danh điện tử mức độ 2", "Chữ ký số cá nhân",
                 "Tài khoản Cổng Dịch vụ công", "VssID", "Sổ sức khỏe điện tử", "Ngân hàng số"):
        assert name in page


def test_an_earlier_install_gains_the_new_builtin_service_once(app):
    with app.app_context():
        level1 = db.session.execute(db.select(Service).filter_by(code="eid_level1")).scalar_one()
        db.session.delete(level1)  # as an install made before level 1 was built in
        db.session.commit()
        for _ in range(2):
            services.ensure_builtin_services()
        db.session.commit()
        codes = list(db.session.execute(db.select(Service.code)).scalars())
        assert codes.count("eid_level1") == 1 and codes.count("eid_level2") == 1


def test_create_campaign_with_communes_services_and_two_phases(app, organizer, setup):
    response = _new(organizer, setup)
    assert response.status_code == 302
    campaign = _campaign(app)
    assert campaign.plan_number == "Số 63/KH-UBND"
    assert [a.name for a in campaign.communes] == ["Nhơn Trạch"]
    assert {s.code for s in campaign.services} == {"digital_signature", "vneid_install"}
    url = f"/campaigns/{campaign.id}"
    organizer.post(f"{url}/phases", data={"name": "Ra quân", "start_date": "10/10/2025",
                                          "end_date": "17/10/2025"})
    organizer.post(f"{url}/phases", data={"name": "Duy trì", "start_date": "2025-10-18",
                                          "end_date": "08/11/2025"})
    page = organizer.get(url).get_data(as_text=True)
    assert "10/10/2025 – 08/11/2025" in page and "(30 ngày)" in page
    assert "17/10/2025" in page and "18/10/2025" in page
    assert [p.name for p in _campaign(app).phases] == ["Ra quân", "Duy trì"]


@pytest.mark.parametrize(("phase", "message"), [
    ({"name": "Sớm", "start_date": "01/10/2025", "end_date": "12/10/2025"},
     "Giai đoạn phải nằm trong thời gian chiến dịch (10/10/2025 – 08/11/2025)."),
    ({"name": "Chồng", "start_date": "15/10/2025", "end_date": "20/10/2025"},
     "Trùng thời gian với giai đoạn “Ra quân” (10/10/2025 – 17/10/2025)."),
    ({"name": "Ngược", "start_date": "30/10/2025", "end_date": "20/10/2025"},
     "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."),
    ({"name": "Sai", "start_date": "31/02/2025", "end_date": "20/10/2025"},
     "Ngày phải viết dạng ngày/tháng/năm"),
])
def test_bad_phases_are_refused(app, organizer, setup, phase, message):
    _new(organizer, setup)
    campaign_id = _campaign(app).id
    organizer.post(f"/campaigns/{campaign_id}/phases",
                   data={"name": "Ra quân", "start_date": "10/10/2025", "end_date": "17/10/2025"})
    response = organizer.post(f"/campaigns/{campaign_id}/phases", data=phase)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert [p.name for p in _campaign(app).phases] == ["Ra quân"]


def test_editing_a_phase_checks_the_others_but_not_itself(app, organizer, setup):
    _new(organizer, setup)
    campaign = _campaign(app)
    for name, start, end in (("GĐ 1", "10/10/2025", "17/10/2025"),
                             ("GĐ 2", "18/10/2025", "08/11/2025")):
        organizer.post(f"/campaigns/{campaign.id}/phases",
                       data={"name": name, "start_date": start, "end_date": end})
    first = _campaign(app).phases[0]
    url = f"/campaigns/{campaign.id}/phases/{first.id}/edit"
    response = organizer.post(url, data={"name": "GĐ 1", "start_date": "10/10/2025",
                                         "end_date": "16/10/2025"})
    assert response.status_code == 302
    page = organizer.post(url, data={"name": "GĐ 1", "start_date": "10/10/2025",
                                     "end_date": "19/10/2025"}).get_data(as_text=True)
    assert "Trùng thời gian với giai đoạn “GĐ 2”" in page
    with app.app_context():
        assert db.session.get(Phase, first.id).end_date.day == 16


def test_campaign_dates_cannot_leave_a_phase_outside(app, organizer, setup):
    _new(organizer, setup)
    campaign = _campaign(app)
    organizer.post(f"/campaigns/{campaign.id}/phases",
                   data={"name": "Cuối", "start_date": "01/11/2025", "end_date": "08/11/2025"})
    page = organizer.post(f"/campaigns/{campaign.id}/edit", data={
        "title": campaign.title, "start_date": "10/10/2025", "end_date": "31/10/2025",
        "communes": [str(setup["commune"])]}).get_data(as_text=True)
    assert "Giai đoạn “Cuối” sẽ nằm ngoài thời gian của chiến dịch." in page
    assert _campaign(app).end_date.day == 8


def test_campaign_end_before_start_and_missing_title(app, organizer, setup):
    page = _new(organizer, setup, end_date="01/10/2025").get_data(as_text=True)
    assert "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu." in page
    page = _new(organizer, setup, title="").get_data(as_text=True)
    assert "Vui lòng nhập trường này." in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Campaign)) == 0


def test_organizer_adds_a_service_once(app, organizer):
    response = organizer.post("/services", data={"name_vi": "Hóa đơn điện tử",
                                                 "name_en": "E-invoice"})
    assert response.status_code == 302
    page = organizer.post("/services", data={"name_vi": "hoa don dien tu"}).get_data(as_text=True)
    assert "Đã có dịch vụ “Hóa đơn điện tử”." in page
    with app.app_context():
        service = db.session.execute(db.select(Service).filter_by(code="hoa_don_dien_tu")
                                     ).scalar_one()
        assert not service.builtin


def test_volunteer_sees_campaigns_but_cannot_create(client, users, app, setup):
    sign_in(client, users["volunteer"])
    assert client.get("/campaigns").status_code == 200
    assert client.get("/campaigns/new").status_code == 403
    assert client.post("/services", data={"name_vi": "X"}).status_code == 403


def test_demo_campaigns_from_the_real_plans(organizer, demo):
    page = organizer.get("/campaigns").get_data(as_text=True)
    assert "63/KH-UBND" in page and "60/KH-TCTĐA-CA" in page
    assert "10/10/2025 – 08/11/2025" in page
