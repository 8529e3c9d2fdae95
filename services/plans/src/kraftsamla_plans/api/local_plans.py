"""Local plans: a destination's or municipality's draft, its numbered versions, and how local
plans align with the region's action plans."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query, Response, status

from kraftsamla_common.auth import EditScope, ReadScope
from kraftsamla_common.bounds import STORED
from kraftsamla_common.events import LocalPlanContent
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..domain.documents import etag
from ..persistence.tables import LocalPlan
from ..schemas import (
    AlignmentPublic,
    LocalPlanAlignmentPublic,
    LocalPlanPublic,
    LocalPlansPublic,
    LocalPlanSummaryPublic,
    LocalPlanVersionPublic,
    LocalPlanVersionsPublic,
    PublishRequest,
)
from ..usecases import documents, local_plans
from ..usecases.local_plans import LOCAL_PLANS
from .params import CHECKS_MATCH, NEEDS_MATCH, IfMatch, VersionNumber

router = region_router("plans")


def _public(lp: LocalPlan, response: Response) -> LocalPlanPublic:
    """The local plan's draft; its ETag is the draft revision to send back in If-Match."""
    response.headers["ETag"] = etag(lp.id, lp.draft_revision)
    return LocalPlanPublic(
        id=UUID(lp.id),
        region=lp.region,
        draft=LocalPlanContent.model_validate(lp.draft, context=STORED),
        draft_revision=lp.draft_revision,
        current_version=lp.current_version,
        created_at=lp.created_at,
        updated_at=lp.updated_at,
    )


@router.post("/local-plans", status_code=status.HTTP_201_CREATED, response_model=LocalPlanPublic)
async def create_local_plan(
    body: LocalPlanContent, scope: EditScope, uow: UowDep, response: Response
) -> LocalPlanPublic:
    """Create a local plan (as a draft). Its links must name strength areas, priorities and sub-goals
    of this region's programme."""
    return _public(await local_plans.create_local_plan(uow, body), response)


@router.get("/local-plans", response_model=LocalPlansPublic)
async def list_local_plans(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    municipality: Annotated[
        str | None, Query(pattern=r"^\d{3,4}$", description="Only plans covering this municipality")
    ] = None,
    q: Annotated[str | None, Query(max_length=100, description="Words in the title or owner")] = None,
) -> LocalPlansPublic:
    plans = await local_plans.list_local_plans(uow, municipality=municipality, words=q)
    items = [
        LocalPlanSummaryPublic(
            id=UUID(lp.id),
            title=content.title,
            owner=content.owner,
            municipalities=content.municipalities,
            current_version=lp.current_version,
            updated_at=lp.updated_at,
        )
        for lp, content in plans
    ]
    return LocalPlansPublic(data=page.slice(items), count=len(items))


@router.get("/local-plans/{local_plan_id}", response_model=LocalPlanPublic)
async def get_local_plan(
    local_plan_id: UUID, scope: ReadScope, uow: UowDep, response: Response
) -> LocalPlanPublic:
    return _public(await local_plans.get_local_plan(uow, local_plan_id), response)


@router.put("/local-plans/{local_plan_id}/draft", response_model=LocalPlanPublic, responses=NEEDS_MATCH)
async def replace_local_draft(
    local_plan_id: UUID,
    body: LocalPlanContent,
    scope: EditScope,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> LocalPlanPublic:
    lp = await documents.replace_draft(uow, LOCAL_PLANS, local_plan_id, body, if_match=if_match)
    return _public(lp, response)


@router.post(
    "/local-plans/{local_plan_id}/publish",
    status_code=status.HTTP_201_CREATED,
    response_model=LocalPlanVersionPublic,
    responses=CHECKS_MATCH,
)
async def publish_local_plan(
    local_plan_id: UUID,
    scope: EditScope,
    uow: UowDep,
    body: PublishRequest | None = None,
    if_match: IfMatch = None,
) -> LocalPlanVersionPublic:
    """Freeze the local plan's draft as its next version and announce it whole.

    If-Match (optional): the draft's ETag; a draft saved again since gets 412."""
    version = await documents.publish(
        uow,
        LOCAL_PLANS,
        local_plan_id,
        note=body.note if body else None,
        by=scope.principal.name,
        if_match=if_match,
    )
    return LocalPlanVersionPublic.model_validate(version, from_attributes=True, context=STORED)


@router.get("/local-plans/{local_plan_id}/versions", response_model=LocalPlanVersionsPublic)
async def list_local_versions(
    local_plan_id: UUID, scope: ReadScope, uow: UowDep, page: PageDep
) -> LocalPlanVersionsPublic:
    versions, total = await documents.list_versions(uow, LOCAL_PLANS, local_plan_id, page=page)
    return LocalPlanVersionsPublic(
        data=[
            LocalPlanVersionPublic.model_validate(v, from_attributes=True, context=STORED) for v in versions
        ],
        count=total,
    )


@router.get("/local-plans/{local_plan_id}/versions/{number}", response_model=LocalPlanVersionPublic)
async def get_local_version(
    local_plan_id: UUID, number: VersionNumber, scope: ReadScope, uow: UowDep
) -> LocalPlanVersionPublic:
    version = await documents.get_version(uow, LOCAL_PLANS, local_plan_id, number)
    return LocalPlanVersionPublic.model_validate(version, from_attributes=True, context=STORED)


IncludeDrafts = Annotated[bool, Query(description="Count local plans never published, by their drafts")]


@router.get("/alignment", response_model=AlignmentPublic)
async def region_alignment(
    scope: ReadScope, uow: UowDep, include_drafts: IncludeDrafts = False
) -> AlignmentPublic:
    """Local plans against the region's current published action plans, both ways: local actions that
    serve no regional priority, and regional priorities that no local plan serves."""
    result = await local_plans.region_alignment(uow, include_drafts=include_drafts)
    return AlignmentPublic.model_validate(result, from_attributes=True)


@router.get("/local-plans/{local_plan_id}/alignment", response_model=LocalPlanAlignmentPublic)
async def local_plan_alignment(
    local_plan_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    version: Annotated[
        Literal["published", "draft"], Query(description="Align the latest published version or the draft")
    ] = "published",
) -> LocalPlanAlignmentPublic:
    """One local plan's actions against the region's current published priorities."""
    result = await local_plans.local_plan_alignment(uow, local_plan_id, version=version)
    return LocalPlanAlignmentPublic.model_validate(result, from_attributes=True)
