"""Events the actors service listens to: the region's strength areas, announced by the plans
service, which groups, engagements and cycles refer to."""

from __future__ import annotations

from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.events import Envelope, ProgrammeAdopted, ProgrammeCreated, ProgrammeUpdated
from kraftsamla_common.messaging import UnitOfWork

from .usecases.strength_areas import remember_strength_areas

subscriptions = Subscriptions()


@subscriptions.on(ProgrammeCreated)
async def on_programme_created(event: Envelope[ProgrammeCreated], uow: UnitOfWork) -> None:
    await remember_strength_areas(uow, event.data, event.time)


@subscriptions.on(ProgrammeUpdated)
async def on_programme_updated(event: Envelope[ProgrammeUpdated], uow: UnitOfWork) -> None:
    await remember_strength_areas(uow, event.data, event.time)


@subscriptions.on(ProgrammeAdopted)
async def on_programme_adopted(event: Envelope[ProgrammeAdopted], uow: UnitOfWork) -> None:
    await remember_strength_areas(uow, event.data, event.time)
