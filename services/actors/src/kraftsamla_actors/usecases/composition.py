"""Composition of the region's partnerships on a date: of one group, of a strength area's groups,
or of all the region's groups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, NamedTuple
from uuid import UUID

from sqlalchemy import select

from kraftsamla_common.errors import NotFound
from kraftsamla_common.events import GroupKind
from kraftsamla_common.messaging import UnitOfWork

from ..domain import composition, reference
from ..persistence.queries import active_on
from ..persistence.tables import Actor, Group, Membership
from . import references
from .shared import find_group, region_settings, today


class CompositionReport(NamedTuple):
    scope: Literal["group", "strength_area", "region"]
    scope_id: str | None
    at: date
    groups: int
    dominance_threshold: float
    result: composition.Composition


async def _composition(
    uow: UnitOfWork,
    scope: Literal["group", "strength_area", "region"],
    scope_id: str | None,
    groups: Sequence[str],
    day: date,
) -> CompositionReport:
    rows = (
        await uow.session.execute(
            select(Actor.id, Actor.helix, Actor.municipality, Actor.nace)
            .join(Membership, Membership.actor_id == Actor.id)
            .where(Membership.region == uow.region, Membership.group_id.in_(groups), *active_on(day))
        )
    ).all()
    settings = await region_settings(uow)
    places = None
    threshold = 0.5
    if settings is not None:
        threshold = settings.dominance_threshold
        places = [m for c in settings.municipalities if (m := reference.municipality(settings.country, c))]
    result = composition.composition(
        (composition.Member(actor_id=r[0], helix=r[1], municipality=r[2], nace=r[3]) for r in rows),
        places,
        threshold,
    )
    return CompositionReport(scope, scope_id, day, len(groups), threshold, result)


async def group_composition(uow: UnitOfWork, group_id: UUID, *, at: date | None = None) -> CompositionReport:
    """A group's members on a date, counted by helix type, municipality and industry, with gaps."""
    g = await find_group(uow, group_id)
    return await _composition(uow, "group", g.id, [g.id], at or today())


async def area_composition(
    uow: UnitOfWork, strength_area_id: UUID, *, at: date | None = None, kinds: Sequence[GroupKind] = ()
) -> CompositionReport:
    """Every actor in any group (of ``kinds``, if given) of the strength area, each counted once."""
    if not await references.known(uow, references.STRENGTH_AREA, {str(strength_area_id)}):
        raise NotFound("Strength area", strength_area_id)
    where = [Group.region == uow.region, Group.strength_area_id == str(strength_area_id)]
    if kinds:
        where.append(Group.kind.in_(kinds))
    groups = (await uow.session.scalars(select(Group.id).where(*where))).all()
    return await _composition(uow, "strength_area", str(strength_area_id), groups, at or today())


async def region_composition(
    uow: UnitOfWork, *, at: date | None = None, kinds: Sequence[GroupKind] = ()
) -> CompositionReport:
    """Every actor in any of the region's groups (of ``kinds``, if given), each counted once."""
    where = [Group.region == uow.region]
    if kinds:
        where.append(Group.kind.in_(kinds))
    groups = (await uow.session.scalars(select(Group.id).where(*where))).all()
    return await _composition(uow, "region", None, groups, at or today())
