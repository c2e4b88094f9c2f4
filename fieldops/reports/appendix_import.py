"""The appendix import: a targets table matched with a campaign's communes and phases.

Read once at upload (`parse_appendix`); each plan reads the campaign's stored targets in one
query; the apply writes new targets, changed targets and their history in batches. A target
whose value is already stored is left alone and gets no history line.
"""

from __future__ import annotations

import difflib

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.areas.import_plans import write_changes
from fieldops.areas.imports import strip_kind_prefix
from fieldops.campaigns.models import Campaign
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.i18n import format_number
from fieldops.reports.appendix import Mismatch, parse_appendix
from fieldops.reports.models import APPENDIX, Target, TargetChange
from fieldops.reports.targets import unit_label
from fieldops.text import fold
from fieldops.uploads.batches import write_many
from fieldops.uploads.staging import (
    CHANGED_SINCE,
    CREATE,
    SAME,
    UPDATE,
    Change,
    Column,
    Importer,
    Noted,
    Parsed,
    Plan,
)
from fieldops.uploads.tables import ImportFileError, ImportProblem, read_table

TARGET = Target.__table__


def _parse(filename: str, content: bytes, scope: dict) -> Parsed:
    try:
        parsed = parse_appendix(read_table(filename, content))
    except ImportFileError as error:
        return Parsed(None, [ImportProblem(None, None, error.message)])
    if not parsed.phases:  # no phase column: nothing to match, the problem says why
        return Parsed(None, parsed.problems)
    return Parsed({
        "rows": [[r.row, r.name, r.population_14plus, sorted(r.targets.items())]
                 for r in parsed.rows],
        "phases": sorted(parsed.phases.items()),
        "mismatches": [[m.column, m.stated, m.computed] for m in parsed.mismatches],
        "total_row": parsed.total_row}, parsed.problems)


def _name_key(name: str) -> str:
    return fold(strip_kind_prefix(name))


def _plan(data: dict, scope: dict) -> Plan:
    """Match units with the campaign's communes, phases with its phases, targets with targets."""
    campaign = db.session.get(Campaign, scope["campaign_id"])
    service_id = scope["service_id"]
    plan = Plan(notes={"mismatches": [Mismatch(*m) for m in data["mismatches"]],
                       "total_row": data["total_row"]})
    if campaign is None:
        plan.problems.append(ImportProblem(None, None, CHANGED_SINCE))
        return plan
    phases = {}
    for number, header in data["phases"]:
        if number < 1 or number > len(campaign.phases):
            plan.problems.append(ImportProblem(None, header, _l(
                "Chiến dịch không có giai đoạn %(n)s (chỉ có %(count)s giai đoạn).",
                n=number, count=len(campaign.phases))))
        else:
            phases[number] = campaign.phases[number - 1]
    plan.columns = (Column(_l("Đơn vị")), Column(_l("Nhân khẩu từ 14 tuổi"), True),
                    *(Column(p.name, True) for p in phases.values()))
    communes = {_name_key(c.name): c for c in campaign.communes}
    stored = {}
    for id_, phase_id, area_id, value in db.session.execute(
            sa.select(TARGET.c.id, TARGET.c.phase_id, TARGET.c.area_id, TARGET.c.value)
            .where(TARGET.c.phase_id.in_([p.id for p in phases.values()]),
                   TARGET.c.service_id.is_(None) if service_id is None
                   else TARGET.c.service_id == service_id,
                   TARGET.c.area_id.in_([c.id for c in communes.values()]),
                   TARGET.c.team_id.is_(None), TARGET.c.member_id.is_(None))
            .order_by(TARGET.c.id)):
        stored.setdefault((phase_id, area_id), (id_, value))
    steps: list[tuple] = []
    plan.steps = {"targets": steps, "population": []}
    seen: dict[int, int] = {}
    for number, name, population, targets in data["rows"]:
        commune = communes.get(_name_key(name))
        if commune is None:
            close = difflib.get_close_matches(_name_key(name), list(communes), n=3, cutoff=0.6)
            message = _l("Không có đơn vị “%(name)s” trong chiến dịch.", name=name)
            if close:
                message = _l("%(message)s Có phải: %(hint)s?", message=message,
                             hint=", ".join(communes[c].display_name for c in close))
            plan.problems.append(ImportProblem(number, "Đơn vị", message))
            continue
        if commune.id in seen:
            plan.problems.append(ImportProblem(number, "Đơn vị", _l(
                "%(name)s đã có ở dòng %(first)s.", name=commune.display_name,
                first=seen[commune.id])))
            continue
        seen[commune.id] = number
        actions = set()
        for phase_number, value in targets:
            if phase_number not in phases:
                continue
            phase = phases[phase_number]
            id_, before = stored.get((phase.id, commune.id), (None, None))
            action = CREATE if id_ is None else SAME if before == value else UPDATE
            actions.add(action)
            if action != SAME:
                steps.append((phase, commune, id_, before, value))
        if population is not None and population != commune.population_14plus:
            # Listed as a change; written only if the organizer ticks the population box.
            actions.add(UPDATE)
            plan.steps["population"].append({"b_id": commune.id, "population_14plus": population})
        by_phase = dict(targets)
        label = commune.display_name + ("" if name == commune.display_name else f" ({name})")
        kept = commune.population_14plus
        if population is not None and kept not in (None, population):
            population = Noted(population, _l("đang lưu %(n)s", n=format_number(kept)))
        plan.changes.append(Change(number, _row_action(actions), (
            label, population, *(by_phase.get(n) for n in phases))))
    plan.notes["target_count"] = sum(1 for _, _, _, targets in data["rows"]
                                     for n, _ in targets if n in phases)
    new = sum(1 for step in steps if step[2] is None)
    plan.summary = [
        _l("%(units)s đơn vị, %(n)s chỉ tiêu sẽ được lưu.", units=len(plan.changes),
           n=plan.notes["target_count"]),
        _l("Chỉ tiêu: %(new)s mới, %(old)s thay đổi.", new=new, old=len(steps) - new)]
    if plan.steps["population"]:
        plan.summary.append(_l(
            "Nhân khẩu từ 14 tuổi: %(n)s xã khác số đang lưu (chỉ cập nhật nếu chọn ô bên dưới).",
            n=len(plan.steps["population"])))
    plan.confirm_label = _l("Xác nhận nhập %(n)s chỉ tiêu", n=plan.notes["target_count"])
    return plan


def _row_action(actions: set[str]) -> str:
    if actions <= {SAME}:
        return SAME
    return CREATE if actions == {CREATE} else UPDATE


def _apply(plan: Plan, upload, user, options: dict):
    """Write new targets, changed targets and one history line for each, in batches."""
    steps = plan.steps["targets"]
    now, service_id = now_utc(), upload.scope["service_id"]
    new = [step for step in steps if step[2] is None]
    ids = db.session.scalars(sa.insert(TARGET).returning(
        TARGET.c.id, sort_by_parameter_order=True), [
        {"campaign_id": phase.campaign_id, "phase_id": phase.id, "service_id": service_id,
         "area_id": commune.id, "value": value, "source": APPENDIX, "updated_by_id": user.id,
         "updated_at": now} for phase, commune, _, _, value in new]).all() if new else []
    new_ids = iter(ids)  # in the order of the steps, as the insert returned them
    target_ids = [id_ if id_ is not None else next(new_ids) for _, _, id_, _, _ in steps]
    changed = [step for step in steps if step[2] is not None]
    write_many(sa.update(TARGET).where(TARGET.c.id == sa.bindparam("b_id")),
               [{"b_id": id_, "value": value} for _, _, id_, _, value in changed],
               {"source": APPENDIX, "updated_by_id": user.id, "updated_at": now})
    write_many(sa.insert(TargetChange.__table__), [
        {"campaign_id": phase.campaign_id, "target_id": target_id,
         "label": unit_label(phase, commune, None, None), "before": before, "after": value}
        for (phase, commune, _, before, value), target_id in zip(steps, target_ids, strict=True)
    ], {"source": APPENDIX, "reason": f"Nhập phụ lục {upload.filename}"[:255],
        "changed_by_id": user.id, "changed_at": now})
    if options.get("update_population"):
        write_changes(plan.steps["population"], now)
    return _l("Đã nhập %(n)s chỉ tiêu từ phụ lục: %(new)s mới, %(old)s thay đổi.",
              n=plan.notes["target_count"], new=len(new), old=len(changed))


APPENDIX_IMPORT = Importer("appendix", _parse, _plan, _apply)
