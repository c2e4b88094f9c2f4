"""What a campaign's documents carry by default: issuing body, symbol, place, signer, recipients.

Read from the campaign (its plan number, issuing unit and places) so that a document downloads
right away; the documents page lets the organizer change any of it before downloading.
"""

from __future__ import annotations

from datetime import date

from fieldops.accountability.documents import Letterhead, Recipients, Signer
from fieldops.areas.models import Area
from fieldops.campaigns.models import Campaign

#: report, invitation ("giấy mời"), list: the kinds' abbreviations of Decree 30, Appendix III
REPORT, INVITATION, LIST = "BC", "GM", "DS"
_PEOPLES_COMMITTEE = ("ubnd ", "ủy ban nhân dân", "uỷ ban nhân dân")


def committee_of(area: Area) -> str:
    """Return the people's committee of a place as written in a sentence: "UBND huyện Hưng Hà"."""
    return f"UBND {area.kind_word.lower()} {area.name}".replace("  ", " ")


def issuing_area(campaign: Campaign) -> Area | None:
    """Return the place the campaign is run from: its one commune, or its communes' parent."""
    communes = list(campaign.communes)
    if len(communes) == 1:
        return communes[0]
    parents = {c.parent_id for c in communes}
    if len(parents) == 1 and communes[0].parent is not None:
        return communes[0].parent
    return None


def _is_committee(unit: str) -> bool:
    return unit.strip().lower().startswith(_PEOPLES_COMMITTEE)


def full_body_name(unit: str) -> str:
    """Return the issuing body spelled out as the decree wants it ("UBND" -> "Ủy ban nhân dân")."""
    unit = unit.strip()
    if unit.lower().startswith("ubnd "):
        return "Ủy ban nhân dân " + unit[5:]
    return unit


def symbol_of(campaign: Campaign, kind: str) -> str:
    """Return the document's symbol from the plan's: plan "63/KH-UBND" -> report "BC-UBND"."""
    plan = (campaign.plan_number or "").strip()
    if "/" in plan and "-" in plan.split("/", 1)[1]:
        return f"{kind}-{plan.split('/', 1)[1].split('-', 1)[1]}"
    return f"{kind}-UBND" if _is_committee(campaign.issuing_unit or "") else kind


def default_letterhead(campaign: Campaign, kind: str, day: date) -> Letterhead:
    """Return the letterhead a campaign's document of a kind gets unless the user changes it."""
    area = issuing_area(campaign)
    unit = campaign.issuing_unit or (committee_of(area) if area else "")
    parent = "" if _is_committee(unit) or area is None else committee_of(area)
    return Letterhead(issuing_body=full_body_name(unit), parent_body=parent,
                      place=area.name if area else "", day=day, symbol=symbol_of(campaign, kind))


def default_signer(campaign: Campaign, name: str) -> Signer:
    """Return the usual signer for the issuing body: the chair for a people's committee, the
    leader for a working group, else the head of the unit."""
    unit = (campaign.issuing_unit or "").strip().lower()
    if _is_committee(unit) or not unit:
        return Signer(authority="TM. Ủy ban nhân dân", position="Chủ tịch", name=name)
    if unit.startswith("tổ"):
        return Signer(position="Tổ trưởng", name=name)
    return Signer(position="Thủ trưởng đơn vị", name=name)


def default_recipients(campaign: Campaign, kind: str) -> Recipients:
    """Return the "Nơi nhận:" list: the level above for a report, the invited for a letter."""
    if kind == REPORT:
        area = issuing_area(campaign)
        above = area.parent if area is not None else None
        first = [f"{committee_of(above)} (để báo cáo)"] if above is not None else []
        return Recipients(first + ["Các đơn vị thực hiện kế hoạch", "Lưu: VT"])
    return Recipients(["Như trên", "Lưu: VT"])
