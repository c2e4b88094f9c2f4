"""Demo of plan 003 (Hớn Quản, "90 ngày, đêm"): two communes, daily police lists, one team's days.

The plan ran 20/6-20/9/2023. A door-to-door list is only worth trying on today's date, so the demo
moves the campaign to start two days before the demo is loaded: three days of lists (the day
before yesterday, yesterday, today) show the comparison, and today's list is what the team has in
hand. Hamlets, people and numbers are illustrative; the plan names neither.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from fieldops.areas import services as areas
from fieldops.areas.models import COMMUNE, DISTRICT, HAMLET, PROVINCE, Area
from fieldops.auth.models import User
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign, Service
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.teams import assignments
from fieldops.teams import services as teams

#: (commune, kind, hamlets, latitude, longitude): illustrative hamlets of two Hớn Quản units
COMMUNES = (
    ("Tân Khai", "thi_tran", ("Khu phố 1", "Khu phố 2", "Khu phố 3", "Khu phố 4"),
     11.6455, 106.5930),
    ("Thanh An", "xa", ("Ấp 1", "Ấp 2", "Ấp 3", "Ấp 4", "Ấp 5"), 11.7338, 106.5540),
)
ORGANISATIONS = (
    ("Công an thị trấn Tân Khai", "commune_police"),
    ("Công an xã Thanh An", "commune_police"),
    ("Đoàn Thanh niên huyện Hớn Quản", "youth_union"),
    ("Hội Phụ nữ xã Thanh An", "womens_union"),
    ("Tổ công nghệ số cộng đồng xã Thanh An", "other"),
)
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Điểu", "Bùi", "Đỗ",
             "Thị", "Lâm")
_MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Kim")
_GIVEN = ("Hùng", "Lan", "Tuấn", "Hoa", "Bảo", "Mai", "Tài", "Anh", "Tâm", "Phước", "Thu",
          "Lộc", "Sang", "K'Lang", "Điệp", "Nhung", "Khánh", "Đạt")


def _areas() -> list[Area]:
    province = areas.save_area(None, level=PROVINCE, name="Bình Phước", kind="tinh")
    district = areas.save_area(None, level=DISTRICT, name="Hớn Quản", kind="huyen",
                               parent=province)
    communes = []
    for name, kind, hamlets, lat, lon in COMMUNES:
        commune = areas.save_area(None, level=COMMUNE, name=name, kind=kind, parent=district,
                                  population_14plus=len(hamlets) * 1450, latitude=lat,
                                  longitude=lon)
        for index, hamlet in enumerate(hamlets):
            areas.save_area(None, level=HAMLET, name=hamlet,
                            kind="khu_pho" if kind == "thi_tran" else "ap", parent=commune,
                            population_14plus=1450, households=420,
                            latitude=round(lat + 0.006 * (index % 3), 5),
                            longitude=round(lon + 0.007 * (index // 3), 5))
        communes.append(commune)
    return communes


def build_hon_quan(by_code: dict[str, Service]) -> Campaign:
    """Create the two communes, the campaign moved to now, its phases and one team per commune."""
    today = local_today()
    start = today - timedelta(days=2)
    communes = _areas()
    campaign = campaigns.save_campaign(
        None, title="Chiến dịch “90 ngày, đêm” kích hoạt tài khoản định danh điện tử (dữ liệu mẫu)",
        issuing_unit="UBND huyện Hớn Quản", issued_on=date(2023, 6, 20), start_date=start,
        end_date=start + timedelta(days=92),
        description="Theo kế hoạch của UBND huyện Hớn Quản (20/6–20/9/2023), ngày dời về hiện "
                    "tại để thử danh sách hằng ngày. Giai đoạn 1: 25 ngày đêm cao điểm, toàn "
                    "huyện tối thiểu 50.838 tài khoản kích hoạt; giai đoạn 2: 80% dân số đủ điều "
                    "kiện. Chỉ báo cáo số liệu đã kích hoạt thành công (căn cứ số liệu trích "
                    "xuất trên hệ thống CSDLQG về dân cư). Thôn, ấp, người dân là mẫu.",
        communes=communes, services=[by_code["eid_level2"], by_code["vneid_install"]])
    campaigns.save_phase(campaign, None, name="Giai đoạn 1 – cao điểm 25 ngày đêm",
                         start_date=start, end_date=start + timedelta(days=25))
    campaigns.save_phase(campaign, None, name="Giai đoạn 2 – về đích",
                         start_date=start + timedelta(days=26), end_date=campaign.end_date)
    _teams(campaign, communes, start)
    _targets(campaign)
    return campaign


def _targets(campaign: Campaign) -> None:
    """Phase 1: a number per commune (the district's 50,838 shared out; illustrative here);
    phase 2: 80 % of the people the police's lists name."""
    from fieldops.reports.confirmed import set_list_percent
    from fieldops.reports.targets import set_target

    admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar()
    for commune in campaign.communes:
        set_target(campaign.phases[0], 60, user=admin, area=commune,
                   reason="Chỉ tiêu giai đoạn 1 (minh họa)")
    set_list_percent(campaign.phases[1], 80)


def _teams(campaign: Campaign, communes: list[Area], start: date) -> None:
    orgs = {name: teams.save_organisation(None, name=name, kind=kind)
            for name, kind in ORGANISATIONS}
    users = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
    admin = users.get("admin")
    rng = random.Random(3)
    counter = iter(range(1000))

    def person(org: str, it_savvy: bool = False, user: User | None = None):
        n = next(counter)
        existing = user is not None and _member_of(user)
        if existing:
            return existing
        return teams.save_member(
            None, full_name=(user.full_name if user else
                             f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"),
            phone=user.phone if user else f"0914{n:06d}", organisation=orgs[org],
            it_savvy=it_savvy, user=user)

    # Plan 003: every team has at least two members who know IT.
    teams.set_rules(campaign, per_team=2, per_hamlet=0)
    police = ("Công an thị trấn Tân Khai", "Công an xã Thanh An")
    for index, commune in enumerate(communes):
        lead = person(police[index], True, users.get("totruong") if index == 1 else None)
        members = [lead, person("Đoàn Thanh niên huyện Hớn Quản", True,
                                users.get("gocua") if index == 1 else None),
                   person("Đoàn Thanh niên huyện Hớn Quản"),
                   person("Hội Phụ nữ xã Thanh An" if index else police[0], True)]
        if index == 1:
            members.append(person("Tổ công nghệ số cộng đồng xã Thanh An", True))
        team = teams.save_team(campaign, None, name=f"Tổ công tác {commune.name}",
                               lead_organisation=orgs[police[index]], lead=lead,
                               members=members)
        for hamlet in sorted((a for a in commune.children if a.level == HAMLET),
                             key=lambda a: a.name):
            assignments.assign(team, hamlet, start=start, end=campaign.end_date, by_user=admin)


def _member_of(user: User):
    from fieldops.teams.models import Member

    return db.session.execute(db.select(Member).filter_by(user_id=user.id)).scalar()


def _people(rng: random.Random, communes: list[Area]) -> list[tuple]:
    """Return illustrative listed people: (key, name, birth, gender, ID, phone, address, hamlet,
    commune). ID numbers start with 070, Bình Phước's province code."""
    people = []
    for place, commune in enumerate(communes, start=1):
        hamlets = sorted((a for a in commune.children if a.level == HAMLET),
                         key=lambda a: a.name)
        for n in range(PEOPLE_PER_COMMUNE):
            hamlet = hamlets[n % len(hamlets)]
            year = rng.randint(1950, 2009)
            female = rng.random() < 0.5
            name = (f"{rng.choice(_SURNAMES[:10])} {'Thị' if female else rng.choice(_MIDDLE)} "
                    f"{rng.choice(_GIVEN)}")
            # The 4th digit: century and sex (2 = male, 3 = female born 2000 and after).
            sex = (1 if female else 0) + (2 if year >= 2000 else 0)
            number = f"070{sex}{year % 100:02d}{place:02d}{n:04d}"
            phone = f"09{rng.randint(10000000, 99999999)}" if rng.random() < 0.8 else ""
            house = n // 3 + 1  # about three people aged 14+ per house
            address = f"Số {house}, tổ {house % 6 + 1}, {hamlet.display_name}"
            people.append((n, name, f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                           "Nữ" if female else "Nam", number, phone, address, hamlet.name,
                           commune.display_name))
    return people


#: listed people per commune on the first day (illustrative)
PEOPLE_PER_COMMUNE = 120
HEADER = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân",
          "Số điện thoại", "Nơi thường trú", "Thôn/Ấp/Tổ", "Xã/Phường/Thị trấn", "Trạng thái")


def _list_file(rows: list[tuple], day: date) -> bytes:
    """Return a list as the commune police export it: title rows, then the table (XLSX)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["CÔNG AN HUYỆN HỚN QUẢN"])
    sheet.append(["DANH SÁCH CÔNG DÂN ĐÃ ĐƯỢC DUYỆT HỒ SƠ, CHƯA KÍCH HOẠT TÀI KHOẢN ĐỊNH DANH "
                  "ĐIỆN TỬ"])
    sheet.append([f"(Trích xuất ngày {day:%d/%m/%Y} – dữ liệu mẫu)"])
    sheet.append([])
    sheet.append(list(HEADER))
    for index, row in enumerate(rows, start=1):
        _key, name, birth, gender, number, phone, address, hamlet, commune = row
        sheet.append([index, name, birth, gender, number, phone, address, hamlet, commune,
                      "Đã duyệt, chưa kích hoạt"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(campaign: Campaign, admin: User, rows: list[tuple], day: date) -> None:
    from fieldops.drive.lists import POLICE_LIST
    from fieldops.drive.models import APPROVED_NOT_ACTIVATED
    from fieldops.uploads import staging

    scope = {"campaign_id": campaign.id, "kind": APPROVED_NOT_ACTIVATED,
             "list_day": day.isoformat(), "commune_id": None, "mapping": {}}
    # Through the same staged upload as the page: read once, planned, confirmed.
    staged = staging.stage(POLICE_LIST, f"ds-chua-kich-hoat-{day:%d-%m-%Y}.xlsx",
                           _list_file(rows, day), scope, admin)
    if staged.upload is None:
        raise RuntimeError(f"demo list refused: {[str(p.message) for p in staged.problems[:3]]}")
    staging.confirm(POLICE_LIST, staged.upload, admin, {})
    db.session.flush()



#: what the team finds at the doors of its first two days, in turn (illustrative)
_DAY_ONE = ("activated_level2", "activated_level2", "absent", "guided", "activated_level1",
            "absent", "no_smartphone", "activated_level2", "working_away", "refused")
_DAY_TWO = ("activated_level2", "absent", "guided", "activated_level2", "absent")


def _visit_day(campaign: Campaign, team, hamlets: list[Area], day: date, outcomes: tuple,
               only: set[int] | None = None) -> list[int]:
    """Split the team's hamlets for `day`, record visits by the members with accounts, and date
    them that day; return the ids of the people visited."""
    from datetime import datetime, time

    from fieldops.checkin.models import Registration
    from fieldops.clock import LOCAL_TZ
    from fieldops.drive import assign, visits
    from fieldops.drive.models import ListedPerson

    for hamlet in hamlets:
        assign.split_evenly(team, hamlet, day, only_unassigned=True)
    users = {m.id: m.user for m in team.members if m.user is not None}
    people = list(db.session.execute(
        db.select(ListedPerson).where(ListedPerson.campaign_id == campaign.id,
                                      ListedPerson.assignee_id.in_(list(users)),
                                      ListedPerson.on_list_id.is_not(None),
                                      ListedPerson.gone_on.is_(None))
        .order_by(ListedPerson.id)).scalars())
    if only is not None:
        people = [p for p in people if p.id in only]
    seen, visited = [], []
    for index, person in enumerate(people[:len(outcomes) * 2]):
        outcome = outcomes[index % len(outcomes)]
        reason = {"refused": "Chưa muốn dùng ứng dụng", "no_smartphone": "website"}.get(outcome)
        stored = visits.record_visit(
            user=users[person.assignee_id], team=team, submission_id=f"demo-{day}-{person.id}",
            people=[person], outcomes=[visits.PersonOutcome(person.id, outcome, reason)],
            note="Hẹn quay lại buổi tối" if outcome == "absent" else None)
        seen += stored
        visited.append(person.id)
    # The demo records them now; they belong to the day they illustrate.
    at = datetime.combine(day, time(9, 30), LOCAL_TZ)
    for visit in seen:
        visit.visited_on = day
        db.session.get(Registration, visit.registration_id).recorded_at = at
        visit.created_at = at
    db.session.flush()
    for visit in seen:
        visits.refresh_person(db.session.get(ListedPerson, visit.person_id))
    return visited


def _households(campaign: Campaign, commune: Area, rng: random.Random) -> None:
    """Survey Thanh An's houses as plan 004 asks (the listed people join them by address)."""
    from fieldops.drive import households
    from fieldops.drive.models import ListedPerson

    addresses = sorted({(p.hamlet_id, p.address) for p in db.session.execute(
        db.select(ListedPerson).where(ListedPerson.campaign_id == campaign.id,
                                      ListedPerson.commune_id == commune.id)).scalars()})
    for index, (hamlet_id, address) in enumerate(addresses):
        # "Số 4, tổ 5, Ấp 1" -> "Tổ 5, Ấp 1": a tổ is numbered within its hamlet.
        street = ", ".join(address.split(", ")[1:]).capitalize()
        members = rng.randint(2, 5)
        phones = rng.randint(0, members)
        survey = None if index % 3 == 2 else {
            "members_14plus": members, "smartphones": phones, "computers": rng.randint(0, 1),
            "vneid_installed": rng.randint(0, phones), "vneid_activated": 0}
        households.save_household(campaign, hamlet_id, address=address, street=street,
                                  survey=survey)


def load_lists_and_visits(campaign: Campaign) -> None:
    """Three days of lists for both communes, Thanh An's team visiting on the first two days,
    and what follows: confirmed results, claims not confirmed, the absent list."""
    from fieldops.checkin.crypto import citizen_hash
    from fieldops.drive import assign
    from fieldops.drive.models import CLAIMED_ACTIVATED, ListedPerson, Visit
    from fieldops.reports.counters import rebuild_counters
    from fieldops.teams.models import Team

    rng = random.Random(90)
    admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar_one()
    communes = sorted(campaign.communes, key=lambda c: c.name)
    everyone = _people(rng, communes)
    first, second, third = (campaign.start_date + timedelta(days=n) for n in range(3))
    _import(campaign, admin, everyone, first)
    team = db.session.execute(db.select(Team).filter_by(
        campaign_id=campaign.id, name="Tổ công tác Thanh An")).scalar_one()
    thanh_an = next(c for c in communes if c.name == "Thanh An")
    hamlets = sorted((a for a in thanh_an.children if a.level == HAMLET), key=lambda a: a.name)
    _households(campaign, thanh_an, rng)
    _visit_day(campaign, team, hamlets, first, _DAY_ONE)

    # Day two: the police's list no longer has most people the team helped to activate (two
    # claims stay on it, to be followed up), nor a few who activated on their own; two new
    # people per commune.
    people = {p.citizen_id_hash: p for p in db.session.execute(
        db.select(ListedPerson).where(ListedPerson.campaign_id == campaign.id)).scalars()}
    claimed = sorted({v.person_id for v in db.session.execute(db.select(Visit).where(
        Visit.outcome.in_(CLAIMED_ACTIVATED))).scalars()})
    others = [p.id for p in sorted(people.values(), key=lambda p: p.id) if p.id not in claimed]
    gone = set(claimed[2:]) | set(rng.sample(others, 12))
    rows = {citizen_hash(row[4]): row for row in everyone}
    day_two = [row for key, row in rows.items() if people[key].id not in gone]
    newcomers = []
    for index in range(len(communes)):
        for n in range(2):
            row = list(everyone[index * PEOPLE_PER_COMMUNE + n])
            row[1] = f"{rng.choice(_SURNAMES[:10])} Văn {rng.choice(_GIVEN)}"
            row[4] = f"{row[4][:8]}9{index}{n}0"
            newcomers.append(tuple(row))
    _import(campaign, admin, day_two + newcomers, second)
    # The second round: those absent yesterday, and those nobody has seen yet.
    waiting = {p.id for p in people.values() if p.last_outcome in (None, "absent")}
    _visit_day(campaign, team, hamlets, second, _DAY_TWO, only=waiting)

    # Day three (today): two people who had left are back on the list, a few more are gone.
    back = [row for key, row in rows.items()
            if people[key].id in gone and people[key].id not in claimed][:2]
    day_three = [row for row in day_two if rng.random() > 0.05] + newcomers + back
    _import(campaign, admin, day_three, third)
    for hamlet in hamlets:
        assign.split_evenly(team, hamlet, third, only_unassigned=True)
    # The visits were dated back to their days: count them on those days.
    rebuild_counters(campaign)
