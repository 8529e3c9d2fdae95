"""Ids of other things in the bodies of the assessment API must be of the path's region
(``kraftsamla_common.references``): strength areas as the plans service announced them to this
region (the ``KnownStrengthArea`` read model), and the region's own applications (assigned for
review). An application's claimed strength areas (codes or ids)
and a reviewer's override are checked by their use cases against the same read models; a preview's
action plan may be one not published yet, and is checked there against the region's published plans."""

from __future__ import annotations

from functools import partial
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from kraftsamla_common import references
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.references import Kind

from ..persistence.tables import Application, KnownStrengthArea
from .refusals import said

STRENGTH_AREA = Kind("a strength area of the programmes", announced_by="plans")
APPLICATION = Kind("an application")

FIELDS: dict[str, Kind] = {"strength_area_id": STRENGTH_AREA, "application_ids": APPLICATION}
"""Every body field that holds an id checked here, and what it must name."""

CHECKED_BY_THE_USE_CASE = frozenset({"action_plan_id"})
"""A preview's plan: one of the region's published plans, or a new one of a strength area without."""
NOT_READ = frozenset({"steering_group_id", "partnership_id", "other_group_ids", "holder_id"})
"""Ids of a draft plan's governance, sent whole as the plans service holds it: a preview reads only
its priorities and stores nothing, so they are neither read nor kept here."""


async def known(uow: UnitOfWork, kind: Kind, ids: set[str]) -> set[str]:
    """Which of ``ids`` are the region's applications, or strength areas the plans service
    announced to this region."""
    if kind is APPLICATION:
        apps = await uow.session.scalars(
            select(Application.id).where(Application.region == uow.region, Application.id.in_(ids))
        )
        return set(apps.all())
    found = await uow.session.scalars(
        select(KnownStrengthArea.id).where(
            KnownStrengthArea.region == uow.region, KnownStrengthArea.id.in_(ids)
        )
    )
    return set(found.all())


async def unknown(uow: UnitOfWork, body: BaseModel, at: str = "") -> list[dict[str, Any]]:
    """The ids of ``body`` that are not of this region, as errors."""
    return await references.unknown(references.references(body, FIELDS, at), partial(known, uow))


async def check_applications(uow: UnitOfWork, body: BaseModel) -> None:
    """Refuse (422) a body naming an application that is not of this region."""
    await references.check(
        references.references(body, {"application_ids": APPLICATION}),
        partial(known, uow),
        said("refused_applications_not_of_region"),
    )
