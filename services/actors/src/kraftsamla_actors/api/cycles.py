"""The annual cycle (årshjul): recurring meetings planned, and their follow-up."""

from __future__ import annotations

from uuid import UUID

from fastapi import status

from kraftsamla_common.auth import LeadScope, ReadScope
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..persistence.tables import Cycle
from ..schemas import CycleCreate, CycleFollowUpPublic, CyclePublic, CyclesPublic, FollowUpPublic
from ..usecases import cycles
from .params import FromQuery, ToQuery

router = region_router("actors")


def _cycle_public(c: Cycle) -> CyclePublic:
    return CyclePublic(
        id=UUID(c.id),
        strength_area_id=UUID(c.strength_area_id) if c.strength_area_id else None,
        kind=c.kind,  # type: ignore[arg-type]
        title=c.title,
        frequency=c.frequency,  # type: ignore[arg-type]
        starts_on=c.starts_on,
        ends_on=c.ends_on,
    )


@router.post("/cycles", status_code=status.HTTP_201_CREATED, response_model=CyclePublic)
async def plan_cycle(body: CycleCreate, scope: LeadScope, uow: UowDep) -> CyclePublic:
    """Plan a recurring meeting of the annual cycle (årshjul): e.g. the monthly actor meeting of
    Digital solutions, or the steering group twice a year. Announced as ``actors.cycle.planned.v1``."""
    return _cycle_public(await cycles.plan_cycle(uow, body))


@router.get("/cycles", response_model=CyclesPublic)
async def list_cycles(scope: ReadScope, uow: UowDep, page: PageDep) -> CyclesPublic:
    rows, total = await cycles.list_cycles(uow, page)
    return CyclesPublic(data=[_cycle_public(c) for c in rows], count=total)


@router.get("/cycles/follow-up", response_model=FollowUpPublic)
async def cycles_follow_up(
    scope: ReadScope, uow: UowDep, date_from: FromQuery = None, date_to: ToQuery = None
) -> FollowUpPublic:
    """Planned meetings against meetings held, per cycle, over a period: slots planned, slots in
    which a meeting was held, and which were missed."""
    report = await cycles.follow_up(uow, date_from=date_from, date_to=date_to)
    return FollowUpPublic(
        period_from=report.period_from,
        period_to=report.period_to,
        cycles=[
            CycleFollowUpPublic(
                **_cycle_public(c).model_dump(),
                planned=f.planned,
                held=f.held,
                meetings=f.meetings,
                missed=f.missed,
                upcoming=f.upcoming,
            )
            for c, f in report.cycles
        ],
    )
