"""Action plans: the draft of each strength area's plan, its numbered versions and what changed
between them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Response, status

from kraftsamla_common.auth import EditScope, ReadScope
from kraftsamla_common.bounds import STORED
from kraftsamla_common.events import ActionPlanContent, LocalizedText
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..domain.documents import etag
from ..schemas import (
    ActionPlanDiffPublic,
    ActionPlanPublic,
    ActionPlansPublic,
    ActionPlanSummaryPublic,
    ActionPlanVersionPublic,
    ActionPlanVersionsPublic,
    ItemsDiffPublic,
    PublishRequest,
    ReviewStatusPublic,
)
from ..usecases import action_plans, documents
from ..usecases.action_plans import ACTION_PLANS, ReviewedPlan
from ..usecases.documents import Selector
from .params import CHECKS_MATCH, NEEDS_MATCH, IfMatch, VersionNumber

router = region_router("plans")


def _public(reviewed: ReviewedPlan, response: Response) -> ActionPlanPublic:
    """The plan's draft and review status; its ETag is the draft revision to send back in If-Match."""
    plan, area = reviewed.plan, reviewed.plan.strength_area
    response.headers["ETag"] = etag(plan.id, plan.draft_revision)
    return ActionPlanPublic(
        id=UUID(plan.id),
        region=plan.region,
        programme_id=UUID(area.programme_id),
        strength_area_id=UUID(area.id),
        strength_area_code=area.code,
        strength_area_name=LocalizedText.model_validate(area.name),
        draft=ActionPlanContent.model_validate(plan.draft, context=STORED),
        draft_revision=plan.draft_revision,
        current_version=plan.current_version,
        review=ReviewStatusPublic.model_validate(reviewed.review, from_attributes=True),
        updated_at=plan.updated_at,
    )


def _summary(reviewed: ReviewedPlan) -> ActionPlanSummaryPublic:
    plan, area = reviewed.plan, reviewed.plan.strength_area
    return ActionPlanSummaryPublic(
        id=UUID(plan.id),
        programme_id=UUID(area.programme_id),
        strength_area_id=UUID(area.id),
        strength_area_code=area.code,
        strength_area_name=LocalizedText.model_validate(area.name),
        current_version=plan.current_version,
        draft_revision=plan.draft_revision,
        review=ReviewStatusPublic.model_validate(reviewed.review, from_attributes=True),
        updated_at=plan.updated_at,
    )


@router.get("/action-plans", response_model=ActionPlansPublic)
async def list_action_plans(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    programme_id: UUID | None = None,
    strength_area: Annotated[str | None, Query(description="Strength area code")] = None,
    overdue: Annotated[
        bool | None, Query(description="Only plans that are (or are not) overdue for revision")
    ] = None,
) -> ActionPlansPublic:
    """The region's action plans with their review status; filter by programme, strength area or overdue."""
    plans, total = await action_plans.list_action_plans(
        uow, programme_id=programme_id, strength_area=strength_area, overdue=overdue, page=page
    )
    return ActionPlansPublic(data=[_summary(p) for p in plans], count=total)


@router.get("/action-plans/{plan_id}", response_model=ActionPlanPublic)
async def get_action_plan(
    plan_id: UUID, scope: ReadScope, uow: UowDep, response: Response
) -> ActionPlanPublic:
    """The action plan's draft and review status; its ETag is the draft revision to send back in If-Match."""
    return _public(await action_plans.get_action_plan(uow, plan_id), response)


@router.put("/action-plans/{plan_id}/draft", response_model=ActionPlanPublic, responses=NEEDS_MATCH)
async def replace_draft(
    plan_id: UUID,
    body: ActionPlanContent,
    scope: EditScope,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> ActionPlanPublic:
    """Replace the draft. A stale If-Match (someone saved in between) gets 412, never a silent overwrite.
    A draft may be incomplete, but not contradictory (e.g. a target year before its baseline year)."""
    return _public(
        await action_plans.replace_action_plan_draft(uow, plan_id, body, if_match=if_match), response
    )


@router.post(
    "/action-plans/{plan_id}/publish",
    status_code=status.HTTP_201_CREATED,
    response_model=ActionPlanVersionPublic,
    responses=CHECKS_MATCH,
)
async def publish(
    plan_id: UUID,
    scope: EditScope,
    uow: UowDep,
    body: PublishRequest | None = None,
    if_match: IfMatch = None,
) -> ActionPlanVersionPublic:
    """Freeze the draft as the next numbered version and announce it with its whole content.

    Send the draft's ETag in If-Match to publish exactly the draft you read: if it was saved
    again since, the answer is 412 and nothing is published."""
    version = await documents.publish(
        uow,
        ACTION_PLANS,
        plan_id,
        note=body.note if body else None,
        by=scope.principal.name,
        if_match=if_match,
    )
    return ActionPlanVersionPublic.model_validate(version, from_attributes=True, context=STORED)


@router.get("/action-plans/{plan_id}/versions", response_model=ActionPlanVersionsPublic)
async def list_versions(
    plan_id: UUID, scope: ReadScope, uow: UowDep, page: PageDep
) -> ActionPlanVersionsPublic:
    versions, total = await documents.list_versions(uow, ACTION_PLANS, plan_id, page=page)
    return ActionPlanVersionsPublic(
        data=[
            ActionPlanVersionPublic.model_validate(v, from_attributes=True, context=STORED) for v in versions
        ],
        count=total,
    )


@router.get("/action-plans/{plan_id}/versions/{number}", response_model=ActionPlanVersionPublic)
async def get_version(
    plan_id: UUID, number: VersionNumber, scope: ReadScope, uow: UowDep
) -> ActionPlanVersionPublic:
    version = await documents.get_version(uow, ACTION_PLANS, plan_id, number)
    return ActionPlanVersionPublic.model_validate(version, from_attributes=True, context=STORED)


VersionSelector = Annotated[
    str, Query(pattern=r"^(\d{1,9}|draft)$", description="A version number, or 'draft'")
]


def _selector(value: str) -> Selector:
    return "draft" if value == "draft" else int(value)


@router.get("/action-plans/{plan_id}/diff", response_model=ActionPlanDiffPublic)
async def diff_versions(
    plan_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    from_: Annotated[
        str, Query(alias="from", pattern=r"^(\d{1,9}|draft)$", description="A version number, or 'draft'")
    ],
    to: VersionSelector = "draft",
) -> ActionPlanDiffPublic:
    """What changed between two versions (or a version and the draft): priorities, sub-goals and
    initiatives added, removed and changed, field by field, and which other sections differ."""
    before, after = _selector(from_), _selector(to)
    plan, d = await action_plans.diff_action_plan(uow, plan_id, before, after)
    return ActionPlanDiffPublic(
        action_plan_id=UUID(plan.id),
        from_version=before,
        to_version=after,
        priorities=ItemsDiffPublic.model_validate(d.priorities, from_attributes=True),
        sub_goals=ItemsDiffPublic.model_validate(d.sub_goals, from_attributes=True),
        initiatives=ItemsDiffPublic.model_validate(d.initiatives, from_attributes=True),
        sections_changed=d.sections_changed,
    )
