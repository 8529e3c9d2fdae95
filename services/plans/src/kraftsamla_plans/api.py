"""HTTP routes of the plans service: /plans/regions/{region}/…"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Response, status
from sqlalchemy import func, select

from kraftsamla_common.auth import EditScope, ReadScope
from kraftsamla_common.errors import NotFound, Problem, Unprocessable
from kraftsamla_common.events import (
    ActionPlanPublished,
    ActionPlanVersionSnapshot,
    LocalizedText,
    ProgrammeCreated,
    StrengthAreaSnapshot,
    new_id,
    utcnow,
)
from kraftsamla_common.service import UowDep

from . import domain
from .models import ActionPlan, ActionPlanVersion, Programme, StrengthArea
from .schemas import (
    ActionPlanDraft,
    ActionPlanPublic,
    ActionPlanVersionPublic,
    ActionPlanVersionsPublic,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammesPublic,
    PublishRequest,
    StrengthAreaPublic,
)

router = APIRouter(prefix="/plans/regions/{region}", tags=["plans"])


def _snapshot(sa: StrengthArea) -> StrengthAreaSnapshot:
    return StrengthAreaSnapshot(
        id=UUID(sa.id), code=sa.code, name=LocalizedText(**sa.name), nace_codes=sa.nace_codes, sdgs=sa.sdgs
    )


async def _programme_public(uow: UowDep, p: Programme) -> ProgrammePublic:
    rows = (
        await uow.session.execute(
            select(StrengthArea, ActionPlan.id)
            .join(ActionPlan, ActionPlan.strength_area_id == StrengthArea.id)
            .where(StrengthArea.programme_id == p.id)
            .order_by(StrengthArea.code)
        )
    ).all()
    return ProgrammePublic(
        id=UUID(p.id),
        region=p.region,
        title=p.title,
        reference=p.reference,
        period_start=p.period_start,
        period_end=p.period_end,
        vision=LocalizedText(**p.vision) if p.vision else None,
        strength_areas=[
            StrengthAreaPublic(
                id=UUID(sa.id),
                code=sa.code,
                name=LocalizedText(**sa.name),
                description=LocalizedText(**sa.description) if sa.description else None,
                nace_codes=sa.nace_codes,
                sdgs=sa.sdgs,
                action_plan_id=UUID(plan_id),
            )
            for sa, plan_id in rows
        ],
    )


@router.post("/programmes", status_code=status.HTTP_201_CREATED, response_model=ProgrammePublic)
async def create_programme(body: ProgrammeCreate, scope: EditScope, uow: UowDep) -> ProgrammePublic:
    """Create a programme with its strength areas; each strength area gets an empty action-plan draft."""
    now = utcnow()
    programme = Programme(
        id=str(new_id()),
        region=scope.region,
        title=body.title,
        reference=body.reference,
        period_start=body.period_start,
        period_end=body.period_end,
        vision=body.vision.model_dump(exclude_none=True) if body.vision else None,
        created_at=now,
    )
    uow.session.add(programme)
    await uow.session.flush()
    areas = []
    for sa in body.strength_areas:
        area = StrengthArea(
            id=str(new_id()),
            region=scope.region,
            programme_id=programme.id,
            code=sa.code,
            name=sa.name.model_dump(exclude_none=True),
            description=sa.description.model_dump(exclude_none=True) if sa.description else None,
            nace_codes=sa.nace_codes,
            sdgs=sa.sdgs,
        )
        areas.append(area)
        uow.session.add(area)
    await uow.session.flush()
    for area in areas:
        uow.session.add(
            ActionPlan(
                id=str(new_id()),
                region=scope.region,
                strength_area_id=area.id,
                draft=ActionPlanDraft().model_dump(mode="json"),
                draft_revision=1,
                current_version=0,
                updated_at=now,
            )
        )
    await uow.session.flush()
    uow.emit(
        ProgrammeCreated(
            programme_id=UUID(programme.id),
            title=programme.title,
            reference=programme.reference,
            period_start=programme.period_start,
            period_end=programme.period_end,
            strength_areas=[_snapshot(a) for a in areas],
        ),
        region=scope.region,
        subject=programme.id,
    )
    result = await _programme_public(uow, programme)
    await uow.commit()
    return result


@router.get("/programmes", response_model=ProgrammesPublic)
async def list_programmes(scope: ReadScope, uow: UowDep) -> ProgrammesPublic:
    programmes = (
        await uow.session.scalars(
            select(Programme).where(Programme.region == scope.region).order_by(Programme.created_at)
        )
    ).all()
    data = [await _programme_public(uow, p) for p in programmes]
    return ProgrammesPublic(data=data, count=len(data))


@router.get("/programmes/{programme_id}", response_model=ProgrammePublic)
async def get_programme(programme_id: UUID, scope: ReadScope, uow: UowDep) -> ProgrammePublic:
    p = await uow.session.get(Programme, str(programme_id))
    if p is None or p.region != scope.region:
        raise NotFound("Programme", programme_id)
    return await _programme_public(uow, p)


async def _plan(uow: UowDep, region: str, plan_id: UUID) -> tuple[ActionPlan, StrengthArea]:
    row = (
        await uow.session.execute(
            select(ActionPlan, StrengthArea)
            .join(StrengthArea, ActionPlan.strength_area_id == StrengthArea.id)
            .where(ActionPlan.id == str(plan_id), ActionPlan.region == region)
        )
    ).first()
    if row is None:
        raise NotFound("Action plan", plan_id)
    return row[0], row[1]


def _plan_public(plan: ActionPlan, area: StrengthArea) -> ActionPlanPublic:
    return ActionPlanPublic(
        id=UUID(plan.id),
        region=plan.region,
        strength_area_id=UUID(area.id),
        strength_area_code=area.code,
        draft=ActionPlanDraft.model_validate(plan.draft),
        draft_revision=plan.draft_revision,
        current_version=plan.current_version,
        updated_at=plan.updated_at,
    )


@router.get("/action-plans/{plan_id}", response_model=ActionPlanPublic)
async def get_action_plan(
    plan_id: UUID, scope: ReadScope, uow: UowDep, response: Response
) -> ActionPlanPublic:
    """The action plan's draft; its ETag is the draft revision to send back in If-Match."""
    plan, area = await _plan(uow, scope.region, plan_id)
    response.headers["ETag"] = domain.etag(plan.id, plan.draft_revision)
    return _plan_public(plan, area)


@router.put("/action-plans/{plan_id}/draft", response_model=ActionPlanPublic)
async def replace_draft(
    plan_id: UUID,
    body: ActionPlanDraft,
    scope: EditScope,
    uow: UowDep,
    response: Response,
    if_match: Annotated[str | None, Header(description="ETag of the draft this edit is based on")] = None,
) -> ActionPlanPublic:
    """Replace the draft. A stale If-Match (someone saved in between) gets 412, never a silent overwrite."""
    plan, area = await _plan(uow, scope.region, plan_id)
    if if_match is None:
        raise Problem(428, "Precondition Required", "Send the draft's ETag in If-Match.")
    if if_match != domain.etag(plan.id, plan.draft_revision):
        raise Problem(
            412,
            "Precondition Failed",
            "The draft was changed by someone else since you read it; read it again.",
        )
    plan.draft = body.model_dump(mode="json")
    plan.draft_revision += 1
    plan.updated_at = utcnow()
    await uow.commit()
    response.headers["ETag"] = domain.etag(plan.id, plan.draft_revision)
    return _plan_public(plan, area)


@router.post(
    "/action-plans/{plan_id}/publish",
    status_code=status.HTTP_201_CREATED,
    response_model=ActionPlanVersionPublic,
)
async def publish(
    plan_id: UUID, scope: EditScope, uow: UowDep, body: PublishRequest | None = None
) -> ActionPlanVersionPublic:
    """Freeze the draft as the next numbered version and announce it with its whole content."""
    plan, area = await _plan(uow, scope.region, plan_id)
    draft = ActionPlanDraft.model_validate(plan.draft)
    errors = domain.publish_errors(draft)
    if errors:
        raise Unprocessable("The draft cannot be published.", errors)
    programme = await uow.session.get(Programme, area.programme_id)
    assert programme is not None
    number = plan.current_version + 1
    now = utcnow()
    content: dict[str, Any] = draft.model_dump(mode="json")
    version = ActionPlanVersion(
        id=str(new_id()),
        region=scope.region,
        action_plan_id=plan.id,
        number=number,
        content=content,
        note=body.note if body else None,
        published_at=now,
        published_by=scope.principal.name,
        next_review=draft.next_review,
    )
    uow.session.add(version)
    plan.current_version = number
    uow.emit(
        ActionPlanPublished(
            programme_id=UUID(programme.id),
            programme_title=programme.title,
            action_plan_id=UUID(plan.id),
            strength_area=_snapshot(area),
            version=number,
            published_at=now,
            published_by=scope.principal.name,
            plan=ActionPlanVersionSnapshot.model_validate(content),
        ),
        region=scope.region,
        subject=plan.id,
    )
    await uow.commit()
    return _version_public(version)


def _version_public(v: ActionPlanVersion) -> ActionPlanVersionPublic:
    return ActionPlanVersionPublic(
        action_plan_id=UUID(v.action_plan_id),
        number=v.number,
        content=ActionPlanDraft.model_validate(v.content),
        note=v.note,
        published_at=v.published_at,
        published_by=v.published_by,
    )


@router.get("/action-plans/{plan_id}/versions", response_model=ActionPlanVersionsPublic)
async def list_versions(plan_id: UUID, scope: ReadScope, uow: UowDep) -> ActionPlanVersionsPublic:
    plan, _ = await _plan(uow, scope.region, plan_id)
    versions = (
        await uow.session.scalars(
            select(ActionPlanVersion)
            .where(ActionPlanVersion.action_plan_id == plan.id)
            .order_by(ActionPlanVersion.number)
        )
    ).all()
    total = await uow.session.scalar(
        select(func.count()).select_from(ActionPlanVersion).where(ActionPlanVersion.action_plan_id == plan.id)
    )
    return ActionPlanVersionsPublic(data=[_version_public(v) for v in versions], count=total or 0)


@router.get("/action-plans/{plan_id}/versions/{number}", response_model=ActionPlanVersionPublic)
async def get_version(plan_id: UUID, number: int, scope: ReadScope, uow: UowDep) -> ActionPlanVersionPublic:
    plan, _ = await _plan(uow, scope.region, plan_id)
    v = await uow.session.scalar(
        select(ActionPlanVersion).where(
            ActionPlanVersion.action_plan_id == plan.id, ActionPlanVersion.number == number
        )
    )
    if v is None:
        raise NotFound("Version", number)
    return _version_public(v)
