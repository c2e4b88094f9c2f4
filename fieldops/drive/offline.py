"""The member's day kept on the phone: the pages the service worker downloads in the morning."""

from __future__ import annotations

from datetime import date

from flask import url_for

from fieldops.auth.models import User
from fieldops.drive import today
from fieldops.drive.in_area import people_in_area
from fieldops.scope import commune_ids_in_scope


def offline_pages(_sender=None, *, user: User, day: date) -> list[str]:
    """Return the member's list for the day and the visit form of each door on it.

    Only the masked ID numbers are on these pages; forms of doors already done stay behind.
    """
    member = today.member_of(user)
    if member is None:
        return []
    people = people_in_area(today.today_people(member.id, day), commune_ids_in_scope(user))
    doors = today.doors_of(people, day)
    if not doors:
        return []
    pages = [url_for("drive.today_list"), url_for("drive.new_household")]
    for door in doors:
        if door.done:
            continue
        if door.household is not None:
            pages.append(url_for("drive.visit_household", household_id=door.household.id))
        else:
            pages.append(url_for("drive.visit_person", person_id=door.people[0].id))
    pages.append(url_for("static", filename="js/drive.js"))
    return pages
