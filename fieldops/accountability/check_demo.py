"""Demo accountability: a spot-check with rejections on the trial, and plan 002 §IV's tasks.

The trial campaign (fieldops.demo._trial_week) starts on the day the demo is loaded, so its
results are recorded here at its desk today and one commune-wide spot-check is drawn with a
fixed seed (the same sample on every load). The Nhơn Trạch launch event of 10/10/2025 gets the
preparation tasks plan 63/KH-UBND gives its units (§IV), most reported done, two left overdue.
"""

from __future__ import annotations

from datetime import date, time

from fieldops.accountability import spotchecks, tasks
from fieldops.accountability.check_models import CONFIRMED, REJECTED, UNREACHABLE
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.checkin import recording
from fieldops.checkin.services import Outcome
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.events.models import HelpDesk, LaunchEvent
from fieldops.teams import services as teams
from fieldops.teams.models import Member

#: citizens helped at the trial's desk 1 today: name, phone, hamlet, birth year
TRIAL_CITIZENS = (
    ("Nguyễn Thị Hồng", "0903111201", "Chợ", 1978),
    ("Trần Văn Lực", "0903111202", "Trâu", 1985),
    ("Lê Thị Ngọc", "0903111203", "Mỹ Khoan", 1992),
    ("Phạm Văn Sáu", "0903111204", "Chợ", 1961),
    ("Võ Thị Kim", "0903111205", "Bến Cam", 1999),
    ("Đỗ Minh Khang", "0903111206", "Trâu", 2004),
    ("Huỳnh Văn Tư", "0903111207", "Phước Lý", 1970),
    ("Bùi Thị Yến", "0903111208", "Chợ", 1988),
    ("Đặng Quốc Huy", "0903111209", "Long Hiệu", 1995),
    ("Ngô Thị Bé", "0903111210", "Xóm Hố", 1966),
    ("Phan Văn Đức", "0903111211", "Phước Mỹ", 1983),
    ("Lý Thị Thu", "0903111212", "Mỹ Khoan", 2001),
)
#: the verdicts of the six call-backs, in the sample's order (two rejected, one not reached)
VERDICTS = (
    (CONFIRMED, None),
    (REJECTED, "Người dân cho biết chưa được kích hoạt chữ ký số, chỉ được hướng dẫn cài đặt."),
    (CONFIRMED, None),
    (UNREACHABLE, None),
    (REJECTED, "Số điện thoại là của người nhà; người được ghi nhận không đến bàn hôm nay."),
    (CONFIRMED, None),
)

# Plan 63/KH-UBND §IV (seed 002): task, unit, due (day, time), expected result, result reported
# (None: not reported, so overdue after the ceremony).
_CEREMONY = date(2025, 10, 10)
CEREMONY_TASKS = (
    ("Xây dựng dự toán kinh phí tổ chức Lễ phát động và chiến dịch ra quân",
     "Phòng Văn hóa – Xã hội xã Nhơn Trạch", date(2025, 10, 6), time(17, 0),
     "Dự toán trình Thường trực UBND xã, Phòng Kinh tế thẩm định", None),
    ("Ban hành thư mời đại biểu dự buổi ra quân", "Văn phòng HĐND và UBND xã Nhơn Trạch",
     date(2025, 10, 7), time(17, 0), "Thư mời gửi đủ 200 đại biểu theo thành phần",
     "Đã gửi 200 thư mời ngày 07/10"),
    ("Xây dựng kế hoạch, kịch bản chương trình và kịch bản MC",
     "Phòng Văn hóa – Xã hội xã Nhơn Trạch", date(2025, 10, 8), time(17, 0),
     "Kịch bản chương trình và kịch bản MC được lãnh đạo UBND xã duyệt",
     "Kịch bản đã duyệt chiều 08/10"),
    ("Bố trí bàn ghế, nước uống cho buổi lễ", "Phòng Văn hóa – Xã hội xã Nhơn Trạch",
     date(2025, 10, 9), time(16, 0),
     "200 ghế đại biểu, 02 bàn lễ tân, 06 bàn kỹ thuật; nước uống cho 200 người",
     "Đã bố trí đủ, kiểm tra lúc 16h00 ngày 09/10"),
    ("Trang trí hội trường; treo băng rôn, khẩu hiệu", "Trung tâm VHTT-TT xã Nhơn Trạch",
     date(2025, 10, 9), time(17, 0), "Phông nền, 04 băng rôn, khẩu hiệu theo chủ đề chiến dịch",
     "Hoàn thành 17h00 ngày 09/10"),
    ("Huy động 20 đoàn viên, thanh niên tình nguyện phục vụ Lễ phát động",
     "Đoàn Thanh niên xã Nhơn Trạch", date(2025, 10, 9), time(17, 0),
     "Danh sách 20 tình nguyện viên, phân công theo khu vực bàn", "Đã huy động 22 đoàn viên"),
    ("Kiểm tra điều kiện kỹ thuật: bảo đảm wifi/4G dự phòng", "Viettel Đồng Nai",
     _CEREMONY, time(6, 30), "Wifi hội trường và 01 bộ phát 4G dự phòng chạy thử trước 06h30",
     "Đã chạy thử wifi và 4G dự phòng lúc 06h15"),
    ("Hướng dẫn để xe, giữ xe; hỗ trợ bố trí bàn ghế", "Ban Chỉ huy Quân sự xã Nhơn Trạch",
     _CEREMONY, time(6, 30), "Khu để xe có người trông, bàn ghế đủ theo sơ đồ", None),
    ("Bố trí 01 bàn kỹ thuật kích hoạt định danh điện tử mức độ 2", "Công an xã Nhơn Trạch",
     _CEREMONY, time(7, 0), "01 bàn, 02 cán bộ, máy đọc CCCD gắn chip",
     "Bàn 2 hoạt động từ 07h00"),
    ("Bảo đảm an ninh trật tự, điều tiết giao thông khu vực lễ", "Công an xã Nhơn Trạch",
     _CEREMONY, time(7, 0), "Không để xảy ra mất an ninh trật tự, ùn tắc",
     "Buổi lễ an toàn, không có sự cố"),
    ("Đón tiếp đại biểu, hướng dẫn chỗ ngồi, chuẩn bị danh sách ký tên",
     "Văn phòng HĐND và UBND xã Nhơn Trạch", _CEREMONY, time(7, 0),
     "02 bàn lễ tân, danh sách ký tên theo từng nhóm đại biểu", "Đã đón 186/200 đại biểu"),
    ("Chuẩn bị 03 tiết mục văn nghệ chào mừng", "Trung tâm VHTT-TT xã Nhơn Trạch",
     _CEREMONY, time(7, 30), "03 tiết mục, tổng duyệt chiều 09/10", "Biểu diễn đủ 03 tiết mục"),
    ("Thiết lập “Bàn tư vấn Dịch vụ công trực tuyến & Chữ ký số” tại Trung tâm PVHCC",
     "Trung tâm Phục vụ hành chính công xã Nhơn Trạch", _CEREMONY, time(7, 0),
     "Bàn tư vấn hoạt động trong giờ hành chính từ ngày 10/10", "Đã hoạt động từ 10/10"),
)


def load_accountability_demo() -> None:
    """Add the trial's results and their spot-check, and the launch event's tasks."""
    admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar_one()
    _trial_spot_check(admin)
    _ceremony_tasks(admin)


def _trial_spot_check(admin: User) -> None:
    volunteer = db.session.execute(db.select(User).filter_by(username="tinhnguyen")).scalar_one()
    today = local_today()
    desk = db.session.execute(
        db.select(HelpDesk).join(LaunchEvent).join(Campaign)
        .where(Campaign.title.startswith("Dùng thử"), LaunchEvent.event_date == today,
               HelpDesk.table_label == "Bàn 1")
        .order_by(HelpDesk.id.desc())).scalars().first()
    campaign = desk.event.campaign
    commune = campaign.communes[0]
    hamlets = {h.name: h.id for h in commune.children}
    services = {s.code: s.id for s in campaign.services}
    for n, (name, phone, hamlet, born) in enumerate(TRIAL_CITIZENS):
        service = services["digital_signature" if n % 3 else "vneid_install"]
        recording.record(
            None, submission_id=f"demo-trial-{n}", user=volunteer, campaign=campaign,
            source="desk", full_name=name, phone=phone, hamlet_id=hamlets[hamlet],
            birth_year=born, citizen_id=f"0750{born % 100:02d}{n + 201:06d}",
            outcomes=[Outcome(service, "done")], consent=True, desk=desk)
    check = spotchecks.draw(campaign, unit_key=f"area:{commune.id}", first_day=today,
                            last_day=today, size_kind="share", size_value=50, checker=admin,
                            seed="demo-kiem-tra-nhon-trach-1")
    for item, (verdict, reason) in zip(check.items, VERDICTS, strict=True):
        spotchecks.give_verdict(item, verdict, user=admin, reason=reason)


def _ceremony_tasks(admin: User) -> None:
    event = db.session.execute(db.select(LaunchEvent).where(
        LaunchEvent.event_date == _CEREMONY,
        LaunchEvent.title.startswith("Lễ phát động"))).scalars().first()
    for title, unit, day, at, expected, result in CEREMONY_TASKS:
        organisation = (teams.find_organisation(unit)
                        or teams.save_organisation(None, name=unit, kind="government_office"))
        member = db.session.execute(db.select(Member).filter_by(
            organisation_id=organisation.id).order_by(Member.id)).scalars().first()
        person = f"member:{member.id}" if member else f"user:{admin.id}"
        task = tasks.save_task(None, campaign=event.campaign, event=event, title=title,
                               unit_key=f"organisation:{organisation.id}", person_key=person,
                               due_day=day, due_time=at, expected_result=expected, by=admin)
        if result:
            tasks.report_result(task, user=admin, result=result, done=True)
