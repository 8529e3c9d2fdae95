"""Local plans: a destination's or municipality's versioned plan, linked to the region's strength
areas, and how local plans align with the region's action plans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import and_, or_, select

from kraftsamla_common.bounds import STORED
from kraftsamla_common.errors import Conflict, Unprocessable
from kraftsamla_common.events import (
    ActionPlanContent,
    LocalPlanContent,
    LocalPlanPublished,
    new_id,
    utcnow,
)
from kraftsamla_common.messaging import UnitOfWork

from ..domain.local_plans import (
    Alignment,
    LocalPlanAlignment,
    LocalPlanView,
    RegionalPlan,
    alignment,
    local_plan_errors,
)
from ..domain.problems import Problem
from ..persistence.queries import published_contents
from ..persistence.tables import ActionPlan, LocalPlan, LocalPlanVersion, StrengthArea
from . import references
from .documents import DocumentKind, draft_of, find_document
from .refusals import said


async def _regional(uow: UnitOfWork) -> dict[UUID, RegionalPlan]:
    """Every strength area of the region with its action plan (published and draft)."""
    rows = (
        (
            await uow.session.execute(
                select(StrengthArea, ActionPlan)
                .join(ActionPlan, ActionPlan.strength_area_id == StrengthArea.id)
                .where(StrengthArea.region == uow.region)
            )
        )
        .tuples()
        .all()
    )
    published = await published_contents(uow.session, [plan for _, plan in rows])
    return {
        UUID(sa.id): RegionalPlan(
            strength_area_id=UUID(sa.id),
            code=sa.code,
            published=published[plan.id][0] if plan.id in published else None,
            draft=ActionPlanContent.model_validate(plan.draft, context=STORED),
        )
        for sa, plan in rows
    }


async def _save_errors(uow: UnitOfWork, content: LocalPlanContent) -> list[Problem]:
    """The links must name this region's strength areas, priorities and sub-goals, and its actors
    this region's actors."""
    return local_plan_errors(content, await _regional(uow)) + await references.unknown(uow, content)


async def _publish_errors(uow: UnitOfWork, content: LocalPlanContent, today: date) -> list[Problem]:
    """A local plan is published under the rules it is saved under."""
    return await _save_errors(uow, content)


async def _published(
    uow: UnitOfWork, lp: LocalPlan, version: LocalPlanVersion, content: LocalPlanContent
) -> LocalPlanPublished:
    return LocalPlanPublished(
        local_plan_id=UUID(lp.id),
        version=version.number,
        published_at=version.published_at,
        published_by=version.published_by,
        plan=content,
    )


LOCAL_PLANS = DocumentKind(
    name="Local plan",
    table=LocalPlan,
    versions=LocalPlanVersion,
    document_id=LocalPlanVersion.local_plan_id,
    number=LocalPlanVersion.number,
    content=LocalPlanContent,
    save_errors=_save_errors,
    save_refused=said("refused_local_plan_save"),
    publish_errors=_publish_errors,
    publish_refused=said("refused_local_plan_publish"),
    published=_published,
)


async def create_local_plan(uow: UnitOfWork, content: LocalPlanContent) -> LocalPlan:
    """Create a local plan (as a draft). Its links must name strength areas, priorities and sub-goals
    of this region's programme."""
    errors = await _save_errors(uow, content)
    if errors:
        raise Unprocessable(LOCAL_PLANS.save_refused, errors)
    now = utcnow()
    lp = LocalPlan(
        id=str(new_id()),
        region=uow.region,
        draft=content.model_dump(mode="json"),
        draft_revision=1,
        current_version=0,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(lp)
    await uow.commit()
    return lp


async def _all(uow: UnitOfWork) -> Sequence[LocalPlan]:
    plans = await uow.session.scalars(
        select(LocalPlan).where(LocalPlan.region == uow.region).order_by(LocalPlan.created_at, LocalPlan.id)
    )
    return plans.all()


async def list_local_plans(
    uow: UnitOfWork, *, municipality: str | None, words: str | None
) -> list[tuple[LocalPlan, LocalPlanContent]]:
    """The region's local plans with their drafts: those covering ``municipality``, with ``words``
    in their title or owner."""
    out = []
    for lp in await _all(uow):
        content = draft_of(LOCAL_PLANS, lp)
        if municipality and municipality not in content.municipalities:
            continue
        if words and words.lower() not in f"{content.title} {content.owner}".lower():
            continue
        out.append((lp, content))
    return out


async def get_local_plan(uow: UnitOfWork, local_plan_id: UUID) -> LocalPlan:
    return await find_document(uow, LOCAL_PLANS, local_plan_id)


async def _views(uow: UnitOfWork, plans: Sequence[LocalPlan], include_drafts: bool) -> list[LocalPlanView]:
    """Each plan's latest published version; its draft when it has none and drafts are wanted."""
    current = [
        and_(LocalPlanVersion.local_plan_id == lp.id, LocalPlanVersion.number == lp.current_version)
        for lp in plans
        if lp.current_version
    ]
    published: dict[str, dict[str, Any]] = {}
    if current:
        rows = await uow.session.execute(
            select(LocalPlanVersion.local_plan_id, LocalPlanVersion.content).where(or_(*current))
        )
        published = dict(rows.tuples().all())
    views = []
    for lp in plans:
        if lp.id in published:
            views.append(
                LocalPlanView(
                    UUID(lp.id),
                    lp.current_version,
                    LocalPlanContent.model_validate(published[lp.id], context=STORED),
                )
            )
        elif include_drafts:
            views.append(LocalPlanView(UUID(lp.id), "draft", draft_of(LOCAL_PLANS, lp)))
    return views


async def region_alignment(uow: UnitOfWork, *, include_drafts: bool) -> Alignment:
    """Local plans against the region's current published action plans, both ways: local actions that
    serve no regional priority, and regional priorities that no local plan serves."""
    views = await _views(uow, await _all(uow), include_drafts)
    return alignment(await _regional(uow), views, utcnow().date())


async def local_plan_alignment(
    uow: UnitOfWork, local_plan_id: UUID, *, version: Literal["published", "draft"]
) -> LocalPlanAlignment:
    """One local plan's actions against the region's current published priorities."""
    lp = await find_document(uow, LOCAL_PLANS, local_plan_id)
    if version == "draft":
        views = [LocalPlanView(UUID(lp.id), "draft", draft_of(LOCAL_PLANS, lp))]
    else:
        views = await _views(uow, [lp], include_drafts=False)
        if not views:
            raise Conflict(said("refused_local_plan_unpublished"))
    return alignment(await _regional(uow), views, utcnow().date()).local_plans[0]
