"""Demo teams of plan 63/KH-UBND (Nhơn Trạch): who goes where on launch day and every Saturday."""

from __future__ import annotations

from datetime import date

from fieldops.areas.imports import strip_kind_prefix
from fieldops.areas.models import HAMLET, Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.teams import assignments, services
from fieldops.text import fold

#: (name, kind); the plan names these units for teams and desks
ORGANISATIONS = (
    ("Phòng Văn hóa – Xã hội xã Nhơn Trạch", "government_office"),
    ("Công an xã Nhơn Trạch", "commune_police"),
    ("Trạm Y tế xã Nhơn Trạch", "health_station"),
    ("Đoàn Thanh niên xã Nhơn Trạch", "youth_union"),
    ("Hội Phụ nữ xã Nhơn Trạch", "womens_union"),
    ("Hội Nông dân xã Nhơn Trạch", "farmers_union"),
    ("Hội Cựu chiến binh xã Nhơn Trạch", "veterans_association"),
    ("Viettel Đồng Nai", "telecom"),
    ("VNPT Đồng Nai", "telecom"),
    ("Agribank Nhơn Trạch", "bank"),
    ("Bưu điện xã Nhơn Trạch", "post_office"),
)
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ")
_GIVEN = ("Văn Hùng", "Thị Lan", "Minh Tuấn", "Thị Hoa", "Quốc Bảo", "Thị Mai", "Văn Tài",
          "Ngọc Anh", "Thanh Tâm", "Hữu Phước", "Thị Thu", "Văn Lộc")
# The plan's Đoàn 1 and Đoàn 2: police 1, health station 1, youth union 2, a telecom 5.
_LAUNCH_TEAMS = (
    ("Đoàn 1", ("Chợ", "Trâu"), "Viettel Đồng Nai"),
    ("Đoàn 2", ("Mỹ Khoan", "Phước Mỹ"), "VNPT Đồng Nai"),
)
# After the ceremony, five teams go out every Saturday, one per hamlet group.
_SATURDAY_GROUPS = (("Chợ", "Trâu"), ("Mỹ Khoan", "Phước Mỹ"), ("Bến Cam", "Xóm Hố"),
                    ("Phước Lý",), ("Long Hiệu",))
SATURDAY = 5


def build_nhon_trach(campaign: Campaign) -> None:
    """Add Nhơn Trạch's organisations, members, five teams and their hamlet assignments."""
    orgs = {name: services.save_organisation(None, name=name, kind=kind)
            for name, kind in ORGANISATIONS}
    admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar()
    lead_user = db.session.execute(db.select(User).filter_by(username="truongdoan")).scalar()
    counter = iter(range(1000))

    def person(org: str, it_savvy: bool = False, user: User | None = None, name: str = ""):
        n = next(counter)
        return services.save_member(
            None, full_name=name or f"{_SURNAMES[n % 10]} {_GIVEN[n % 12]}",
            phone=f"0913{n:06d}" if user is None else user.phone,
            organisation=orgs[org], it_savvy=it_savvy, user=user)

    # Keyed as save_area stores names: "Xóm Hố" (an ấp) keeps its whole name, "Ấp Chợ" is "Chợ".
    hamlets = {fold(h.name): h for h in db.session.execute(
        db.select(Area).where(Area.level == HAMLET,
                              Area.parent_id.in_([c.id for c in campaign.communes]))).scalars()}
    culture = "Phòng Văn hóa – Xã hội xã Nhơn Trạch"
    teams = []
    for index, (name, _places, telecom) in enumerate(_LAUNCH_TEAMS):
        lead = person(culture, True, lead_user if index == 0 else None,
                      "Trần Thị Bích" if index == 0 else "")
        members = [lead, person("Công an xã Nhơn Trạch", True),
                   person("Trạm Y tế xã Nhơn Trạch"),
                   person("Đoàn Thanh niên xã Nhơn Trạch", True),
                   person("Đoàn Thanh niên xã Nhơn Trạch", index == 0)]
        # Đoàn 2 has only 4 of the 5 VNPT staff yet: the warning shows what is missing.
        members += [person(telecom, k == 0) for k in range(5 - index)]
        team = services.save_team(campaign, None, name=name, lead_organisation=orgs[culture],
                                  lead=lead, members=members)
        for org, count in (("Công an xã Nhơn Trạch", 1), ("Trạm Y tế xã Nhơn Trạch", 1),
                           ("Đoàn Thanh niên xã Nhơn Trạch", 2), (telecom, 5)):
            services.add_requirement(team, count=count, organisation=orgs[org])
        teams.append(team)
    for org in ("Hội Phụ nữ xã Nhơn Trạch", "Hội Nông dân xã Nhơn Trạch",
                "Hội Cựu chiến binh xã Nhơn Trạch"):
        lead = person(org, True)
        teams.append(services.save_team(
            campaign, None, name=f"Đoàn {len(teams) + 1}", lead_organisation=orgs[org],
            lead=lead, members=[lead, person(org), person("Đoàn Thanh niên xã Nhơn Trạch", True),
                                person("Agribank Nhơn Trạch")]))
    # No IT-savvy minimum: plan 63 sets none. Hớn Quản's own rule (2 per team) is shown on its
    # own demo campaign (drive/demo.py); borrowed here, the warnings read "the plan requires".

    def hamlet(place: str) -> Area:
        return hamlets.get(fold(place)) or hamlets[fold(strip_kind_prefix(place))]

    launch = campaign.start_date
    for team, (_name, places, _telecom) in zip(teams, _LAUNCH_TEAMS, strict=False):
        for place in places:
            assignments.assign(team, hamlet(place), start=launch, end=launch, by_user=admin)
    first_saturday = date.fromordinal(launch.toordinal() + (SATURDAY - launch.weekday()) % 7)
    for team, places in zip(teams, _SATURDAY_GROUPS, strict=True):
        for place in places:
            assignments.assign(team, hamlet(place), start=first_saturday,
                               end=campaign.end_date, weekday=SATURDAY, by_user=admin)
