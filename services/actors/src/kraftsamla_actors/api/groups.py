"""Groups of the region's partnerships."""

from __future__ import annotations

from uuid import UUID

from fastapi import status

from kraftsamla_common.auth import LeadScope, ReadScope
from kraftsamla_common.events import GroupKind
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..schemas import GroupCreate, GroupPublic, GroupsPublic, GroupUpdate
from ..usecases import groups
from ..usecases.groups import GroupRow

router = region_router("actors")


def _group_public(row: GroupRow) -> GroupPublic:
    g = row.group
    return GroupPublic(
        id=UUID(g.id),
        kind=g.kind,  # type: ignore[arg-type]
        name=g.name,
        description=g.description,
        strength_area_id=UUID(g.strength_area_id) if g.strength_area_id else None,
        members_now=row.members_now,
        created_at=g.created_at,
    )


@router.post("/groups", status_code=status.HTTP_201_CREATED, response_model=GroupPublic)
async def create_group(body: GroupCreate, scope: LeadScope, uow: UowDep) -> GroupPublic:
    """Form a group: a strength area's broad partnership or steering group, a reference group,
    an advisory board, a working group."""
    return _group_public(await groups.create_group(uow, body))


@router.get("/groups", response_model=GroupsPublic)
async def list_groups(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    kind: GroupKind | None = None,
    strength_area_id: UUID | None = None,
) -> GroupsPublic:
    rows, total = await groups.list_groups(uow, page, kind=kind, strength_area_id=strength_area_id)
    return GroupsPublic(data=[_group_public(r) for r in rows], count=total)


@router.get("/groups/{group_id}", response_model=GroupPublic)
async def get_group(group_id: UUID, scope: ReadScope, uow: UowDep) -> GroupPublic:
    return _group_public(await groups.get_group(uow, group_id))


@router.patch("/groups/{group_id}", response_model=GroupPublic)
async def update_group(group_id: UUID, body: GroupUpdate, scope: LeadScope, uow: UowDep) -> GroupPublic:
    return _group_public(await groups.update_group(uow, group_id, body))
