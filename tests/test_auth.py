"""Signing in and out, passwords, roles, disabling accounts, CSRF."""

from __future__ import annotations

from datetime import timedelta

from fieldops.auth.models import User
from fieldops.db import db
from tests.conftest import csrf_token
from tests.factories.auth import PASSWORD, sign_in


def _user(app, username: str) -> User:
    with app.app_context():
        return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def test_pages_need_sign_in(client):
    response = client.get("/campaigns")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vui lòng đăng nhập để mở trang này." in page


def test_sign_in_with_username_then_sign_out(client, users):
    response = sign_in(client, users["organizer"])
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Xin chào, Phạm Tổ Chức" in home
    client.post("/sign-out")
    assert client.get("/campaigns").status_code == 302


def test_sign_in_with_phone_in_any_format(client, users):
    response = client.post("/sign-in", data={"username": "+84 912 000 002", "password": PASSWORD})
    assert response.status_code == 302
    assert "Võ Trưởng Đoàn" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_in_vietnamese(client, users):
    response = client.post("/sign-in", data={"username": "toch", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/campaigns").status_code == 302


def test_next_parameter_cannot_leave_the_site(client, users):
    response = client.post("/sign-in?next=//evil.example/x",
                           data={"username": "toch", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/sign-out")
    response = client.post("/sign-in?next=/areas/", data={"username": "toch", "password": PASSWORD})
    assert response.headers["Location"] == "/areas/"


def test_repeated_failures_are_slowed_down(app, client, users):
    for _ in range(app.config["SIGN_IN_FREE_ATTEMPTS"]):
        client.post("/sign-in", data={"username": "tnv1", "password": "wrong-password"})
    # Even the right password now has to wait.
    response = client.post("/sign-in", data={"username": "tnv1", "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã nhập sai quá nhiều lần. Vui lòng thử lại sau" in page
    # Once the wait is over, the right password works and the counter is reset.
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="tnv1")).scalar_one()
        # The refused attempt counts too: guessing while the account waits makes it wait longer.
        assert user.failed_sign_ins == app.config["SIGN_IN_FREE_ATTEMPTS"] + 1
        user.last_failed_sign_in_at -= timedelta(minutes=20)
        db.session.commit()
    sign_in(client, "tnv1")
    assert _user(app, "tnv1").failed_sign_ins == 0


def test_sign_in_is_rate_limited_per_address(_schema, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path))
    from fieldops import create_app, ratelimit

    limited = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                          "WTF_CSRF_ENABLED": False})
    client = limited.test_client()
    statuses = [client.post("/sign-in", data={"username": "nobody", "password": "x"}).status_code
                for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    assert "Quá nhiều yêu cầu" in client.post("/sign-in", data={}).get_data(as_text=True)
    # Another address is not held back by this one.
    other = client.post("/sign-in", data={"username": "x", "password": "y"},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    with limited.app_context():
        ratelimit.reset()
        from fieldops.db import db

        db.engine.dispose()


def test_change_password_ends_other_sessions(app, users):
    phone = app.test_client()
    laptop = app.test_client()
    sign_in(phone, "doan1")
    sign_in(laptop, "doan1")
    response = laptop.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "mat-khau-moi-1",
        "confirm": "mat-khau-moi-1"})
    assert response.status_code == 302
    assert laptop.get("/campaigns").status_code == 200  # this session carries on
    assert phone.get("/campaigns").status_code == 302  # the other one is over
    assert _user(app, "doan1").check_password("mat-khau-moi-1")


def test_change_password_checks_current_and_confirmation(organizer):
    page = organizer.post("/account/password", data={
        "current_password": "sai", "new_password": "abcdefgh1", "confirm": "abcdefgh1"}
    ).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in page
    page = organizer.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "abcdefgh1", "confirm": "abcdefgh2"}
    ).get_data(as_text=True)
    assert "Hai mật khẩu mới không khớp." in page
    page = organizer.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "ngan", "confirm": "ngan"}
    ).get_data(as_text=True)
    assert "Mật khẩu phải có ít nhất 8 ký tự." in page


def test_disabling_an_account_ends_its_session_at_once(app, organizer):
    volunteer = app.test_client()
    sign_in(volunteer, "tnv1")
    assert volunteer.get("/campaigns").status_code == 200
    target = _user(app, "tnv1")
    response = organizer.post(f"/users/{target.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert volunteer.get("/campaigns").status_code == 302
    page = volunteer.post("/sign-in", data={"username": "tnv1", "password": PASSWORD})
    assert "Tài khoản này đã bị khóa" in page.get_data(as_text=True)
    organizer.post(f"/users/{target.id}/active", data={"active": "1"})
    sign_in(volunteer, "tnv1")


def test_organizer_cannot_disable_self(app, organizer):
    me = _user(app, "toch")
    organizer.post(f"/users/{me.id}/active", data={"active": "0"})
    assert _user(app, "toch").active
    assert "Bạn không thể tự khóa" in organizer.get("/users").get_data(as_text=True)


def test_only_organizers_manage_accounts(app, client, users):
    sign_in(client, "doan1")
    response = client.get("/users")
    assert response.status_code == 403
    assert "Không có quyền" in response.get_data(as_text=True)
    assert client.post("/users/new", data={}).status_code == 403


def test_organizer_creates_account_with_checked_phone(app, organizer):
    page = organizer.post("/users/new", data={
        "username": "tnv2", "full_name": "Hồ Thị Em", "phone": "0123456789",
        "role": "volunteer", "password": "abcdefgh1"}).get_data(as_text=True)
    assert "Số điện thoại di động Việt Nam không hợp lệ." in page
    page = organizer.post("/users/new", data={
        "username": "tnv2", "full_name": "Hồ Thị Em", "phone": "0912000001",
        "role": "volunteer", "password": "abcdefgh1"}).get_data(as_text=True)
    assert "Số điện thoại này đã gắn với tài khoản khác." in page
    response = organizer.post("/users/new", data={
        "username": "TNV2", "full_name": "Hồ Thị Em", "phone": "098 765 4321",
        "role": "volunteer", "password": "abcdefgh1"})
    assert response.status_code == 302
    created = _user(app, "tnv2")
    assert created.phone == "0987654321" and created.role == "volunteer"
    page = organizer.post("/users/new", data={
        "username": "tnv2", "full_name": "X", "role": "volunteer", "password": "abcdefgh1"})
    assert "Tên đăng nhập này đã có người dùng." in page.get_data(as_text=True)


def test_role_change_ends_sessions(app, organizer):
    lead = app.test_client()
    sign_in(lead, "doan1")
    target = _user(app, "doan1")
    organizer.post(f"/users/{target.id}/edit", data={
        "full_name": "Võ Trưởng Đoàn", "phone": "0912000002", "role": "volunteer"})
    assert _user(app, "doan1").role == "volunteer"
    assert lead.get("/campaigns").status_code == 302


def test_forms_are_csrf_protected(app, users):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/sign-in", data={"username": "toch", "password": PASSWORD})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"username": "toch", "password": PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 302
    # Signing out is a POST with a token too: a link on another site cannot sign you out.
    assert client.post("/sign-out").status_code == 400
    assert client.get("/campaigns").status_code == 200
