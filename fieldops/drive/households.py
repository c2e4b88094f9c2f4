"""Households of a hamlet (plan 004's survey) and the listed people attached to them by address."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.checkin.rules import check_submission_id
from fieldops.checkin.services import check_hamlet, first_write_wins
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.drive import rules
from fieldops.drive.models import Household, ListedPerson
from fieldops.errors import DomainError
from fieldops.text import fold_words, nfc
from fieldops.uploads.batches import write_many

ADDRESS_MAX = 255
SAVED_ELSEWHERE = _l("Hộ vừa được lưu ở nơi khác. Hãy tải lại.")


def clean_address(raw: str | None) -> tuple[str, str]:
    """Return an address as written (NFC, single spaces) and its folded key, or raise."""
    address = " ".join(nfc(raw).split())
    if not address:
        raise DomainError(_l("Hãy nhập địa chỉ của hộ."), "address")
    if len(address) > ADDRESS_MAX:
        raise DomainError(_l("Địa chỉ dài quá 255 ký tự."), "address")
    return address, fold_words(address)


def household_key(household_keys: dict[str, int], address_folded: str) -> int | None:
    """Return the household an address belongs to: the same address, or the longest household
    address it starts with ("so 12 to 3" holds "so 12 to 3 ap cho xa nhon trach")."""
    words = address_folded.split()
    for end in range(len(words), 0, -1):
        found = household_keys.get(" ".join(words[:end]))
        if found is not None:
            return found
    return None


def attach_people(campaign_id: int, person_ids: list[int] | None = None) -> int:
    """Attach listed people without a household to their hamlet's household by folded address.

    The list import calls this after it applies a list (with the ids it wrote, or None for every
    person of the campaign); a person whose address matches no household stays on their own.
    Returns how many were attached. Reads in two queries and writes in one batch.
    """
    households: dict[int, dict[str, int]] = defaultdict(dict)
    for hid, hamlet_id, folded in db.session.execute(
            sa.select(Household.id, Household.hamlet_id, Household.address_folded)
            .where(Household.campaign_id == campaign_id)):
        households[hamlet_id][folded] = hid
    if not households:
        return 0
    stmt = sa.select(ListedPerson.id, ListedPerson.hamlet_id, ListedPerson.address).where(
        ListedPerson.campaign_id == campaign_id, ListedPerson.household_id.is_(None),
        ListedPerson.address.is_not(None), ListedPerson.hamlet_id.in_(list(households)))
    if person_ids is not None:
        stmt = stmt.where(ListedPerson.id.in_(person_ids))
    rows = []
    for pid, hamlet_id, address in db.session.execute(stmt):
        hid = household_key(households[hamlet_id], fold_words(address))
        if hid is not None:
            rows.append({"b_id": pid, "household_id": hid})
    if rows:
        table = ListedPerson.__table__
        write_many(sa.update(table).where(table.c.id == sa.bindparam("b_id")), rows)
        db.session.expire_all()
    return len(rows)


def _survey(household: Household, values: dict[str, int | None], user: User | None) -> None:
    values = rules.check_survey(values)
    if all(v is None for v in values.values()):
        return
    for name, value in values.items():
        if value is not None:
            setattr(household, name, value)
    household.surveyed_at = now_utc()
    household.surveyed_by_id = user.id if user else None


def save_household(campaign: Campaign, hamlet_id: int | None, *, address: str,
                   street: str | None = None, head_name: str | None = None,
                   survey: dict[str, int | None] | None = None, user: User | None = None,
                   submission_id: str | None = None) -> Household:
    """Add a household at the door (or find the one at that address) and keep its survey.

    The people of its hamlet whose address matches are attached to it. Sent twice with the
    same submission id, it is stored once.
    """
    if submission_id is not None:
        submission_id = check_submission_id(submission_id)
        existing = surveyed(submission_id)
        if existing is not None:
            return existing
    hamlet: Area | None = check_hamlet(campaign, hamlet_id, required=True)
    address, folded = clean_address(address)
    household = db.session.execute(db.select(Household).filter_by(
        campaign_id=campaign.id, hamlet_id=hamlet.id, address_folded=folded)).scalar_one_or_none()
    if household is None:
        household = Household(campaign_id=campaign.id, hamlet_id=hamlet.id, address=address,
                              address_folded=folded)
        db.session.add(household)
    household.street = nfc(street)[:120] or household.street
    household.head_name = nfc(head_name)[:120] or household.head_name
    _survey(household, survey or {}, user)
    with first_write_wins(SAVED_ELSEWHERE):
        if submission_id is not None:
            household.survey_submission_id = submission_id
    attach_people(campaign.id)
    return household


def surveyed(submission_id: str) -> Household | None:
    """Return the household a survey's submission id was stored with, if it was sent before."""
    return db.session.execute(db.select(Household).filter_by(
        survey_submission_id=submission_id)).scalar_one_or_none()


def record_survey(household: Household, survey: dict[str, int | None], *, user: User | None,
                  submission_id: str, head_name: str | None = None) -> Household:
    """Keep a household's survey answers; the same submission id sent again changes nothing."""
    submission_id = check_submission_id(submission_id)
    if household.survey_submission_id == submission_id:
        return household
    taken = db.session.execute(db.select(Household.id).filter_by(
        survey_submission_id=submission_id)).scalar_one_or_none()
    if taken is not None:
        return household  # a resend of a survey already kept with another household's form
    _survey(household, survey, user)
    if head_name and nfc(head_name):
        household.head_name = nfc(head_name)[:120]
    household.survey_submission_id = submission_id
    db.session.flush()
    return household


def hamlet_households(campaign_id: int, hamlet_id: int) -> list[Household]:
    """Return a hamlet's households by street and address."""
    stmt = db.select(Household).where(Household.campaign_id == campaign_id,
                                      Household.hamlet_id == hamlet_id)
    return sorted(db.session.execute(stmt).scalars(),
                  key=lambda h: (fold_words(h.street or "~"), h.address_folded))
