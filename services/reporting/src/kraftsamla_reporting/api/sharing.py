"""The region's consent to the cross-region cooperation view."""

from __future__ import annotations

from kraftsamla_common.auth import EditScope, ReadScope
from kraftsamla_common.service import UowDep, region_router

from ..schemas import SharingPublic, SharingUpdate
from ..usecases import sharing
from ..usecases.sharing import SharingState

router = region_router("reporting")


def _public(s: SharingState) -> SharingPublic:
    return SharingPublic(region=s.region, opted_in=s.opted_in, changed_at=s.changed_at)


@router.get("/sharing", response_model=SharingPublic)
async def get_sharing(scope: ReadScope, uow: UowDep) -> SharingPublic:
    """Whether the region takes part in the cross-region cooperation view."""
    return _public(await sharing.get_sharing(uow))


@router.put("/sharing", response_model=SharingPublic)
async def put_sharing(body: SharingUpdate, scope: EditScope, uow: UowDep) -> SharingPublic:
    """Opt in to (or out of) the cross-region view: other opted-in regions then see this region's
    strength areas and economic domains, and it sees theirs. Nothing else is shared."""
    return _public(await sharing.set_sharing(uow, body.opted_in, by=scope.principal.name))
