"""Home page, language switch, health check and error pages."""

from __future__ import annotations

from blinker import Namespace
from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from fieldops import ratelimit
from fieldops.db import db
from fieldops.extensions import csrf
from fieldops.web import DONE, STARTED, stored_state

bp = Blueprint("core", __name__)

#: sent with user= when the home page is drawn; features after core return a block of HTML
#: (Markup) to show under the greeting, or None: core knows nothing of what they show
home_blocks_wanted = Namespace().signal("home-blocks-wanted")


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    from fieldops.areas.models import Area
    from fieldops.campaigns.models import Campaign
    from fieldops.scope import area_ids_in_scope, campaigns_in_scope

    campaigns = db.session.execute(campaigns_in_scope(
        db.select(Campaign).order_by(Campaign.start_date.desc()).limit(10), current_user)
    ).scalars()
    counted = db.select(Area.level, db.func.count()).group_by(Area.level)
    within = area_ids_in_scope(current_user)
    if within is not None:
        counted = counted.where(Area.id.in_(within))
    counts = dict(db.session.execute(counted).all())
    blocks = [html for _receiver, html in home_blocks_wanted.send(
        current_app._get_current_object(), user=current_user._get_current_object()) if html]
    return render_template("core/home.html", campaigns=list(campaigns), counts=counts,
                           blocks=blocks)


@bp.post("/language")
def set_language():
    code = request.form.get("lang", "")
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.form.get("next") or url_for("core.home")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")


@bp.get("/favicon.ico")
def favicon():
    # Some browsers ask for /favicon.ico whatever the page links: send them to ours.
    return redirect(url_for("static", filename="favicon.svg"))


@bp.get("/healthz")
@csrf.exempt
def healthz():
    database = False
    # A pooled connection the server dropped fails once and is replaced: ask on a fresh one.
    for _attempt in range(2):
        try:
            db.session.execute(text("SELECT 1"))
            database = True
            break
        except SQLAlchemyError:
            db.session.rollback()  # end the failed transaction before the request's commit
    body = {"status": "ok" if database else "error", "database": database}
    # A load balancer takes this instance out of rotation when its database is gone.
    return jsonify(body), 200 if database else 503


def _error_page(code: int, title: str, message: str):
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify({"error": message}), code
    return render_template("error.html", code=code, title=title, message=message), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return _error_page(
        400,
        _("Biểu mẫu đã hết hạn"),
        _("Biểu mẫu này đã cũ hoặc đã được gửi rồi. Hãy tải lại trang và thử lại."),
    )


@bp.app_errorhandler(403)
def forbidden(error):
    return _error_page(403, _("Không có quyền"), _("Tài khoản của bạn không được mở trang này."))


@bp.app_errorhandler(404)
def not_found(error):
    return _error_page(
        404, _("Không tìm thấy"), _("Trang hoặc mục bạn tìm không có hoặc đã bị xóa.")
    )


@bp.app_errorhandler(413)
def too_large(error):
    return _error_page(413, _("Tệp quá lớn"), _("Tệp hoặc biểu mẫu gửi lên vượt quá 8 MB."))


@bp.app_errorhandler(429)
def too_many(error):
    body, code = _error_page(
        429, _("Quá nhiều yêu cầu"), _("Bạn thao tác quá nhanh. Vui lòng chờ một chút rồi thử lại.")
    )
    return ratelimit.with_retry_after(make_response(body, code), error)


@bp.app_errorhandler(500)
def server_error(error):
    db.session.rollback()
    # The message must be true: an error after the request's commit comes after its data
    # was stored (and one during the commit leaves it unknown).
    state = stored_state()
    if state == DONE:
        message = _("Đã có lỗi xảy ra sau khi dữ liệu đã được lưu. Hãy tải lại trang để xem.")
    elif state == STARTED:
        message = _("Đã có lỗi xảy ra lúc đang lưu: chưa rõ dữ liệu đã được lưu hay chưa. "
                    "Hãy tải lại trang để kiểm tra.")
    else:
        message = _("Đã có lỗi xảy ra. Dữ liệu chưa được lưu.")
    return _error_page(500, _("Lỗi máy chủ"), message)
