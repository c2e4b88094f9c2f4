"""Help desks: add and edit them, manage their QR codes, and print their posters."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, User
from fieldops.campaigns.models import Service
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.events import desks, pdf, qr
from fieldops.events.forms import CodesForm, DeleteForm, DeskForm
from fieldops.events.models import CHECKIN, GUIDE, HelpDesk, LaunchEvent
from fieldops.events.views import bp, event_or_404
from fieldops.forms import choices
from fieldops.web import rules_flashed, rules_on


def _desk_or_404(event: LaunchEvent, desk_id: int) -> HelpDesk:
    desk = db.get_or_404(HelpDesk, desk_id)
    if desk.event_id != event.id:
        abort(404)
    return desk


def _desk_form(event: LaunchEvent, desk: HelpDesk | None) -> DeskForm:
    form = DeskForm(obj=desk)
    form.services.choices = choices((s.id, s.name) for s in event.campaign.services)
    people = db.session.execute(
        db.select(User).where(User.active.is_(True)).order_by(User.full_name)).scalars()
    form.staff.choices = choices((u.id, f"{u.full_name} ({u.username})") for u in people)
    if desk is not None and not form.is_submitted():
        form.services.data = [s.id for s in desk.services]
        form.staff.data = [u.id for u in desk.staff]
    return form


def _save(form: DeskForm, event: LaunchEvent, desk: HelpDesk | None) -> HelpDesk:
    chosen = list(db.session.execute(
        db.select(Service).where(Service.id.in_(form.services.data or []))).scalars())
    staff = list(db.session.execute(
        db.select(User).where(User.id.in_(form.staff.data or []))).scalars())
    return desks.save_desk(event, desk, organisation=form.organisation.data,
                           table_label=form.table_label.data, purpose=form.purpose.data,
                           guide_text=form.guide_text.data, services=chosen, staff=staff)


def _warn_staff(event: LaunchEvent, desk: HelpDesk) -> None:
    for conflict in desks.staff_conflicts(event):
        if desk in (conflict.desk, conflict.other):
            flash(_("%(person)s đang trực cả “%(a)s” và “%(b)s” cùng lúc.",
                    person=conflict.user.full_name, a=conflict.desk.name,
                    b=conflict.other.name), "warning")


@bp.route("/events/<int:event_id>/desks", methods=["GET", "POST"])
@login_required
def desk_list(event_id: int):
    event = event_or_404(event_id)
    form = _desk_form(event, None)
    status = 200
    if request.method == "POST":
        if not current_user.is_organizer:
            abort(403)
        status = 422
        if form.validate_on_submit():
            with rules_on(form):
                desk = _save(form, event, None)
                flash(_("Đã thêm “%(name)s” với hai mã QR.", name=desk.name), "success")
                _warn_staff(event, desk)
                return redirect(url_for("events.desk_detail", event_id=event.id,
                                        desk_id=desk.id))
    return render_template("events/desks.html", event=event, form=form,
                           conflicts=desks.staff_conflicts(event)), status


@bp.route("/events/<int:event_id>/desks/<int:desk_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_desk(event_id: int, desk_id: int):
    event = event_or_404(event_id)
    desk = _desk_or_404(event, desk_id)
    form = _desk_form(event, desk)
    if form.validate_on_submit():
        with rules_on(form):
            _save(form, event, desk)
            flash(_("Đã lưu “%(name)s”.", name=desk.name), "success")
            _warn_staff(event, desk)
            return redirect(url_for("events.desk_detail", event_id=event.id, desk_id=desk.id))
    return render_template("events/desk_form.html", form=form, event=event, desk=desk)


@bp.post("/events/<int:event_id>/desks/<int:desk_id>/delete")
@role_required(ORGANIZER)
def delete_desk(event_id: int, desk_id: int):
    event = event_or_404(event_id)
    desk = _desk_or_404(event, desk_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    desks.delete_desk(desk)
    flash(_("Đã xóa bàn."), "success")
    return redirect(url_for("events.desk_list", event_id=event.id))


def _desk_page(event: LaunchEvent, desk: HelpDesk, form: CodesForm | None = None,
               status: int = 200):
    codes = {kind: desk.current_code(kind) for kind in (GUIDE, CHECKIN)}
    urls = {kind: qr.code_url(code.token) for kind, code in codes.items() if code}
    return render_template("events/desk.html", event=event, desk=desk, codes=codes, urls=urls,
                           form=form or CodesForm(), delete_form=DeleteForm(),
                           conflicts=[c for c in desks.staff_conflicts(event)
                                      if desk in (c.desk, c.other)],
                           now=now_utc()), status


@bp.get("/events/<int:event_id>/desks/<int:desk_id>")
@login_required
def desk_detail(event_id: int, desk_id: int):
    event = event_or_404(event_id)
    return _desk_page(event, _desk_or_404(event, desk_id))


@bp.post("/events/<int:event_id>/desks/<int:desk_id>/codes")
@role_required(ORGANIZER)
def desk_codes(event_id: int, desk_id: int):
    event = event_or_404(event_id)
    desk = _desk_or_404(event, desk_id)
    form = CodesForm()
    action = request.form.get("action")
    if form.validate_on_submit() and action in ("reissue", "window", "revoke"):
        window = {"valid_from": form.valid_from.data, "valid_until": form.valid_until.data}
        with rules_on(form):
            if action == "reissue":
                desks.reissue_codes(desk, form.kind.data, **window)
                message = _("Đã cấp mã mới; mã cũ không còn dùng được. Hãy in lại biển.")
            elif action == "window":
                desks.set_window(desk, form.kind.data, **window)
                message = _("Đã đặt thời hạn cho mã đang dùng.")
            else:
                desks.revoke_codes(desk, form.kind.data)
                message = _("Đã thu hồi mã. Quét mã cũ sẽ thấy thông báo mã không còn hiệu lực.")
            flash(message, "success")
            return redirect(url_for("events.desk_detail", event_id=event.id, desk_id=desk.id))
    return _desk_page(event, desk, form, 422)


def _codes_for(desk: HelpDesk) -> tuple[bytes, str, bytes, str]:
    guide, checkin = desk.current_code(GUIDE), desk.current_code(CHECKIN)
    if guide is None or checkin is None:
        raise DomainError(_("“%(name)s” chưa có mã đang dùng; hãy cấp mã mới trước khi in.",
                            name=desk.name))
    guide_url, checkin_url = qr.code_url(guide.token), qr.code_url(checkin.token)
    return qr.image(guide_url, "png")[0], guide_url, qr.image(checkin_url, "png")[0], checkin_url


def _pdf(content: bytes, name: str) -> Response:
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/events/<int:event_id>/desks/<int:desk_id>/poster.pdf")
@login_required
def desk_poster(event_id: int, desk_id: int):
    event = event_or_404(event_id)
    desk = _desk_or_404(event, desk_id)
    with rules_flashed():  # the request's commit keeps the QR images made for the next poster
        content = pdf.posters(event, [desk], _codes_for)
        return _pdf(content, f"bien-ban-{event.id}-{desk.id}.pdf")
    return redirect(url_for("events.desk_detail", event_id=event.id, desk_id=desk_id))


@bp.get("/events/<int:event_id>/posters.pdf")
@login_required
def all_posters(event_id: int):
    event = event_or_404(event_id)
    if not event.desks:
        flash(_("Sự kiện chưa có bàn hỗ trợ nào."), "error")
        return redirect(url_for("events.desk_list", event_id=event.id))
    with rules_flashed():
        content = pdf.posters(event, list(event.desks), _codes_for)
        return _pdf(content, f"bien-cac-ban-{event.id}.pdf")
    return redirect(url_for("events.desk_list", event_id=event.id))
