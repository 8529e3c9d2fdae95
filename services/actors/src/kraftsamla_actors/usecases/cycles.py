"""The annual cycle (årshjul): recurring meetings planned, and their follow-up against the
meetings held."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple
from uuid import UUID

from sqlalchemy import select

from kraftsamla_common import annual_cycle
from kraftsamla_common.events import CyclePlanned, new_id, utcnow
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..persistence.tables import Cycle
from ..schemas import CycleCreate
from . import references
from .engagements import engagements_in, period
from .shared import today


class FollowUpReport(NamedTuple):
    period_from: date
    period_to: date
    cycles: list[tuple[Cycle, annual_cycle.CycleFollowUp]]


async def plan_cycle(uow: UnitOfWork, body: CycleCreate) -> Cycle:
    """Plan a recurring meeting of the annual cycle, announced as ``CyclePlanned``."""
    await references.check(uow, body, "The cycle cannot be planned.")
    c = Cycle(
        id=str(new_id()),
        region=uow.region,
        strength_area_id=str(body.strength_area_id) if body.strength_area_id else None,
        kind=body.kind,
        title=body.title,
        frequency=body.frequency,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        created_at=utcnow(),
    )
    uow.session.add(c)
    uow.emit(
        CyclePlanned(
            cycle_id=UUID(c.id),
            strength_area_id=body.strength_area_id,
            kind=body.kind,
            title=body.title,
            frequency=body.frequency,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
        ),
        subject=c.id,
    )
    await uow.commit()
    return c


async def list_cycles(uow: UnitOfWork, page: Page) -> tuple[list[Cycle], int]:
    """One page of the region's cycles, in the order planned, and how many there are."""
    rows = (
        await uow.session.scalars(
            select(Cycle).where(Cycle.region == uow.region).order_by(Cycle.created_at, Cycle.id)
        )
    ).all()
    return page.slice(list(rows)), len(rows)


async def follow_up(
    uow: UnitOfWork, *, date_from: date | None = None, date_to: date | None = None
) -> FollowUpReport:
    """Planned meetings against meetings held, per cycle, over a period: slots planned, slots in
    which a meeting was held, and which were missed."""
    lo, hi = period(date_from, date_to)
    cycles = (
        await uow.session.scalars(select(Cycle).where(Cycle.region == uow.region).order_by(Cycle.created_at))
    ).all()
    held: dict[str, list[date]] = {c.id: [] for c in cycles}
    for e in await engagements_in(uow, lo, hi):
        if e.cycle_id in held:
            held[e.cycle_id].append(e.held_on)
    out = []
    for c in cycles:
        planned = annual_cycle.slots(c.frequency, c.starts_on, c.ends_on, (lo, hi))  # type: ignore[arg-type]
        out.append((c, annual_cycle.follow_up(planned, held[c.id], today=today())))
    return FollowUpReport(lo, hi, out)
