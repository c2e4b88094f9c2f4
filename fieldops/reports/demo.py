"""Demo targets and results: the Hưng Hà appendix imported as typed, and a few weeks of work."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from openpyxl import Workbook

from fieldops.areas import services as areas
from fieldops.areas.models import HAMLET
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Service
from fieldops.checkin.models import DONE, FAILED, RECORDED, Registration, RegistrationService
from fieldops.clock import LOCAL_TZ
from fieldops.db import db
from fieldops.demo import hexagon
from fieldops.reports import counters, targets
from fieldops.reports.appendix_import import APPENDIX_IMPORT
from fieldops.reports.cascade import cascade_to_hamlets, largest_remainder, set_phase_floor
from fieldops.uploads import staging

#: the appendix of plan 60/KH-TCTĐA-CA: name as typed, population 14+, chip IDs, 3 phase targets
HUNG_HA_APPENDIX = [
    ("Bắc Sơn", 5034, 4816, 1000, 2000, 1000), ("Canh Tân", 4796, 4316, 1000, 2000, 1500),
    ("Chí Hoà", 6021, 5702, 1000, 2000, 1000), ("Chi Lăng", 5645, 5303, 1000, 2000, 1000),
    ("Cộng Hoà", 6160, 5806, 1000, 2000, 1000), ("Dân Chủ", 4115, 3942, 1000, 1300, 1000),
    ("Điệp Nông", 9389, 8863, 2000, 3500, 2000), ("Đoan Hùng", 5893, 5512, 1500, 2500, 1500),
    ("Độc Lập", 5884, 5575, 1000, 2000, 1500), ("Đông Đô", 6772, 6516, 1500, 2500, 1500),
    ("Duyên Hải", 6652, 6271, 1500, 2500, 1500), ("Hoà Bình", 3456, 3314, 1000, 1000, 1000),
    ("Hoà Tiến", 9196, 8671, 2000, 3500, 2000), ("Hồng An", 7781, 7424, 2000, 3000, 2000),
    ("Hồng Lĩnh", 4739, 4467, 1000, 1700, 1000), ("Hồng Minh", 8150, 7737, 2000, 3500, 2000),
    ("Hùng Dũng", 4835, 4437, 1000, 1800, 1000), ("Kim Trung", 7077, 6863, 2000, 2000, 1500),
    ("Liên Hiệp", 4619, 4277, 1000, 1500, 1000), ("Minh Hoà", 5665, 5483, 1500, 2000, 1500),
    ("Minh Khai", 5024, 4794, 1500, 2000, 1500), ("Minh Tân", 5309, 5094, 1000, 2000, 1500),
    ("Phúc Khánh", 4628, 4379, 1000, 1600, 1000), ("Tân Hoà", 4847, 4605, 1000, 1500, 1000),
    ("Tân Lễ", 10722, 10430, 2500, 4000, 2500), ("Tân Tiến", 5877, 5617, 1000, 2000, 1500),
    ("Tây Đô", 5763, 5469, 1000, 2000, 1500), ("Thái Hưng", 4452, 4207, 1000, 1500, 1000),
    ("Thái Phương", 8621, 8272, 2500, 3500, 1500), ("Thống Nhất", 7846, 7265, 2500, 3000, 1500),
    ("Tiến Đức", 7065, 6658, 1000, 3000, 1500), ("TT Hưng Hà", 8446, 7985, 2500, 3500, 1500),
    ("TTHưng Nhân", 12438, 12088, 3000, 5000, 3000), ("Văn Cẩm", 5998, 5395, 1500, 2000, 1500),
    ("Văn Lang", 6293, 5988, 1500, 2000, 1000),
]
#: the total row as printed: 213.551, 50.000 and 80.900 are not the sums of the rows
HUNG_HA_TOTAL = ("225.208", "213.551", "50.000", "80.900", "50.500")


def appendix_workbook(rows=HUNG_HA_APPENDIX, total=HUNG_HA_TOTAL) -> bytes:
    """Return the appendix typed into Excel as an office would: merged headers, "1." numbers,
    some figures as text with thousand dots, and the printed total row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["PHỤ LỤC"])
    sheet.append(["Kết quả và chỉ tiêu thu nhận cài đặt và kích hoạt tài khoản định danh điện tử"])
    sheet.append(["S T T", "Đơn vị", "Nhân khẩu từ đủ 14 tuổi trở lên",
                  "Kết quả thu nhận CCCD có gắn chip đến ngày 10/4/2023",
                  "Chỉ tiêu thu nhận Định danh điện tử", None, None])
    sheet.append([None, None, None, None, "Chỉ tiêu thu nhận giai đoạn 1",
                  "Chỉ tiêu thu nhận giai đoạn 2", "Chỉ tiêu thu nhận giai đoạn 3"])
    for col in "ABCD":
        sheet.merge_cells(f"{col}3:{col}4")
    sheet.merge_cells("E3:G3")
    for index, (name, pop, issued, *phases) in enumerate(rows, start=1):
        # Offices mix numbers and text: every third row typed "10.722" as text.
        pop_cell = f"{pop:,}".replace(",", ".") if index % 3 == 0 else pop
        sheet.append([f"{index}.", name, pop_cell, issued, *phases])
    sheet.append(["Tổng", None, *total])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load_progress_demo(campaign: Campaign) -> None:
    """Import the Hưng Hà appendix into its campaign, give each commune three hamlets with their
    share of the target, and record phase 1's results up to its tenth day."""
    admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar_one()
    content = appendix_workbook()
    # Through the same staged upload as the page: read once, then confirmed.
    staged = staging.stage(APPENDIX_IMPORT, "phu-luc-60-KH.xlsx", content,
                           {"campaign_id": campaign.id, "service_id": None}, admin)
    staging.confirm(APPENDIX_IMPORT, staged.upload, admin, {"update_population": False})
    set_phase_floor(campaign.phases[1], 50)  # "tối thiểu cho 50 người dân" in phase 2
    service = db.session.execute(db.select(Service).filter_by(code="eid_level2")).scalar_one()
    phase = campaign.phases[0]
    rng = random.Random(60)
    rows: list[dict] = []
    outcomes: list[str] = []
    for commune in campaign.communes:
        pop = commune.population_14plus or 3000
        hamlets = [areas.save_area(None, level=HAMLET, name=f"{number}", kind="thon",
                                   parent=commune, population_14plus=share,
                                   latitude=(commune.latitude or 20.5) + 0.004 * (number - 2),
                                   longitude=(commune.longitude or 106.2) + 0.004 * (number % 2))
                   for number, share in enumerate(largest_remainder(pop, [5, 3, 2]), start=1)]
        for hamlet in hamlets:
            areas.set_boundary(hamlet, hexagon(hamlet.latitude, hamlet.longitude, 0.0019))
        cascade_to_hamlets(phase, commune, user=admin)
        target = targets.find_target(phase, area=commune)
        # Some communes run ahead, some fall behind: the page then shows all three lights.
        per_day = (target.value if target else 500) / 16 * rng.uniform(0.5, 1.25)
        for offset in range(10):
            day = phase.start_date + timedelta(days=offset)
            for n in range(round(per_day * rng.uniform(0.7, 1.3))):
                at = datetime.combine(day, time(8 + n % 9), tzinfo=LOCAL_TZ).astimezone(UTC)
                rows.append({"submission_id": f"demo-hh-{len(rows)}", "campaign_id": campaign.id,
                             "hamlet_id": hamlets[n % 3].id, "source": "door",
                             "status": RECORDED, "full_name": "Công dân",
                             "name_folded": "cong dan", "recorded_at": at,
                             "volunteer_id": admin.id, "created_at": at})
                outcomes.append(DONE if n % 8 else FAILED)
    # One statement per table, not one ORM object per record: the demo loads in a blink.
    ids = db.session.scalars(sa.insert(Registration).returning(
        Registration.id, sort_by_parameter_order=True), rows).all()
    db.session.execute(sa.insert(RegistrationService), [
        {"registration_id": rid, "service_id": service.id, "outcome": outcome,
         "failure_reason": "absent" if outcome == FAILED else None}
        for rid, outcome in zip(ids, outcomes, strict=True)])
    counters.rebuild_counters(campaign)
