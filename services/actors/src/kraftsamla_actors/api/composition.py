"""Composition of the region's partnerships: of a group, a strength area, or the whole region."""

from __future__ import annotations

from uuid import UUID

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.service import UowDep, region_router

from ..domain import reference
from ..schemas import CompositionPublic, CountPublic, GapPublic
from ..usecases import composition
from ..usecases.composition import CompositionReport
from .params import AtQuery, KindsQuery

router = region_router("actors")


def _composition_public(c: CompositionReport) -> CompositionPublic:
    result = c.result
    return CompositionPublic(
        scope=c.scope,
        scope_id=c.scope_id,
        at=c.at,
        groups=c.groups,
        actors=result.actors,
        by_helix=result.by_helix,
        by_municipality=[
            CountPublic(
                code=code, name=m.name if (m := reference.municipality_by_code(code)) else None, actors=k
            )
            for code, k in result.by_municipality
        ],
        by_industry=[
            CountPublic(code=code, name=reference.nace_label(code) if code != "none" else None, actors=k)
            for code, k in result.by_industry
        ],
        dominance_threshold=c.dominance_threshold,
        gaps=[GapPublic(**g.__dict__) for g in result.gaps],
    )


@router.get("/groups/{group_id}/composition", response_model=CompositionPublic)
async def group_composition(
    group_id: UUID, scope: ReadScope, uow: UowDep, at: AtQuery = None
) -> CompositionPublic:
    """A group's members on a date, counted by helix type, municipality and industry, with gaps:
    a helix missing, one helix type above the region's threshold, municipalities with no member."""
    return _composition_public(await composition.group_composition(uow, group_id, at=at))


@router.get("/strength-areas/{strength_area_id}/composition", response_model=CompositionPublic)
async def area_composition(
    strength_area_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    at: AtQuery = None,
    kind: KindsQuery = None,
) -> CompositionPublic:
    """Every actor in any group of the strength area (each counted once), on a date, with gaps."""
    return _composition_public(
        await composition.area_composition(uow, strength_area_id, at=at, kinds=kind or ())
    )


@router.get("/composition", response_model=CompositionPublic)
async def region_composition(
    scope: ReadScope,
    uow: UowDep,
    at: AtQuery = None,
    kind: KindsQuery = None,
) -> CompositionPublic:
    """Every actor in any of the region's groups, on a date: the region's reach by geography and industry."""
    return _composition_public(await composition.region_composition(uow, at=at, kinds=kind or ()))
