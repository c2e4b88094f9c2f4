"""Demo data drawn from the real plans: Nhơn Trạch (Đồng Nai) and Hưng Hà (Thái Bình)."""

from __future__ import annotations

import math
from datetime import date

from fieldops.areas import services as areas
from fieldops.areas.models import COMMUNE, DISTRICT, HAMLET, PROVINCE
from fieldops.auth import services as accounts
from fieldops.auth.models import ORGANIZER, TEAM_LEAD, VOLUNTEER, User
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Service
from fieldops.db import db

#: (username, full name, phone, role, password): printed by `fieldops demo`
DEMO_USERS = (
    ("admin", "Nguyễn Văn An", "0912345678", ORGANIZER, "demo-admin-2025"),
    ("truongdoan", "Trần Thị Bích", "0987654321", TEAM_LEAD, "demo-lead-2025"),
    ("tinhnguyen", "Lê Minh Châu", "0901234567", VOLUNTEER, "demo-tnv-2025"),
    # Hớn Quản's door-to-door drive: Thanh An's team lead and a member going door to door.
    ("totruong", "Điểu Văn Thành", "0912876543", TEAM_LEAD, "demo-totruong-2025"),
    ("gocua", "Lâm Thị Hạnh", "0903456789", VOLUNTEER, "demo-gocua-2025"),
    # A commune officer of Hồng Minh (Hưng Hà): their area limits what they see to that commune.
    ("hongminh", "Phạm Thu Hà", "0915246810", ORGANIZER, "demo-hongminh-2025"),
)
#: the demo accounts limited to one place: username -> commune name
DEMO_AREAS = {"hongminh": "Hồng Minh"}

# Hamlets of Nhơn Trạch commune named in plan 63/KH-UBND and around them. Populations are
# illustrative: the plan does not list them.
NHON_TRACH_HAMLETS = (
    ("Chợ", 2140, 690, 10.7662, 106.9237),
    ("Trâu", 1875, 602, 10.7591, 106.9314),
    ("Mỹ Khoan", 2310, 744, 10.7528, 106.9170),
    ("Phước Mỹ", 1960, 633, 10.7459, 106.9262),
    ("Bến Cam", 2455, 781, 10.7710, 106.9105),
    ("Phước Lý", 1720, 566, 10.7395, 106.9081),
    ("Long Hiệu", 1580, 512, 10.7354, 106.9203),
    ("Xóm Hố", 1340, 431, 10.7803, 106.9281),
)

# Appendix of plan 60/KH-TCTĐA-CA (Hưng Hà, 11/4/2023): commune, population aged 14+.
HUNG_HA_COMMUNES = (
    ("Bắc Sơn", 5034), ("Canh Tân", 4796), ("Chí Hoà", 6021), ("Chi Lăng", 5645),
    ("Cộng Hoà", 6160), ("Dân Chủ", 4115), ("Điệp Nông", 9389), ("Đoan Hùng", 5893),
    ("Độc Lập", 5884), ("Đông Đô", 6772), ("Duyên Hải", 6652), ("Hoà Bình", 3456),
    ("Hoà Tiến", 9196), ("Hồng An", 7781), ("Hồng Lĩnh", 4739), ("Hồng Minh", 8150),
    ("Hùng Dũng", 4835), ("Kim Trung", 7077), ("Liên Hiệp", 4619), ("Minh Hoà", 5665),
    ("Minh Khai", 5024), ("Minh Tân", 5309), ("Phúc Khánh", 4628), ("Tân Hoà", 4847),
    ("Tân Lễ", 10722), ("Tân Tiến", 5877), ("Tây Đô", 5763), ("Thái Hưng", 4452),
    ("Thái Phương", 8621), ("Thống Nhất", 7846), ("Tiến Đức", 7065), ("Hưng Hà", 8446),
    ("Hưng Nhân", 12438), ("Văn Cẩm", 5998), ("Văn Lang", 6293),
)
TOWNS = {"Hưng Hà", "Hưng Nhân"}  # "TT" in the appendix: thị trấn


def hexagon(lat: float, lon: float, radius: float = 0.0035) -> dict:
    """Return a small hexagonal hamlet boundary around a point (the plans give no shapes)."""
    ring = [
        [round(lon + radius * math.cos(math.pi / 3 * k), 6),
         round(lat + radius * math.sin(math.pi / 3 * k), 6)]
        for k in range(6)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def load_demo() -> bool:
    """Load the demo places, campaigns and accounts; return False if they are already there."""
    if db.session.execute(db.select(User.id).filter_by(username="admin")).first():
        return False
    campaigns.ensure_builtin_services()
    for username, full_name, phone, role, password in DEMO_USERS:
        accounts.create_user(username, full_name, password, role, phone)

    dong_nai = areas.save_area(None, level=PROVINCE, name="Đồng Nai", kind="tinh")
    nhon_trach = areas.save_area(None, level=COMMUNE, name="Nhơn Trạch", kind="xa",
                                 parent=dong_nai, population_14plus=sum(
                                     h[1] for h in NHON_TRACH_HAMLETS),
                                 latitude=10.7580, longitude=106.9200)
    for index, (name, pop, households, lat, lon) in enumerate(NHON_TRACH_HAMLETS):
        hamlet = areas.save_area(None, level=HAMLET, name=name, kind="ap", parent=nhon_trach,
                                 population_14plus=pop, households=households,
                                 latitude=lat, longitude=lon)
        if index % 4 != 3:  # a few hamlets keep only a point, as in real data
            areas.set_boundary(hamlet, hexagon(lat, lon))

    thai_binh = areas.save_area(None, level=PROVINCE, name="Thái Bình", kind="tinh")
    hung_ha = areas.save_area(None, level=DISTRICT, name="Hưng Hà", kind="huyen",
                              parent=thai_binh)
    hung_ha_communes = []
    for index, (name, pop) in enumerate(HUNG_HA_COMMUNES):
        hung_ha_communes.append(areas.save_area(
            None, level=COMMUNE, name=name, kind="thi_tran" if name in TOWNS else "xa",
            parent=hung_ha, population_14plus=pop,
            latitude=round(20.545 + (index // 6) * 0.018, 5),
            longitude=round(106.155 + (index % 6) * 0.022, 5)))

    for username, commune in DEMO_AREAS.items():
        db.session.execute(db.select(User).filter_by(username=username)).scalar_one().area_id = \
            next(c.id for c in hung_ha_communes if c.name == commune)

    by_code = {s.code: s for s in db.session.execute(db.select(Service)).scalars()}
    nt = campaigns.save_campaign(
        None, title="Chiến dịch “30 ngày phổ cập chữ ký số cho người dân”",
        plan_number="63/KH-UBND", issuing_unit="UBND xã Nhơn Trạch",
        issued_on=date(2025, 10, 7), start_date=date(2025, 10, 10),
        end_date=date(2025, 11, 8),
        description="Lễ phát động ra quân 07h00 ngày 10/10/2025 tại trụ sở UBND xã Phước "
                    "Thiền (cũ); mục tiêu 50% dân số trưởng thành có và sử dụng chữ ký số. "
                    "Dữ liệu mẫu, phần minh hoạ kế hoạch không nêu: tên và số người của từng "
                    "thành viên các đoàn, ai am hiểu CNTT, thành phần Đoàn 3–5, số khách của "
                    "Ban Chấp hành Đảng ủy xã (8) và các kết quả ghi nhận.",
        communes=[nhon_trach],
        services=[by_code[c] for c in ("digital_signature", "vneid_install", "eid_level2",
                                       "public_services_account", "digital_banking")])
    campaigns.save_phase(nt, None, name="Ra quân", start_date=date(2025, 10, 10),
                         end_date=date(2025, 10, 17))
    campaigns.save_phase(nt, None, name="Duy trì thứ Bảy hằng tuần",
                         start_date=date(2025, 10, 18), end_date=date(2025, 11, 8))

    hh = campaigns.save_campaign(
        None, title="Cuộc vận động cài đặt, kích hoạt tài khoản định danh điện tử",
        plan_number="60/KH-TCTĐA-CA", issuing_unit="Tổ công tác Đề án 06 huyện Hưng Hà",
        issued_on=date(2023, 4, 11), start_date=date(2023, 4, 15), end_date=date(2023, 11, 15),
        description="Kế hoạch ghi giai đoạn 2 từ 30/4 và giai đoạn 3 từ 15/6, trùng ngày cuối "
                    "của giai đoạn trước; ở đây mỗi giai đoạn bắt đầu ngày hôm sau.",
        communes=hung_ha_communes,
        services=[by_code["vneid_install"], by_code["eid_level2"]])
    for name, start, end in (("Giai đoạn 1", date(2023, 4, 15), date(2023, 4, 30)),
                             ("Giai đoạn 2", date(2023, 5, 1), date(2023, 6, 15)),
                             ("Giai đoạn 3", date(2023, 6, 16), date(2023, 11, 15))):
        campaigns.save_phase(hh, None, name=name, start_date=start, end_date=end)

    # --- teams (issue 4): Nhơn Trạch's organisations, members, teams and hamlet assignments ---
    from fieldops.teams.demo import build_nhon_trach

    build_nhon_trach(nt)

    # --- launch event (issue 3): the 10/10/2025 morning, its agenda, groups and help desks ---
    from fieldops.events.demo import load_launch_event

    load_launch_event(nt)

    # --- targets and progress (issue 6): the appendix as typed, and phase 1's results ---
    from fieldops.reports.demo import load_progress_demo

    load_progress_demo(hh)

    # --- the door-to-door drive (issue 12): Hớn Quản's "90 ngày, đêm", moved to now ---
    from fieldops.drive.demo import build_hon_quan, load_lists_and_visits

    load_lists_and_visits(build_hon_quan(by_code))

    # --- reports on a clock (issue 14): Hưng Hà's communes report daily at 17:00 for a week ---
    from fieldops.accountability.duty_demo import load_duty_demo

    load_duty_demo(hh)

    # --- the officials' own e-ID (issue 14): Hưng Hà's communes' rosters, one not sent ---
    from fieldops.accountability.official_demo import load_officials_demo

    load_officials_demo(hh)

    # Both plans are over, and an ended campaign takes no registrations: a two-week trial that
    # starts today lets a new user scan a desk's code and follow a citizen through.
    _trial_week(nhon_trach, by_code)

    # --- accountability (issue 14): a spot-check on the trial, the ceremony's "5 rõ" tasks ---
    from fieldops.accountability.check_demo import load_accountability_demo

    load_accountability_demo()

    # --- phase end (issue 14): Hưng Hà's phase 1 finished, checked, frozen by the schedule ---
    from fieldops.accountability.phase_end_demo import load_phase_end_demo

    load_phase_end_demo(hh)
    return True


def _trial_week(commune, by_code: dict[str, Service]) -> None:
    from datetime import time, timedelta

    from fieldops.clock import local_today
    from fieldops.events import desks
    from fieldops.events import services as events_services
    from fieldops.events.demo import load_mobile_points

    today = local_today()
    chosen = [by_code[c] for c in ("digital_signature", "vneid_install", "eid_level2")]
    trial = campaigns.save_campaign(
        None, title="Dùng thử: hỗ trợ tại bàn hai tuần (dữ liệu mẫu)",
        issuing_unit="UBND xã Nhơn Trạch", start_date=today, end_date=today + timedelta(days=13),
        description="Chiến dịch mẫu tính từ ngày nạp dữ liệu mẫu, để thử quét mã QR tại bàn, "
                    "đăng ký nhanh và ghi nhận kết quả; các bàn theo Kế hoạch 63/KH-UBND.",
        communes=[commune], services=chosen)
    campaigns.save_phase(trial, None, name="Tuần dùng thử", start_date=today,
                         end_date=today + timedelta(days=13))
    # Before today's desks: the trial's newest desk is the one taking check-ins today.
    load_mobile_points(trial, today)
    event = events_services.save_event(
        trial, None, title="Ngày hỗ trợ tại trụ sở UBND xã", event_date=today,
        start_time=time(7, 0), end_time=time(17, 0), venue_name="Trụ sở UBND xã Nhơn Trạch",
        venue_address="Xã Nhơn Trạch, tỉnh Đồng Nai", latitude=10.7580, longitude=106.9200,
        expected_attendance=100)
    volunteer = db.session.execute(db.select(User).filter_by(username="tinhnguyen")).scalar_one()
    desks.save_desk(event, None, organisation="Viettel Đồng Nai", table_label="Bàn 1",
                    purpose="Đăng ký, kích hoạt chữ ký số cá nhân",
                    services=[by_code["digital_signature"], by_code["vneid_install"]],
                    staff=[volunteer])
    desks.save_desk(event, None, organisation="Công an xã Nhơn Trạch", table_label="Bàn 2",
                    purpose="Kích hoạt định danh điện tử mức độ 2",
                    services=[by_code["eid_level2"], by_code["vneid_install"]])
    # The trial's daily report, made by the demo volunteer for Nhơn Trạch (issue 14).
    from fieldops.accountability.duty_demo import load_trial_duty

    load_trial_duty(trial)
