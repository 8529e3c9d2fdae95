"""A programme's RIS3 self-assessment (the JRC's RIS3 Assessment Wheel), once a year."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Path, Response, status

from kraftsamla_common.auth import LeadScope, ReadScope
from kraftsamla_common.events import FactorScore
from kraftsamla_common.service import UowDep, region_router

from ..domain.self_assessment import wheel_steps
from ..persistence.tables import SelfAssessment
from ..schemas import (
    SelfAssessmentPublic,
    SelfAssessmentsPublic,
    SelfAssessmentWrite,
    WheelFactorPublic,
    WheelStepPublic,
)
from ..usecases import self_assessments

router = region_router("plans")

AssessedYear = Annotated[int, Path(ge=2000, le=2100, description="The year the self-assessment is of")]


def _public(a: SelfAssessment) -> SelfAssessmentPublic:
    return SelfAssessmentPublic(
        programme_id=UUID(a.programme_id),
        year=a.year,
        steps=[
            WheelStepPublic(
                step=s.step,
                key=s.key,
                mean=s.mean,
                factors=[WheelFactorPublic(key=f.key, score=f.score, comment=f.comment) for f in s.factors],
            )
            for s in wheel_steps(a.scores)
        ],
        scores={k: FactorScore.model_validate(v) for k, v in a.scores.items()},
        recorded_at=a.recorded_at,
        recorded_by=a.recorded_by,
        created_at=a.created_at,
    )


@router.put(
    "/programmes/{programme_id}/self-assessments/{year}",
    response_model=SelfAssessmentPublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": SelfAssessmentPublic, "description": "That year's self-assessment was replaced"}
    },
)
async def record_self_assessment(
    programme_id: UUID,
    year: AssessedYear,
    body: SelfAssessmentWrite,
    scope: LeadScope,
    uow: UowDep,
    response: Response,
) -> SelfAssessmentPublic:
    """Record the programme's RIS3 self-assessment of ``year`` (201), or replace it whole (200): the
    six steps of the RIS3 Assessment Wheel (analysis, governance, shared vision, priorities, policy
    mix, monitoring and evaluation), three critical factors each, every one scored 0 (no information
    available on the specific element) to 5 (excellent) with a comment of at most 2,000
    characters. Region administrators and process leaders write it. Announced as ``plans.self_assessment.recorded.v1``; the follow-up report shows
    the latest year's wheel beside the year before."""
    found, created = await self_assessments.record_self_assessment(
        uow, programme_id, year, body, by=scope.principal.name
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return _public(found)


@router.get("/programmes/{programme_id}/self-assessments", response_model=SelfAssessmentsPublic)
async def list_self_assessments(programme_id: UUID, scope: ReadScope, uow: UowDep) -> SelfAssessmentsPublic:
    """Every year's self-assessment of the programme, the latest year first."""
    rows = await self_assessments.list_self_assessments(uow, programme_id)
    return SelfAssessmentsPublic(data=[_public(a) for a in rows], count=len(rows))


@router.get("/programmes/{programme_id}/self-assessments/{year}", response_model=SelfAssessmentPublic)
async def get_self_assessment(
    programme_id: UUID, year: AssessedYear, scope: ReadScope, uow: UowDep
) -> SelfAssessmentPublic:
    return _public(await self_assessments.get_self_assessment(uow, programme_id, year))
