"""Groups: a strength area's broad partnership or steering group, a reference group, an advisory
board, a working group."""

from __future__ import annotations

from typing import NamedTuple
from uuid import UUID

from sqlalchemy import ColumnElement, func, select

from kraftsamla_common.errors import Unprocessable
from kraftsamla_common.events import GroupCreated, GroupKind, GroupUpdated, new_id, utcnow
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..persistence.queries import active_on, paged
from ..persistence.tables import Group, Membership
from ..schemas import GroupCreate, GroupUpdate
from . import references
from .shared import find_group, today


class GroupRow(NamedTuple):
    group: Group
    members_now: int
    """Distinct actors that are members today."""


async def _with_members(uow: UnitOfWork, g: Group) -> GroupRow:
    members = await uow.session.scalar(
        select(func.count(func.distinct(Membership.actor_id))).where(
            Membership.group_id == g.id, *active_on(today())
        )
    )
    return GroupRow(g, members or 0)


def _group_state(cls: type[GroupCreated] | type[GroupUpdated], g: Group) -> GroupCreated | GroupUpdated:
    return cls(
        group_id=UUID(g.id),
        kind=g.kind,  # type: ignore[arg-type]
        name=g.name,
        strength_area_id=UUID(g.strength_area_id) if g.strength_area_id else None,
    )


async def create_group(uow: UnitOfWork, body: GroupCreate) -> GroupRow:
    """Form a group, announced as ``GroupCreated``."""
    await references.check(uow, body, "The group cannot be formed.")
    g = Group(
        id=str(new_id()),
        region=uow.region,
        kind=body.kind,
        name=body.name,
        description=body.description,
        strength_area_id=str(body.strength_area_id) if body.strength_area_id else None,
        created_at=utcnow(),
    )
    uow.session.add(g)
    uow.emit(_group_state(GroupCreated, g), subject=g.id)
    await uow.commit()
    return await _with_members(uow, g)


async def list_groups(
    uow: UnitOfWork, page: Page, *, kind: GroupKind | None = None, strength_area_id: UUID | None = None
) -> tuple[list[GroupRow], int]:
    where: list[ColumnElement[bool]] = [Group.region == uow.region]
    if kind is not None:
        where.append(Group.kind == kind)
    if strength_area_id is not None:
        where.append(Group.strength_area_id == str(strength_area_id))
    rows, total = await paged(uow, Group, where, (Group.created_at, Group.id), page)
    return [await _with_members(uow, g) for g in rows], total


async def get_group(uow: UnitOfWork, group_id: UUID) -> GroupRow:
    return await _with_members(uow, await find_group(uow, group_id))


async def update_group(uow: UnitOfWork, group_id: UUID, body: GroupUpdate) -> GroupRow:
    g = await find_group(uow, group_id)
    changes = body.model_dump(exclude_unset=True)
    errors = [
        {"pointer": f"/{k}", "message": "cannot be removed"}
        for k in ("kind", "name")
        if k in changes and changes[k] is None
    ]
    errors += await references.unknown(uow, body)
    if errors:
        raise Unprocessable("The group cannot be changed.", errors)
    if "strength_area_id" in changes:
        changes["strength_area_id"] = (
            str(changes["strength_area_id"]) if changes["strength_area_id"] else None
        )
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    for k, v in changes.items():
        setattr(g, k, v)
    uow.emit(_group_state(GroupUpdated, g), subject=g.id)
    await uow.commit()
    return await _with_members(uow, g)
