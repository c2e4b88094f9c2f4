"""The OpenAPI 3.1 document of the whole API, written by hand to match checkin/api_views.py
and reports/api_views.py (the read-only paths are data here: check-in imports no later feature)."""

from __future__ import annotations

from fieldops.checkin.citizen_id import PROVINCE_CODES
from fieldops.checkin.models import FAILURE_REASONS, OUTCOMES, SOURCES, STATUSES
from fieldops.db import MAX_ID

_SEPARATORS = r"[\s.\-]*"
#: what check_shape accepts, as far as a pattern can say it: twelve digits with spaces, dots or
#: dashes anywhere, starting with a province code (the birth-year rule is in the description)
CITIZEN_ID_PATTERN = "^{sep}(?:{codes}){sep}(?:[0-9]{sep}){{9}}$".format(
    sep=_SEPARATORS, codes="|".join(_SEPARATORS.join(code) for code in sorted(PROVINCE_CODES)))


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _registration(description: str) -> dict:
    return {"description": description, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Registration"}}}}


def _query(name: str, description: str, **schema) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID, **schema}}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_PAGING = [_query("page", "Page number, from 1.", maximum=100_000),
           _query("per_page", "Items per page (default 50).", maximum=100)]
_CAMPAIGN_ID = {"name": "campaign_id", "in": "path", "required": True,
                "schema": {"type": "integer"}}


def _read_paths() -> dict:
    """Return the read-only paths for integrations (reports/api_views.py)."""
    missing = _error("No such campaign (or phase, service, unit).")
    bad = _error("A query parameter cannot be read (`field` names it).")
    return {
        "/api/campaigns": {"get": {
            "summary": "Campaigns, newest first, with phases, communes and services",
            "operationId": "listCampaigns", "parameters": _PAGING,
            "responses": {"200": _json("CampaignPage", "One page of campaigns."),
                          "401": _error("Bad token."), "422": bad}}},
        "/api/campaigns/{campaign_id}": {"get": {
            "summary": "One campaign", "operationId": "getCampaign",
            "parameters": [_CAMPAIGN_ID],
            "responses": {"200": _json("Campaign", "The campaign."),
                          "401": _error("Bad token."), "404": missing}}},
        "/api/campaigns/{campaign_id}/progress": {"get": {
            "summary": "Target, done, expected and pace per unit: the progress page's numbers",
            "operationId": "getProgress",
            "parameters": [
                _CAMPAIGN_ID,
                _query("phase", "A phase of the campaign (default: the one running today)."),
                {"name": "level", "in": "query", "required": False, "schema": {
                    "type": "string", "enum": ["places", "commune", "teams", "team"]},
                 "description": "places: the communes; commune: one commune's hamlets; teams: "
                                "the teams and the desks; team: one team's members."},
                _query("unit", "The commune or team, for level commune or team."),
                _query("service", "One service of the campaign (default: all)."),
            ],
            "responses": {"200": _json("Progress", "The table, its total and its clock."),
                          "401": _error("Bad token."), "404": missing, "422": bad}}},
        "/api/campaigns/{campaign_id}/teams": {"get": {
            "summary": "The campaign's teams with their hamlet assignments",
            "operationId": "listTeams", "parameters": [_CAMPAIGN_ID, *_PAGING],
            "responses": {"200": _json("TeamPage", "One page of teams."),
                          "401": _error("Bad token."), "404": missing, "422": bad}}},
    }


def _page_of(ref: str) -> dict:
    return {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
        "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "total": {"type": "integer"}}}


def _read_schemas() -> dict:
    """Return the schemas of the read-only answers."""
    day = {"type": "string", "format": "date"}
    count = {"type": ["integer", "null"]}
    line = {"type": "object", "properties": {
        "key": {"type": "string"}, "label": {"type": "string"},
        "target": count, "done": {"type": "integer"}, "claimed": count, "confirmed": count,
        "expected": {"type": "integer"}, "remaining": {"type": "integer"}, "pace": count,
        "light": {"type": "string", "enum": ["green", "amber", "red", "none"]},
        "percent": {"type": ["number", "null"]},
        "drill": {"type": ["object", "null"], "properties": {
            "level": {"type": "string"}, "unit": {"type": "integer"}}}}}
    named = {"type": "object", "properties": {"id": {"type": "integer"},
                                              "name": {"type": "string"}}}
    return {
        "Campaign": {"type": "object", "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "plan_number": {"type": ["string", "null"]},
            "issuing_unit": {"type": ["string", "null"]}, "start_date": day, "end_date": day,
            "phases": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "start_date": day,
                "end_date": day}}},
            "communes": {"type": "array", "items": named},
            "services": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "code": {"type": "string"},
                "name": {"type": "string"}}}}}},
        "CampaignPage": _page_of("Campaign"),
        "ProgressLine": line,
        "Progress": {"type": "object", "properties": {
            "campaign_id": {"type": "integer"}, "phase_id": {"type": "integer"},
            "level": {"type": "string"}, "unit": count, "service_id": count, "day": day,
            "elapsed_days": {"type": "integer"}, "phase_days": {"type": "integer"},
            "days_left": {"type": "integer"}, "lists": {"type": "boolean"},
            "confirmed_only": {"type": "boolean"},
            "total": {"$ref": "#/components/schemas/ProgressLine"},
            "lines": {"type": "array", "items": {"$ref": "#/components/schemas/ProgressLine"}}}},
        "Team": {"type": "object", "properties": {
            "id": {"type": "integer"}, "campaign_id": {"type": "integer"},
            "name": {"type": "string"}, "lead": {"type": ["string", "null"]},
            "organisation": {"type": ["string", "null"]}, "members": {"type": "integer"},
            "assignments": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "hamlet_id": {"type": "integer"},
                "hamlet": {"type": "string"}, "commune_id": count, "start_date": day,
                "end_date": day, "weekday": {"type": ["integer", "null"], "minimum": 0,
                                             "maximum": 6}}}}}},
        "TeamPage": _page_of("Team"),
    }


def document(server_url: str) -> dict:
    """Return the OpenAPI document, with this server's address."""
    outcome = {
        "type": "object",
        "required": ["outcome"],
        "properties": {
            "service_id": {"type": "integer"},
            "service_code": {"type": "string", "examples": ["eid_level2"]},
            "outcome": {"type": "string", "enum": list(OUTCOMES)},
            "failure_reason": {"type": ["string", "null"], "enum": [*FAILURE_REASONS, None]},
            "note": {"type": ["string", "null"], "maxLength": 255},
        },
        "description": "service_id or service_code names the service.",
    }
    new_registration = {
        "type": "object",
        "required": ["submission_id", "full_name", "citizen_id", "consent", "outcomes"],
        "properties": {
            "submission_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$",
                              "description": "Made by the device (a UUID). Sending it again "
                                             "returns the stored record and stores nothing."},
            "desk_id": {"type": "integer", "description": "Exactly one of desk_id, team_id."},
            "team_id": {"type": "integer"},
            "registration_id": {"type": "integer",
                                "description": "A queued citizen of the desk to complete."},
            "full_name": {"type": "string", "maxLength": 120},
            "phone": {"type": ["string", "null"], "description": "Vietnamese mobile number."},
            "hamlet_id": {"type": ["integer", "null"],
                          "description": "Required for a team: one of today's hamlets."},
            "citizen_id": {"type": "string", "pattern": CITIZEN_ID_PATTERN, "description": (
                "12 digits; spaces, dots and dashes between them are ignored. The first three "
                "are a province code, digits 4-6 the century, sex and birth year (not in the "
                "future).")},
            "citizen_id_confirm": {"type": "string",
                                   "description": "The number typed again, unless birth_year."},
            "birth_year": {"type": "integer", "description": "Must match digits 4-6."},
            "credited_member_id": {"type": ["integer", "null"], "description": (
                "“Người hướng dẫn”: the member credited instead of the caller, one of the "
                "team's people (at a desk, of the caller's teams).")},
            "consent": {"type": "boolean", "const": True},
            "outcomes": {"type": "array", "minItems": 1,
                         "items": {"$ref": "#/components/schemas/Outcome"}},
        },
    }
    registration = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "submission_id": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "campaign_id": {"type": "integer"}, "event_id": {"type": ["integer", "null"]},
            "desk_id": {"type": ["integer", "null"]}, "team_id": {"type": ["integer", "null"]},
            "hamlet_id": {"type": ["integer", "null"]},
            "source": {"type": "string", "enum": list(SOURCES)},
            "status": {"type": "string", "enum": list(STATUSES)},
            "queue_day": {"type": ["string", "null"], "format": "date"},
            "queue_number": {"type": ["integer", "null"]},
            "full_name": {"type": "string"}, "phone": {"type": ["string", "null"]},
            "citizen_id_masked": {"type": ["string", "null"], "examples": ["********1234"]},
            "volunteer_id": {"type": ["integer", "null"]},
            "credited_member_id": {"type": ["integer", "null"]},
            "on_behalf": {"type": "boolean",
                          "description": "“Ghi thay”: credited to a member who did not record it."},
            "created_at": {"type": "string", "format": "date-time"},
            "recorded_at": {"type": ["string", "null"], "format": "date-time"},
            "services": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "fieldops API", "version": "1",
                 "description": "Registrations of citizens helped at desks and doors, and "
                                "read-only campaigns, progress and teams for integrations. "
                                "Error messages are in Vietnamese."},
        "servers": [{"url": server_url}],
        "security": [{"deviceToken": []}],
        "paths": {
            "/api/registrations": {"post": {
                "summary": "Record a registration (idempotent by submission_id)",
                "operationId": "postRegistration",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/NewRegistration"}}}},
                "responses": {
                    "201": _registration("Stored."),
                    "200": _registration("Sent before: the stored record, nothing new."),
                    "400": _error("Not JSON."),
                    "401": _error("Missing, unknown or revoked device token."),
                    "403": _error("Not staff of this desk or team (the refusal is stored)."),
                    "409": _error("Duplicate citizen and service in the campaign (with "
                                  "`existing`), or refused by the rules (stored, `refused`)."),
                    "413": _error("Body too large."),
                    "422": _error("Invalid field (`field` names it)."),
                }}},
            "/api/registrations/{registration_id}": {"get": {
                "summary": "Read a registration the device's user may see",
                "operationId": "getRegistration",
                "parameters": [{"name": "registration_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": _registration("The record, ID number masked."),
                              "401": _error("Bad token."), "404": _error("Not found.")}}},
            "/api/desks/{desk_id}/queue": {"get": {
                "summary": "Today's waiting and called citizens of a desk",
                "operationId": "getDeskQueue",
                "parameters": [{"name": "desk_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "The queue, in order.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Queue"}}}},
                    "401": _error("Bad token."), "403": _error("Not staff of this desk."),
                    "404": _error("No such desk.")}}},
            **_read_paths(),
            "/api/openapi.json": {"get": {
                "summary": "This document", "operationId": "getOpenAPI", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                      "content": {"application/json": {}}}}}},
        },
        "components": {
            "securitySchemes": {"deviceToken": {
                "type": "http", "scheme": "bearer",
                "description": "A device token made at /checkin/devices, revocable there."}},
            "schemas": {
                "Outcome": outcome,
                "NewRegistration": new_registration,
                "Registration": registration,
                "Queue": {"type": "object", "properties": {
                    "desk_id": {"type": "integer"}, "desk": {"type": "string"},
                    "day": {"type": "string", "format": "date"},
                    "queue": {"type": "array",
                              "items": {"$ref": "#/components/schemas/Registration"}}}},
                **_read_schemas(),
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "string", "description": "Vietnamese message."},
                    "field": {"type": ["string", "null"]},
                    "refused": {"type": "string"},
                    "existing": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "url": {"type": "string"}}}}},
            },
        },
    }
