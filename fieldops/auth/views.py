"""Sign-in, sign-out, own password, and account management for organizers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from fieldops.auth import services
from fieldops.auth.forms import ChangePasswordForm, SignInForm, UserEditForm, UserForm
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, User
from fieldops.db import db
from fieldops.forms import choices
from fieldops.ratelimit import per_address
from fieldops.scope import area_visible, users_in_scope
from fieldops.web import rules_flashed, rules_on

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would help phishing.
    if target and not urlsplit(target).netloc and target.startswith("/") and "//" not in target:
        return target
    return url_for("core.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@per_address("sign-in", "30 per minute; 300 per hour")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SignInForm()
    if form.validate_on_submit():
        with rules_on(form, keep=True):  # a wrong password still counts toward the delay
            user = services.authenticate(form.username.data, form.password.data)
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        # The cookie is signed, not stored: only a new session version makes a copy of it useless.
        services.end_sessions(current_user)
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    response = redirect(url_for("auth.sign_in"))
    # What the phone kept for offline use (pages with names, unsent forms) leaves with the user.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with rules_on(form):
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
            login_user(current_user)  # this session carries on with the new version
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."), "success")
            return redirect(url_for("core.home"))
    return render_template("auth/change_password.html", form=form)


def _users_in_scope():
    """Return a select of the accounts the organizer manages: those inside their area."""
    return users_in_scope(db.select(User), current_user)


def _user_or_404(user_id: int) -> User:
    # An account outside the organizer's area answers as if it did not exist.
    user = db.session.execute(_users_in_scope().where(User.id == user_id)).scalar_one_or_none()
    if user is None:
        abort(404)
    return user


def _area_choices(form) -> None:
    """Offer the places the organizer may give: their own area and what lies in it."""
    from fieldops.areas.models import HAMLET, Area
    from fieldops.text import fold

    rows = db.session.execute(db.select(Area).where(Area.level != HAMLET)).scalars()
    places = sorted((a for a in rows if area_visible(current_user, a.id)),
                    key=lambda a: [fold(x.name) for x in a.path])
    whole = [("", _("Toàn bộ (không giới hạn)"))] if current_user.area_id is None else []
    form.area_id.choices = whole + choices((str(a.id), a.full_name) for a in places)
    if not form.is_submitted() and form.area_id.data is None and current_user.area_id:
        form.area_id.data = str(current_user.area_id)


def _chosen_area(form) -> int | None:
    raw = form.area_id.data
    return int(raw) if raw and str(raw).isdigit() else None


@bp.get("/users")
@role_required(ORGANIZER)
def users():
    rows = db.session.execute(_users_in_scope().order_by(User.role, User.username)).scalars()
    return render_template("auth/users.html", users=list(rows))


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(ORGANIZER)
def new_user():
    form = UserForm()
    _area_choices(form)
    if form.validate_on_submit():
        with rules_on(form):
            user = services.create_user(
                form.username.data, form.full_name.data, form.password.data,
                form.role.data, form.phone.data, _chosen_area(form), acting=current_user,
            )
            flash(_("Đã tạo tài khoản %(name)s.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user)
    _area_choices(form)
    if not form.is_submitted():
        form.area_id.data = str(user.area_id or "")
    if form.validate_on_submit():
        with rules_on(form):
            services.update_user(user, form.full_name.data, form.role.data, form.phone.data,
                                 _chosen_area(form), acting=current_user)
            flash(_("Đã lưu tài khoản %(name)s.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@bp.post("/users/<int:user_id>/active")
@role_required(ORGANIZER)
def set_active(user_id: int):
    user = _user_or_404(user_id)
    active = request.form.get("active") == "1"
    with rules_flashed():
        services.set_active(user, active, current_user)
        if active:
            flash(_("Đã mở khóa tài khoản %(name)s.", name=user.username), "success")
        else:
            flash(_("Đã khóa tài khoản %(name)s; mọi phiên đăng nhập của nó đã kết thúc.",
                    name=user.username), "success")
    return redirect(url_for("auth.users"))
