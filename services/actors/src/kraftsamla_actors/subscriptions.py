"""Events the actors service listens to: the region's strength areas, announced by the plans
service, which groups, engagements and cycles refer to."""

from __future__ import annotations

from typing import Any

from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.events import (
    Envelope,
    ProgrammeAdopted,
    ProgrammeCreated,
    ProgrammeState,
    ProgrammeUpdated,
)
from kraftsamla_common.messaging import UnitOfWork

from .models import KnownStrengthArea

subscriptions = Subscriptions()


async def _programme(event: Envelope[Any], uow: UnitOfWork) -> None:
    """Every programme event carries its strength areas whole; keep the newest state of each."""
    d: ProgrammeState = event.data
    for sa in d.strength_areas:
        known = await uow.session.get(KnownStrengthArea, str(sa.id))
        if known is None:
            uow.session.add(
                KnownStrengthArea(
                    id=str(sa.id),
                    region=event.region,
                    programme_id=str(d.programme_id),
                    code=sa.code,
                    name=sa.name.model_dump(exclude_none=True),
                    updated_at=event.time,
                )
            )
        elif known.region == event.region and known.updated_at <= event.time:
            known.code, known.name, known.updated_at = (
                sa.code,
                sa.name.model_dump(exclude_none=True),
                event.time,
            )


@subscriptions.on(ProgrammeCreated)
async def on_programme_created(event: Envelope[ProgrammeCreated], uow: UnitOfWork) -> None:
    await _programme(event, uow)


@subscriptions.on(ProgrammeUpdated)
async def on_programme_updated(event: Envelope[ProgrammeUpdated], uow: UnitOfWork) -> None:
    await _programme(event, uow)


@subscriptions.on(ProgrammeAdopted)
async def on_programme_adopted(event: Envelope[ProgrammeAdopted], uow: UnitOfWork) -> None:
    await _programme(event, uow)
