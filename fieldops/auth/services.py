"""Rules about accounts: signing in, passwords, roles, disabling."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from fieldops import scope
from fieldops.auth import attempts
from fieldops.auth.models import ROLES, User
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.text import nfc, normalize_phone

MIN_PASSWORD = 8


def find_user(identifier: str) -> User | None:
    """Return the account named by a username or a Vietnamese phone number."""
    identifier = (identifier or "").strip()
    phone = normalize_phone(identifier)
    if phone:
        user = db.session.execute(db.select(User).filter_by(phone=phone)).scalar_one_or_none()
        if user:
            return user
    return db.session.execute(
        db.select(User).filter_by(username=identifier.lower())
    ).scalar_one_or_none()


def authenticate(identifier: str, password: str) -> User:
    """Return the account if the password is right; count every attempt and slow failures down."""
    wrong = DomainError(_l("Tên đăng nhập hoặc mật khẩu không đúng."), "password")
    user = find_user(identifier)
    if user is None:
        raise wrong
    claim = attempts.claim_attempt(user.id)
    if claim.wait:
        seconds = int(claim.wait.total_seconds()) + 1
        raise DomainError(
            lazy_ngettext(
                "Đã nhập sai quá nhiều lần. Vui lòng thử lại sau %(num)s giây.",
                "Đã nhập sai quá nhiều lần. Vui lòng thử lại sau %(num)s giây.",
                seconds,
            ),
            "password",
        )
    if not user.check_password(password):
        raise wrong  # already counted by the claim
    if not user.active:
        attempts.give_back(user.id)
        raise DomainError(_l("Tài khoản này đã bị khóa. Hãy liên hệ người tổ chức."), "username")
    # A statement, not attributes: the loaded row predates the claim, so "0" may look unchanged.
    db.session.execute(sa.update(User).where(User.id == user.id).values(
        failed_sign_ins=0, last_failed_sign_in_at=None, last_sign_in_at=now_utc()))
    return user


def _check_password_strength(password: str, field: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise DomainError(_l("Mật khẩu phải có ít nhất %(n)s ký tự.", n=MIN_PASSWORD), field)


def create_user(
    username: str, full_name: str, password: str, role: str, phone: str | None = None,
    area_id: int | None = None, acting: User | None = None,
) -> User:
    """Create an account after checking that its username and phone are free."""
    username = username.strip().lower()
    if role not in ROLES:
        raise DomainError(_l("Vai trò không hợp lệ."), "role")
    if db.session.execute(db.select(User.id).filter_by(username=username)).first():
        raise DomainError(_l("Tên đăng nhập này đã có người dùng."), "username")
    normalized = None
    if phone:
        normalized = normalize_phone(phone)
        if normalized is None:
            raise DomainError(_l("Số điện thoại di động Việt Nam không hợp lệ."), "phone")
        if db.session.execute(db.select(User.id).filter_by(phone=normalized)).first():
            raise DomainError(_l("Số điện thoại này đã gắn với tài khoản khác."), "phone")
    _check_password_strength(password, "password")
    user = User(username=username, full_name=nfc(full_name), role=role, phone=normalized)
    _set_area(user, area_id, acting)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, full_name: str, role: str, phone: str | None,
                area_id: int | None = None, acting: User | None = None) -> None:
    """Change an account's name, role, phone and area; a role or area change ends its
    sessions."""
    if role not in ROLES:
        raise DomainError(_l("Vai trò không hợp lệ."), "role")
    normalized = None
    if phone:
        normalized = normalize_phone(phone)
        if normalized is None:
            raise DomainError(_l("Số điện thoại di động Việt Nam không hợp lệ."), "phone")
        taken = db.session.execute(
            db.select(User.id).where(User.phone == normalized, User.id != user.id)
        ).first()
        if taken:
            raise DomainError(_l("Số điện thoại này đã gắn với tài khoản khác."), "phone")
    if role != user.role or area_id != user.area_id:
        user.session_version += 1
    _set_area(user, area_id, acting)
    user.full_name = nfc(full_name)
    user.role = role
    user.phone = normalized
    db.session.flush()


def _set_area(user: User, area_id: int | None, acting: User | None) -> None:
    """Give the account an area, no wider than the acting organizer's own."""
    from fieldops.areas.models import HAMLET, Area

    if area_id is not None:
        area = db.session.get(Area, area_id)
        if area is None or area.level == HAMLET:
            raise DomainError(_l("Hãy chọn một tỉnh, huyện hoặc xã."), "area_id")
    if acting is not None and not scope.can_grant(acting, area_id):
        raise DomainError(_l("Bạn chỉ có thể giao địa bàn nằm trong địa bàn của mình."),
                          "area_id")
    user.area_id = area_id


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one; other sessions end."""
    if not user.check_password(current):
        raise DomainError(_l("Mật khẩu hiện tại không đúng."), "current_password")
    _check_password_strength(new, "new_password")
    user.set_password(new)
    user.session_version += 1
    db.session.flush()


def end_sessions(user: User) -> None:
    """End every session of the account (signing out): a copied cookie stops working too."""
    user.session_version += 1
    db.session.flush()


def set_active(user: User, active: bool, acting: User) -> None:
    """Enable or disable an account; disabling ends all its sessions at once."""
    if user.id == acting.id and not active:
        raise DomainError(_l("Bạn không thể tự khóa tài khoản của mình."))
    if user.active and not active:
        user.session_version += 1
    user.active = active
    db.session.flush()
