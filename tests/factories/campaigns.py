"""Campaigns: any campaign (by default the Nhơn Trạch dates, or running today), Hưng Hà's plan."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from fieldops.areas.models import Area
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign, Service
from fieldops.clock import local_today
from fieldops.db import db

#: the three phases of plan 60/KH-TCTĐA-CA, each starting the day after the previous one ends
HUNG_HA_PHASES = (("Giai đoạn 1", date(2023, 4, 15), date(2023, 4, 30)),
                  ("Giai đoạn 2", date(2023, 5, 1), date(2023, 6, 15)),
                  ("Giai đoạn 3", date(2023, 6, 16), date(2023, 11, 15)))


class CampaignFactory(factory.Factory):
    """A campaign saved by campaigns.save_campaign; `running=True` puts today inside it."""

    class Meta:
        model = Campaign

    class Params:
        # Five days in, twenty-five to go: check-in takes registrations only while it runs.
        running = factory.Trait(
            start_date=factory.LazyFunction(lambda: local_today() - timedelta(days=5)),
            end_date=factory.LazyFunction(lambda: local_today() + timedelta(days=25)))

    title = "Chiến dịch thử"
    start_date = date(2025, 10, 10)
    end_date = date(2025, 11, 8)
    plan_number = "63/KH-UBND"
    communes = factory.LazyFunction(list)
    services = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, **kwargs) -> Campaign:
        return campaigns.save_campaign(None, **kwargs)


def services_by_code() -> dict[str, Service]:
    """Return the built-in services by code (the app fixture has created them)."""
    return {s.code: s for s in db.session.execute(db.select(Service)).scalars()}


def hung_ha_campaign(communes: list[Area]) -> Campaign:
    """Create the Hưng Hà e-ID drive over the given communes, with its three phases."""
    campaign = CampaignFactory(title="Vận động định danh điện tử", plan_number=None,
                               start_date=HUNG_HA_PHASES[0][1], end_date=HUNG_HA_PHASES[-1][2],
                               communes=communes)
    for name, start, end in HUNG_HA_PHASES:
        campaigns.save_phase(campaign, None, name=name, start_date=start, end_date=end)
    return campaign
