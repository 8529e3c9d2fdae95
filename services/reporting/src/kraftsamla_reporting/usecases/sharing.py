"""The region's consent to the cross-region cooperation view, and that view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kraftsamla_common.events import utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..domain.cooperation import Cooperation, RegionProfile, cooperation, not_sharing
from ..domain.inputs import StrengthAreaIn
from ..persistence.queries import utc
from ..persistence.tables import KnownProgramme, KnownRegion, Sharing
from .due import mark_due
from .inputs import strength_areas_of


@dataclass(frozen=True)
class SharingState:
    region: str
    opted_in: bool
    changed_at: datetime | None


async def get_sharing(uow: UnitOfWork) -> SharingState:
    """Whether the region takes part in the cross-region cooperation view."""
    row = await uow.session.get(Sharing, uow.region)
    return SharingState(
        region=uow.region,
        opted_in=bool(row and row.opted_in),
        changed_at=utc(row.changed_at) if row else None,
    )


async def set_sharing(uow: UnitOfWork, opted_in: bool, *, by: str) -> SharingState:
    """Opt in to (or out of) the cross-region view; the region's report is due again (criterion 7
    names it)."""
    row = await uow.session.get(Sharing, uow.region)
    now = utcnow()
    if row is None:
        row = Sharing(region=uow.region, opted_in=opted_in, changed_by=by, changed_at=now)
        uow.session.add(row)
    elif row.opted_in != opted_in:
        row.opted_in, row.changed_by, row.changed_at = opted_in, by, now
    await mark_due(uow.session, uow.region)
    await uow.commit()
    return SharingState(region=uow.region, opted_in=row.opted_in, changed_at=utc(row.changed_at))


async def _profiles(uow: UnitOfWork, regions: Sequence[str]) -> list[RegionProfile]:
    rows = (await uow.session.scalars(select(KnownProgramme).where(KnownProgramme.region.in_(regions)))).all()
    areas: dict[str, list[StrengthAreaIn]] = {r: [] for r in regions}
    for p in rows:
        areas[p.region].extend(strength_areas_of(p))
    return [RegionProfile(region=r, strength_areas=areas[r]) for r in sorted(regions)]


async def read_cooperation(uow: UnitOfWork) -> Cooperation:
    """The cooperation view of the region: empty until it opts in itself."""
    own = await uow.session.get(Sharing, uow.region)
    if not (own and own.opted_in):
        return not_sharing(uow.region)
    regions = list(
        (await uow.session.scalars(select(Sharing.region).where(Sharing.opted_in.is_(True)))).all()
    )
    return cooperation(uow.region, await _profiles(uow, regions))


@dataclass(frozen=True)
class CooperationView:
    """The cooperation view and where each region it names lies (its country and county, as its
    settings in the actors service say), so that it can be named in the reader's language."""

    cooperation: Cooperation
    places: dict[str, tuple[str, str | None]]


async def read_cooperation_view(uow: UnitOfWork) -> CooperationView:
    """The cooperation view of the region, with the country and county of every region it names."""
    found = await read_cooperation(uow)
    regions = sorted({found.region, *found.regions})
    rows = (await uow.session.scalars(select(KnownRegion).where(KnownRegion.region.in_(regions)))).all()
    return CooperationView(found, {r.region: (r.country, r.county) for r in rows})
