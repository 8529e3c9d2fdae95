"""The cross-region cooperation view."""

from __future__ import annotations

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.service import UowDep, region_router

from ..schemas import CooperationPublic
from ..usecases import sharing

router = region_router("reporting")


@router.get("/cooperation", response_model=CooperationPublic)
async def cooperation(scope: ReadScope, uow: UowDep) -> CooperationPublic:
    """Candidates for interregional cooperation (EU criterion 7): the strength areas of every region
    that opted in, side by side by shared economic domain, and the regions whose priorities are most
    like this region's. Empty until this region opts in itself."""
    return CooperationPublic.model_validate(await sharing.read_cooperation(uow), from_attributes=True)
