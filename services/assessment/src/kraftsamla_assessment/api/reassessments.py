"""Reassessments of the region's open portfolio, and the preview of a change not yet published."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query

from kraftsamla_common.service import PageDep, UowDep, region_router

from ..schemas import (
    PreviewPublic,
    PreviewRequest,
    ReassessmentPublic,
    ReassessmentsPublic,
    ReassessmentStatus,
)
from ..usecases import preview, reassessment
from .presenting import preview_public, reassessment_public
from .scopes import Reader, ReadScope, ReviewScope

router = region_router("assessment")


@router.post("/previews", response_model=PreviewPublic)
async def preview_change(
    body: PreviewRequest, scope: ReviewScope, uow: UowDep, words: Reader
) -> PreviewPublic:
    """What publishing draft action plans (the content of a plan draft, as the plans service holds
    it) and/or a draft rubric would do to the region's open portfolio: what would move, and why.
    Stores nothing."""
    return preview_public(await preview.preview_change(uow, body), words)


@router.get("/reassessments", response_model=ReassessmentsPublic)
async def list_reassessments(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    words: Reader,
    status_: Annotated[
        ReassessmentStatus | None, Query(alias="status", description="Only reassessments in this state")
    ] = None,
) -> ReassessmentsPublic:
    """Reassessments of the region's open portfolio, newest first, each with what moved and why
    (``status``: running while its batches are being assessed, then completed; superseded when
    newer plans or a newer rubric arrived before it finished)."""
    rows, total = await reassessment.list_reassessments(uow, page, status=status_)
    return ReassessmentsPublic(data=[reassessment_public(r, words) for r in rows], count=total)


@router.get("/reassessments/{reassessment_id}", response_model=ReassessmentPublic)
async def get_reassessment(
    reassessment_id: UUID, scope: ReadScope, uow: UowDep, words: Reader
) -> ReassessmentPublic:
    """One reassessment: what moved and why (each moved application with its ``title``), the
    summary in the language asked for."""
    found = await reassessment.get_reassessment(uow, reassessment_id)
    return reassessment_public(found, words, await reassessment.titles_of(uow, found))
