"""Tasks by the "5 rõ": rõ người, rõ việc, rõ tiến độ, rõ kết quả, rõ trách nhiệm.

Every task names its unit (an organisation or a team) and its person (a member or a user),
what is to be done, by when (a local date and hour), and the result expected; the person
reports the result. Overdue is not stored: it is an open task past its due time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.accountability.area_scope import (
    accounts_in_scope,
    limited,
    tasks_in_scope,
    team_ids_in_scope,
)
from fieldops.accountability.task_models import DONE, OVERDUE, Task
from fieldops.auth.models import ORGANIZER, User
from fieldops.campaigns.models import Campaign
from fieldops.clock import LOCAL_TZ, now_utc
from fieldops.db import db
from fieldops.errors import DomainError, DomainErrors
from fieldops.events.models import LaunchEvent
from fieldops.scope import campaigns_in_scope, members_in_scope
from fieldops.teams.models import Member, Organisation, Team
from fieldops.teams.services import all_organisations


def unit_choices(campaign: Campaign, viewer: User | None = None) -> list[tuple[str, str]]:
    """Return (key, label) of the units a task can be given to: organisations and teams (those
    of the viewer's area, as the organisations and teams pages list them, if a viewer is
    given)."""
    organisations = (all_organisations(viewer) if limited(viewer) else db.session.execute(
        db.select(Organisation).order_by(Organisation.name_folded)).scalars())
    teams = db.session.execute(
        db.select(Team).filter_by(campaign_id=campaign.id).order_by(Team.name)).scalars()
    shown = team_ids_in_scope(viewer, campaign)
    return ([(f"organisation:{o.id}", o.name) for o in organisations]
            + [(f"team:{t.id}", t.name) for t in teams if shown is None or t.id in shown])


def person_choices(viewer: User | None = None) -> list[tuple[str, str]]:
    """Return (key, label) of the people a task can be given to: members, then other users
    (those of the viewer's area, if a viewer is given)."""
    members = list(db.session.execute(members_in_scope(
        db.select(Member), viewer).order_by(Member.full_name)).scalars())
    with_member = set(db.session.execute(
        sa.select(Member.user_id).where(Member.user_id.is_not(None))).scalars())
    users = db.session.execute(accounts_in_scope(
        db.select(User), viewer).order_by(User.full_name)).scalars()
    return ([(f"member:{m.id}", f"{m.full_name} ({m.organisation.name})") for m in members]
            + [(f"user:{u.id}", u.full_name) for u in users if u.id not in with_member])


def _pick(key: str, choices: list[tuple[str, str]], field: str, message) -> tuple[str, int]:
    if key not in {k for k, _ in choices}:
        raise DomainError(message, field)
    kind, _, raw_id = key.partition(":")
    return kind, int(raw_id)


def save_task(task: Task | None, *, campaign: Campaign, event: LaunchEvent | None, title: str,
              unit_key: str, person_key: str, due_day: date | None, due_time: time | None,
              expected_result: str, by: User) -> Task:
    """Create or change a task; every one of the "5 rõ" must be given."""
    problems: list[DomainError] = []
    title, expected_result = (title or "").strip(), (expected_result or "").strip()
    if not title:
        problems.append(DomainError(_l("Hãy ghi việc cần làm (rõ việc)."), "title"))
    if not expected_result:
        problems.append(DomainError(_l("Hãy ghi kết quả cần đạt (rõ kết quả)."),
                                    "expected_result"))
    if due_day is None or due_time is None:
        problems.append(DomainError(_l("Hãy ghi ngày và giờ hạn (rõ tiến độ)."), "due_day"))
    unit = person = None
    try:
        unit = _pick(unit_key, unit_choices(campaign, by), "unit",
                     _l("Hãy chọn đơn vị chịu trách nhiệm (rõ trách nhiệm)."))
    except DomainError as error:
        problems.append(error)
    try:
        person = _pick(person_key, person_choices(by), "person",
                       _l("Hãy chọn người thực hiện (rõ người)."))
    except DomainError as error:
        problems.append(error)
    if event is not None and event.campaign_id != campaign.id:
        problems.append(DomainError(_l("Sự kiện không thuộc chiến dịch này.")))
    if problems:
        raise DomainErrors(problems)
    if task is None:
        task = Task(campaign_id=campaign.id, created_by_id=by.id)
        db.session.add(task)
    else:
        task.updated_at = now_utc()
    task.event_id = event.id if event is not None else task.event_id
    task.title, task.expected_result = title[:255], expected_result
    task.organisation_id = unit[1] if unit[0] == "organisation" else None
    task.team_id = unit[1] if unit[0] == "team" else None
    task.member_id = person[1] if person[0] == "member" else None
    task.user_id = person[1] if person[0] == "user" else None
    task.due_at = datetime.combine(due_day, due_time, tzinfo=LOCAL_TZ).astimezone(UTC)
    db.session.flush()
    return task


def responsible_user_id(task: Task) -> int | None:
    """Return the account that answers for the task (the member's, or the user named)."""
    if task.member is not None:
        return task.member.user_id
    return task.user_id


def can_report(user: User, task: Task) -> bool:
    """Organizers and the task's own person may report its result."""
    return user.role == ORGANIZER or responsible_user_id(task) == user.id


def report_result(task: Task, *, user: User, result: str, done: bool) -> Task:
    """Report what was achieved; a done task leaves the overdue list (reopened if not done)."""
    if not can_report(user, task):
        raise DomainError(_l("Chỉ người được giao việc này mới báo cáo được kết quả."))
    result = (result or "").strip()
    if not result:
        raise DomainError(_l("Hãy ghi kết quả đã làm được."), "result")
    task.result_reported = result
    task.reported_by_id = user.id
    task.done_at = (task.done_at or now_utc()) if done else None
    task.updated_at = now_utc()
    db.session.flush()
    return task


def _ordered(tasks: list[Task]) -> list[Task]:
    # Overdue first (the longest late on top), then open by due time, then done.
    now = now_utc()
    rank = {OVERDUE: 0, DONE: 2}
    return sorted(tasks, key=lambda t: (rank.get(t.status_at(now), 1), t.due_at, t.id))


def campaign_tasks(campaign: Campaign, event: LaunchEvent | None = None,
                   viewer: User | None = None) -> list[Task]:
    """Return a campaign's (or one event's) tasks, overdue first (those of the viewer's area,
    if a viewer is given)."""
    stmt = tasks_in_scope(db.select(Task).filter_by(campaign_id=campaign.id), viewer)
    if event is not None:
        stmt = stmt.filter_by(event_id=event.id)
    return _ordered(list(db.session.execute(stmt).scalars()))


def my_tasks(user: User) -> list[Task]:
    """Return the tasks the user answers for, overdue first (an organizer's: those of their
    area, as the task's own page would answer)."""
    member_ids = sa.select(Member.id).where(Member.user_id == user.id)
    stmt = db.select(Task).where(sa.or_(Task.user_id == user.id,
                                        Task.member_id.in_(member_ids)))
    if limited(user):
        stmt = tasks_in_scope(stmt, user).where(Task.campaign_id.in_(
            campaigns_in_scope(sa.select(Campaign.id), user)))
    return _ordered(list(db.session.execute(stmt).scalars()))
