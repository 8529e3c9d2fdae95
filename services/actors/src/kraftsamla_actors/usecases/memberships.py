"""Members of groups: an actor (through one of its people, or as an organisation) in a group,
with a role, from the day it joined up to the day it left."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple
from uuid import UUID

from sqlalchemy import ColumnElement, select

from kraftsamla_common.errors import Conflict, NotFound, Unprocessable
from kraftsamla_common.events import MembershipChanged, new_id
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain import composition
from ..persistence.queries import active_on, paged
from ..persistence.tables import Actor, Group, Membership, Person
from ..schemas import MemberCreate, MemberUpdate
from . import references
from .shared import find_actor, find_group, today


class MemberRow(NamedTuple):
    membership: Membership
    actor: Actor
    active: bool
    """Whether the membership holds on the date asked for (today unless another was given)."""


async def _member_row(uow: UnitOfWork, m: Membership, day: date) -> MemberRow:
    a = await uow.session.get(Actor, m.actor_id)
    assert a is not None
    return MemberRow(m, a, composition.active_on(m.joined_on, m.left_on, day))


async def emit_membership(uow: UnitOfWork, g: Group, m: Membership, *, removed: bool = False) -> None:
    """Announce a membership as it now is (or that it was removed), with what consumers need of
    its group and actor."""
    a = await find_actor(uow, m.actor_id)
    uow.emit(
        MembershipChanged(
            membership_id=UUID(m.id),
            group_id=UUID(g.id),
            group_kind=g.kind,  # type: ignore[arg-type]
            strength_area_id=UUID(g.strength_area_id) if g.strength_area_id else None,
            actor_id=UUID(a.id),
            person_id=UUID(m.person_id) if m.person_id else None,
            helix=a.helix,  # type: ignore[arg-type]
            municipality=a.municipality,
            nace=a.nace,
            role=m.role,  # type: ignore[arg-type]
            joined_on=m.joined_on,
            left_on=m.left_on,
            removed=removed,
        ),
        subject=m.id,
    )


async def _membership(uow: UnitOfWork, g: Group, membership_id: UUID) -> Membership:
    m = await uow.session.get(Membership, str(membership_id))
    if m is None or m.group_id != g.id:
        raise NotFound("Membership", membership_id)
    return m


async def add_member(uow: UnitOfWork, group_id: UUID, body: MemberCreate) -> MemberRow:
    """An actor (through one of its people, or as an organisation) joins the group with a role."""
    g = await find_group(uow, group_id)
    await references.check(uow, body, "The membership cannot be recorded.")
    errors = composition.membership_errors(body.joined_on, body.left_on)
    a = await find_actor(uow, body.actor_id, live=True)
    if body.person_id is not None:
        p = await uow.session.get(Person, str(body.person_id))
        if p is None or p.region != uow.region or p.actor_id != a.id:
            errors.append({"pointer": "/person_id", "message": f"no person {body.person_id} of actor {a.id}"})
        elif p.erased_at is not None:
            errors.append({"pointer": "/person_id", "message": "this person's data was erased"})
    if errors:
        raise Unprocessable("The membership cannot be recorded.", errors)
    same = (
        await uow.session.scalars(
            select(Membership).where(
                Membership.group_id == g.id,
                Membership.actor_id == a.id,
                Membership.person_id.is_(None)
                if body.person_id is None
                else Membership.person_id == str(body.person_id),
            )
        )
    ).all()
    if any(composition.overlaps((m.joined_on, m.left_on), (body.joined_on, body.left_on)) for m in same):
        raise Conflict(
            "This member already belongs to the group over these dates; change that membership instead."
        )
    m = Membership(
        id=str(new_id()),
        region=uow.region,
        group_id=g.id,
        actor_id=a.id,
        person_id=str(body.person_id) if body.person_id else None,
        role=body.role,
        joined_on=body.joined_on,
        left_on=body.left_on,
    )
    uow.session.add(m)
    await emit_membership(uow, g, m)
    await uow.commit()
    return await _member_row(uow, m, today())


async def list_members(
    uow: UnitOfWork, group_id: UUID, page: Page, *, at: date | None = None
) -> tuple[list[MemberRow], int]:
    """A group's memberships (only those holding on ``at``, if given), in order of joining."""
    g = await find_group(uow, group_id)
    where: list[ColumnElement[bool]] = [Membership.group_id == g.id]
    if at is not None:
        where += active_on(at)
    rows, total = await paged(uow, Membership, where, (Membership.joined_on, Membership.id), page)
    return [await _member_row(uow, m, at or today()) for m in rows], total


class ActorMembershipRow(NamedTuple):
    member: MemberRow
    group: Group


async def list_actor_memberships(
    uow: UnitOfWork, actor_id: UUID, page: Page
) -> tuple[list[ActorMembershipRow], int]:
    """An actor's memberships of the region's groups, past and present (``active`` as of today),
    each with its group, in order of joining; a merged actor's moved to the actor it was merged into."""
    a = await find_actor(uow, actor_id)
    where: list[ColumnElement[bool]] = [Membership.region == uow.region, Membership.actor_id == a.id]
    rows, total = await paged(uow, Membership, where, (Membership.joined_on, Membership.id), page)
    day = today()
    return [
        ActorMembershipRow(await _member_row(uow, m, day), await find_group(uow, m.group_id)) for m in rows
    ], total


async def update_member(
    uow: UnitOfWork, group_id: UUID, membership_id: UUID, body: MemberUpdate
) -> MemberRow:
    """Change a member's role, or record the day it left (the first day no longer a member)."""
    g = await find_group(uow, group_id)
    m = await _membership(uow, g, membership_id)
    changes = body.model_dump(exclude_unset=True)
    left_on = changes.get("left_on", m.left_on)
    errors = composition.membership_errors(m.joined_on, left_on)
    if "role" in changes and changes["role"] is None:
        errors.append({"pointer": "/role", "message": "cannot be removed"})
    if errors:
        raise Unprocessable("The membership cannot be changed.", errors)
    for k, v in changes.items():
        setattr(m, k, v)
    await emit_membership(uow, g, m)
    await uow.commit()
    return await _member_row(uow, m, today())


async def remove_member(uow: UnitOfWork, group_id: UUID, membership_id: UUID) -> None:
    """Delete a membership recorded in error."""
    g = await find_group(uow, group_id)
    m = await _membership(uow, g, membership_id)
    await emit_membership(uow, g, m, removed=True)
    await uow.session.delete(m)
    await uow.commit()
