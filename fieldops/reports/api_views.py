"""Read-only JSON for integrations: campaigns and phases, progress per unit, teams and their
assignments.

They take the same bearer token as the device API (check-in's `authenticate_device`) and show
what the same user sees on the pages. Progress comes from the function the progress page uses,
so the numbers cannot drift apart.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from fieldops.campaigns.models import Campaign
from fieldops.checkin.api_views import authenticate_device, error
from fieldops.clock import local_today
from fieldops.db import MAX_ID, db
from fieldops.errors import NotFound
from fieldops.extensions import csrf
from fieldops.reports.progress import COMMUNE, LEVELS, PLACES, TEAM, Line, current_phase, progress
from fieldops.scope import (
    campaign_visible,
    campaigns_in_scope,
    commune_ids_in_scope,
    hamlet_ids_in_scope,
    teams_in_scope,
    visible_communes,
)
from fieldops.teams.models import Team

PER_PAGE, MAX_PER_PAGE = 50, 100

api_bp = Blueprint("api", __name__)
api_bp.before_request(authenticate_device)
csrf.exempt(api_bp)


class _BadQuery(Exception):
    """A query parameter that cannot be read; answered 422 naming it."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message, self.field = message, field


@api_bp.errorhandler(_BadQuery)
def _bad_query(problem: _BadQuery):
    return error(problem.message, 422, field=problem.field)


def _only(*names: str) -> None:
    """Refuse a query parameter the endpoint does not know: a typo ("per-page") would
    otherwise be ignored silently and the integration read the wrong page."""
    for name in request.args:
        if name not in names:
            raise _BadQuery(_("Tham số “%(key)s” không được hỗ trợ ở đây.", key=name), name)


def _int_arg(name: str, *, low: int = 1, high: int = MAX_ID) -> int | None:
    text = request.args.get(name)
    if text is None:
        return None
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise _BadQuery(_("“%(key)s” phải là số nguyên từ %(low)s đến %(high)s.", key=name,
                          low=low, high=high), name)
    return int(text)


def _page(select) -> dict:
    """Return one page of a select's rows with the paging facts."""
    page = _int_arg("page", high=100_000) or 1
    per_page = _int_arg("per_page", high=MAX_PER_PAGE) or PER_PAGE
    found = db.paginate(select, page=page, per_page=per_page, error_out=False, count=True)
    return {"items": list(found.items), "page": page, "per_page": per_page, "total": found.total}


def _campaign(campaign_id: int) -> Campaign | None:
    """Return the campaign if it exists and lies in the API user's area (None: answer 404)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not campaign_visible(g.api_user, campaign):
        return None
    return campaign


def campaign_json(campaign: Campaign) -> dict:
    """Return a campaign with its phases, communes and services as the API shows it (only the
    communes of the API user's area)."""
    return {
        "id": campaign.id, "title": campaign.title, "plan_number": campaign.plan_number,
        "issuing_unit": campaign.issuing_unit,
        "start_date": campaign.start_date.isoformat(), "end_date": campaign.end_date.isoformat(),
        "phases": [{"id": p.id, "name": p.name, "start_date": p.start_date.isoformat(),
                    "end_date": p.end_date.isoformat()} for p in campaign.phases],
        "communes": [{"id": c.id, "name": c.display_name}
                     for c in visible_communes(g.api_user, campaign)],
        "services": [{"id": s.id, "code": s.code, "name": s.name_vi}
                     for s in campaign.services],
    }


def line_json(line: Line) -> dict:
    """Return one line of a progress table, with the unit it drills down to."""
    return {"key": line.key, "label": line.label, "target": line.target, "done": line.done,
            "claimed": line.claimed, "confirmed": line.confirmed, "expected": line.expected,
            "remaining": line.remaining, "pace": line.pace, "light": line.light,
            "percent": line.percent,
            "drill": {"level": line.drill[0], "unit": line.drill[1]} if line.drill else None}


def team_json(team: Team) -> dict:
    """Return a team with its lead, size and hamlet assignments (no one's phone number; only
    the hamlets of the API user's area)."""
    hamlets = hamlet_ids_in_scope(g.api_user)
    return {
        "id": team.id, "campaign_id": team.campaign_id, "name": team.name,
        "lead": team.lead.full_name if team.lead else None,
        "organisation": team.lead_organisation.name if team.lead_organisation else None,
        "members": len(team.members),
        "assignments": [{"id": a.id, "hamlet_id": a.hamlet_id, "hamlet": a.hamlet.display_name,
                         "commune_id": a.hamlet.parent_id,
                         "start_date": a.start_date.isoformat(),
                         "end_date": a.end_date.isoformat(), "weekday": a.weekday}
                        for a in sorted(team.assignments, key=lambda a: (a.start_date, a.id))
                        if hamlets is None or a.hamlet_id in hamlets],
    }


@api_bp.get("/api/campaigns")
def list_campaigns():
    _only("page", "per_page")
    page = _page(campaigns_in_scope(
        db.select(Campaign).order_by(Campaign.start_date.desc(), Campaign.id.desc()),
        g.api_user))
    return jsonify({**page, "items": [campaign_json(c) for c in page["items"]]})


@api_bp.get("/api/campaigns/<int:campaign_id>")
def get_campaign(campaign_id: int):
    _only()
    campaign = _campaign(campaign_id)
    if campaign is None:
        return error(_("Không tìm thấy chiến dịch."), 404)
    return jsonify(campaign_json(campaign))


@api_bp.get("/api/campaigns/<int:campaign_id>/progress")
def get_progress(campaign_id: int):
    _only("phase", "level", "unit", "service")
    campaign = _campaign(campaign_id)
    if campaign is None:
        return error(_("Không tìm thấy chiến dịch."), 404)
    level = request.args.get("level", PLACES)
    if level not in LEVELS:
        raise _BadQuery(_("“level” phải là một trong: %(levels)s.", levels=", ".join(LEVELS)),
                        "level")
    unit_id = _int_arg("unit")
    if level in (COMMUNE, TEAM) and unit_id is None:
        raise _BadQuery(_("Cấp “%(level)s” cần “unit”.", level=level), "unit")
    phase_id, service_id = _int_arg("phase"), _int_arg("service")
    today = local_today()
    phase = (next((p for p in campaign.phases if p.id == phase_id), None) if phase_id
             else current_phase(campaign, today))
    if phase is None:
        return error(_("Chiến dịch không có giai đoạn này."), 404)
    if service_id is not None and service_id not in {s.id for s in campaign.services}:
        return error(_("Chiến dịch không có dịch vụ này."), 404)
    try:
        report = progress(campaign, phase, level=level, unit_id=unit_id, service_id=service_id,
                          today=today, communes=commune_ids_in_scope(g.api_user))
    except NotFound:
        return error(_("Không có đơn vị này trong chiến dịch."), 404)
    return jsonify({
        "campaign_id": campaign.id, "phase_id": phase.id, "level": level, "unit": unit_id,
        "service_id": service_id, "day": report.day.isoformat(),
        "elapsed_days": report.elapsed_days, "phase_days": report.phase_days,
        "days_left": report.days_left, "lists": report.lists,
        "confirmed_only": report.confirmed_only, "total": line_json(report.total),
        "lines": [line_json(line) for line in report.lines],
    })


@api_bp.get("/api/campaigns/<int:campaign_id>/teams")
def list_teams(campaign_id: int):
    _only("page", "per_page")
    if _campaign(campaign_id) is None:
        return error(_("Không tìm thấy chiến dịch."), 404)
    page = _page(teams_in_scope(
        db.select(Team).filter_by(campaign_id=campaign_id).order_by(Team.id), g.api_user))
    return jsonify({**page, "items": [team_json(t) for t in page["items"]]})

