"""The staged-upload pipeline every import uses: parsed once, a short preview, changes only."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from fieldops.areas import import_plans
from fieldops.areas.models import Area
from fieldops.db import db
from fieldops.reports.demo import appendix_workbook
from fieldops.reports.models import Target, TargetChange
from fieldops.teams import services as teams
from fieldops.teams.models import Member, Organisation
from fieldops.uploads.models import StagedUpload
from tests.factories.areas import commune_with_hamlets
from tests.test_reports import _hung_ha

PLACES_HEADER = "Xã/Phường,Thôn/Ấp,Loại,Nhân khẩu từ đủ 14 tuổi trở lên,Số hộ\n"
MEMBERS_HEADER = "Họ và tên,Số điện thoại,Đơn vị,Am hiểu CNTT,Tài khoản\n"


@pytest.fixture
def nhon_trach(app):
    """Đồng Nai > Nhơn Trạch with ấp Chợ, Trâu, Phước Mỹ; returns the province's id."""
    with app.app_context():
        commune = commune_with_hamlets()
        db.session.commit()
        return commune.parent_id


@pytest.fixture
def viettel(app):
    with app.app_context():
        teams.save_organisation(None, name="Viettel Đồng Nai", kind="telecom")
        db.session.commit()


def _hamlets(count: int, start: int = 0, more: int = 0) -> bytes:
    return (PLACES_HEADER + "".join(f"Nhơn Trạch,Ấp Mới {n},ấp,{1000 + n + more},{200 + n}\n"
                                    for n in range(start, start + count))).encode()


def _post_file(client, url: str, content: bytes, name: str = "tep.csv", **fields):
    response = client.post(url, data={**fields, "file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return response.headers["Location"]


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _stored(app, model, **where):
    with app.app_context():
        return list(db.session.execute(db.select(model).filter_by(**where)).scalars())


def test_same_places_file_twice_changes_nothing_the_second_time(app, organizer, nhon_trach):
    content = (PLACES_HEADER + "Nhơn Trạch,,xã,9500,\nNhơn Trạch,Ấp Chợ,,1000,300\n"
               "Nhơn Trạch,Ấp Bến Cam,,800,\n").encode()
    first = _post_file(organizer, "/areas/import", content, parent_id=nhon_trach)
    organizer.post(first)
    [cho] = _stored(app, Area, name="Chợ")
    url = _post_file(organizer, "/areas/import", content, parent_id=nhon_trach)
    page = _text(organizer.get(url))
    assert "Xã/phường: 0 tạo mới, 0 cập nhật" in page
    assert "Thôn/ấp: 0 tạo mới, 0 cập nhật" in page
    assert "3 dòng giống hệt dữ liệu đang lưu" in page
    assert "Tệp không thay đổi gì so với dữ liệu đang lưu." in page
    assert "Xác nhận nhập 0 mục" in page
    done = _text(organizer.post(url, follow_redirects=True))
    assert "Đã nhập xong: 0 mục được tạo mới hoặc cập nhật." in done
    [again] = _stored(app, Area, name="Chợ")
    assert again.updated_at == cho.updated_at and again.population_14plus == 1000


def test_a_big_file_previews_counts_and_first_rows_then_imports_every_row(app, organizer,
                                                                         nhon_trach):
    url = _post_file(organizer, "/areas/import", _hamlets(300), parent_id=nhon_trach)
    page = organizer.get(url).get_data(as_text=True)
    assert "Thôn/ấp: 300 tạo mới, 0 cập nhật" in page
    assert len(re.findall(r"<tr>\s*<td data-label=\"Dòng\">", page)) == 50
    assert "Đang hiện 50 dòng đầu trong 300 dòng sẽ thay đổi" in page
    assert "Ấp Mới 49" in page and "Ấp Mới 50<" not in page
    assert len(page) < 60_000
    organizer.post(url)
    with app.app_context():
        made = db.session.scalar(sa.select(sa.func.count()).where(Area.name.like("Mới %")))
        assert made == 300
        mới_7 = db.session.execute(db.select(Area).filter_by(name="Mới 7")).scalar_one()
        assert (mới_7.kind, mới_7.display_name, mới_7.population_14plus, mới_7.households,
                mới_7.parent.name) == ("ap", "Ấp Mới 7", 1007, 207, "Nhơn Trạch")
        assert mới_7.name_folded == "ap moi 7" and mới_7.created_at is not None


def _statements_during(app, request) -> int:
    count = 0

    def counter(*_args, **_kwargs):
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        request()
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    return count


def test_preview_and_confirm_read_in_sets_not_a_query_per_row(app, organizer, nhon_trach):
    counts = []
    for size, start in ((10, 0), (400, 100)):
        # Created by one file, then every row changed by another: both ways are counted.
        for more in (0, 5):
            url = _post_file(organizer, "/areas/import", _hamlets(size, start, more),
                             parent_id=nhon_trach)
            counts.append((_statements_during(app, lambda url=url: organizer.get(url)),
                           _statements_during(app, lambda url=url: organizer.post(url))))
    assert counts[:2] == counts[2:]
    assert len(_stored(app, Area, level="hamlet")) == 3 + 10 + 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.max(Area.population_14plus)).where(
            Area.level == "hamlet")) == 1000 + 499 + 5


def test_the_file_is_read_once_and_its_parse_dropped_once_applied(app, organizer, nhon_trach,
                                                                 monkeypatch):
    calls = []
    real = import_plans.parse_places
    monkeypatch.setattr(import_plans, "parse_places",
                        lambda table: calls.append(1) or real(table))
    url = _post_file(organizer, "/areas/import", _hamlets(5), parent_id=nhon_trach)
    with app.app_context():
        staged = db.session.execute(db.select(StagedUpload)).scalar_one()
        assert staged.kind == "places" and len(staged.data["rows"]) == 5
    organizer.get(url)
    organizer.post(url)
    assert len(calls) == 1  # upload only: neither the preview nor the confirmation re-read it
    with app.app_context():
        staged = db.session.execute(db.select(StagedUpload)).scalar_one()
        assert staged.applied_at is not None and staged.data is None


def test_same_members_file_twice_changes_nothing_the_second_time(app, organizer, viettel):
    content = (MEMBERS_HEADER + "Trần Thị Mới,0987 111 222,Viettel Đồng Nai,x,\n"
               "Lê Văn Hai,0987111333,viettel dong nai,,toch\n").encode()
    organizer.post(_post_file(organizer, "/members/import", content))
    assert len(_stored(app, Member)) == 2
    url = _post_file(organizer, "/members/import", content)
    page = _text(organizer.get(url))
    assert "0 thành viên mới, 0 cập nhật." in page and "Xác nhận nhập 0 thành viên" in page
    done = _text(organizer.post(url, follow_redirects=True))
    assert "Đã nhập 0 thành viên mới, cập nhật 0." in done
    changed = (MEMBERS_HEADER + "Trần Thị Mới,0987 111 222,Viettel Đồng Nai,,\n").encode()
    url = _post_file(organizer, "/members/import", changed)
    assert "0 thành viên mới, 1 cập nhật." in _text(organizer.get(url))
    organizer.post(url)
    [member] = _stored(app, Member, phone="0987111222")
    assert member.it_savvy is False


def test_one_account_on_two_rows_is_refused(app, organizer, viettel):
    content = (MEMBERS_HEADER + "Người Một,0987111444,Viettel Đồng Nai,,toch\n"
               "Người Hai,0987111555,Viettel Đồng Nai,,toch\n").encode()
    response = organizer.post("/members/import", data={
        "file": (io.BytesIO(content), "tv.csv")}, content_type="multipart/form-data")
    page = _text(response)
    assert "Tệp có 1 lỗi; chưa có gì được lưu." in page
    assert "3 Tài khoản Tài khoản toch đã có ở dòng 2." in page
    assert _stored(app, Member) == [] and _stored(app, StagedUpload) == []


def test_confirm_after_the_data_changed_stores_nothing_and_shows_every_problem(
        app, organizer, viettel):
    content = (MEMBERS_HEADER + "Người Một,0987111444,Viettel Đồng Nai,,\n").encode()
    url = _post_file(organizer, "/members/import", content)
    with app.app_context():
        db.session.execute(sa.delete(Organisation))
        db.session.commit()
    page = _text(organizer.post(url, follow_redirects=True))
    assert "Dữ liệu đã thay đổi từ lúc xem trước; hãy tải tệp lên lại." in page
    assert "2 Đơn vị Chưa có tổ chức “Viettel Đồng Nai”." in page
    assert _stored(app, Member) == []
    [staged] = _stored(app, StagedUpload)
    assert staged.applied_at is None


def test_same_appendix_twice_changes_no_target_and_writes_no_history(app, organizer):
    campaign_id = _hung_ha(app)
    base = f"/campaigns/{campaign_id}/targets/import"
    organizer.post(_post_file(organizer, base, appendix_workbook(), "pl.xlsx", service_id="0"))
    with app.app_context():
        history = db.session.scalar(sa.select(sa.func.count()).select_from(TargetChange))
        assert history == 105
    url = _post_file(organizer, base, appendix_workbook(), "pl.xlsx", service_id="0")
    page = _text(organizer.get(url))
    assert "35 đơn vị, 105 chỉ tiêu sẽ được lưu." in page
    assert "Chỉ tiêu: 0 mới, 0 thay đổi." in page
    done = _text(organizer.post(url, data={}, follow_redirects=True))
    assert "Đã nhập 105 chỉ tiêu từ phụ lục: 0 mới, 0 thay đổi." in done
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TargetChange)) == 105
        assert len(_stored(app, Target)) == 105
        tan_le = db.session.execute(db.select(Area).filter_by(name="Tân Lễ")).scalar_one()
        tan_le.population_14plus, expected = 1, tan_le.population_14plus
        db.session.commit()
    # A population that differs is shown, and kept unless the organizer ticks the box.
    url = _post_file(organizer, base, appendix_workbook(), "pl.xlsx", service_id="0")
    page = _text(organizer.get(url))
    assert "Nhân khẩu từ 14 tuổi: 1 xã khác số đang lưu" in page
    assert "Xã Tân Lễ" in page and "(đang lưu 1)" in page
    organizer.post(url, data={})
    assert _stored(app, Area, name="Tân Lễ")[0].population_14plus == 1
    url = _post_file(organizer, base, appendix_workbook(), "pl.xlsx", service_id="0")
    organizer.post(url, data={"update_population": "y"})
    assert _stored(app, Area, name="Tân Lễ")[0].population_14plus == expected


def test_a_place_name_too_long_for_the_database_is_a_problem(app, organizer, nhon_trach):
    content = (PLACES_HEADER + f"Nhơn Trạch,Ấp {'Dài' * 45},,,\n").encode()
    response = organizer.post("/areas/import", data={
        "parent_id": nhon_trach, "file": (io.BytesIO(content), "a.csv")},
        content_type="multipart/form-data")
    assert "2 Thôn/Ấp Tên dài quá 120 ký tự." in _text(response)
    assert _stored(app, StagedUpload) == []
