"""The Nhơn Trạch launch event of plan 63/KH-UBND (10/10/2025), rebuilt as demo data."""

from __future__ import annotations

from datetime import date, time, timedelta

from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.events import agenda, desks, services
from fieldops.events.models import MOBILE_POINT, LaunchEvent

# (start, end, title, responsible unit, notes, parallel) from part III of the plan.
AGENDA = (
    ("07:00", "08:00", "Đón tiếp – ổn định tổ chức", "Văn phòng HĐND và UBND xã",
     "02 bàn lễ tân ký danh, phát tài liệu; các bàn kỹ thuật phát mã QR “Hướng dẫn cài "
     "đặt/kích hoạt chữ ký số” và “Đăng ký nhanh”.", False),
    ("07:30", "08:00", "Văn nghệ chào mừng (03 tiết mục)", "Trung tâm VHTT-TT xã", None, True),
    ("08:00", "08:05", "Nghi thức khai mạc", "Văn phòng HĐND và UBND xã",
     "Chào cờ, hát Quốc ca; tuyên bố lý do, giới thiệu đại biểu.", False),
    ("08:05", "08:25", "Phát biểu và chỉ đạo", "Lãnh đạo UBND xã",
     "Công bố Lệnh ra quân chiến dịch “30 ngày phổ cập chữ ký số”; Sở KH&CN, doanh nghiệp "
     "viễn thông, Tổ Công nghệ số cộng đồng phát biểu.", False),
    ("08:25", "09:00", "Đăng ký, kích hoạt chữ ký số cho toàn bộ thành viên tham gia",
     "Viettel, VNPT, các ngân hàng, Công an xã",
     "04 bàn kỹ thuật Viettel và VNPT; 03 bàn tư vấn ngân hàng; 01 bàn Công an xã.", False),
    ("09:00", "11:00", "Các đoàn xuất quân", "Phòng Văn hóa – Xã hội",
     "Đoàn 1: ấp Chợ, ấp Trâu (Viettel 05 người). Đoàn 2: ấp Mỹ Khoan, ấp Phước Mỹ "
     "(VNPT 05 người). Đoàn 3: hỗ trợ hộ kinh doanh, HTX lên sàn TMĐT (Phòng Kinh tế).", False),
)

# (name, organisation, expected) from part II.3. The plan gives no number for the Party
# committee; 8 is what is left to reach the 200 attendees it announces, and its name says so.
GROUPS = (
    ("Đại diện Sở Khoa học và Công nghệ", "Sở KH&CN Đồng Nai", 2),
    ("Ban Chấp hành Đảng ủy xã (số người minh hoạ: kế hoạch không nêu, 8 là số còn lại để đủ "
     "200 khách)", "Đảng ủy xã Nhơn Trạch", 8),
    ("Cán bộ, công chức, viên chức xã", "UBND xã Nhơn Trạch", 25),
    ("Trưởng ấp, trưởng các đoàn thể, Tổ Công nghệ số cộng đồng", None, 60),
    ("Đoàn viên thanh niên, Hội Phụ nữ, Hội Nông dân, Hội CCB, Công đoàn", None, 50),
    ("Doanh nghiệp viễn thông, bưu điện, ngân hàng", None, 16),
    ("Ban giám hiệu các trường học", None, 19),
    ("Người dân, doanh nghiệp, hộ kinh doanh, hợp tác xã", None, 20),
)

SIGNATURE_GUIDE = (
    "Mang theo căn cước gắn chip và điện thoại có số đã đăng ký chính chủ.\n"
    "Cài ứng dụng ký số của nhà mạng (tìm trên CH Play hoặc App Store).\n"
    "Cán bộ tại bàn hỗ trợ xác thực khuôn mặt và đăng ký chứng thư số.\n"
    "Đặt mã PIN ký số; không đưa mã PIN cho người khác.\n"
    "Ký thử một văn bản trên Cổng Dịch vụ công để hoàn tất."
)
BANK_GUIDE = (
    "Cài ứng dụng ngân hàng số của ngân hàng tại bàn.\n"
    "Mở tài khoản thanh toán trực tuyến bằng căn cước gắn chip (xác thực khuôn mặt).\n"
    "Cán bộ ngân hàng hướng dẫn chuyển khoản, quét mã QR thanh toán.\n"
    "Không chia sẻ mã OTP cho bất kỳ ai."
)
POLICE_GUIDE = (
    "Cài ứng dụng VNeID; đăng nhập bằng số định danh cá nhân.\n"
    "Cán bộ Công an xã hỗ trợ kích hoạt tài khoản định danh điện tử mức độ 2.\n"
    "Quên mật khẩu: chọn “Quên mật khẩu” và làm theo hướng dẫn, cán bộ hỗ trợ tại bàn."
)

# (label, organisation, purpose, service codes, guide, staff username)
DESKS = (
    ("Bàn 1", "Viettel Đồng Nai", "Đăng ký, kích hoạt chữ ký số cá nhân",
     ("digital_signature",), SIGNATURE_GUIDE, "truongdoan"),
    ("Bàn 2", "VNPT Đồng Nai", "Đăng ký, kích hoạt chữ ký số cá nhân",
     ("digital_signature",), SIGNATURE_GUIDE, None),
    ("Bàn 3", "Agribank", "Mở tài khoản, cài ngân hàng số, thanh toán không dùng tiền mặt",
     ("digital_banking",), BANK_GUIDE, None),
    ("Bàn 4", "VietinBank", "Mở tài khoản, cài ngân hàng số, thanh toán không dùng tiền mặt",
     ("digital_banking",), BANK_GUIDE, None),
    ("Bàn 5", "HDBank", "Mở tài khoản, cài ngân hàng số, thanh toán không dùng tiền mặt",
     ("digital_banking",), BANK_GUIDE, None),
    ("Bàn 6", "Công an xã Nhơn Trạch",
     "Xác thực thông tin qua VNeID, kích hoạt định danh mức độ 2, khôi phục mật khẩu",
     ("vneid_install", "eid_level2"), POLICE_GUIDE, "tinhnguyen"),
)


def _t(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def load_launch_event(campaign: Campaign) -> LaunchEvent:
    """Build the Nhơn Trạch morning: agenda 07:00–11:00, 200 invited, six help desks."""
    event = services.save_event(
        campaign, None, title="Lễ phát động ra quân “Phổ cập chữ ký số cho người dân”",
        event_date=date(2025, 10, 10), start_time=time(7, 0), end_time=time(11, 0),
        venue_name="Trụ sở UBND xã Phước Thiền (cũ)",
        venue_address="Xã Nhơn Trạch, tỉnh Đồng Nai",
        latitude=10.7580, longitude=106.9200, expected_attendance=200)
    for start, end, title, unit, notes, parallel in AGENDA:
        agenda.save_item(event, None, start_time=_t(start), end_time=_t(end), title=title,
                         responsible_unit=unit, notes=notes, parallel=parallel)
    for name, organisation, expected in GROUPS:
        services.save_group(event, None, name=name, organisation=organisation,
                            expected_count=expected)
    by_code = {s.code: s for s in campaign.services}
    users = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
    for label, organisation, purpose, codes, guide, staff in DESKS:
        desks.save_desk(event, None, organisation=organisation, table_label=label,
                        purpose=purpose, guide_text=guide,
                        services=[by_code[c] for c in codes if c in by_code],
                        staff=[users[staff]] if staff in users else [])
    return event


# (days from today, start, end, venue, address, lat, lon, organisation, label, purpose, services)
# Plan 003 asks for mobile points that take level-2 applications where people live and study,
# announced with their times and places; these are the trial's, in Nhơn Trạch's hamlets.
MOBILE_POINTS = (
    (2, "07:30", "11:00", "Nhà văn hóa ấp Chợ", "Ấp Chợ, xã Nhơn Trạch, tỉnh Đồng Nai",
     10.7662, 106.9237, "Công an xã Nhơn Trạch", "Tổ 1",
     "Thu nhận hồ sơ định danh điện tử mức độ 2; mang theo căn cước gắn chip",
     ("eid_level2", "vneid_install")),
    (5, "13:30", "17:00", "Nhà văn hóa ấp Trâu", "Ấp Trâu, xã Nhơn Trạch, tỉnh Đồng Nai",
     10.7591, 106.9314, "Công an xã Nhơn Trạch", "Tổ 2",
     "Thu nhận hồ sơ định danh điện tử mức độ 2, hỗ trợ cài đặt VNeID",
     ("eid_level2", "vneid_install")),
)


def load_mobile_points(campaign: Campaign, today: date) -> list[LaunchEvent]:
    """Add the trial's mobile collection points, on days after today, each with its desk."""

    by_code = {s.code: s for s in campaign.services}
    points = []
    for (days, start, end, venue, address, lat, lon, organisation, label, purpose,
         codes) in MOBILE_POINTS:
        event = services.save_event(
            campaign, None, kind=MOBILE_POINT, title="Điểm thu nhận hồ sơ lưu động",
            event_date=today + timedelta(days=days), start_time=_t(start), end_time=_t(end),
            venue_name=venue, venue_address=address, latitude=lat, longitude=lon)
        desks.save_desk(event, None, organisation=organisation, table_label=label,
                        purpose=purpose, services=[by_code[c] for c in codes if c in by_code])
        points.append(event)
    return points
