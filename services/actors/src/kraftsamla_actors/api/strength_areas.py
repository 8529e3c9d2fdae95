"""The region's strength areas, as the plans service announced them."""

from __future__ import annotations

from uuid import UUID

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.service import UowDep, region_router

from ..schemas import StrengthAreaPublic
from ..usecases import strength_areas

router = region_router("actors")


@router.get("/strength-areas", response_model=list[StrengthAreaPublic])
async def list_strength_areas(scope: ReadScope, uow: UowDep) -> list[StrengthAreaPublic]:
    """The region's strength areas as announced by the plans service; groups, engagements and
    cycles refer to them by id."""
    return [
        StrengthAreaPublic(id=UUID(r.id), programme_id=UUID(r.programme_id), code=r.code, name=r.name)
        for r in await strength_areas.list_strength_areas(uow)
    ]
