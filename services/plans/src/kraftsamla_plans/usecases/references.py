"""Ids of other things in the bodies of the plans API must be of the path's region
(``kraftsamla_common.references``): actors, people and groups as the actors service announced them to
this region (the ``KnownActor`` read model). Links to strength areas, priorities and sub-goals are the
plans' own and are checked with the documents' other rules (``domain.local_plans``)."""

from __future__ import annotations

from functools import partial
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from kraftsamla_common import references
from kraftsamla_common.errors import Detail
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.references import Kind

from ..persistence.tables import KnownActor

ACTOR = Kind("an actor", announced_by="actors")
ACTOR_OR_PERSON = Kind("an actor or a contact person", announced_by="actors")
GROUP = Kind("a group", announced_by="actors")

KINDS: dict[Kind, tuple[str, ...]] = {
    ACTOR: ("actor",),
    ACTOR_OR_PERSON: ("actor", "person"),
    GROUP: ("group",),
}
"""The ``KnownActor.kind`` each kind of id may be."""

FIELDS: dict[str, Kind] = {
    "process_leader_id": ACTOR_OR_PERSON,
    "holder_id": ACTOR_OR_PERSON,
    "steering_group_id": GROUP,
    "partnership_id": GROUP,
    "other_group_ids": GROUP,
    "owner_actor_id": ACTOR,
    "responsible_actor_id": ACTOR,
    "party_actor_id": ACTOR,
}
"""Every body field that holds an id of the actors service, and what it must name."""

CHECKED_WITH_THE_DOCUMENT = frozenset({"strength_area_id"})
"""Id fields that name the plans' own things, checked by the document's rules."""


async def known(uow: UnitOfWork, kind: Kind, ids: set[str]) -> set[str]:
    """Which of ``ids`` the actors service announced to this region as ``kind``."""
    found = await uow.session.scalars(
        select(KnownActor.id).where(
            KnownActor.region == uow.region, KnownActor.kind.in_(KINDS[kind]), KnownActor.id.in_(ids)
        )
    )
    return set(found.all())


async def unknown(uow: UnitOfWork, body: BaseModel | list[Any], at: str = "") -> list[dict[str, Any]]:
    """The ids of ``body`` that are not of this region, as errors."""
    return await references.unknown(references.references(body, FIELDS, at), partial(known, uow))


async def check(uow: UnitOfWork, body: BaseModel | list[Any], refused: Detail) -> None:
    """Refuse the request (422) when an id of ``body`` is not of this region."""
    await references.check(references.references(body, FIELDS), partial(known, uow), refused)
