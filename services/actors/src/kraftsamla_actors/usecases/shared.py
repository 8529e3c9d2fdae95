"""What the use cases share: today's date, a row of the region (or 404), the region's settings,
and checks of the municipalities and strength areas a request names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select

from kraftsamla_common.errors import NotFound, Unprocessable
from kraftsamla_common.events import utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..domain import codes, reference
from ..persistence.tables import Actor, Group, KnownStrengthArea, RegionSettings


def today() -> date:
    return utcnow().date()


async def find_actor(uow: UnitOfWork, actor_id: UUID | str, *, live: bool = False) -> Actor:
    """The region's actor; with ``live``, one that was not merged into another (422 if it was)."""
    a = await uow.session.get(Actor, str(actor_id))
    if a is None or a.region != uow.region:
        raise NotFound("Actor", actor_id)
    if live and a.merged_into_id is not None:
        raise Unprocessable(
            f"Actor {actor_id} was merged into {a.merged_into_id}.",
            [{"pointer": "/actor_id", "message": f"merged into {a.merged_into_id}; use that actor"}],
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


async def unknown_areas(uow: UnitOfWork, ids: Iterable[UUID], pointer: str) -> list[dict[str, Any]]:
    """The strength areas of ``ids`` that no programme of the region announced, as errors."""
    wanted = {str(i) for i in ids}
    if not wanted:
        return []
    known = set(
        (
            await uow.session.scalars(
                select(KnownStrengthArea.id).where(
                    KnownStrengthArea.region == uow.region, KnownStrengthArea.id.in_(wanted)
                )
            )
        ).all()
    )
    return [
        {"pointer": pointer, "message": f"no strength area {sa} in this region's programmes"}
        for sa in sorted(wanted - known)
    ]
