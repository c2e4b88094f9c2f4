"""Rules about campaigns: dates, phases inside them, communes and services."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from fieldops.areas.models import COMMUNE, Area
from fieldops.campaigns.models import Campaign, Phase, Service
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.text import fold, nfc

#: the services every install starts with: (code, Vietnamese, English)
BUILTIN_SERVICES = (
    ("vneid_install", "Cài đặt ứng dụng VNeID", "VNeID app install"),
    # The plans count "mức 1 hoặc mức 2": a citizen registered at level 1 counts too.
    ("eid_level1", "Đăng ký định danh điện tử mức độ 1", "Level-1 e-ID registration"),
    ("eid_level2", "Kích hoạt định danh điện tử mức độ 2", "Level-2 e-ID activation"),
    ("digital_signature", "Chữ ký số cá nhân", "Personal digital signature"),
    ("public_services_account", "Tài khoản Cổng Dịch vụ công", "Public-services portal account"),
    ("vssid", "Cài đặt VssID (bảo hiểm xã hội số)", "VssID (digital social insurance)"),
    ("ehealth_book", "Sổ sức khỏe điện tử", "E-health book"),
    ("digital_banking", "Ngân hàng số, thanh toán không dùng tiền mặt", "Digital banking"),
)


def ensure_builtin_services() -> None:
    """Add any built-in service missing from the catalogue."""
    have = set(db.session.execute(db.select(Service.code)).scalars())
    for position, (code, name_vi, name_en) in enumerate(BUILTIN_SERVICES, start=1):
        if code not in have:
            db.session.add(Service(code=code, name_vi=name_vi, name_en=name_en, builtin=True,
                                   position=position))
    db.session.flush()


def add_service(name_vi: str, name_en: str | None = None) -> Service:
    """Add an organizer's own service to the catalogue, refusing a duplicate name."""
    name_vi = nfc(name_vi)
    if not name_vi:
        raise DomainError(_l("Vui lòng nhập tên dịch vụ."), "name_vi")
    code = re.sub(r"[^a-z0-9]+", "_", fold(name_vi)).strip("_")[:40] or "service"
    for existing in db.session.execute(db.select(Service)).scalars():
        if fold(existing.name_vi) == fold(name_vi) or existing.code == code:
            raise DomainError(_l("Đã có dịch vụ “%(name)s”.", name=existing.name_vi), "name_vi")
    service = Service(code=code, name_vi=name_vi, name_en=nfc(name_en) or None)
    db.session.add(service)
    db.session.flush()
    return service


def _check_dates(start: date | None, end: date | None, field: str = "end_date") -> None:
    if start is None or end is None:
        raise DomainError(_l("Vui lòng nhập ngày bắt đầu và ngày kết thúc."), field)
    if end < start:
        raise DomainError(_l("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."), field)


def save_campaign(
    campaign: Campaign | None,
    *,
    title: str,
    start_date: date,
    end_date: date,
    plan_number: str | None = None,
    issuing_unit: str | None = None,
    issued_on: date | None = None,
    description: str | None = None,
    communes: list[Area] | None = None,
    services: list[Service] | None = None,
    retention_days: int | None = None,
    created_by_id: int | None = None,
) -> Campaign:
    """Create or change a campaign; its phases must still fit inside the new dates."""
    if not nfc(title):
        raise DomainError(_l("Vui lòng nhập tên chiến dịch."), "title")
    _check_dates(start_date, end_date)
    for area in communes or []:
        if area.level != COMMUNE:
            raise DomainError(
                _l("%(name)s không phải là xã/phường.", name=area.display_name), "communes"
            )
    if campaign is not None:
        for phase in campaign.phases:
            if phase.start_date < start_date or phase.end_date > end_date:
                raise DomainError(
                    _l("Giai đoạn “%(phase)s” sẽ nằm ngoài thời gian của chiến dịch.",
                       phase=phase.name),
                    "start_date",
                )
    else:
        campaign = Campaign(created_by_id=created_by_id)
        db.session.add(campaign)
    campaign.title = nfc(title)
    campaign.plan_number = nfc(plan_number) or None
    campaign.issuing_unit = nfc(issuing_unit) or None
    campaign.issued_on = issued_on
    campaign.start_date = start_date
    campaign.end_date = end_date
    campaign.description = (description or "").strip() or None
    campaign.communes = list(communes or [])
    campaign.services = list(services or [])
    campaign.retention_days = retention_days
    db.session.flush()
    return campaign


def save_phase(
    campaign: Campaign, phase: Phase | None, *, name: str, start_date: date, end_date: date
) -> Phase:
    """Add or change a phase, which must lie inside the campaign and overlap no other."""
    if not nfc(name):
        raise DomainError(_l("Vui lòng nhập tên giai đoạn."), "name")
    _check_dates(start_date, end_date)
    if start_date < campaign.start_date or end_date > campaign.end_date:
        raise DomainError(
            _l("Giai đoạn phải nằm trong thời gian chiến dịch (%(start)s – %(end)s).",
               start=campaign.start_date.strftime("%d/%m/%Y"),
               end=campaign.end_date.strftime("%d/%m/%Y")),
            "start_date",
        )
    for other in campaign.phases:
        if other is phase:
            continue
        if start_date <= other.end_date and other.start_date <= end_date:
            raise DomainError(
                _l("Trùng thời gian với giai đoạn “%(phase)s” (%(start)s – %(end)s).",
                   phase=other.name, start=other.start_date.strftime("%d/%m/%Y"),
                   end=other.end_date.strftime("%d/%m/%Y")),
                "start_date",
            )
    if phase is None:
        phase = Phase(campaign=campaign)
        db.session.add(phase)
    phase.name = nfc(name)
    phase.start_date = start_date
    phase.end_date = end_date
    db.session.flush()
    return phase


def delete_phase(phase: Phase) -> None:
    """Remove a phase from its campaign."""
    db.session.delete(phase)
    db.session.flush()
