"""Ids of other things in the bodies of the actors API must be of the path's region
(``kraftsamla_common.references``): its own actors, people and cycles, and the strength areas the plans
service announced to this region (the ``KnownStrengthArea`` read model). Rules beyond belonging (an
actor merged into another, a person's data erased, a person of another actor) are the use cases'."""

from __future__ import annotations

from functools import partial
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from kraftsamla_common import references
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.references import Kind

from ..persistence.tables import Actor, Cycle, KnownStrengthArea, Person

ACTOR = Kind("an actor")
PERSON = Kind("a contact person")
CYCLE = Kind("a cycle of the annual cycle")
STRENGTH_AREA = Kind("a strength area of the programmes", announced_by="plans")

TABLES: dict[Kind, type[Actor] | type[Person] | type[Cycle] | type[KnownStrengthArea]] = {
    ACTOR: Actor,
    PERSON: Person,
    CYCLE: Cycle,
    STRENGTH_AREA: KnownStrengthArea,
}

FIELDS: dict[str, Kind] = {
    "actor_id": ACTOR,
    "into_actor_id": ACTOR,
    "person_id": PERSON,
    "cycle_id": CYCLE,
    "strength_area_id": STRENGTH_AREA,
    "strength_area_ids": STRENGTH_AREA,
}
"""Every body field that holds an id, and what it must name."""


async def known(uow: UnitOfWork, kind: Kind, ids: set[str]) -> set[str]:
    """Which of ``ids`` this region has as ``kind``."""
    table = TABLES[kind]
    found = await uow.session.scalars(select(table.id).where(table.region == uow.region, table.id.in_(ids)))
    return set(found.all())


async def unknown(uow: UnitOfWork, body: BaseModel, at: str = "") -> list[dict[str, Any]]:
    """The ids of ``body`` that are not of this region, as errors."""
    return await references.unknown(references.references(body, FIELDS, at), partial(known, uow))


async def check(uow: UnitOfWork, body: BaseModel, refused: str) -> None:
    """Refuse the request (422) when an id of ``body`` is not of this region."""
    await references.check(references.references(body, FIELDS), partial(known, uow), refused)
