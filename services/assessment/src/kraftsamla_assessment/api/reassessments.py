"""Reassessments of the region's open portfolio, and the preview of a change not yet published."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query

from kraftsamla_common.service import PageDep, UowDep

from ..schemas import (
    MoveGroupPublic,
    PreviewPublic,
    PreviewRequest,
    ReassessmentPublic,
    ReassessmentsPublic,
    ReassessmentStatus,
)
from ..usecases import preview, reassessment
from .presenting import reassessment_public
from .routing import resource_router
from .scopes import ReadScope, ReviewScope

router = resource_router()


@router.post("/previews", response_model=PreviewPublic)
async def preview_change(body: PreviewRequest, scope: ReviewScope, uow: UowDep) -> PreviewPublic:
    """What publishing draft action plans (the content of a plan draft, as the plans service holds
    it) and/or a draft rubric would do to the region's open portfolio: what would move, and why.
    Stores nothing."""
    p = await preview.preview_change(uow, body)
    return PreviewPublic(
        plan_key=p.plan_key,
        rubric_version=p.rubric_version,
        assessed=p.assessed,
        unchanged=p.assessed - len(p.moves),
        moved=len(p.moves),
        groups=[MoveGroupPublic.model_validate(g.__dict__) for g in p.groups],
        levels_before=p.levels_before,
        levels_after=p.levels_after,
        summary=p.summary,
        examples=[
            {
                "application_id": str(m.application_id),
                "from_level": m.before.level,
                "to_level": m.after.level,
                "from_strength_area_id": str(m.before.strength_area_id)
                if m.before.strength_area_id
                else None,
                "to_strength_area_id": str(m.after.strength_area_id) if m.after.strength_area_id else None,
                "from_recommendation": m.before.recommendation,
                "to_recommendation": m.after.recommendation,
                "reason": m.reason,
            }
            for m in p.moves[:50]
        ],
    )


@router.get("/reassessments", response_model=ReassessmentsPublic)
async def list_reassessments(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    status_: Annotated[
        ReassessmentStatus | None, Query(alias="status", description="Only reassessments in this state")
    ] = None,
) -> ReassessmentsPublic:
    """Reassessments of the region's open portfolio, newest first, each with what moved and why
    (``status``: running while its batches are being assessed, then completed; superseded when
    newer plans or a newer rubric arrived before it finished)."""
    rows, total = await reassessment.list_reassessments(uow, page, status=status_)
    return ReassessmentsPublic(data=[reassessment_public(r) for r in rows], count=total)


@router.get("/reassessments/{reassessment_id}", response_model=ReassessmentPublic)
async def get_reassessment(reassessment_id: UUID, scope: ReadScope, uow: UowDep) -> ReassessmentPublic:
    return reassessment_public(await reassessment.get_reassessment(uow, reassessment_id))
