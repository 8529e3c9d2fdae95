"""Queries that several use cases share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kraftsamla_common.bounds import STORED
from kraftsamla_common.events import ActionPlanContent

from .tables import ActionPlan, ActionPlanVersion, KnownActor, StrengthArea


async def known_names(session: AsyncSession, region: str, ids: Sequence[str | None]) -> dict[str, str]:
    """The names of the actors, groups and people of ``region`` the actors service announced, by id."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = await session.execute(
        select(KnownActor.id, KnownActor.name).where(KnownActor.region == region, KnownActor.id.in_(wanted))
    )
    return dict(rows.tuples().all())


async def areas_with_plans(
    session: AsyncSession, programme_ids: Sequence[str]
) -> list[tuple[StrengthArea, ActionPlan]]:
    """The strength areas of the programmes, by code, each with its action plan."""
    rows = await session.execute(
        select(StrengthArea, ActionPlan)
        .join(ActionPlan, ActionPlan.strength_area_id == StrengthArea.id)
        .where(StrengthArea.programme_id.in_(programme_ids))
        .order_by(StrengthArea.code)
    )
    return [(sa, plan) for sa, plan in rows.tuples().all()]


async def published_contents(
    session: AsyncSession, plans: Sequence[ActionPlan]
) -> dict[str, tuple[ActionPlanContent, datetime]]:
    """The current published content (and its time) of each plan that has one, by plan id."""
    wanted = [(p.id, p.current_version) for p in plans if p.current_version]
    if not wanted:
        return {}
    rows = await session.execute(
        select(
            ActionPlanVersion.action_plan_id, ActionPlanVersion.content, ActionPlanVersion.published_at
        ).where(
            or_(
                *(
                    and_(ActionPlanVersion.action_plan_id == i, ActionPlanVersion.number == n)
                    for i, n in wanted
                )
            )
        )
    )
    return {
        pid: (ActionPlanContent.model_validate(content, context=STORED), at)
        for pid, content, at in rows.tuples().all()
    }
