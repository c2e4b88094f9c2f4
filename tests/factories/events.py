"""Launch events and their help desks."""

from __future__ import annotations

from datetime import date, time

import factory

from fieldops.clock import local_today
from fieldops.events import desks
from fieldops.events import services as events
from fieldops.events.models import HelpDesk, LaunchEvent


class LaunchEventFactory(factory.Factory):
    """The Nhơn Trạch morning of 10/10/2025, 07:00-11:00, saved by events.save_event;
    `today=True` holds it today and running, as check-in needs."""

    class Meta:
        model = LaunchEvent

    class Params:
        today = factory.Trait(event_date=factory.LazyFunction(local_today), status="running")

    campaign = None  # required: the campaign the event belongs to
    title = "Lễ phát động ra quân"
    event_date = date(2025, 10, 10)
    start_time = time(7)
    end_time = time(11)
    venue_name = "Trụ sở UBND xã"

    @classmethod
    def _create(cls, model_class, campaign, **kwargs) -> LaunchEvent:
        return events.save_event(campaign, None, **kwargs)


class HelpDeskFactory(factory.Factory):
    """A help desk saved by desks.save_desk, which gives it its guide and check-in codes."""

    class Meta:
        model = HelpDesk

    event = None  # required: the event the desk stands at
    organisation = "Công an xã"
    table_label = factory.Sequence(lambda n: f"Bàn {n + 1}")
    services = factory.LazyFunction(list)
    staff = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, event, **kwargs) -> HelpDesk:
        return desks.save_desk(event, None, **kwargs)
