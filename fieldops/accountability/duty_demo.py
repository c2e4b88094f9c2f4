"""Demo reports: Hưng Hà's communes reporting daily at 17:00 for the first week of phase 1.

Most report on time, some late (the evening or the next morning), some not at all; one
commune corrects its report. Each commune has an account `xa_<name>` (password DEMO_PASSWORD).
The two-week trial campaign (running from the day the demo is loaded) has the same daily
report, which the demo volunteer makes for Nhơn Trạch: their home page shows the reminder.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from werkzeug.security import generate_password_hash

from fieldops.accountability import duties, submissions, units
from fieldops.accountability.duty_models import COMMUNE, DAILY
from fieldops.accountability.figures import figures_for_units
from fieldops.auth.models import VOLUNTEER, User
from fieldops.campaigns.models import Campaign
from fieldops.clock import LOCAL_TZ
from fieldops.db import db
from fieldops.text import fold_words

DEMO_PASSWORD = "demo-xa-2025"
#: the days reported: the first week of phase 1 (15/4 to 21/4/2023)
DAYS = 7
RESULTS = (
    "Tổ chức {points} điểm thu nhận tại nhà văn hóa thôn; kích hoạt {done} tài khoản trong ngày.",
    "Các tổ công nghệ số cộng đồng đến từng hộ ở {points} thôn; kích hoạt {done} tài khoản.",
    "Mở bàn hướng dẫn tại trụ sở UBND xã cả buổi chiều; kích hoạt {done} tài khoản.",
)
DIFFICULTIES = (
    "", "Nhiều người dân đi làm ăn xa chưa về.", "Sóng 4G chập chờn ở thôn 3.",
    "Điện thoại của người cao tuổi không cài được VNeID.",
)
PROPOSALS = ("", "Đề nghị Công an huyện hỗ trợ thêm máy thu nhận.",
             "Đề nghị kéo dài giờ làm việc của bộ phận một cửa vào thứ Bảy.")


def _local(day, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ).astimezone(UTC)


def load_duty_demo(campaign: Campaign) -> None:
    """Give the campaign a daily 17:00 report of its communes and a week of reports."""
    admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar_one()
    duty = duties.save_duty(campaign, None, title="Báo cáo tiến độ hằng ngày (trước 17h00)",
                            frequency=DAILY, unit_kind=COMMUNE, deadline=time(17, 0),
                            user=admin)
    communes = duties.units_of(campaign, COMMUNE)
    # One hash for every commune account: 35 scrypt hashes would slow the demo down.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    people = {}
    for unit in communes:
        user = User(username="xa_" + fold_words(unit.area.name).replace(" ", ""),
                    full_name=f"Văn phòng {unit.name}", role=VOLUNTEER,
                    password_hash=password_hash)
        db.session.add(user)
        unit.users.append(user)
        people[unit.id] = user
    db.session.flush()
    rng = random.Random(17)
    phase = campaign.phases[0]
    for offset in range(DAYS):
        day = phase.start_date + timedelta(days=offset)
        figures = figures_for_units(campaign, communes, day, day)
        on_time, late = [], []
        for unit in communes:
            roll = rng.random()
            (on_time if roll < 0.72 else late if roll < 0.86 else []).append(unit)
        for unit in on_time:
            _submit(duty, unit, people[unit.id], day, _local(day, rng.randint(14, 16),
                                                                rng.randint(0, 59)),
                    figures[unit.id], rng)
        submissions.mark_missed(_local(day, 17, 5))
        for unit in late:
            when = _local(day, 17, 0) + timedelta(minutes=rng.randint(20, 17 * 60))
            _submit(duty, unit, people[unit.id], day, when, figures[unit.id], rng)
    # A correction: the first commune's first report, resent that evening with its own count.
    first_day = phase.start_date
    report = submissions.find_report(duty, communes[0], first_day)
    if report is not None and report.version:
        _submit(duty, communes[0], people[communes[0].id], first_day,
                _local(first_day, 20, 15), figures_for_units(campaign, [communes[0]],
                                                             first_day, first_day)[communes[0].id],
                rng, note=" (bổ sung số liệu của Công an xã)")


def load_trial_duty(campaign: Campaign) -> None:
    """Give the trial campaign a daily 17:00 report that the demo volunteer makes."""
    admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar_one()
    duties.save_duty(campaign, None, title="Báo cáo kết quả hằng ngày (trước 17h00)",
                     frequency=DAILY, unit_kind=COMMUNE, deadline=time(17, 0), user=admin)
    volunteer = db.session.execute(db.select(User).filter_by(username="tinhnguyen")).scalar_one()
    for unit in duties.units_of(campaign, COMMUNE):
        units.attach_user(unit, volunteer)


def _submit(duty, unit, user, day, when, figures, rng, note: str = "") -> None:
    done = next((f.done_period for f in figures if f.service_id is None), 0)
    own = {}
    if rng.random() < 0.3:
        # The commune's own tally, kept on paper, rarely equals ours.
        own = {figures[0].key: (max(done + rng.randint(-4, 9), 0), None)}
    submissions.submit(duty, unit, day, user=user, now=when, figures=figures, own=own,
                       results=rng.choice(RESULTS).format(points=rng.randint(2, 4), done=done)
                       + note,
                       difficulties=rng.choice(DIFFICULTIES), proposals=rng.choice(PROPOSALS))
