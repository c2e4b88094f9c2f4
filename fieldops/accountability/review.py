"""The phase review and the final review: each phase's units table and the sentences that say
what the figures mean, read from the progress of reports/progress.py.

One phase makes the phase review ("sơ kết"); all the campaign's phases, each kept apart, make
the final review ("tổng kết"). The text is Vietnamese whatever the interface language: it goes
to the level above as a state document (see documents.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fieldops.campaigns.models import Campaign, Phase
from fieldops.reports.progress import COMMUNE, PLACES, Line, Report, progress

#: how many units the narrative names among the best and the furthest behind
NAMED = 5


@dataclass
class PhaseReview:
    """One phase's part of a review: its progress table and its plain-language findings."""

    phase: Phase
    report: Report
    findings: list[str] = field(default_factory=list)

    @property
    def units(self) -> list[Line]:
        """Return the units' lines, the one without a place last."""
        return self.report.lines


@dataclass
class Review:
    """A phase review (one phase) or a final review (every phase, kept apart)."""

    campaign: Campaign
    phases: list[PhaseReview]
    day: date
    final: bool
    #: the units' own words (results, difficulties, proposals), by unit label
    narratives: dict[str, str] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        """Return the document's subject line."""
        plan = f" Kế hoạch số {self.campaign.plan_number}" if self.campaign.plan_number else ""
        if self.final:
            return f"Tổng kết thực hiện{plan}\n{self.campaign.title}"
        return f"Sơ kết {self.phases[0].phase.name} thực hiện{plan}\n{self.campaign.title}"


def number(value: int | None) -> str:
    """Return a count as Vietnamese prints it: 12.345."""
    return "—" if value is None else f"{value:,}".replace(",", ".")


def percent(value: float | None) -> str:
    """Return a per cent as Vietnamese prints it: 24,7 %."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def vn_date(day: date) -> str:
    """Return dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def unit_label(line: Line) -> str:
    """Return a line's unit as written in the review (the line without a place says so)."""
    return line.label or "Chưa xác định thôn/ấp"


def build_review(campaign: Campaign, phases: list[Phase], *, day: date, final: bool,
                 narratives: dict[str, str] | None = None) -> Review:
    """Return the review of the given phases as of `day`, with each phase's findings.

    A campaign of one commune is reviewed by hamlet; one of several communes, by commune.
    `narratives` (unit label -> text the unit submitted) is printed with the figures when given.
    """
    communes = list(campaign.communes)
    scope = ({"level": COMMUNE, "unit_id": communes[0].id} if len(communes) == 1
             else {"level": PLACES})
    parts = []
    for phase in phases:
        report = progress(campaign, phase, today=day, **scope)
        parts.append(PhaseReview(phase, report, findings(report)))
    return Review(campaign, parts, day, final,
                  {k: v.strip() for k, v in (narratives or {}).items() if v and v.strip()})


def _named(lines: list[Line]) -> str:
    return "; ".join(f"{unit_label(x)} ({percent(x.percent)})" for x in lines[:NAMED])


def findings(report: Report) -> list[str]:
    """Return the sentences that read the phase's figures: the total against the target, the
    units over and under target, the days left and the pace needed, the lists' confirmation."""
    total, phase = report.total, report.phase
    said = []
    if total.target:
        said.append(f"Toàn địa bàn đạt {number(total.done)}/{number(total.target)} kết quả "
                    f"theo chỉ tiêu, bằng {percent(total.percent)}.")
    else:
        said.append(f"Toàn địa bàn đạt {number(total.done)} kết quả; giai đoạn chưa được giao "
                    f"chỉ tiêu.")
    measured = [x for x in report.lines if x.target]
    if measured:
        ahead = sorted((x for x in measured if x.done >= x.target),
                       key=lambda x: -(x.percent or 0))
        behind = sorted((x for x in measured if x.done < x.target), key=lambda x: x.percent or 0)
        if ahead:
            said.append(f"Có {len(ahead)}/{len(measured)} đơn vị đạt và vượt chỉ tiêu, cao nhất: "
                        f"{_named(ahead)}.")
        else:
            said.append(f"Chưa có đơn vị nào trong {len(measured)} đơn vị đạt chỉ tiêu.")
        if behind:
            said.append(f"Có {len(behind)} đơn vị chưa đạt chỉ tiêu, thấp nhất: "
                        f"{_named(behind)}.")
    unassigned = [x for x in report.lines if not x.target and not x.other]
    if unassigned:
        said.append(f"{len(unassigned)} đơn vị chưa được giao chỉ tiêu.")
    if report.day < phase.start_date:
        said.append(f"Giai đoạn bắt đầu ngày {vn_date(phase.start_date)}.")
    elif report.day > phase.end_date:
        said.append(f"Giai đoạn đã kết thúc ngày {vn_date(phase.end_date)}.")
    else:
        pace = (f"; để hoàn thành chỉ tiêu cần đạt bình quân {number(total.pace)} kết quả "
                f"mỗi ngày" if total.target and total.remaining else "")
        said.append(f"Đến ngày {vn_date(report.day)} (ngày {report.elapsed_days}/"
                    f"{report.phase_days} của giai đoạn), còn {report.days_left} ngày kể cả "
                    f"hôm nay{pace}.")
    if report.lists:
        claimed, proved = total.claimed or 0, total.confirmed or 0
        share = f" ({percent(100.0 * proved / claimed)})" if claimed else ""
        counted = ("chỉ tính kết quả đã được danh sách xác nhận" if report.confirmed_only
                   else "tính kết quả các tổ tự báo cáo")
        said.append(f"Các tổ tự báo cáo {number(claimed)} kết quả; danh sách “đã duyệt, chưa "
                    f"kích hoạt” của Công an xác nhận {number(proved)}{share}. Số liệu trên "
                    f"{counted}.")
    return said


def phase_span(phase: Phase) -> str:
    """Return "15/04/2023 – 30/04/2023"."""
    return f"{vn_date(phase.start_date)} – {vn_date(phase.end_date)}"


def zalo_text(review: Review, *, issuing_body: str) -> str:
    """Return a short plain-text summary to paste into a Zalo group: one block per phase."""
    kind = "TỔNG KẾT" if review.final else "SƠ KẾT"
    plan = f" KH {review.campaign.plan_number}" if review.campaign.plan_number else ""
    out = [f"{kind}{plan} — {issuing_body}", f"Số liệu đến {vn_date(review.day)}."]
    for part in review.phases:
        total = part.report.total
        out.append("")
        out.append(f"• {part.phase.name} ({phase_span(part.phase)})")
        figure = (f"{number(total.done)}/{number(total.target)} ({percent(total.percent)})"
                  if total.target else number(total.done))
        out.append(f"- Toàn địa bàn: {figure}")
        measured = [x for x in part.units if x.target]
        if measured:
            ahead = [x for x in measured if x.done >= x.target]
            behind = sorted((x for x in measured if x.done < x.target),
                            key=lambda x: x.percent or 0)
            out.append(f"- Đạt chỉ tiêu: {len(ahead)}/{len(measured)} đơn vị")
            if behind:
                low = ", ".join(f"{unit_label(x)} {percent(x.percent)}" for x in behind[:3])
                out.append(f"- Thấp nhất: {low}")
        report = part.report
        if report.phase.start_date <= report.day <= report.phase.end_date and total.pace:
            out.append(f"- Còn {report.days_left} ngày, cần {number(total.pace)}/ngày")
        if report.lists:
            out.append(f"- Công an xác nhận {number(total.confirmed)}/"
                       f"{number(total.claimed)} tự báo cáo")
    return "\n".join(out)
