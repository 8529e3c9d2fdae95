"""HTTP routes of the plans service: /plans/regions/{region}/…"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response, status
from sqlalchemy import and_, func, or_, select

from kraftsamla_common.auth import EDITORS, EditScope, ReadScope, Role, Scope, region_scope
from kraftsamla_common.errors import Conflict, NotFound, Problem, Unprocessable
from kraftsamla_common.events import (
    ActionPlanContent,
    ActionPlanPublished,
    Adoption,
    Code,
    IndicatorMeasured,
    LocalizedText,
    LocalPlanContent,
    LocalPlanPublished,
    ProgrammeAdopted,
    ProgrammeCreated,
    ProgrammeState,
    ProgrammeUpdated,
    StrengthAreaSnapshot,
    new_id,
    utcnow,
)
from kraftsamla_common.service import PageDep, UowDep

from . import domain
from .models import (
    ActionPlan,
    ActionPlanVersion,
    IndicatorMeasurement,
    KnownActor,
    KnownEngagement,
    LocalPlan,
    LocalPlanVersion,
    Programme,
    StrengthArea,
)
from .schemas import (
    ActionPlanPublic,
    ActionPlansPublic,
    ActionPlanSummary,
    ActionPlanVersionPublic,
    ActionPlanVersionsPublic,
    ActorRef,
    Alignment,
    Checklist,
    LocalPlanAlignment,
    LocalPlanPublic,
    LocalPlansPublic,
    LocalPlanSummary,
    LocalPlanVersionPublic,
    LocalPlanVersionsPublic,
    MeasurementCorrection,
    MeasurementCreate,
    MeasurementPublic,
    MeasurementsPublic,
    PlanDiff,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammesPublic,
    ProgrammeUpdate,
    PublishRequest,
    ReviewStatus,
    StrengthAreaCreate,
    StrengthAreaPublic,
    StrengthAreaUpdate,
)

router = APIRouter(prefix="/plans/regions/{region}", tags=["plans"])

LeadScope = Annotated[Scope, Depends(region_scope(*EDITORS, Role.ASSESSOR))]
"""Region administrators and process leaders (assessors), who follow up the plans day to day."""

IfMatch = Annotated[str | None, Header(description="ETag of the object this edit is based on")]


def _require_match(if_match: str | None, current: str) -> None:
    """Optimistic concurrency: a write must name the revision it was based on."""
    if if_match is None:
        raise Problem(428, "Precondition Required", "Send the ETag you read in If-Match.")
    if if_match != current:
        raise Problem(
            412, "Precondition Failed", "It was changed by someone else since you read it; read it again."
        )


def _text(value: dict[str, Any] | None) -> LocalizedText | None:
    return LocalizedText.model_validate(value) if value else None


async def _known_names(uow: UowDep, region: str, ids: Sequence[str | None]) -> dict[str, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = await uow.session.execute(
        select(KnownActor.id, KnownActor.name).where(KnownActor.region == region, KnownActor.id.in_(wanted))
    )
    return dict(rows.tuples().all())


# --------------------------------------------------------------------------- programmes


async def _programme(uow: UowDep, region: str, programme_id: UUID) -> Programme:
    p = await uow.session.get(Programme, str(programme_id))
    if p is None or p.region != region:
        raise NotFound("Programme", programme_id)
    return p


async def _areas(uow: UowDep, programme_ids: Sequence[str]) -> list[tuple[StrengthArea, ActionPlan]]:
    rows = await uow.session.execute(
        select(StrengthArea, ActionPlan)
        .join(ActionPlan, ActionPlan.strength_area_id == StrengthArea.id)
        .where(StrengthArea.programme_id.in_(programme_ids))
        .order_by(StrengthArea.code)
    )
    return [(sa, plan) for sa, plan in rows.tuples().all()]


def _snapshot(sa: StrengthArea) -> StrengthAreaSnapshot:
    return StrengthAreaSnapshot(
        id=UUID(sa.id),
        code=sa.code,
        name=LocalizedText.model_validate(sa.name),
        description=_text(sa.description),
        process_leader_id=UUID(sa.process_leader_id) if sa.process_leader_id else None,
        nace_codes=sa.nace_codes,
        sdgs=sa.sdgs,
    )


def _adoption(p: Programme) -> Adoption | None:
    if p.adopted_on is None or p.adopted_by is None:
        return None
    return Adoption(adopted_on=p.adopted_on, body=p.adopted_by, paragraph=p.adoption_paragraph)


def _programme_event(
    kind: type[ProgrammeState], p: Programme, areas: Sequence[StrengthArea]
) -> ProgrammeState:
    return kind(
        programme_id=UUID(p.id),
        title=p.title,
        reference=p.reference,
        period_start=p.period_start,
        period_end=p.period_end,
        vision=_text(p.vision),
        adoption=_adoption(p),
        strength_areas=[_snapshot(a) for a in areas],
    )


async def _programmes_public(uow: UowDep, programmes: Sequence[Programme]) -> list[ProgrammePublic]:
    rows = await _areas(uow, [p.id for p in programmes])
    names = (
        await _known_names(uow, programmes[0].region, [sa.process_leader_id for sa, _ in rows])
        if programmes
        else {}
    )
    out = []
    for p in programmes:
        out.append(
            ProgrammePublic(
                id=UUID(p.id),
                region=p.region,
                title=p.title,
                reference=p.reference,
                period_start=p.period_start,
                period_end=p.period_end,
                vision=_text(p.vision),
                status="adopted" if p.adopted_on else "draft",
                adoption=_adoption(p),
                revision=p.revision,
                created_at=p.created_at,
                updated_at=p.updated_at,
                strength_areas=[
                    StrengthAreaPublic(
                        id=UUID(sa.id),
                        programme_id=UUID(p.id),
                        code=sa.code,
                        name=LocalizedText.model_validate(sa.name),
                        description=_text(sa.description),
                        process_leader=ActorRef(
                            id=UUID(sa.process_leader_id), name=names.get(sa.process_leader_id)
                        )
                        if sa.process_leader_id
                        else None,
                        nace_codes=sa.nace_codes,
                        sdgs=sa.sdgs,
                        action_plan_id=UUID(plan.id),
                    )
                    for sa, plan in rows
                    if sa.programme_id == p.id
                ],
            )
        )
    return out


async def _one_public(uow: UowDep, p: Programme, response: Response | None = None) -> ProgrammePublic:
    if response is not None:
        response.headers["ETag"] = domain.etag(p.id, p.revision)
    return (await _programmes_public(uow, [p]))[0]


def _new_area(
    region: str, programme_id: str, body: StrengthAreaCreate, now: Any
) -> tuple[StrengthArea, ActionPlan]:
    area = StrengthArea(
        id=str(new_id()),
        region=region,
        programme_id=programme_id,
        code=body.code,
        name=body.name.model_dump(exclude_none=True),
        description=body.description.model_dump(exclude_none=True) if body.description else None,
        process_leader_id=str(body.process_leader_id) if body.process_leader_id else None,
        nace_codes=body.nace_codes,
        sdgs=body.sdgs,
    )
    plan = ActionPlan(
        id=str(new_id()),
        region=region,
        strength_area_id=area.id,
        draft=ActionPlanContent().model_dump(mode="json"),
        draft_revision=1,
        current_version=0,
        created_at=now,
        updated_at=now,
    )
    return area, plan


@router.post("/programmes", status_code=status.HTTP_201_CREATED, response_model=ProgrammePublic)
async def create_programme(
    body: ProgrammeCreate, scope: EditScope, uow: UowDep, response: Response
) -> ProgrammePublic:
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
        revision=1,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(programme)
    await uow.session.flush()
    pairs = [_new_area(scope.region, programme.id, sa, now) for sa in body.strength_areas]
    uow.session.add_all([a for a, _ in pairs])
    await uow.session.flush()
    uow.session.add_all([p for _, p in pairs])
    await uow.session.flush()
    uow.emit(
        _programme_event(ProgrammeCreated, programme, [a for a, _ in pairs]),
        region=scope.region,
        subject=programme.id,
    )
    result = await _one_public(uow, programme, response)
    await uow.commit()
    return result


@router.get("/programmes", response_model=ProgrammesPublic)
async def list_programmes(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    year: Annotated[int | None, Query(description="Only programmes whose period covers this year")] = None,
    status_: Annotated[Literal["draft", "adopted"] | None, Query(alias="status")] = None,
) -> ProgrammesPublic:
    where = [Programme.region == scope.region]
    if year is not None:
        where += [Programme.period_start <= year, Programme.period_end >= year]
    if status_ == "adopted":
        where.append(Programme.adopted_on.is_not(None))
    elif status_ == "draft":
        where.append(Programme.adopted_on.is_(None))
    total = await uow.session.scalar(select(func.count()).select_from(Programme).where(*where))
    programmes = (
        await uow.session.scalars(
            select(Programme)
            .where(*where)
            .order_by(Programme.created_at, Programme.id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    return ProgrammesPublic(data=await _programmes_public(uow, programmes), count=total or 0)


@router.get("/programmes/{programme_id}", response_model=ProgrammePublic)
async def get_programme(
    programme_id: UUID, scope: ReadScope, uow: UowDep, response: Response
) -> ProgrammePublic:
    """The programme with its strength areas; its ETag guards edits of both."""
    return await _one_public(uow, await _programme(uow, scope.region, programme_id), response)


async def _announce_programme(
    uow: UowDep, p: Programme, kind: type[ProgrammeState] = ProgrammeUpdated
) -> None:
    p.revision += 1
    p.updated_at = utcnow()
    await uow.session.flush()
    areas = [sa for sa, _ in await _areas(uow, [p.id])]
    uow.emit(_programme_event(kind, p, areas), region=p.region, subject=p.id)


@router.patch("/programmes/{programme_id}", response_model=ProgrammePublic)
async def update_programme(
    programme_id: UUID,
    body: ProgrammeUpdate,
    scope: EditScope,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProgrammePublic:
    """Change the title, reference, period or vision. Send the programme's ETag in If-Match."""
    p = await _programme(uow, scope.region, programme_id)
    _require_match(if_match, domain.etag(p.id, p.revision))
    changes = body.model_dump(exclude_unset=True)
    if "title" in changes and body.title is None:
        raise Unprocessable(
            "A programme needs a title.", [{"pointer": "/title", "message": "cannot be null"}]
        )
    start = changes.get("period_start") or p.period_start
    end = changes.get("period_end") or p.period_end
    if end < start:
        raise Unprocessable(
            "The period ends before it starts.",
            [{"pointer": "/period_end", "message": "before period_start"}],
        )
    for key, value in changes.items():
        setattr(
            p, key, body.vision.model_dump(exclude_none=True) if key == "vision" and body.vision else value
        )
    await _announce_programme(uow, p)
    result = await _one_public(uow, p, response)
    await uow.commit()
    return result


@router.post("/programmes/{programme_id}/adopt", response_model=ProgrammePublic)
async def adopt_programme(
    programme_id: UUID, body: Adoption, scope: EditScope, uow: UowDep, response: Response
) -> ProgrammePublic:
    """Record the programme's adoption: the date, the body that adopted it and the paragraph."""
    p = await _programme(uow, scope.region, programme_id)
    if p.adopted_on is not None:
        raise Conflict(f"The programme was already adopted on {p.adopted_on.isoformat()}.")
    p.adopted_on, p.adopted_by, p.adoption_paragraph = body.adopted_on, body.body, body.paragraph
    await _announce_programme(uow, p, ProgrammeAdopted)
    result = await _one_public(uow, p, response)
    await uow.commit()
    return result


@router.post(
    "/programmes/{programme_id}/strength-areas",
    status_code=status.HTTP_201_CREATED,
    response_model=ProgrammePublic,
)
async def add_strength_area(
    programme_id: UUID,
    body: StrengthAreaCreate,
    scope: EditScope,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProgrammePublic:
    """Add a strength area (with an empty action-plan draft). Send the programme's ETag in If-Match."""
    p = await _programme(uow, scope.region, programme_id)
    _require_match(if_match, domain.etag(p.id, p.revision))
    if any(sa.code == body.code for sa, _ in await _areas(uow, [p.id])):
        raise Conflict(f"The programme already has a strength area {body.code!r}.")
    area, plan = _new_area(scope.region, p.id, body, utcnow())
    uow.session.add(area)
    await uow.session.flush()
    uow.session.add(plan)
    await _announce_programme(uow, p)
    result = await _one_public(uow, p, response)
    await uow.commit()
    return result


@router.patch("/strength-areas/{strength_area_id}", response_model=ProgrammePublic)
async def update_strength_area(
    strength_area_id: UUID,
    body: StrengthAreaUpdate,
    scope: EditScope,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProgrammePublic:
    """Change a strength area's names, description, process leader or codes. If-Match: the programme's ETag."""
    area = await uow.session.get(StrengthArea, str(strength_area_id))
    if area is None or area.region != scope.region:
        raise NotFound("Strength area", strength_area_id)
    p = await _programme(uow, scope.region, UUID(area.programme_id))
    _require_match(if_match, domain.etag(p.id, p.revision))
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes and body.name is None:
        raise Unprocessable(
            "A strength area needs a name.", [{"pointer": "/name", "message": "cannot be null"}]
        )
    for key in changes:
        value = getattr(body, key)
        if isinstance(value, LocalizedText):
            value = value.model_dump(exclude_none=True)
        elif isinstance(value, UUID):
            value = str(value)
        setattr(area, key, value)
    await _announce_programme(uow, p)
    result = await _one_public(uow, p, response)
    await uow.commit()
    return result


@router.get("/programmes/{programme_id}/checklist", response_model=Checklist)
async def programme_checklist(programme_id: UUID, scope: ReadScope, uow: UowDep) -> Checklist:
    """EU enabling condition 1.1: each criterion with the evidence the platform holds, and what is missing."""
    p = await _programme(uow, scope.region, programme_id)
    rows = await _areas(uow, [p.id])
    published = await _published(uow, [plan for _, plan in rows])
    refs: list[str | None] = [sa.process_leader_id for sa, _ in rows]
    for content, _ in published.values():
        refs += [
            str(g) for g in (content.governance.steering_group_id, content.governance.partnership_id) if g
        ]
    names = await _known_names(uow, scope.region, refs)
    now = utcnow()
    since = now.date() - timedelta(days=365)
    tallies: dict[str, list[int]] = {}
    for e in (
        await uow.session.scalars(
            select(KnownEngagement).where(
                KnownEngagement.region == scope.region, KnownEngagement.held_on >= since
            )
        )
    ).all():
        for sa_id in e.strength_area_ids:
            tally = tallies.setdefault(sa_id, [0, 0])
            tally[0] += 1
            tally[1] += e.participations
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for g in (
        await uow.session.scalars(
            select(KnownActor)
            .where(KnownActor.region == scope.region, KnownActor.kind == "group")
            .order_by(KnownActor.name)
        )
    ).all():
        if g.strength_area_id and g.group_kind:
            groups.setdefault(g.strength_area_id, []).append((g.group_kind, g.id, g.name))
    state = domain.ProgrammeState(
        programme_id=UUID(p.id),
        title=p.title,
        adopted_by=p.adopted_by,
        adopted_on=p.adopted_on,
        paragraph=p.adoption_paragraph,
        areas=[
            domain.AreaState(
                strength_area_id=UUID(sa.id),
                code=sa.code,
                name=LocalizedText.model_validate(sa.name),
                process_leader_id=UUID(sa.process_leader_id) if sa.process_leader_id else None,
                nace_codes=sa.nace_codes,
                published=published.get(plan.id, (None, None))[0],
                published_at=published.get(plan.id, (None, None))[1],
                action_plan_id=UUID(plan.id),
                engagements=tallies.get(sa.id, [0, 0])[0],
                participations=tallies.get(sa.id, [0, 0])[1],
                groups=tuple(groups.get(sa.id, [])),
            )
            for sa, plan in rows
        ],
    )
    criteria = domain.checklist(state, lambda ident: names.get(str(ident)), now)
    return Checklist(
        programme_id=UUID(p.id),
        evaluated_at=now,
        criteria=criteria,
        met=sum(c.status == "met" for c in criteria),
    )


# --------------------------------------------------------------------------- action plans


async def _published(uow: UowDep, plans: Sequence[ActionPlan]) -> dict[str, tuple[ActionPlanContent, Any]]:
    """The current published content (and its time) of each plan that has one, by plan id."""
    wanted = [(p.id, p.current_version) for p in plans if p.current_version]
    if not wanted:
        return {}
    rows = await uow.session.execute(
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
    return {pid: (ActionPlanContent.model_validate(content), at) for pid, content, at in rows.tuples().all()}


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


def _review(plan: ActionPlan) -> ReviewStatus:
    return domain.review_status(plan.last_published_at, plan.created_at, plan.next_review, utcnow())


def _plan_public(plan: ActionPlan, area: StrengthArea) -> ActionPlanPublic:
    return ActionPlanPublic(
        id=UUID(plan.id),
        region=plan.region,
        programme_id=UUID(area.programme_id),
        strength_area_id=UUID(area.id),
        strength_area_code=area.code,
        strength_area_name=LocalizedText.model_validate(area.name),
        draft=ActionPlanContent.model_validate(plan.draft),
        draft_revision=plan.draft_revision,
        current_version=plan.current_version,
        review=_review(plan),
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
    where: list[Any] = [ActionPlan.region == scope.region]
    if programme_id is not None:
        where.append(StrengthArea.programme_id == str(programme_id))
    if strength_area is not None:
        where.append(StrengthArea.code == strength_area)
    if overdue is not None:
        now = utcnow()
        late = or_(
            and_(ActionPlan.next_review.is_not(None), ActionPlan.next_review < now.date()),
            func.coalesce(ActionPlan.last_published_at, ActionPlan.created_at)
            < now - domain.REVISION_INTERVAL,
        )
        where.append(late if overdue else ~late)
    query = (
        select(ActionPlan, StrengthArea)
        .join(StrengthArea, ActionPlan.strength_area_id == StrengthArea.id)
        .where(*where)
    )
    total = await uow.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = (
        (
            await uow.session.execute(
                query.order_by(StrengthArea.programme_id, StrengthArea.code)
                .limit(page.limit)
                .offset(page.offset)
            )
        )
        .tuples()
        .all()
    )
    return ActionPlansPublic(
        data=[
            ActionPlanSummary(
                id=UUID(plan.id),
                programme_id=UUID(area.programme_id),
                strength_area_id=UUID(area.id),
                strength_area_code=area.code,
                strength_area_name=LocalizedText.model_validate(area.name),
                current_version=plan.current_version,
                draft_revision=plan.draft_revision,
                review=_review(plan),
                updated_at=plan.updated_at,
            )
            for plan, area in rows
        ],
        count=total or 0,
    )


@router.get("/action-plans/{plan_id}", response_model=ActionPlanPublic)
async def get_action_plan(
    plan_id: UUID, scope: ReadScope, uow: UowDep, response: Response
) -> ActionPlanPublic:
    """The action plan's draft and review status; its ETag is the draft revision to send back in If-Match."""
    plan, area = await _plan(uow, scope.region, plan_id)
    response.headers["ETag"] = domain.etag(plan.id, plan.draft_revision)
    return _plan_public(plan, area)


@router.put("/action-plans/{plan_id}/draft", response_model=ActionPlanPublic)
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
    plan, area = await _plan(uow, scope.region, plan_id)
    _require_match(if_match, domain.etag(plan.id, plan.draft_revision))
    errors = domain.content_errors(body)
    if errors:
        raise Unprocessable("The draft contradicts itself.", errors)
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
    plan_id: UUID,
    scope: EditScope,
    uow: UowDep,
    body: PublishRequest | None = None,
    if_match: IfMatch = None,
) -> ActionPlanVersionPublic:
    """Freeze the draft as the next numbered version and announce it with its whole content.

    Send the draft's ETag in If-Match to publish exactly the draft you read: if it was saved
    again since, the answer is 412 and nothing is published."""
    plan, area = await _plan(uow, scope.region, plan_id)
    if if_match is not None:
        _require_match(if_match, domain.etag(plan.id, plan.draft_revision))
    draft = ActionPlanContent.model_validate(plan.draft)
    now = utcnow()
    errors = domain.publish_errors(draft, now.date())
    if errors:
        raise Unprocessable("The draft cannot be published.", errors)
    programme = await uow.session.get(Programme, area.programme_id)
    assert programme is not None
    version = ActionPlanVersion(
        id=str(new_id()),
        region=scope.region,
        action_plan_id=plan.id,
        number=plan.current_version + 1,
        content=draft.model_dump(mode="json"),
        note=body.note if body else None,
        published_at=now,
        published_by=scope.principal.name,
        next_review=draft.next_review,
    )
    uow.session.add(version)
    plan.current_version = version.number
    plan.last_published_at, plan.next_review = now, draft.next_review
    uow.emit(
        ActionPlanPublished(
            programme_id=UUID(programme.id),
            programme_title=programme.title,
            action_plan_id=UUID(plan.id),
            strength_area=_snapshot(area),
            version=version.number,
            published_at=now,
            published_by=scope.principal.name,
            plan=draft,
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
        content=ActionPlanContent.model_validate(v.content),
        note=v.note,
        published_at=v.published_at,
        published_by=v.published_by,
    )


@router.get("/action-plans/{plan_id}/versions", response_model=ActionPlanVersionsPublic)
async def list_versions(
    plan_id: UUID, scope: ReadScope, uow: UowDep, page: PageDep
) -> ActionPlanVersionsPublic:
    plan, _ = await _plan(uow, scope.region, plan_id)
    versions = (
        await uow.session.scalars(
            select(ActionPlanVersion)
            .where(ActionPlanVersion.action_plan_id == plan.id)
            .order_by(ActionPlanVersion.number)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    return ActionPlanVersionsPublic(data=[_version_public(v) for v in versions], count=plan.current_version)


async def _version(uow: UowDep, plan: ActionPlan, number: int) -> ActionPlanVersion:
    v = await uow.session.scalar(
        select(ActionPlanVersion).where(
            ActionPlanVersion.action_plan_id == plan.id, ActionPlanVersion.number == number
        )
    )
    if v is None:
        raise NotFound("Version", number)
    return v


@router.get("/action-plans/{plan_id}/versions/{number}", response_model=ActionPlanVersionPublic)
async def get_version(plan_id: UUID, number: int, scope: ReadScope, uow: UowDep) -> ActionPlanVersionPublic:
    plan, _ = await _plan(uow, scope.region, plan_id)
    return _version_public(await _version(uow, plan, number))


VersionSelector = Annotated[str, Query(pattern=r"^(\d+|draft)$", description="A version number, or 'draft'")]


@router.get("/action-plans/{plan_id}/diff", response_model=PlanDiff)
async def diff_versions(
    plan_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    from_: Annotated[
        str, Query(alias="from", pattern=r"^(\d+|draft)$", description="A version number, or 'draft'")
    ],
    to: VersionSelector = "draft",
) -> PlanDiff:
    """What changed between two versions (or a version and the draft): priorities, sub-goals and
    initiatives added, removed and changed, field by field, and which other sections differ."""
    plan, _ = await _plan(uow, scope.region, plan_id)

    async def content(selector: str) -> ActionPlanContent:
        if selector == "draft":
            return ActionPlanContent.model_validate(plan.draft)
        return ActionPlanContent.model_validate((await _version(uow, plan, int(selector))).content)

    d = domain.diff(await content(from_), await content(to))
    return PlanDiff(
        action_plan_id=UUID(plan.id),
        from_version="draft" if from_ == "draft" else int(from_),
        to_version="draft" if to == "draft" else int(to),
        priorities=d.priorities,
        sub_goals=d.sub_goals,
        initiatives=d.initiatives,
        sections_changed=d.sections_changed,
    )


# --------------------------------------------------------------------------- indicator measurements


async def _measurement(uow: UowDep, plan: ActionPlan, measurement_id: UUID) -> IndicatorMeasurement:
    m = await uow.session.get(IndicatorMeasurement, str(measurement_id))
    if m is None or m.action_plan_id != plan.id:
        raise NotFound("Measurement", measurement_id)
    return m


def _measurement_fields(m: IndicatorMeasurement, area: StrengthArea) -> dict[str, Any]:
    """What the API answers and the event announces of a measurement alike."""
    return {
        "action_plan_id": UUID(m.action_plan_id),
        "strength_area_id": UUID(area.id),
        "sub_goal_id": m.sub_goal_id,
        "year": m.year,
        "value": m.value,
        "measured_on": m.measured_on,
        "source": m.source,
        "note": m.note,
        "recorded_by": m.recorded_by,
    }


def _measurement_public(m: IndicatorMeasurement, area: StrengthArea) -> MeasurementPublic:
    return MeasurementPublic(
        id=UUID(m.id), created_at=m.created_at, updated_at=m.updated_at, **_measurement_fields(m, area)
    )


def _measurement_event(
    m: IndicatorMeasurement, area: StrengthArea, *, deleted: bool = False
) -> IndicatorMeasured:
    return IndicatorMeasured(measurement_id=UUID(m.id), deleted=deleted, **_measurement_fields(m, area))


def _measured(m: IndicatorMeasurement, body: MeasurementCreate | MeasurementCorrection, scope: Scope) -> None:
    m.value, m.measured_on, m.source, m.note = body.value, body.measured_on, body.source, body.note
    m.recorded_by, m.updated_at = scope.principal.name, utcnow()


@router.post(
    "/action-plans/{plan_id}/measurements",
    status_code=status.HTTP_201_CREATED,
    response_model=MeasurementPublic,
    responses={
        200: {"model": MeasurementPublic, "description": "A value for that sub-goal and year was corrected"}
    },
)
async def record_measurement(
    plan_id: UUID, body: MeasurementCreate, scope: LeadScope, uow: UowDep, response: Response
) -> MeasurementPublic:
    """Record a value of a sub-goal's indicator for a year (201). The sub-goal must be one of the
    plan's latest published version. A value already recorded for that sub-goal and year is
    corrected instead (200): one value per sub-goal and year. Announced as
    ``plans.indicator.measured.v1``."""
    plan, area = await _plan(uow, scope.region, plan_id)
    published = (await _published(uow, [plan])).get(plan.id)
    errors = domain.measurement_errors(published[0] if published else None, body.sub_goal_id)
    if errors:
        raise Unprocessable("The measurement cannot be recorded.", errors)
    m = await uow.session.scalar(
        select(IndicatorMeasurement).where(
            IndicatorMeasurement.action_plan_id == plan.id,
            IndicatorMeasurement.sub_goal_id == body.sub_goal_id,
            IndicatorMeasurement.year == body.year,
        )
    )
    if m is None:
        m = IndicatorMeasurement(
            id=str(new_id()),
            region=scope.region,
            action_plan_id=plan.id,
            sub_goal_id=body.sub_goal_id,
            year=body.year,
            created_at=utcnow(),
        )
        uow.session.add(m)
    else:
        response.status_code = status.HTTP_200_OK
    _measured(m, body, scope)
    uow.emit(_measurement_event(m, area), region=scope.region, subject=m.id)
    await uow.commit()
    return _measurement_public(m, area)


@router.get("/action-plans/{plan_id}/measurements", response_model=MeasurementsPublic)
async def list_measurements(
    plan_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    sub_goal_id: Annotated[Code | None, Query(description="Only this sub-goal's values")] = None,
) -> MeasurementsPublic:
    """The values measured for the plan's sub-goals, by sub-goal and year."""
    plan, area = await _plan(uow, scope.region, plan_id)
    where = [IndicatorMeasurement.action_plan_id == plan.id]
    if sub_goal_id is not None:
        where.append(IndicatorMeasurement.sub_goal_id == sub_goal_id)
    total = await uow.session.scalar(select(func.count()).select_from(IndicatorMeasurement).where(*where))
    rows = (
        await uow.session.scalars(
            select(IndicatorMeasurement)
            .where(*where)
            .order_by(IndicatorMeasurement.sub_goal_id, IndicatorMeasurement.year)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    return MeasurementsPublic(data=[_measurement_public(m, area) for m in rows], count=total or 0)


@router.get("/action-plans/{plan_id}/measurements/{measurement_id}", response_model=MeasurementPublic)
async def get_measurement(
    plan_id: UUID, measurement_id: UUID, scope: ReadScope, uow: UowDep
) -> MeasurementPublic:
    plan, area = await _plan(uow, scope.region, plan_id)
    return _measurement_public(await _measurement(uow, plan, measurement_id), area)


@router.put("/action-plans/{plan_id}/measurements/{measurement_id}", response_model=MeasurementPublic)
async def correct_measurement(
    plan_id: UUID, measurement_id: UUID, body: MeasurementCorrection, scope: LeadScope, uow: UowDep
) -> MeasurementPublic:
    """Correct a measurement's value, date, source and note (replaced whole); its sub-goal and year
    stay. Announced as ``plans.indicator.measured.v1``."""
    plan, area = await _plan(uow, scope.region, plan_id)
    m = await _measurement(uow, plan, measurement_id)
    _measured(m, body, scope)
    uow.emit(_measurement_event(m, area), region=scope.region, subject=m.id)
    await uow.commit()
    return _measurement_public(m, area)


@router.delete(
    "/action-plans/{plan_id}/measurements/{measurement_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def withdraw_measurement(
    plan_id: UUID, measurement_id: UUID, scope: LeadScope, uow: UowDep
) -> Response:
    """Withdraw a measurement recorded in error; announced with ``deleted``."""
    plan, area = await _plan(uow, scope.region, plan_id)
    m = await _measurement(uow, plan, measurement_id)
    uow.emit(_measurement_event(m, area, deleted=True), region=scope.region, subject=m.id)
    await uow.session.delete(m)
    await uow.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------- local plans


async def _regional(uow: UowDep, region: str) -> dict[UUID, domain.RegionalPlan]:
    """Every strength area of the region with its action plan (published and draft)."""
    rows = (
        (
            await uow.session.execute(
                select(StrengthArea, ActionPlan)
                .join(ActionPlan, ActionPlan.strength_area_id == StrengthArea.id)
                .where(StrengthArea.region == region)
            )
        )
        .tuples()
        .all()
    )
    published = await _published(uow, [plan for _, plan in rows])
    return {
        UUID(sa.id): domain.RegionalPlan(
            strength_area_id=UUID(sa.id),
            code=sa.code,
            published=published[plan.id][0] if plan.id in published else None,
            draft=ActionPlanContent.model_validate(plan.draft),
        )
        for sa, plan in rows
    }


async def _check_local(uow: UowDep, region: str, body: LocalPlanContent, detail: str) -> None:
    errors = domain.local_plan_errors(body, await _regional(uow, region))
    if errors:
        raise Unprocessable(detail, errors)


async def _local(uow: UowDep, region: str, local_plan_id: UUID) -> LocalPlan:
    lp = await uow.session.get(LocalPlan, str(local_plan_id))
    if lp is None or lp.region != region:
        raise NotFound("Local plan", local_plan_id)
    return lp


def _local_public(lp: LocalPlan) -> LocalPlanPublic:
    return LocalPlanPublic(
        id=UUID(lp.id),
        region=lp.region,
        draft=LocalPlanContent.model_validate(lp.draft),
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
    await _check_local(uow, scope.region, body, "The local plan cannot be saved.")
    now = utcnow()
    lp = LocalPlan(
        id=str(new_id()),
        region=scope.region,
        draft=body.model_dump(mode="json"),
        draft_revision=1,
        current_version=0,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(lp)
    await uow.commit()
    response.headers["ETag"] = domain.etag(lp.id, lp.draft_revision)
    return _local_public(lp)


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
    plans = (
        await uow.session.scalars(
            select(LocalPlan)
            .where(LocalPlan.region == scope.region)
            .order_by(LocalPlan.created_at, LocalPlan.id)
        )
    ).all()
    items = []
    for lp in plans:
        content = LocalPlanContent.model_validate(lp.draft)
        if municipality and municipality not in content.municipalities:
            continue
        if q and q.lower() not in f"{content.title} {content.owner}".lower():
            continue
        items.append(
            LocalPlanSummary(
                id=UUID(lp.id),
                title=content.title,
                owner=content.owner,
                municipalities=content.municipalities,
                current_version=lp.current_version,
                updated_at=lp.updated_at,
            )
        )
    return LocalPlansPublic(data=page.slice(items), count=len(items))


@router.get("/local-plans/{local_plan_id}", response_model=LocalPlanPublic)
async def get_local_plan(
    local_plan_id: UUID, scope: ReadScope, uow: UowDep, response: Response
) -> LocalPlanPublic:
    lp = await _local(uow, scope.region, local_plan_id)
    response.headers["ETag"] = domain.etag(lp.id, lp.draft_revision)
    return _local_public(lp)


@router.put("/local-plans/{local_plan_id}/draft", response_model=LocalPlanPublic)
async def replace_local_draft(
    local_plan_id: UUID,
    body: LocalPlanContent,
    scope: EditScope,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> LocalPlanPublic:
    lp = await _local(uow, scope.region, local_plan_id)
    _require_match(if_match, domain.etag(lp.id, lp.draft_revision))
    await _check_local(uow, scope.region, body, "The local plan cannot be saved.")
    lp.draft = body.model_dump(mode="json")
    lp.draft_revision += 1
    lp.updated_at = utcnow()
    await uow.commit()
    response.headers["ETag"] = domain.etag(lp.id, lp.draft_revision)
    return _local_public(lp)


def _local_version_public(v: LocalPlanVersion) -> LocalPlanVersionPublic:
    return LocalPlanVersionPublic(
        local_plan_id=UUID(v.local_plan_id),
        number=v.number,
        content=LocalPlanContent.model_validate(v.content),
        note=v.note,
        published_at=v.published_at,
        published_by=v.published_by,
    )


@router.post(
    "/local-plans/{local_plan_id}/publish",
    status_code=status.HTTP_201_CREATED,
    response_model=LocalPlanVersionPublic,
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
    lp = await _local(uow, scope.region, local_plan_id)
    if if_match is not None:
        _require_match(if_match, domain.etag(lp.id, lp.draft_revision))
    content = LocalPlanContent.model_validate(lp.draft)
    await _check_local(uow, scope.region, content, "The local plan cannot be published.")
    now = utcnow()
    version = LocalPlanVersion(
        id=str(new_id()),
        region=scope.region,
        local_plan_id=lp.id,
        number=lp.current_version + 1,
        content=content.model_dump(mode="json"),
        note=body.note if body else None,
        published_at=now,
        published_by=scope.principal.name,
    )
    uow.session.add(version)
    lp.current_version = version.number
    uow.emit(
        LocalPlanPublished(
            local_plan_id=UUID(lp.id),
            version=version.number,
            published_at=now,
            published_by=scope.principal.name,
            plan=content,
        ),
        region=scope.region,
        subject=lp.id,
    )
    await uow.commit()
    return _local_version_public(version)


@router.get("/local-plans/{local_plan_id}/versions", response_model=LocalPlanVersionsPublic)
async def list_local_versions(
    local_plan_id: UUID, scope: ReadScope, uow: UowDep, page: PageDep
) -> LocalPlanVersionsPublic:
    lp = await _local(uow, scope.region, local_plan_id)
    versions = (
        await uow.session.scalars(
            select(LocalPlanVersion)
            .where(LocalPlanVersion.local_plan_id == lp.id)
            .order_by(LocalPlanVersion.number)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    return LocalPlanVersionsPublic(
        data=[_local_version_public(v) for v in versions], count=lp.current_version
    )


@router.get("/local-plans/{local_plan_id}/versions/{number}", response_model=LocalPlanVersionPublic)
async def get_local_version(
    local_plan_id: UUID, number: int, scope: ReadScope, uow: UowDep
) -> LocalPlanVersionPublic:
    lp = await _local(uow, scope.region, local_plan_id)
    v = await uow.session.scalar(
        select(LocalPlanVersion).where(
            LocalPlanVersion.local_plan_id == lp.id, LocalPlanVersion.number == number
        )
    )
    if v is None:
        raise NotFound("Version", number)
    return _local_version_public(v)


async def _local_views(
    uow: UowDep, plans: Sequence[LocalPlan], include_drafts: bool
) -> list[domain.LocalPlanView]:
    """Each plan's latest published version; its draft when it has none and drafts are wanted."""
    current = [
        and_(LocalPlanVersion.local_plan_id == lp.id, LocalPlanVersion.number == lp.current_version)
        for lp in plans
        if lp.current_version
    ]
    published: dict[str, Any] = {}
    if current:
        rows = await uow.session.execute(
            select(LocalPlanVersion.local_plan_id, LocalPlanVersion.content).where(or_(*current))
        )
        published = dict(rows.tuples().all())
    views = []
    for lp in plans:
        if lp.id in published:
            views.append(
                domain.LocalPlanView(
                    UUID(lp.id), lp.current_version, LocalPlanContent.model_validate(published[lp.id])
                )
            )
        elif include_drafts:
            views.append(
                domain.LocalPlanView(UUID(lp.id), "draft", LocalPlanContent.model_validate(lp.draft))
            )
    return views


IncludeDrafts = Annotated[bool, Query(description="Count local plans never published, by their drafts")]


@router.get("/alignment", response_model=Alignment)
async def region_alignment(scope: ReadScope, uow: UowDep, include_drafts: IncludeDrafts = False) -> Alignment:
    """Local plans against the region's current published action plans, both ways: local actions that
    serve no regional priority, and regional priorities that no local plan serves."""
    plans = (
        await uow.session.scalars(
            select(LocalPlan).where(LocalPlan.region == scope.region).order_by(LocalPlan.created_at)
        )
    ).all()
    views = await _local_views(uow, plans, include_drafts)
    return domain.alignment(await _regional(uow, scope.region), views, utcnow().date())


@router.get("/local-plans/{local_plan_id}/alignment", response_model=LocalPlanAlignment)
async def local_plan_alignment(
    local_plan_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    version: Annotated[
        Literal["published", "draft"], Query(description="Align the latest published version or the draft")
    ] = "published",
) -> LocalPlanAlignment:
    """One local plan's actions against the region's current published priorities."""
    lp = await _local(uow, scope.region, local_plan_id)
    if version == "draft":
        views = [domain.LocalPlanView(UUID(lp.id), "draft", LocalPlanContent.model_validate(lp.draft))]
    else:
        views = await _local_views(uow, [lp], include_drafts=False)
        if not views:
            raise Conflict("The local plan has no published version yet; ask for version=draft.")
    return domain.alignment(await _regional(uow, scope.region), views, utcnow().date()).local_plans[0]
