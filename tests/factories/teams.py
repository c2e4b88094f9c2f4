"""Teams: organisations, members, teams, and the Nhơn Trạch set-up the teams tests share."""

from __future__ import annotations

import factory

from fieldops.teams import services
from fieldops.teams.models import Member, Organisation, Team
from tests.factories.areas import commune_with_hamlets
from tests.factories.campaigns import CampaignFactory


class OrganisationFactory(factory.Factory):
    """An organisation saved by teams.save_organisation (names unique regardless of accents)."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Tổ chức {n}")
    kind = "youth_union"

    @classmethod
    def _create(cls, model_class, **kwargs) -> Organisation:
        return services.save_organisation(None, **kwargs)


class MemberFactory(factory.Factory):
    """A member saved by teams.save_member (a valid Vietnamese mobile number)."""

    class Meta:
        model = Member

    full_name = factory.Sequence(lambda n: f"Thành Viên {n}")
    phone = factory.Sequence(lambda n: f"0977{n:06d}")
    organisation = None
    it_savvy = False

    @classmethod
    def _create(cls, model_class, **kwargs) -> Member:
        return services.save_member(None, **kwargs)


class TeamFactory(factory.Factory):
    """A team of a campaign saved by teams.save_team (its lead is always one of its members)."""

    class Meta:
        model = Team

    campaign = None  # required: the campaign the team works for
    name = factory.Sequence(lambda n: f"Đoàn {n + 1}")
    lead_organisation = None
    lead = None
    members = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, campaign, **kwargs) -> Team:
        return services.save_team(campaign, None, **kwargs)


def build_setup() -> dict:
    """Nhơn Trạch with its hamlets, a campaign over it, organisations and a few members.

    Shared by the teams test files; call inside an app context, then commit.
    """
    commune = commune_with_hamlets(hamlets=("Chợ", "Trâu", "Mỹ Khoan", "Phước Mỹ"))
    other = commune_with_hamlets(province="Bình Phước", commune="Hớn Quản",
                                 hamlets=("Thanh Bình",))
    campaign = CampaignFactory(communes=[commune])
    orgs = {key: OrganisationFactory(name=name, kind=kind) for key, name, kind in (
        ("police", "Công an xã Nhơn Trạch", "commune_police"),
        ("health", "Trạm Y tế xã", "health_station"),
        ("youth", "Đoàn Thanh niên xã", "youth_union"),
        ("viettel", "Viettel Đồng Nai", "telecom"),
        ("vnpt", "VNPT Đồng Nai", "telecom"),
    )}
    people = {}
    for key, name, phone, org, it in (
            ("lead", "Võ Trưởng Đoàn", "0912000002", "police", True),
            ("nurse", "Lê Thị Y", "0938111222", "health", False),
            ("youth", "Ngô Thanh Niên", "0977333444", "youth", True),
            ("viettel", "Phan Viettel", "0868555666", "viettel", False),
            ("vnpt", "Đào VNPT", "0911777888", "vnpt", True)):
        people[key] = MemberFactory(full_name=name, phone=phone, organisation=orgs[org],
                                    it_savvy=it)
    hamlets = {h.name: h for h in commune.children}
    return {"commune": commune, "other": other, "campaign": campaign, "orgs": orgs,
            "people": people, "hamlets": hamlets, "other_hamlet": other.children[0]}


def ids(setup: dict) -> dict:
    """Return the ids of a setup, usable after its app context has ended."""
    return {"campaign": setup["campaign"].id,
            "orgs": {k: o.id for k, o in setup["orgs"].items()},
            "people": {k: p.id for k, p in setup["people"].items()},
            "hamlets": {k: h.id for k, h in setup["hamlets"].items()},
            "other_hamlet": setup["other_hamlet"].id}
