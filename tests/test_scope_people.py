"""Area scope beyond campaigns and progress: the schedule, members and organisations, refused
check-ins, the device API's desk queue, the audit log and background jobs (the `world` of
test_scope: a campaign shared by Nhơn Trạch and Long Tân, a province and a commune organizer)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.checkin.models import AuditEntry, RefusedSubmission, Registration
from fieldops.db import db
from fieldops.tasks.models import Job
from fieldops.teams.models import Assignment, Team
from tests.factories.auth import signed_in
from tests.factories.events import HelpDeskFactory, LaunchEventFactory
from tests.factories.teams import MemberFactory, OrganisationFactory
from tests.test_checkin_api import token_for
from tests.test_scope import WHO, World, world  # noqa: F401

SEEN = {"toch": {"Nhơn Trạch", "Long Tân"}, "tinh": {"Nhơn Trạch", "Long Tân"},
        "xa": {"Nhơn Trạch"}}


@pytest.fixture
def people(app, world: World) -> dict[str, int]:  # noqa: F811
    """A member on each commune's team, an organisation only Long Tân uses, refusals, audit
    entries and jobs on both sides."""
    with app.app_context():
        police = OrganisationFactory(name="Công an xã Long Tân", kind="commune_police")
        youth = db.session.execute(db.select(Team).filter_by(id=world.team)).scalar_one()
        outside = db.session.get(Team, world.outside_team)
        outside.members.append(MemberFactory(full_name="Lý Long Tân", phone="0912777001",
                                             organisation=police))
        MemberFactory(full_name="Mới Chưa Vào Đoàn", phone="0912777002",
                      organisation=youth.lead_organisation)
        ids = {u: db.session.execute(db.select(User.id).filter_by(username=name)).scalar_one()
               for u, name in (*WHO.items(), ("tnv1", "tnv1"))}
        hamlets = dict(db.session.execute(db.select(Assignment.team_id, Assignment.hamlet_id)
                                          .where(Assignment.team_id.in_(
                                              [world.team, world.outside_team]))).all())
        for n, (place, hamlet) in enumerate((("Nhơn Trạch", hamlets[world.team]),
                                            ("Long Tân", hamlets[world.outside_team]))):
            db.session.add(RefusedSubmission(
                submission_id=f"scope-refused-{n}", reason="ended", source="web",
                campaign_id=world.shared, payload=json.dumps(
                    {"full_name": f"Bị từ chối {place}", "phone": "0911222333",
                     "hamlet_id": hamlet})))
        registrations = dict(db.session.execute(db.select(Registration.full_name,
                                                          Registration.id)).all())
        for name, who in (("Người dân 1", "toch"), ("Người dân 2", "toch")):
            db.session.add(AuditEntry(action="reveal", user_id=ids[who],
                                      registration_id=registrations[name]))
        for who in ("xa", "toch"):  # entries about no registration: by whose area the maker has
            db.session.add(AuditEntry(action="export", user_id=ids[who], detail=f"by {who}"))
        for who in ("xa", "toch"):
            db.session.add(Job(kind="export", title=f"Xuất của {who}", created_by_id=ids[who]))
        elsewhere = db.session.get(Campaign, world.elsewhere)
        event = LaunchEventFactory(campaign=elsewhere, today=True, venue_name="UBND Đông Hưng")
        desk = HelpDeskFactory(event=event, organisation="Công an xã", table_label="Bàn TB")
        db.session.commit()
        jobs = dict(db.session.execute(db.select(Job.title, Job.id)).all())
        refused = dict(db.session.execute(db.select(RefusedSubmission.submission_id,
                                                    RefusedSubmission.id)).all())
        return {"job_toch": jobs["Xuất của toch"], "job_xa": jobs["Xuất của xa"],
                "refused_long_tan": refused["scope-refused-1"], "desk_elsewhere": desk.id}


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_schedule_print_list_and_assignment_form_hold_only_the_area(app, world, people):
    for who, places in SEEN.items():
        client = signed_in(app, WHO[who])
        for url in (f"/campaigns/{world.shared}/schedule",
                    f"/campaigns/{world.shared}/schedule/print",
                    f"/campaigns/{world.shared}/assignments/new",
                    f"/campaigns/{world.shared}/map"):
            page = _text(client, url)
            assert ("Đoàn Long Tân" in page) == ("Long Tân" in places), (who, url)
        form = _text(client, f"/campaigns/{world.shared}/assignments/new")
        assert ("Bến Cam" in form) == ("Long Tân" in places), who
    with app.app_context():
        far = db.session.execute(db.select(Assignment.id).filter_by(
            team_id=world.outside_team)).scalar_one()
    xa = signed_in(app, "xa_nt")
    assert xa.get(f"/campaigns/{world.shared}/assignments/{far}/edit").status_code == 404
    assert xa.post(f"/campaigns/{world.shared}/assignments/{far}/delete").status_code == 404
    assert signed_in(app, "tinh_dn").get(
        f"/campaigns/{world.shared}/assignments/{far}/edit").status_code == 200
    with app.app_context():
        assert db.session.get(Assignment, far) is not None


def test_members_and_organisations_hold_only_the_area(app, world, people):
    for who, places in SEEN.items():
        client = signed_in(app, WHO[who])
        members = _text(client, "/members")
        assert "Đặng Tình Nguyện" in members and "Mới Chưa Vào Đoàn" in members, who
        assert ("Lý Long Tân" in members) == ("Long Tân" in places), who
        organisations = _text(client, "/organisations")
        assert ("Công an xã Long Tân" in organisations) == ("Long Tân" in places), who
        team_form = _text(client, f"/campaigns/{world.shared}/teams/new")
        assert ("Lý Long Tân" in team_form) == ("Long Tân" in places), who
    with app.app_context():
        far = db.session.execute(db.select(db.text("id")).select_from(db.text("member"))
                                 .where(db.text("phone = '0912777001'"))).scalar_one()
        police = db.session.execute(db.select(db.text("id")).select_from(
            db.text("organisation")).where(db.text("name = 'Công an xã Long Tân'"))).scalar_one()
    xa = signed_in(app, "xa_nt")
    assert xa.get(f"/members/{far}/edit").status_code == 404
    assert xa.get(f"/organisations/{police}/edit").status_code == 404
    assert signed_in(app, "tinh_dn").get(f"/members/{far}/edit").status_code == 200


def test_a_member_import_cannot_change_a_member_outside_the_area(app, world, people):
    content = ("Họ và tên;Số điện thoại;Tổ chức\n"
               "Tên Bị Đổi;0912777001;Đoàn Thanh niên\n").encode("utf-8-sig")
    xa = signed_in(app, "xa_nt")
    page = xa.post("/members/import", data={"file": (io.BytesIO(content), "tv.csv")},
                   follow_redirects=True).get_data(as_text=True)
    assert "đã thuộc một thành viên ngoài địa bàn của bạn" in page
    tinh = signed_in(app, "tinh_dn")
    preview = tinh.post("/members/import", data={"file": (io.BytesIO(content), "tv.csv")})
    assert preview.status_code == 302
    assert tinh.post(preview.headers["Location"]).status_code == 302
    with app.app_context():
        names = db.session.execute(db.select(db.text("full_name")).select_from(
            db.text("member")).where(db.text("phone = '0912777001'"))).scalar_one()
    assert names == "Tên Bị Đổi"  # the province organizer may


def test_refused_check_ins_and_their_badge_hold_only_the_area(app, world, people):
    for who, places in SEEN.items():
        page = _text(signed_in(app, WHO[who]), f"/checkin/campaigns/{world.shared}/refusals")
        assert "Bị từ chối Nhơn Trạch" in page, who
        assert ("Bị từ chối Long Tân" in page) == ("Long Tân" in places), who
        detail = _text(signed_in(app, WHO[who]), f"/campaigns/{world.shared}")
        assert f"{len(places)} lượt đăng ký bị từ chối đang chờ xử lý" in detail, who
    xa = signed_in(app, "xa_nt")
    url = f"/checkin/refusals/{people['refused_long_tan']}/dismiss"
    assert xa.post(url, data={"note": "thử"}).status_code == 404
    with app.app_context():
        assert db.session.get(RefusedSubmission, people["refused_long_tan"]).resolution is None


def test_the_device_api_answers_no_desk_outside_the_area(app, client, world, people):
    url = f"/api/desks/{people['desk_elsewhere']}/queue"
    for who, status in (("toch", 200), ("tinh_dn", 404), ("xa_nt", 404)):
        response = client.get(url, headers={"Authorization": f"Bearer {token_for(app, who)}"})
        assert response.status_code == status, who
    assert signed_in(app, "xa_nt").get(f"/checkin/desks/{people['desk_elsewhere']}"
                                       ).status_code == 404


def test_the_audit_log_and_its_export_hold_only_the_area(app, world, people):
    with app.app_context():
        names = dict(db.session.execute(db.select(Registration.id, Registration.full_name)).all())
    for who, places in SEEN.items():
        client = signed_in(app, WHO[who])
        rows = list(csv.DictReader(io.StringIO(
            client.get("/audit/export.csv").data.decode("utf-8-sig"))))
        about = {names[int(r["Hồ sơ"])] for r in rows if r["Hồ sơ"]}
        assert about == ({"Người dân 1", "Người dân 2"} if "Long Tân" in places
                         else {"Người dân 1"}), who
        makers = {r["Tên đăng nhập"] for r in rows if not r["Hồ sơ"]}
        assert ("toch" in makers) == (who == "toch"), who  # toch has no area: only toch sees
        assert "xa_nt" in makers, who
        page = _text(client, "/audit")
        assert ("by toch" in page) == (who == "toch"), who


def test_jobs_are_followed_by_their_maker_and_organizers_of_the_makers_area(app, world, people):
    expected = {("toch", "job_toch"): 200, ("toch", "job_xa"): 200,
                ("tinh", "job_toch"): 404, ("tinh", "job_xa"): 200,
                ("xa", "job_toch"): 404, ("xa", "job_xa"): 200}
    got = {(who, job): signed_in(app, WHO[who]).get(f"/jobs/{people[job]}").status_code
           for who, job in expected}
    assert got == expected


def test_the_demo_commune_officer_sees_only_hong_minh(app, client, demo):
    from fieldops.demo import DEMO_USERS
    from tests.factories.auth import sign_in

    sign_in(client, "hongminh", next(u[4] for u in DEMO_USERS if u[0] == "hongminh"))
    campaigns = client.get("/campaigns").get_data(as_text=True)
    assert "Cuộc vận động cài đặt" in campaigns and "30 ngày phổ cập" not in campaigns
    with app.app_context():
        hung_ha = db.session.execute(db.select(Campaign.id).where(
            Campaign.title.like("Cuộc vận động cài đặt%"))).scalar_one()
    progress = client.get(f"/campaigns/{hung_ha}/progress").get_data(as_text=True)
    assert "Hồng Minh" in progress and "Hồng Lĩnh" not in progress
