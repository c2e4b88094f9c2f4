"""The police's daily lists: upload, column mapping, preview, confirm once, day-to-day diff."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from fieldops.checkin import crypto
from fieldops.db import db
from fieldops.drive import list_files
from fieldops.drive.models import ColumnMapping, HamletAlias, ListedPerson, ListEntry, PoliceList
from tests.factories import auth
from tests.factories.drive_lists import HEADER, list_campaign, list_csv, list_xlsx, person_rows


@pytest.fixture
def campaign_id(app):
    with app.app_context():
        campaign = list_campaign()
        db.session.commit()
        return campaign.id


def _url(campaign_id: int) -> str:
    return f"/drive/campaigns/{campaign_id}/lists/import"


def _send(client, campaign_id, content: bytes, name: str = "danh-sach.csv",
          day: str = "11/10/2025", **fields):
    data = {"kind": "approved_not_activated", "list_day": day, "commune_id": "", **fields,
            "file": (io.BytesIO(content), name)}
    return client.post(_url(campaign_id), data=data, content_type="multipart/form-data")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _import(client, campaign_id, keys, day="11/10/2025", **kw) -> str:
    """Upload, preview and confirm a list of the named people; return the done page's text."""
    response = _send(client, campaign_id, list_csv(person_rows(keys, **kw)), day=day,
                     name=f"ds-{day.replace('/', '-')}.csv")
    assert response.status_code == 302, _text(response)[-1500:]
    return _text(client.post(response.headers["Location"], follow_redirects=True))


def _people(app) -> dict[str, ListedPerson]:
    with app.app_context():
        return {p.full_name: p for p in db.session.scalars(sa.select(ListedPerson))}


def test_list_with_title_rows_imports_people_masked_and_encrypted(app, organizer, campaign_id):
    response = _send(organizer, campaign_id, list_csv(person_rows(["an", "binh", "cuong"])))
    assert response.status_code == 302
    preview = _text(organizer.get(response.headers["Location"]))
    assert "3 người — 3 mới, 0 vẫn còn, 0 quay lại" in preview
    assert "********1234" in preview and "075087001234" not in preview
    done = _text(organizer.post(response.headers["Location"], follow_redirects=True))
    assert "Đã nhập danh sách ngày 11/10/2025: 3 người (3 mới" in done
    people = _people(app)
    an = people["Nguyễn Văn An"]
    assert an.masked_citizen_id == "********1234"
    assert an.birth_date == date(1987, 3, 5) and an.phone == "0912345678"
    assert people["Lê Văn Cường"].birth_date is None and people["Lê Văn Cường"].birth_year == 1975
    with app.app_context():
        assert an.citizen_id_encrypted.startswith("g1.")
        assert crypto.decrypt(an.citizen_id_encrypted) == "075087001234"
        assert an.citizen_id_hash == crypto.citizen_hash("075087001234")
        assert db.session.get(PoliceList, an.on_list_id).row_count == 3


def test_xlsx_ids_stored_as_numbers_and_serial_dates_read_right(app, organizer, campaign_id):
    rows = [(1, "Nguyễn Văn An", 31841, "Nam", 75087001234, 912345678, "", "Ấp Chợ", ""),
            (2, "Trần Thị Bình", datetime(1990, 11, 12), "Nữ", 75190002345.0, "", "", "Trâu", ""),
            (3, "Lê Văn Cường", "1975", "Nam", "075075003456", "", "", "Phước Mỹ", ""),
            (4, "Phạm Thị Dung", "01/01/2001", "Nữ", "75301004567.0", "", "", "Ấp Chợ", "")]
    response = _send(organizer, campaign_id, list_xlsx(rows), name="ds.xlsx")
    assert response.status_code == 302, _text(response)[-1500:]
    organizer.post(response.headers["Location"])
    people = _people(app)
    with app.app_context():
        numbers = {name: crypto.decrypt(p.citizen_id_encrypted) for name, p in people.items()}
    assert numbers == {"Nguyễn Văn An": "075087001234", "Trần Thị Bình": "075190002345",
                       "Lê Văn Cường": "075075003456", "Phạm Thị Dung": "075301004567"}
    assert people["Nguyễn Văn An"].birth_date == date(1987, 3, 5)  # Excel serial 31841
    assert people["Nguyễn Văn An"].phone == "0912345678"  # the zero the number column lost
    assert people["Trần Thị Bình"].birth_date == date(1990, 11, 12)


@pytest.mark.parametrize(("cell", "message"), [
    ("75087001234", "chỉ có 11 chữ số trong cột dạng văn bản"),
    ("7.50870E+10", "bị Excel viết dạng số mũ"),
    ("999087001234", "Mã tỉnh 999"),
    ("", "Thiếu số định danh cá nhân"),
])
def test_a_bad_id_is_named_with_its_row_and_nothing_is_stored(app, organizer, campaign_id,
                                                              cell, message):
    rows = person_rows(["an", "binh"])
    rows[1] = (*rows[1][:4], cell, *rows[1][5:])
    response = _send(organizer, campaign_id, list_csv(rows))
    assert response.status_code == 200
    page = _text(response)
    assert "Tệp có 1 lỗi; chưa có gì được lưu" in page
    assert re.search(rf"<td>6</td><td>Số định danh cá nhân</td><td>[^<]*{re.escape(message)}",
                     response.get_data(as_text=True)), page[-1500:]
    assert _people(app) == {}


def test_duplicate_person_names_both_rows(app, organizer, campaign_id):
    rows = person_rows(["an", "binh", "an"])
    page = _text(_send(organizer, campaign_id, list_csv(rows)))
    assert "Trùng người: số định danh này đã có ở dòng 5 (dòng 5 và dòng 7)" in page
    assert _people(app) == {}


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "danh-sach.xlsx", "thật ra là tệp PNG"),
    ("Họ và tên,Giới tính,Mã\nAn,Nam,1\n".encode(), "ds.csv",
     "Không tìm thấy cột “Số định danh cá nhân (CCCD)”"),
    ("Báo cáo\n\nkhông có gì\n".encode(), "ds.csv", "Không tìm thấy dòng tiêu đề cột"),
    ("Họ và tên,Số CCCD,Số định danh cá nhân\nAn,075087001234,075087001234\n".encode(),
     "ds.csv", "cùng được hiểu là “Số định danh cá nhân (CCCD)”"),
])
def test_bad_files_say_why_and_store_nothing(app, organizer, campaign_id, content, name,
                                             message):
    response = _send(organizer, campaign_id, content, name=name)
    assert response.status_code == 200
    assert message in _text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PoliceList)) == 0


def test_a_50_mb_file_is_refused_naming_the_limit(app, organizer, campaign_id):
    content = list_csv(person_rows(["an"])) + b"x" * (50 * 1024 * 1024)
    # The body built here: the test client would spool a file field to a temporary file that
    # stays open when the app refuses to read it.
    boundary = "----danhsach"
    fields = {"kind": "approved_not_activated", "list_day": "11/10/2025", "commune_id": ""}
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'
                    f"{v}\r\n".encode() for k, v in fields.items())
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="ds.csv"\r\nContent-Type: text/csv\r\n\r\n').encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    response = organizer.post(_url(campaign_id), data=body,
                              content_type=f"multipart/form-data; boundary={boundary}")
    page = _text(response)
    assert "Tệp quá lớn" in page and "tối đa 40 MB" in page
    assert _people(app) == {}
    with app.test_request_context():
        parsed = list_files.read_list("a.csv", content, {}, need_commune=False)
        assert "tối đa 40 MB" in str(parsed.problems[0].message) and not parsed.rows


def test_two_columns_mapped_to_one_field_is_refused(app, organizer, campaign_id):
    content = list_csv(person_rows(["an"]))
    page = _text(_send(organizer, campaign_id, content, **{
        "map-1-key": "ho va ten", "map-1-field": "full_name",
        "map-2-key": "noi thuong tru", "map-2-field": "full_name"}))
    assert "Các cột “Họ và tên”, “Nơi thường trú” cùng được hiểu là “Họ và tên”" in page
    assert _people(app) == {}


def test_columns_mapped_once_are_remembered_for_the_next_days_file(app, organizer, campaign_id):
    header = ("TT", "Công dân", "NS", "Giới tính", "Mã công dân", "SĐT", "Nơi thường trú",
              "Thôn/Ấp/Tổ", "Trạng thái")
    content = list_csv(person_rows(["an", "binh"]), header=header)
    response = _send(organizer, campaign_id, content)
    page = _text(response)
    assert "Không tìm thấy cột “Họ và tên”" in page
    assert 'name="map-5-key" value="ma cong dan"' in response.get_data(as_text=True)
    mapping = {"map-2-key": "cong dan", "map-2-field": "full_name",
               "map-3-key": "ns", "map-3-field": "birth_date",
               "map-5-key": "ma cong dan", "map-5-field": "citizen_id"}
    response = _send(organizer, campaign_id, content, **mapping)
    assert response.status_code == 302, _text(response)[-1500:]
    organizer.post(response.headers["Location"])
    with app.app_context():
        saved = db.session.execute(sa.select(ColumnMapping)).scalar_one()
        assert saved.mapping["ma cong dan"] == "citizen_id"
    # The next day's file, same columns, no mapping sent: read with the remembered one.
    day2 = list_csv(person_rows(["an", "dung"]), header=header)
    response = _send(organizer, campaign_id, day2, day="12/10/2025")
    assert response.status_code == 302, _text(response)[-1500:]
    assert "1 mới, 1 vẫn còn" in _text(organizer.get(response.headers["Location"]))


def test_unknown_hamlet_is_mapped_once_with_the_closest_names(app, organizer, campaign_id):
    content = list_csv(person_rows(["an", "binh"], hamlets={"an": "Ấp Chợ Cũ"}))
    location = _send(organizer, campaign_id, content).headers["Location"]
    response = organizer.get(location)
    page = _text(response)
    assert "Tên thôn/ấp chưa nhận ra (1)" in page and "Có phải: Ấp Chợ?" in page
    assert 'id="confirm-list" disabled' in response.get_data(as_text=True)
    refused = _text(organizer.post(location, follow_redirects=True))
    assert "Còn 1 tên thôn/ấp chưa nhận ra" in refused and _people(app) == {}
    with app.app_context():
        from fieldops.areas.models import Area
        cho = db.session.execute(sa.select(Area).filter_by(name="Chợ")).scalar_one()
        cho_id, commune_id = cho.id, cho.parent_id
    organizer.post(location + "/hamlets", data={
        "commune-1": commune_id, "text-1": "Ấp Chợ Cũ", "hamlet-1": cho_id})
    assert "chưa nhận ra" not in _text(organizer.get(location))
    organizer.post(location)
    assert _people(app)["Nguyễn Văn An"].hamlet_id == cho_id
    with app.app_context():
        assert db.session.execute(sa.select(HamletAlias.alias_folded)).scalar() == "ap cho cu"


def test_same_file_twice_imports_once(app, organizer, campaign_id):
    content = list_csv(person_rows(["an", "binh"]))
    organizer.post(_send(organizer, campaign_id, content).headers["Location"])
    again = _send(organizer, campaign_id, content)
    assert "Tệp này đã được nhập rồi (danh sách ngày 11/10/2025 của Xã Nhơn Trạch)" in _text(again)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PoliceList)) == 1
    # The next day's list can be the very same file (nobody activated): said, and allowed.
    next_day = _send(organizer, campaign_id, content, day="12/10/2025")
    assert next_day.status_code == 302
    preview = _text(organizer.get(next_day.headers["Location"]))
    assert "Lưu ý: tệp này giống hệt danh sách ngày 11/10/2025 đã nhập" in preview
    organizer.post(next_day.headers["Location"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PoliceList)) == 2


def test_comparison_new_still_back_gone_with_days_counted(app, organizer, campaign_id):
    assert "3 người (3 mới" in _import(organizer, campaign_id, ["an", "binh", "cuong"])
    done = _import(organizer, campaign_id, ["an", "binh", "dung"], day="12/10/2025")
    assert "3 người (1 mới, 2 vẫn còn, 0 quay lại); 1 người đã ra khỏi danh sách" in done
    assert _people(app)["Lê Văn Cường"].gone_on == date(2025, 10, 12)
    done = _import(organizer, campaign_id, ["an", "cuong", "em"], day="13/10/2025")
    assert "3 người (1 mới, 1 vẫn còn, 1 quay lại); 2 người đã ra khỏi danh sách" in done
    people = _people(app)
    assert people["Lê Văn Cường"].gone_on is None
    assert people["Trần Thị Bình"].gone_on == date(2025, 10, 13)
    assert people["Phạm Thị Dung"].gone_on == date(2025, 10, 13)
    with app.app_context():
        latest = db.session.execute(sa.select(PoliceList).order_by(
            PoliceList.list_day.desc())).scalars().first()
        entries = {e.person_id: (e.change, e.days_on_list) for e in db.session.scalars(
            sa.select(ListEntry).filter_by(list_id=latest.id))}
        counts = (latest.row_count, latest.new_count, latest.still_count, latest.back_count,
                  latest.gone_count)
        latest_id = latest.id
    assert entries[people["Nguyễn Văn An"].id] == ("still", 3)
    assert entries[people["Lê Văn Cường"].id] == ("back", 1)
    assert entries[people["Võ Văn Em"].id] == ("new", 1)
    assert counts == (3, 1, 1, 1, 2)
    gone = _text(organizer.get(f"/drive/lists/{latest_id}?change=gone"))
    assert "Trần Thị Bình" in gone and "Phạm Thị Dung" in gone and "Nguyễn Văn An" not in gone
    assert "********2345" in gone and "075190002345" not in gone
    still = _text(organizer.get(f"/drive/lists/{latest_id}?change=still"))
    assert "Nguyễn Văn An" in still and "Võ Văn Em" not in still
    lists = _text(organizer.get(f"/drive/campaigns/{campaign_id}/lists"))
    assert "13/10/2025 3 1 1 1 2" in lists


def test_comparison_filters_by_hamlet(app, organizer, campaign_id):
    _import(organizer, campaign_id, ["an", "binh", "dung"])
    with app.app_context():
        from fieldops.areas.models import Area
        cho = db.session.execute(sa.select(Area).filter_by(name="Chợ")).scalar_one().id
        list_id = db.session.scalar(sa.select(PoliceList.id))
    page = _text(organizer.get(f"/drive/lists/{list_id}?hamlet={cho}"))
    assert "Nguyễn Văn An" in page and "Phạm Thị Dung" in page and "Trần Thị Bình" not in page
    assert "2 người" in page


def test_a_list_for_an_earlier_day_than_the_last_is_refused(app, organizer, campaign_id):
    _import(organizer, campaign_id, ["an", "binh"], day="12/10/2025")
    response = _send(organizer, campaign_id, list_csv(person_rows(["an"])), day="11/10/2025")
    page = _text(response)
    assert ("Xã Nhơn Trạch đã có danh sách “Hồ sơ được duyệt, chưa kích hoạt” ngày 12/10/2025, "
            "sau ngày 11/10/2025") in page
    same_day = _text(_send(organizer, campaign_id, list_csv(person_rows(["binh"])),
                           day="12/10/2025"))
    assert "Mỗi ngày chỉ nhập một danh sách" in same_day


def test_commune_read_from_the_address_when_none_is_chosen(app, organizer, campaign_id):
    header = tuple(h for h in HEADER if h != "Thôn/Ấp/Tổ")
    rows = [tuple(c for i, c in enumerate(r) if i != 7) for r in person_rows(["an"])]
    response = _send(organizer, campaign_id, list_csv(rows, header=header, delimiter=";"))
    assert response.status_code == 302, _text(response)[-1500:]
    assert "Xã Nhơn Trạch" in _text(organizer.get(response.headers["Location"]))


def test_only_organizers_import_team_leads_read(app, client, users, campaign_id):
    auth.sign_in(client, users["team_lead"])
    assert client.get(f"/drive/campaigns/{campaign_id}/lists").status_code == 200
    assert client.get(_url(campaign_id)).status_code == 403
    volunteer = app.test_client()
    auth.sign_in(volunteer, users["volunteer"])
    assert volunteer.get(f"/drive/campaigns/{campaign_id}/lists").status_code == 403


def test_campaign_page_links_to_its_lists(app, organizer, campaign_id):
    page = organizer.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert f'href="/drive/campaigns/{campaign_id}/lists"' in page


def test_fernet_tokens_still_decrypt_beside_aes_gcm(app):
    with app.app_context():
        fernet = crypto.encrypt("075087001234")
        [gcm] = crypto.encrypt_many(["075087001234"])
        assert gcm.startswith("g1.") and not fernet.startswith("g1.")
        assert crypto.decrypt(fernet) == crypto.decrypt(gcm) == "075087001234"
        assert crypto.decrypt(gcm[:-4] + "AAAA") is None
        assert crypto.hash_many(["075087001234"]) == [crypto.citizen_hash("075087001234")]



def test_csv_from_a_number_column_gets_its_zeros_back(app, organizer, campaign_id):
    rows = person_rows(["an", "binh"])
    rows = [(*r[:2], "31841" if i == 0 else r[2], r[3], r[4].lstrip("0"), *r[5:])
            for i, r in enumerate(rows)]
    response = _send(organizer, campaign_id, list_csv(rows))
    assert response.status_code == 302, _text(response)[-1500:]
    organizer.post(response.headers["Location"])
    people = _people(app)
    with app.app_context():
        assert crypto.decrypt(people["Trần Thị Bình"].citizen_id_encrypted) == "075190002345"
    assert people["Nguyễn Văn An"].birth_date == date(1987, 3, 5)
