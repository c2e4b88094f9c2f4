"""Demo rosters: Hưng Hà's communes list their leaders and officials and the three e-ID checks.

Most communes are complete, some lag (a few people without the portal or VNeID yet), and one
commune has sent no roster at all, so the organizers' page shows each case.
"""

from __future__ import annotations

import random
from datetime import timedelta

from fieldops.accountability import duties
from fieldops.accountability.duty_models import COMMUNE
from fieldops.accountability.official_models import CHECKS
from fieldops.accountability.officials import save_official
from fieldops.campaigns.models import Campaign

POSITIONS = ("Bí thư Đảng ủy", "Chủ tịch UBND xã", "Phó Chủ tịch UBND xã", "Trưởng Công an xã",
             "Chủ tịch Ủy ban MTTQ xã", "Công chức Văn phòng - Thống kê",
             "Công chức Tư pháp - Hộ tịch", "Công chức Địa chính - Xây dựng")
SURNAMES = ("Nguyễn", "Trần", "Phạm", "Vũ", "Đỗ", "Bùi", "Hoàng", "Lương", "Đào", "Tạ")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Quang", "Thu", "Hữu")
GIVEN = ("Hùng", "Lan", "Tuấn", "Hương", "Dũng", "Mai", "Thắng", "Hà", "Nam", "Yến", "Cường",
         "Thảo", "Long", "Trang", "Sơn")
#: the commune that has not sent its roster (the page shows "chưa có danh sách")
NO_ROSTER = "Hồng Minh"


def load_officials_demo(campaign: Campaign) -> None:
    """Give every commune of the campaign but one a roster, most complete, some lagging."""
    rng = random.Random(6)
    start = campaign.phases[0].start_date if campaign.phases else campaign.start_date
    for index, unit in enumerate(duties.units_of(campaign, COMMUNE)):
        if unit.area.name == NO_ROSTER:
            continue
        # Every third commune lags: one to three of its people have not done every check.
        positions = POSITIONS[:rng.randint(5, len(POSITIONS))]
        behind = set(rng.sample(range(len(positions)), rng.randint(1, 3))) if index % 3 == 1 \
            else set()
        for number, position in enumerate(positions):
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            # Those behind got their level-2 e-ID but not yet the app or the portal (or both).
            missed = set(rng.sample(list(CHECKS)[1:], rng.randint(1, 2))) if number in behind \
                else set()
            checks = {check: (False, None) if check in missed
                      else (True, start + timedelta(days=rng.randint(0, 20))) for check in CHECKS}
            phone = f"09{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.6 else None
            save_official(unit, None, full_name=name, position=position, phone=phone,
                          checks=checks)
