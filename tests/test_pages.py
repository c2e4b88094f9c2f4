"""Parts every page shares: buttons that ask before they delete or reveal, styles from static/."""

from __future__ import annotations

import re

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.events.models import CHECKIN, AgendaItem, AttendeeGroup, HelpDesk, LaunchEvent
from fieldops.reports import ranking
from fieldops.teams.models import Assignment, Team
from tests.factories.auth import DEMO_ADMIN, sign_in


def _questions(html: str) -> dict[str, str]:
    """Map each form's action to the question it asks before posting."""
    asked = {}
    for tag in re.findall(r"<form\b[^>]*>", html):
        action = re.search(r'action="([^"]*)"', tag)
        question = re.search(r'data-confirm="([^"]*)"', tag)
        if action and question:
            asked[action.group(1)] = question.group(1)
    return asked


def test_buttons_that_delete_freeze_or_reveal_ask_first(app, client, demo):
    with app.app_context():
        nt = db.session.execute(db.select(Campaign).filter_by(plan_number="63/KH-UBND")
                                ).scalar_one()
        assignment = db.session.execute(db.select(Assignment).join(Team).filter(
            Team.campaign_id == nt.id)).scalars().first()
        team = assignment.team_id
        event = db.session.execute(db.select(LaunchEvent).filter_by(campaign_id=nt.id)
                                   ).scalars().first()
        item = db.session.execute(db.select(AgendaItem).filter_by(event_id=event.id)
                                  ).scalars().first()
        group = db.session.execute(db.select(AttendeeGroup).filter_by(event_id=event.id)
                                   ).scalars().first()
        desk = db.session.execute(db.select(HelpDesk).filter_by(event_id=event.id)
                                  ).scalars().first()
        area = db.session.execute(db.select(Area).filter_by(name="Nhơn Trạch")).scalar_one()
        # The trial's running phase frozen by hand: its undo asks first.
        trial = db.session.execute(db.select(Campaign).where(
            Campaign.title.startswith("Dùng thử"))).scalar_one()
        admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar_one()
        ranking.freeze(trial, trial.phases[0], user=admin, today=local_today())
        db.session.commit()
        nt_phase, trial_phase = nt.phases[0].id, trial.phases[0].id
        nt, event, trial = nt.id, event.id, trial.id
        expected = {
            f"/campaigns/{nt}/teams/{team}": {
                f"/campaigns/{nt}/assignments/{assignment.id}/delete": "Bỏ việc giao địa bàn này?",
                f"/campaigns/{nt}/teams/{team}/delete": "Xóa đoàn này và các địa bàn đã giao?"},
            f"/campaigns/{nt}": {
                f"/campaigns/{nt}/phases/{nt_phase}/delete": "Xóa giai đoạn này?"},
            f"/events/{event}": {
                f"/events/{event}/delete":
                    "Xóa sự kiện này cùng chương trình, khách mời và các bàn?"},
            f"/events/{event}/agenda": {f"/events/{event}/agenda/{item.id}/delete": "Xóa mục này?"},
            f"/events/{event}/groups": {
                f"/events/{event}/groups/{group.id}/delete": "Xóa nhóm này?"},
            f"/events/{event}/desks/{desk.id}": {
                f"/events/{event}/desks/{desk.id}/delete": "Xóa bàn này?"},
            f"/areas/{area.id}": {f"/areas/{area.id}/delete": "Xóa nơi này?"},
            "/registrations": {"/registrations/export.xlsx":
                               "Xuất kèm số CCCD đầy đủ? Việc này được ghi vào nhật ký."},
            f"/campaigns/{trial}/ranking?phase={trial_phase}": {
                f"/campaigns/{trial}/phases/{trial_phase}/ranking/undo":
                    "Hủy chốt? Bảng xếp hạng sẽ lại thay đổi theo kết quả."},
        }
    sign_in(client, *DEMO_ADMIN)
    for url, questions in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        asked = _questions(response.get_data(as_text=True))
        assert {action: asked.get(action) for action in questions} == questions, url


def test_check_in_and_progress_styles_are_served_from_static_css(app, client, demo):
    with app.app_context():
        hh = db.session.execute(db.select(Campaign).filter_by(plan_number="60/KH-TCTĐA-CA")
                                ).scalar_one().id
        # The demo's trial campaign runs today: its desks take check-ins.
        desk = db.session.execute(
            db.select(HelpDesk).order_by(HelpDesk.id.desc())).scalars().first()
        token = desk.current_code(CHECKIN).token
    sign_in(client, *DEMO_ADMIN)
    for url, sheet, rule in ((f"/checkin/{token}", "checkin.css", ".consent-box"),
                             (f"/campaigns/{hh}/progress", "reports.css", ".light-green")):
        page = client.get(url).get_data(as_text=True)
        stem = sheet.removesuffix(".css")
        link = re.search(rf'href="(/static/css/{stem}\.[0-9a-f]{{12}}\.css)"', page)
        assert link and "<style" not in page, url
        css = client.get(link.group(1))
        assert css.status_code == 200 and rule in css.get_data(as_text=True)
        css.close()
