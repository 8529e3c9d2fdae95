"""Members of the region's groups."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import Query, Response, status

from kraftsamla_common.auth import LeadScope, ReadScope
from kraftsamla_common.bounds import FIRST_DAY, LAST_DAY
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..schemas import (
    ActorMembershipPublic,
    ActorMembershipsPublic,
    MemberCreate,
    MemberPublic,
    MembersPublic,
    MemberUpdate,
)
from ..usecases import memberships
from ..usecases.memberships import ActorMembershipRow, MemberRow

router = region_router("actors")


def _member_public(row: MemberRow) -> MemberPublic:
    m, a = row.membership, row.actor
    return MemberPublic(
        id=UUID(m.id),
        group_id=UUID(m.group_id),
        actor_id=UUID(m.actor_id),
        actor_name=a.name,
        helix=a.helix,  # type: ignore[arg-type]
        municipality=a.municipality,
        person_id=UUID(m.person_id) if m.person_id else None,
        role=m.role,  # type: ignore[arg-type]
        joined_on=m.joined_on,
        left_on=m.left_on,
        active=row.active,
    )


@router.post("/groups/{group_id}/members", status_code=status.HTTP_201_CREATED, response_model=MemberPublic)
async def add_member(group_id: UUID, body: MemberCreate, scope: LeadScope, uow: UowDep) -> MemberPublic:
    """An actor (through one of its people, or as an organisation) joins the group with a role."""
    return _member_public(await memberships.add_member(uow, group_id, body))


@router.get("/groups/{group_id}/members", response_model=MembersPublic)
async def list_members(
    group_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    at: Annotated[
        date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="Only those who were members on this date")
    ] = None,
) -> MembersPublic:
    rows, total = await memberships.list_members(uow, group_id, page, at=at)
    return MembersPublic(data=[_member_public(r) for r in rows], count=total)


@router.patch("/groups/{group_id}/members/{membership_id}", response_model=MemberPublic)
async def update_member(
    group_id: UUID, membership_id: UUID, body: MemberUpdate, scope: LeadScope, uow: UowDep
) -> MemberPublic:
    """Change a member's role, or record the day it left (the first day no longer a member)."""
    return _member_public(await memberships.update_member(uow, group_id, membership_id, body))


@router.delete("/groups/{group_id}/members/{membership_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(group_id: UUID, membership_id: UUID, scope: LeadScope, uow: UowDep) -> Response:
    """Delete a membership recorded in error. A member who leaves gets ``left_on`` instead, so that
    composition at earlier dates stays right."""
    await memberships.remove_member(uow, group_id, membership_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _actor_membership_public(row: ActorMembershipRow) -> ActorMembershipPublic:
    g = row.group
    return ActorMembershipPublic(
        **_member_public(row.member).model_dump(),
        group_name=g.name,
        group_kind=g.kind,  # type: ignore[arg-type]
        strength_area_id=UUID(g.strength_area_id) if g.strength_area_id else None,
    )


@router.get("/actors/{actor_id}/memberships", response_model=ActorMembershipsPublic)
async def list_actor_memberships(
    actor_id: UUID, scope: ReadScope, uow: UowDep, page: PageDep
) -> ActorMembershipsPublic:
    """The groups an actor is or was a member of: each membership with its group's name and kind,
    role, the day joined and the day left (``active``: it holds today), in order of joining."""
    rows, total = await memberships.list_actor_memberships(uow, actor_id, page)
    return ActorMembershipsPublic(data=[_actor_membership_public(r) for r in rows], count=total)
