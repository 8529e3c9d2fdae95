"""What the use cases share: today's date, a row of the region (or 404), the region's settings,
and checks of the municipalities a request names (the ids it names: ``references``)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from kraftsamla_common.errors import NotFound, Unprocessable
from kraftsamla_common.events import utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..domain import codes, reference
from ..persistence.tables import Actor, Group, RegionSettings


def today() -> date:
    return utcnow().date()


async def find_actor(
    uow: UnitOfWork, actor_id: UUID | str, *, live: bool = False, pointer: str = "/actor_id"
) -> Actor:
    """The region's actor; with ``live``, one that was not merged into another (422 if it was,
    naming ``pointer``)."""
    a = await uow.session.get(Actor, str(actor_id))
    if a is None or a.region != uow.region:
        raise NotFound("Actor", actor_id)
    if live and a.merged_into_id is not None:
        raise Unprocessable(
            f"Actor {actor_id} was merged into {a.merged_into_id}.",
            [{"pointer": pointer, "message": f"merged into {a.merged_into_id}; use that actor"}],
        )
    return a


async def find_group(uow: UnitOfWork, group_id: UUID | str) -> Group:
    g = await uow.session.get(Group, str(group_id))
    if g is None or g.region != uow.region:
        raise NotFound("Group", group_id)
    return g


async def region_settings(uow: UnitOfWork) -> RegionSettings | None:
    return await uow.session.get(RegionSettings, uow.region)


async def municipality_errors(uow: UnitOfWork, code: str | None, pointer: str) -> list[dict[str, Any]]:
    """A municipality must exist; once the region's settings are made, in the region's country."""
    if code is None:
        return []
    settings = await region_settings(uow)
    country: reference.Country = settings.country if settings else ("SE" if len(code) == 4 else "FI")  # type: ignore[assignment]
    try:
        codes.check_municipality(country, code)
    except codes.InvalidCode as exc:
        return [{"pointer": pointer, "message": str(exc)}]
    return []
