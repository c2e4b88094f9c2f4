"""Sending teams to hamlets: days covered, clashes between teams, and the change history."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from fieldops.areas.models import HAMLET, Area
from fieldops.auth.models import User
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.scope import owner_row, url_owner
from fieldops.teams.models import WEEKDAYS, Assignment, AssignmentChange, Team


def _vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def days_of(start: date, end: date, weekday: int | None) -> list[date]:
    """Return the dates a team works: every day of the range, or only the given weekday."""
    first = start
    if weekday is not None:
        first = start + timedelta(days=(weekday - start.weekday()) % 7)
    step = 1 if weekday is None else 7
    return [first + timedelta(days=n) for n in range(0, (end - first).days + 1, step)]


def describe(start: date, end: date, weekday: int | None) -> str:
    """Return the days in words: "10/10/2025", "Thứ Bảy hằng tuần, 11/10/2025 – 08/11/2025"."""
    if weekday is not None:
        return str(_l("%(weekday)s hằng tuần, %(start)s – %(end)s",
                      weekday=WEEKDAYS[weekday], start=_vn(start), end=_vn(end)))
    if start == end:
        return _vn(start)
    return f"{_vn(start)} – {_vn(end)}"


#: the history is a record written once, in Vietnamese, whatever language the writer used
_WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def _summary(team: Team, hamlet: Area, start: date, end: date, weekday: int | None,
             allow_shared: bool) -> str:
    if weekday is not None:
        days = f"{_WEEKDAYS_VI[weekday]} hằng tuần, {_vn(start)} – {_vn(end)}"
    else:
        days = _vn(start) if start == end else f"{_vn(start)} – {_vn(end)}"
    text = f"{team.name} → {hamlet.display_name}: {days}"
    return text + " · cho phép đi chung" if allow_shared else text


def _check(team: Team, hamlet: Area, start: date | None, end: date | None,
           weekday: int | None, allow_shared: bool, current: Assignment | None) -> None:
    campaign = team.campaign
    if hamlet.level != HAMLET:
        raise DomainError(_l("%(name)s không phải là thôn/ấp.", name=hamlet.display_name),
                          "hamlet_id")
    if hamlet.parent_id not in {c.id for c in campaign.communes}:
        raise DomainError(_l("%(name)s không thuộc xã/phường nào của chiến dịch này.",
                             name=hamlet.full_name), "hamlet_id")
    if start is None or end is None:
        raise DomainError(_l("Vui lòng nhập ngày."), "start_date")
    if end < start:
        raise DomainError(_l("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."), "end_date")
    if start < campaign.start_date or end > campaign.end_date:
        raise DomainError(
            _l("Ngày đi phải nằm trong thời gian chiến dịch (%(start)s – %(end)s).",
               start=_vn(campaign.start_date), end=_vn(campaign.end_date)), "start_date")
    if weekday is not None and not 0 <= weekday <= 6:
        raise DomainError(_l("Thứ trong tuần không hợp lệ."), "weekday")
    days = set(days_of(start, end, weekday))
    if not days:
        raise DomainError(_l("Không có %(weekday)s nào từ %(start)s đến %(end)s.",
                             weekday=WEEKDAYS[weekday or 0], start=_vn(start), end=_vn(end)),
                          "weekday")
    others = db.session.execute(
        db.select(Assignment).where(Assignment.hamlet_id == hamlet.id,
                                    Assignment.start_date <= end, Assignment.end_date >= start)
        .order_by(Assignment.start_date)).scalars()
    for other in others:
        if other is current:
            continue
        shared = days & set(days_of(other.start_date, other.end_date, other.weekday))
        if not shared:
            continue
        first = _vn(min(shared))
        if other.team_id == team.id:
            raise DomainError(_l("%(team)s đã được giao %(hamlet)s vào ngày %(day)s.",
                                 team=team.name, hamlet=hamlet.display_name, day=first),
                              "start_date")
        if not allow_shared:
            raise DomainError(
                _l("%(hamlet)s đã giao cho %(team)s vào ngày %(day)s. Chọn ngày khác, hoặc đánh "
                   "dấu “Cho phép hai đoàn cùng đi” nếu đó là chủ ý.",
                   hamlet=hamlet.display_name, team=other.team.name, day=first), "start_date")


def _log(team: Team, assignment: Assignment | None, action: str, summary: str,
         by_user: User | None) -> None:
    db.session.add(AssignmentChange(
        campaign_id=team.campaign_id, assignment_id=assignment.id if assignment else None,
        action=action, summary=summary, changed_by_id=by_user.id if by_user else None))


def assign(team: Team, hamlet: Area, *, start: date | None, end: date | None,
           weekday: int | None = None, allow_shared: bool = False,
           by_user: User | None = None) -> Assignment:
    """Send a team to a hamlet for a range, one day, or a weekday within a range."""
    _check(team, hamlet, start, end, weekday, allow_shared, None)
    assignment = Assignment(team=team, hamlet=hamlet, start_date=start, end_date=end,
                            weekday=weekday, allow_shared=allow_shared,
                            created_by_id=by_user.id if by_user else None)
    db.session.add(assignment)
    db.session.flush()
    _log(team, assignment, "created",
         _summary(team, hamlet, start, end, weekday, allow_shared), by_user)
    db.session.flush()
    return assignment


def change_assignment(assignment: Assignment, *, team: Team, hamlet: Area, start: date | None,
                      end: date | None, weekday: int | None = None, allow_shared: bool = False,
                      by_user: User | None = None) -> Assignment:
    """Change an assignment after the same checks as a new one; the history shows before/after."""
    if team.campaign_id != assignment.team.campaign_id:
        raise DomainError(_l("Đoàn này thuộc chiến dịch khác."), "team_id")
    _check(team, hamlet, start, end, weekday, allow_shared, assignment)
    before = _summary(assignment.team, assignment.hamlet, assignment.start_date,
                      assignment.end_date, assignment.weekday, assignment.allow_shared)
    assignment.team = team
    assignment.hamlet = hamlet
    assignment.start_date, assignment.end_date = start, end
    assignment.weekday = weekday
    assignment.allow_shared = allow_shared
    assignment.updated_at = now_utc()
    after = _summary(team, hamlet, start, end, weekday, allow_shared)
    _log(team, assignment, "changed", f"{before}  ⇒  {after}", by_user)
    db.session.flush()
    return assignment


def remove_assignment(assignment: Assignment, *, by_user: User | None) -> None:
    """Remove an assignment, keeping a line in the history."""
    team = assignment.team
    _log(team, None, "removed",
         _summary(team, assignment.hamlet, assignment.start_date, assignment.end_date,
                  assignment.weekday, assignment.allow_shared), by_user)
    # Earlier history lines keep pointing at nothing once the row is gone.
    for change in db.session.execute(
            db.select(AssignmentChange).filter_by(assignment_id=assignment.id)).scalars():
        change.assignment_id = None
    team.assignments.remove(assignment)
    db.session.delete(assignment)
    db.session.flush()


def campaign_hamlets(campaign, hamlets: set[int] | None = None) -> list[Area]:
    """Return the hamlets of the campaign's communes (only `hamlets`, when given), by commune
    then name."""
    ids = [c.id for c in campaign.communes]
    stmt = db.select(Area).where(Area.parent_id.in_(ids), Area.level == HAMLET)
    if hamlets is not None:
        stmt = stmt.where(Area.id.in_(hamlets))
    return list(db.session.execute(stmt.order_by(Area.parent_id, Area.name_folded)).scalars())


def campaign_assignments(campaign_id: int) -> list[Assignment]:
    """Return every assignment of a campaign, by date then team."""
    return list(db.session.execute(
        db.select(Assignment).join(Team).where(Team.campaign_id == campaign_id)
        .order_by(Assignment.start_date, Team.id, Assignment.id)).scalars())


def history(campaign_id: int, limit: int = 200,
            hamlets: set[int] | None = None) -> list[AssignmentChange]:
    """Return the latest assignment changes of a campaign, newest first; with `hamlets`, only
    changes of assignments to those hamlets (a removed one no longer says where it was, so it
    is left out: its summary names the hamlet)."""
    stmt = db.select(AssignmentChange).filter_by(campaign_id=campaign_id)
    if hamlets is not None:
        stmt = stmt.where(AssignmentChange.assignment_id.in_(
            db.select(Assignment.id).where(Assignment.hamlet_id.in_(hamlets))))
    return list(db.session.execute(
        stmt.order_by(AssignmentChange.changed_at.desc(), AssignmentChange.id.desc())
        .limit(limit)).scalars())


def schedule(campaign_id: int, team_id: int | None = None,
             hamlets: set[int] | None = None) -> list[tuple[date, list[tuple]]]:
    """Return, for each day with work, the (team, hamlets) pairs: who goes where that day
    (only to `hamlets`, when given)."""
    by_day: dict[date, dict[int, tuple[Team, list[Area]]]] = {}
    for a in campaign_assignments(campaign_id):
        if (team_id and a.team_id != team_id) or (hamlets is not None
                                                    and a.hamlet_id not in hamlets):
            continue
        for day in days_of(a.start_date, a.end_date, a.weekday):
            by_day.setdefault(day, {}).setdefault(a.team_id, (a.team, []))[1].append(a.hamlet)
    return [(day, sorted(teams.values(), key=lambda pair: pair[0].id))
            for day, teams in sorted(by_day.items())]


def active_on(assignment: Assignment, day: date) -> bool:
    """Return whether the team works the hamlet on that day."""
    return (assignment.start_date <= day <= assignment.end_date
            and (assignment.weekday is None or day.weekday() == assignment.weekday))


@url_owner("assignment_id")
def _assignment_owner(assignment_id: int) -> tuple[int | None, int | None] | None:
    return owner_row(db.select(Team.campaign_id, Assignment.hamlet_id)
                     .join(Team, Team.id == Assignment.team_id)
                     .where(Assignment.id == assignment_id))
