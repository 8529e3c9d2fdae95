"""The region's strength areas, as the plans service announces them in its programme events;
groups, engagements and cycles refer to them by id."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from kraftsamla_common.events import ProgrammeState
from kraftsamla_common.messaging import UnitOfWork

from ..persistence.tables import KnownStrengthArea

log = logging.getLogger(__name__)


async def list_strength_areas(uow: UnitOfWork) -> Sequence[KnownStrengthArea]:
    return (
        await uow.session.scalars(
            select(KnownStrengthArea)
            .where(KnownStrengthArea.region == uow.region)
            .order_by(KnownStrengthArea.code)
        )
    ).all()


async def remember_strength_areas(uow: UnitOfWork, programme: ProgrammeState, at: datetime) -> None:
    """Every programme event carries its strength areas whole; keep the newest state of each."""
    log.info("programme %s: %d strength areas known", programme.programme_id, len(programme.strength_areas))
    for sa in programme.strength_areas:
        known = await uow.session.get(KnownStrengthArea, str(sa.id))
        if known is None:
            uow.session.add(
                KnownStrengthArea(
                    id=str(sa.id),
                    region=uow.region,
                    programme_id=str(programme.programme_id),
                    code=sa.code,
                    name=sa.name.model_dump(exclude_none=True),
                    updated_at=at,
                )
            )
        elif known.region == uow.region and known.updated_at <= at:
            known.code, known.name, known.updated_at = (
                sa.code,
                sa.name.model_dump(exclude_none=True),
                at,
            )
