"""What an organizer's area lets them see of the drive (fieldops.scope): the campaign and place
of each object the drive's URLs name, and the helpers its lists and imports narrow rows with."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from fieldops.auth.models import User
from fieldops.db import db
from fieldops.drive.models import Household, ListedPerson, PoliceList, Visit
from fieldops.scope import commune_ids_in_scope, hamlet_ids_in_scope, owner_row, url_owner
from fieldops.uploads.models import StagedUpload

# A listed person's place: their hamlet when the list named one, else their commune.
_PERSON_PLACE = sa.func.coalesce(ListedPerson.hamlet_id, ListedPerson.commune_id)


@url_owner("list_id")
def list_owner(list_id: int) -> tuple[int | None, int | None] | None:
    """Return (campaign, commune) of a police list."""
    return owner_row(sa.select(PoliceList.campaign_id, PoliceList.commune_id)
                     .where(PoliceList.id == list_id))


@url_owner("household_id")
def household_owner(household_id: int) -> tuple[int | None, int | None] | None:
    """Return (campaign, hamlet) of a household."""
    return owner_row(sa.select(Household.campaign_id, Household.hamlet_id)
                     .where(Household.id == household_id))


@url_owner("person_id")
def person_owner(person_id: int) -> tuple[int | None, int | None] | None:
    """Return (campaign, hamlet or commune) of a listed person."""
    return owner_row(sa.select(ListedPerson.campaign_id, _PERSON_PLACE)
                     .where(ListedPerson.id == person_id))


@url_owner("visit_id")
def visit_owner(visit_id: int) -> tuple[int | None, int | None] | None:
    """Return (campaign, hamlet or commune) of the person a visit was to."""
    return owner_row(sa.select(ListedPerson.campaign_id, _PERSON_PLACE)
                     .join(Visit, Visit.person_id == ListedPerson.id).where(Visit.id == visit_id))


def people_in_area(people: list[ListedPerson], communes: set[int] | None) -> list[ListedPerson]:
    """Return the listed people whose commune is among `communes` (all when None)."""
    return people if communes is None else [p for p in people if p.commune_id in communes]


def _uploader(scope: dict) -> User | None:
    # Staged before the import noted its uploader (or by the demo): the whole campaign, as then.
    user_id = scope.get("user_id")
    return db.session.get(User, user_id) if user_id else None


def upload_communes(scope: dict) -> set[int] | None:
    """Return the communes a staged import may write to: its uploader's (None: every one)."""
    return commune_ids_in_scope(_uploader(scope))


def upload_hamlets(scope: dict) -> set[int] | None:
    """Return the hamlets a staged import may write to: its uploader's (None: every one)."""
    return hamlet_ids_in_scope(_uploader(scope))


def own_upload_or_404(upload: StagedUpload) -> StagedUpload:
    """Answer 404 when an organizer with an area opens a preview someone else staged: that
    import was planned over the other person's area, not theirs."""
    if current_user.area_id is not None and upload.created_by_id != current_user.id:
        abort(404)
    return upload
