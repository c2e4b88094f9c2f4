"""The JSON API for volunteer devices: post a registration, read a desk's queue, read a record.

Authentication is `Authorization: Bearer <device token>`; there is no cookie, so no CSRF.
Every POST carries the client's submission_id: the first call answers 201, a replay 200 with
the same record, so an offline queue on the phone can resend safely.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _

from fieldops.campaigns.models import Service
from fieldops.checkin import access, crypto, recording, rules, services
from fieldops.checkin.citizen_id import check_citizen_id
from fieldops.checkin.models import API, CALLED, WAITING, DeviceToken, Registration
from fieldops.checkin.openapi import document
from fieldops.checkin.services import ConflictError, DuplicateError, Outcome, RefusedError
from fieldops.clock import local_today, now_utc
from fieldops.db import MAX_ID, db
from fieldops.errors import DomainError
from fieldops.events.models import HelpDesk
from fieldops.extensions import csrf
from fieldops.scope import campaign_visible
from fieldops.teams.models import Team
from fieldops.web import rules_checked

bp = Blueprint("api", __name__)
csrf.exempt(bp)


def error(message: str, status: int, **extra):
    """Return a JSON error with a Vietnamese message."""
    return jsonify({"error": str(message), **extra}), status


@bp.before_request
def authenticate_device():
    """Let the request through with `g.api_user` set if it carries a live device token;
    otherwise answer 401 in Vietnamese (other API blueprints use this hook too)."""
    request.max_content_length = current_app.config["CHECKIN_MAX_BODY"]
    if request.endpoint == "checkin.api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return error(_("Thiếu mã thiết bị (Authorization: Bearer ...)."), 401)
    token = db.session.execute(db.select(DeviceToken).filter_by(
        token_hash=crypto.token_digest(secret.strip()))).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return error(_("Mã thiết bị không hợp lệ hoặc đã bị thu hồi."), 401)
    # Writing on every call would cost a write per read; a minute's precision is enough.
    now = now_utc()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now  # committed with the request
    g.api_user = token.user
    return None


@bp.errorhandler(413)
def _too_large(_error):
    return error(_("Nội dung gửi lên quá lớn. Không có gì được lưu."), 413)


def registration_json(registration: Registration) -> dict:
    """Return a registration as the API shows it (the ID number masked)."""
    return {
        "id": registration.id,
        "submission_id": registration.submission_id,
        "url": url_for("checkin.registration", registration_id=registration.id,
                       _external=True),
        "campaign_id": registration.campaign_id,
        "event_id": registration.event_id,
        "desk_id": registration.desk_id,
        "team_id": registration.team_id,
        "hamlet_id": registration.hamlet_id,
        "source": registration.source,
        "status": registration.status,
        "queue_day": registration.queue_day.isoformat() if registration.queue_day else None,
        "queue_number": registration.queue_number,
        "full_name": registration.full_name,
        "phone": registration.phone,
        "citizen_id_masked": registration.masked_citizen_id or None,
        "volunteer_id": registration.volunteer_id,
        "credited_member_id": registration.credited_member_id,
        "on_behalf": registration.on_behalf,
        "created_at": registration.created_at.isoformat(),
        "recorded_at": registration.recorded_at.isoformat() if registration.recorded_at else None,
        "services": [{"service_id": s.service_id, "service_code": s.service.code,
                      "outcome": s.outcome, "failure_reason": s.failure_reason, "note": s.note}
                     for s in registration.services],
    }


def _outcomes(items) -> list[Outcome]:
    if not isinstance(items, list):
        raise DomainError(_("“outcomes” phải là một danh sách."), "outcomes")
    codes = dict(db.session.execute(db.select(Service.code, Service.id)).all())
    result = []
    for item in items:
        if not isinstance(item, dict):
            raise DomainError(_("Mỗi kết quả phải là một đối tượng."), "outcomes")
        service_id = item.get("service_id") or codes.get(item.get("service_code"))
        if not isinstance(service_id, int) or not 0 < service_id <= MAX_ID:
            raise DomainError(_("Dịch vụ không tồn tại."), "outcomes")
        result.append(Outcome(service_id, str(item.get("outcome") or ""),
                              item.get("failure_reason"), item.get("note")))
    return result


def _text(body: dict, key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise DomainError(_("Giá trị của “%(key)s” không hợp lệ.", key=key), key)
    return str(value)


def _int(body: dict, key: str) -> int | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError(_("“%(key)s” phải là số nguyên.", key=key), key)
    if not -MAX_ID <= value <= MAX_ID:
        # No id column holds it (PostgreSQL would fail the query): it names nothing.
        raise DomainError(_("“%(key)s” quá lớn.", key=key), key)
    return value


@bp.post("/api/registrations")
def post_registration():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error(_("Nội dung phải là JSON."), 400)
    user = g.api_user
    # A broken rule not answered below becomes {"error", "field"} with 422 (fieldops.web).
    submission_id = rules.check_submission_id(_text(body, "submission_id"))
    # Only a record the caller may read answers as a replay; another's id goes on as new.
    existing = recording.replayed(submission_id, user)
    if existing is not None:
        return jsonify(registration_json(existing)), 200
    desk_id, team_id = _int(body, "desk_id"), _int(body, "team_id")
    registration_id = _int(body, "registration_id")
    desk = team = registration = None
    if (desk_id is None) == (team_id is None):
        raise DomainError(_("Cần đúng một trong hai: desk_id hoặc team_id."), "desk_id")
    if desk_id is not None:
        desk = db.session.get(HelpDesk, desk_id)
        if desk is None:
            raise DomainError(_("Không có bàn này."), "desk_id")
        campaign = desk.event.campaign
    else:
        team = db.session.get(Team, team_id)
        if team is None or (not user.is_organizer
                            and team.id not in {t.id for t in access.user_teams(user)}):
            return error(_("Bạn không thuộc đoàn này."), 403, field="team_id")
        campaign = team.campaign
        hamlet_ids = {h.id for h in access.hamlets_today(team, local_today())}
        if _int(body, "hamlet_id") not in hamlet_ids:
            raise DomainError(_("Đoàn không được phân công thôn/ấp này hôm nay."), "hamlet_id")
    if registration_id is not None:
        registration = db.session.get(Registration, registration_id)
        if (registration is None or desk is None or registration.desk_id != desk.id
                or registration.status not in (WAITING, CALLED)):
            raise DomainError(_("Không có người này trong hàng chờ của bàn."), "registration_id")
    number = check_citizen_id(_text(body, "citizen_id"), confirm=_text(body, "citizen_id_confirm"),
                              birth_year=_int(body, "birth_year"))
    outcomes = _outcomes(body.get("outcomes"))
    with rules_checked() as outcome:
        try:
            saved, replay = recording.record_or_replay(
                registration, submission_id=submission_id, user=user, campaign=campaign,
                source=API if registration is None else "desk",
                full_name=_text(body, "full_name"), phone=_text(body, "phone"),
                hamlet_id=_int(body, "hamlet_id"), birth_year=_int(body, "birth_year"),
                citizen_id=number, outcomes=outcomes, consent=body.get("consent") is True,
                desk=desk, team=team, credited_member_id=_int(body, "credited_member_id"))
        except RefusedError as refused:
            # Not undone: the request stores the refusal, so the organizer can follow up.
            return error(refused.message, 403 if refused.reason == "wrong_desk" else 409,
                         refused=refused.reason)
        if replay:
            return jsonify(registration_json(saved)), 200
        return jsonify(registration_json(saved)), 201, {
            "Location": url_for(".get_registration", registration_id=saved.id)}
    return _refused_record(outcome.error, submission_id, user)


def _refused_record(problem: DomainError, submission_id: str, user):
    """Answer a record the rules refused (nothing of it was kept)."""
    if isinstance(problem, DuplicateError | ConflictError):
        # Sent twice at once: the other copy stored it after this one looked (its citizen then
        # counts as a duplicate, or its submission id is taken); this copy is its replay.
        saved = recording.replayed(submission_id, user)
        if saved is not None:
            return jsonify(registration_json(saved)), 200
    if isinstance(problem, DuplicateError):
        return error(problem.message, 409, field="citizen_id", existing={
            "id": problem.existing.id,
            "url": url_for("checkin.registration", registration_id=problem.existing.id,
                           _external=True)})
    if isinstance(problem, ConflictError):
        return error(_("Hồ sơ vừa được ghi ở nơi khác. Hãy thử lại."), 409)
    return error(problem.message, 422, field=problem.field)


@bp.get("/api/registrations/<int:registration_id>")
def get_registration(registration_id: int):
    registration = db.session.get(Registration, registration_id)
    if registration is None or not access.can_see(g.api_user, registration):
        return error(_("Không tìm thấy hồ sơ."), 404)
    return jsonify(registration_json(registration))


@bp.get("/api/desks/<int:desk_id>/queue")
def desk_queue(desk_id: int):
    desk = db.session.get(HelpDesk, desk_id)
    if desk is None or not campaign_visible(g.api_user, desk.event.campaign):
        return error(_("Không có bàn này."), 404)  # outside the area: as if it did not exist
    if not access.can_work_desk(g.api_user, desk):
        return error(_("Bạn không trực ở bàn này."), 403)
    day = local_today()
    return jsonify({"desk_id": desk.id, "desk": desk.name, "day": day.isoformat(),
                    "queue": [registration_json(r) for r in services.desk_queue(desk, day)]})


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(document(url_for("core.home", _external=True).rstrip("/")))
