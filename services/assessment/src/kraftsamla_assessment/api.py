"""HTTP routes of the assessment service: /assessment/regions/{region}/…"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy import func, select

from kraftsamla_common.auth import READERS, Role, Scope, region_scope
from kraftsamla_common.errors import NotFound
from kraftsamla_common.events import ApplicationReceived, new_id, utcnow
from kraftsamla_common.service import UowDep

from .assessing import assess, load_matcher
from .models import Application, Assessment, Reassessment
from .schemas import (
    ApplicationIn,
    ApplicationPublic,
    ApplicationsPublic,
    AssessmentPublic,
    AssessmentsPublic,
    ReassessmentPublic,
    ReassessmentsPublic,
    Status,
)

router = APIRouter(prefix="/assessment/regions/{region}", tags=["assessment"])

IntakeScope = Annotated[Scope, Depends(region_scope(Role.OPERATOR, Role.ADMIN, Role.INTEGRATOR))]
ReadScope = Annotated[Scope, Depends(region_scope(*READERS, Role.INTEGRATOR))]

CONTENT_FIELDS = (
    "kind",
    "title",
    "summary",
    "description",
    "applicant_identifier",
    "funding_programme",
    "requested_amount",
    "currency",
    "municipalities",
)


def _assessment_public(a: Assessment) -> AssessmentPublic:
    return AssessmentPublic.model_validate(
        {
            "id": a.id,
            "application_id": a.application_id,
            "application_revision": a.application_revision,
            "trigger": a.trigger,
            "plan_key": a.plan_key,
            "plan_versions": a.plan_versions,
            "strength_area_id": a.strength_area_id,
            "level": a.level,
            "score": a.score,
            "recommendation": a.recommendation,
            "language": a.language,
            "rationale": a.rationale,
            "fits": a.fits,
            "created_at": a.created_at,
        }
    )


def _public(app: Application, assessment: Assessment | None) -> ApplicationPublic:
    return ApplicationPublic(
        id=UUID(app.id),
        region=app.region,
        source=app.source,
        external_id=app.external_id,
        kind=app.kind,
        title=app.title,
        summary=app.summary,
        description=app.description,
        applicant_identifier=app.applicant_identifier,
        funding_programme=app.funding_programme,
        requested_amount=app.requested_amount,
        currency=app.currency,
        municipalities=app.municipalities,
        status=app.status,
        revision=app.revision,
        received_at=app.received_at,
        updated_at=app.updated_at,
        assessment=_assessment_public(assessment) if assessment else None,
    )


@router.post(
    "/applications",
    response_model=ApplicationPublic,
    responses={
        200: {"description": "Updated (or unchanged) existing application"},
        201: {"description": "Created"},
    },
)
async def submit_application(
    body: ApplicationIn, scope: IntakeScope, uow: UowDep, response: Response
) -> ApplicationPublic:
    """Create or update an application by the funding system's id: safe to retry.

    It is assessed at once against the region's current published plans, if it has any.
    Re-sending identical content changes nothing and announces nothing.
    """
    app = await uow.session.scalar(
        select(Application).where(
            Application.region == scope.region,
            Application.source == body.source,
            Application.external_id == body.external_id,
        )
    )
    now = utcnow()
    content = body.model_dump(include=set(CONTENT_FIELDS))
    if app is None:
        app = Application(
            id=str(new_id()),
            region=scope.region,
            source=body.source,
            external_id=body.external_id,
            status="received",
            revision=1,
            received_at=now,
            updated_at=now,
            **content,
        )
        uow.session.add(app)
        response.status_code = status.HTTP_201_CREATED
    elif any(getattr(app, k) != v for k, v in content.items()):
        for k, v in content.items():
            setattr(app, k, v)
        app.revision += 1
        app.updated_at = now
        if app.status == "assessed":
            app.status = "received"
    else:
        current = (
            await uow.session.get(Assessment, app.current_assessment_id)
            if app.current_assessment_id
            else None
        )
        return _public(app, current)
    await uow.session.flush()
    uow.emit(
        ApplicationReceived(
            application_id=UUID(app.id),
            source=app.source,
            external_id=app.external_id,
            title=app.title,
            status=app.status,
            funding_programme=app.funding_programme,
            requested_amount=app.requested_amount,
            currency=app.currency,
            municipalities=app.municipalities,
        ),
        region=scope.region,
        subject=app.id,
    )
    matcher = await load_matcher(uow, scope.region)
    assessment = assess(uow, app, matcher, "intake") if matcher else None
    await uow.commit()
    return _public(app, assessment)


@router.get("/applications", response_model=ApplicationsPublic)
async def list_applications(
    scope: ReadScope,
    uow: UowDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ApplicationsPublic:
    where = [Application.region == scope.region]
    if status_:
        where.append(Application.status == status_)
    total = await uow.session.scalar(select(func.count()).select_from(Application).where(*where)) or 0
    rows = (
        await uow.session.execute(
            select(Application, Assessment)
            .outerjoin(Assessment, Assessment.id == Application.current_assessment_id)
            .where(*where)
            .order_by(Application.received_at, Application.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return ApplicationsPublic(data=[_public(a, s) for a, s in rows], count=total)


async def _get(uow: UowDep, region: str, application_id: UUID) -> Application:
    app = await uow.session.get(Application, str(application_id))
    if app is None or app.region != region:
        raise NotFound("Application", application_id)
    return app


@router.get("/applications/{application_id}", response_model=ApplicationPublic)
async def get_application(application_id: UUID, scope: ReadScope, uow: UowDep) -> ApplicationPublic:
    app = await _get(uow, scope.region, application_id)
    current = (
        await uow.session.get(Assessment, app.current_assessment_id) if app.current_assessment_id else None
    )
    return _public(app, current)


@router.get("/applications/{application_id}/assessments", response_model=AssessmentsPublic)
async def assessment_history(application_id: UUID, scope: ReadScope, uow: UowDep) -> AssessmentsPublic:
    """Every assessment the application has had, newest first."""
    app = await _get(uow, scope.region, application_id)
    rows = (
        await uow.session.scalars(
            select(Assessment)
            .where(Assessment.application_id == app.id)
            .order_by(Assessment.created_at.desc())
        )
    ).all()
    return AssessmentsPublic(data=[_assessment_public(a) for a in rows], count=len(rows))


@router.get("/reassessments", response_model=ReassessmentsPublic)
async def list_reassessments(
    scope: ReadScope,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ReassessmentsPublic:
    where = Reassessment.region == scope.region
    total = await uow.session.scalar(select(func.count()).select_from(Reassessment).where(where)) or 0
    rows = (
        await uow.session.scalars(
            select(Reassessment)
            .where(where)
            .order_by(Reassessment.completed_at.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return ReassessmentsPublic(
        data=[ReassessmentPublic.model_validate(r, from_attributes=True) for r in rows], count=total
    )
