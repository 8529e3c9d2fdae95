"""An application's assessments and their reviews: the history of assessments, a process leader's
confirmation or overrides, and the history of reviews."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from kraftsamla_common.service import UowDep, region_router

from ..schemas import ApplicationPublic, AssessmentsPublic, ReviewRequest
from ..usecases import applications, assignments, reviews
from .presenting import application_public, assessment_public
from .scopes import ApplicationScope, Reader, ReviewScope, own_source

router = region_router("assessment")


@router.get("/applications/{application_id}/assessments", response_model=AssessmentsPublic)
async def assessment_history(
    application_id: UUID, scope: ApplicationScope, uow: UowDep, words: Reader
) -> AssessmentsPublic:
    """Every assessment the application has had, newest first, each naming the plan and rubric
    versions it used."""
    rows = await applications.assessment_history(uow, application_id, only_source=own_source(scope))
    return AssessmentsPublic(data=[assessment_public(a, words) for a in rows], count=len(rows))


@router.post("/applications/{application_id}/review", response_model=ApplicationPublic)
async def review_application(
    application_id: UUID, body: ReviewRequest, scope: ReviewScope, uow: UowDep, words: Reader
) -> ApplicationPublic:
    """Confirm the current assessment, or override parts of it (strength area, level,
    recommendation, Agenda 2030 goals, sustainability dimensions), each with a written reason.

    An override survives reassessment unless the plan change touches what it rests on (the plan of
    the strength area involved; for a recommendation, also the rubric): then it is set aside and
    the review asks for the reviewer again (``needs_review``). One who declared a conflict of
    interest with the application cannot review it (409)."""
    app, current = await reviews.review_application(
        uow, application_id, body, by=scope.principal.name, organisation=scope.principal.organisation
    )
    staff = await assignments.staff_of(uow, [app.id])
    return application_public(app, current, words, staff[app.id])


@router.get("/applications/{application_id}/reviews")
async def review_history(application_id: UUID, scope: ApplicationScope, uow: UowDep) -> dict[str, Any]:
    """Every review of the application, newest first: who, when, what was overridden and why."""
    rows, set_aside = await reviews.review_history(uow, application_id, only_source=own_source(scope))
    data = [
        {
            "id": r.id,
            "assessment_id": r.assessment_id,
            "action": r.action,
            "overrides": r.overrides,
            "comment": r.comment,
            "reviewed_by": r.reviewed_by,
            "reviewed_at": r.reviewed_at.isoformat(),
        }
        for r in rows
    ]
    return {
        "data": data,
        "count": len(data),
        "overrides_set_aside": [o.__dict__ | {"at": o.at.isoformat()} for o in set_aside],
    }
