"""Personal data for its lifetime: once a campaign's retention period is over, citizens' names,
phones, ID numbers and addresses are removed, while every row that counts stays (Law
91/2025/QH15, Decree 356/2025).

Rows are emptied, not deleted: progress, rankings and daily counts read statuses, outcomes,
places and days, which all stay, so their totals are the same after the purge. Keys that were
derived from an ID number (the person's hash, the "one citizen, one service" key) become
"purged:<row id>", still unique and linking nobody. Refused submissions keep their reason and
who took or dismissed them, but not what the citizen typed. Each campaign purged writes an
audit entry; a second run finds nothing left to do.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa
from huey import crontab

from fieldops.campaigns.models import Campaign
from fieldops.checkin import access
from fieldops.checkin.models import (
    RefusedSubmission,
    Registration,
    RegistrationChange,
    RegistrationService,
)
from fieldops.clock import local_today, now_utc
from fieldops.db import db
from fieldops.drive.models import Household, ListedPerson, Visit
from fieldops.events.models import HelpDesk, LaunchEvent
from fieldops.tasks import schedule


@dataclass
class PurgeCounts:
    """How many rows of one campaign still hold personal data (or had it removed)."""

    registrations: int = 0
    listed_people: int = 0
    households: int = 0
    visits: int = 0
    refusals: int = 0
    changes: int = 0

    @property
    def total(self) -> int:
        """Return the rows in all."""
        return sum(asdict(self).values())


@dataclass
class CampaignPurge:
    """One campaign past its retention period and what its purge removes."""

    campaign: Campaign
    due_on: date
    counts: PurgeCounts


def _purged(column) -> sa.ColumnElement:
    """Return 'purged:<id>' in SQL: unique like the key it replaces, derived from nothing."""
    return sa.literal("purged:") + sa.cast(column, sa.String)


def _where(campaign_id: int) -> dict[str, list]:
    """Return, per table, the conditions of a campaign's rows still holding personal data."""
    registration_ids = db.select(Registration.id).where(Registration.campaign_id == campaign_id)
    person_ids = db.select(ListedPerson.id).where(ListedPerson.campaign_id == campaign_id)
    desk_ids = db.select(HelpDesk.id).join(LaunchEvent, HelpDesk.event_id == LaunchEvent.id) \
        .where(LaunchEvent.campaign_id == campaign_id)
    return {
        "registrations": [Registration.campaign_id == campaign_id,
                          Registration.purged_at.is_(None)],
        "listed_people": [ListedPerson.campaign_id == campaign_id,
                          ListedPerson.purged_at.is_(None)],
        "households": [Household.campaign_id == campaign_id,
                       sa.or_(Household.head_name.is_not(None), Household.address != "")],
        "visits": [Visit.person_id.in_(person_ids),
                   sa.or_(Visit.reason.is_not(None), Visit.note.is_not(None))],
        # By campaign, or by desk for rows stored before they carried their campaign.
        "refusals": [sa.or_(RefusedSubmission.campaign_id == campaign_id,
                            RefusedSubmission.desk_id.in_(desk_ids)),
                     sa.or_(RefusedSubmission.payload != "{}",
                            RefusedSubmission.resolution_note.is_not(None))],
        "changes": [RegistrationChange.registration_id.in_(registration_ids),
                    sa.or_(RegistrationChange.summary.is_not(None),
                           RegistrationChange.reason.is_not(None))],
    }


_MODELS = {"registrations": Registration, "listed_people": ListedPerson,
           "households": Household, "visits": Visit, "refusals": RefusedSubmission,
           "changes": RegistrationChange}


def counts_of(campaign_id: int) -> PurgeCounts:
    """Return how many rows of a campaign still hold personal data, per table."""
    found = {}
    for name, conditions in _where(campaign_id).items():
        found[name] = db.session.execute(
            sa.select(sa.func.count()).select_from(_MODELS[name]).where(*conditions)
        ).scalar_one()
    return PurgeCounts(**found)


def due(today: date | None = None, campaign_id: int | None = None) -> list[CampaignPurge]:
    """Return the campaigns whose retention period is over and what each purge would remove
    (campaigns with nothing left are left out)."""
    today = today or local_today()
    stmt = db.select(Campaign).where(Campaign.retention_days.is_not(None)).order_by(Campaign.id)
    if campaign_id is not None:
        stmt = stmt.where(Campaign.id == campaign_id)
    result = []
    for campaign in db.session.execute(stmt).scalars():
        if campaign.purge_due_on > today:
            continue
        counts = counts_of(campaign.id)
        if counts.total:
            result.append(CampaignPurge(campaign, campaign.purge_due_on, counts))
    return result


def purge_campaign(item: CampaignPurge) -> PurgeCounts:
    """Remove one campaign's personal data, keep every counted row, and audit it."""
    where = _where(item.campaign.id)
    now = now_utc()
    done = PurgeCounts()

    def run(statement) -> int:
        return db.session.execute(
            statement.execution_options(synchronize_session=False)).rowcount

    registration_ids = db.select(Registration.id).where(*where["registrations"])
    done.changes = run(sa.update(RegistrationChange).where(*where["changes"])
                       .values(summary=None, reason=None))
    run(sa.update(RegistrationService)
        .where(RegistrationService.registration_id.in_(registration_ids))
        .values(note=None, dedup_key=sa.case(
            (RegistrationService.dedup_key.is_(None), None),
            else_=_purged(RegistrationService.id))))
    done.registrations = run(sa.update(Registration).where(*where["registrations"]).values(
        full_name="", name_folded="", phone=None, birth_year=None, citizen_id_hash=None,
        citizen_id_last4=None, citizen_id_encrypted=None, void_reason=None, purged_at=now))
    done.visits = run(sa.update(Visit).where(*where["visits"]).values(reason=None, note=None))
    done.listed_people = run(sa.update(ListedPerson).where(*where["listed_people"]).values(
        full_name="", name_folded="", citizen_id_hash=_purged(ListedPerson.id),
        citizen_id_last4="", citizen_id_encrypted="", birth_date=None, birth_year=None,
        phone=None, address=None, last_note=None, purged_at=now))
    done.households = run(sa.update(Household).where(*where["households"]).values(
        address="", address_folded=_purged(Household.id), head_name=None))
    done.refusals = run(sa.update(RefusedSubmission).where(*where["refusals"])
                        .values(payload="{}", resolution_note=None))
    item.campaign.personal_data_purged_at = now
    access.audit("purge", None, None, json.dumps(
        {"campaign_id": item.campaign.id, "retention_days": item.campaign.retention_days,
         **asdict(done)}, ensure_ascii=False))
    return done


def purge_due(today: date | None = None, campaign_id: int | None = None) -> list[CampaignPurge]:
    """Purge every campaign past its retention period; return what was removed."""
    items = due(today, campaign_id)
    for item in items:
        item.counts = purge_campaign(item)
    return items


@schedule(crontab(minute="30", hour="20"), "purge_personal_data")  # 03:30 in Vietnam (UTC+7)
def purge_personal_data() -> int:
    """Remove the personal data of campaigns past their retention period; return how many
    campaigns were purged."""
    items = purge_due()
    db.session.commit()
    return len(items)
