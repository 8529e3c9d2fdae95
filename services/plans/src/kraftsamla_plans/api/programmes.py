"""Programmes, their strength areas, their adoption and the EU enabling condition 1.1 checklist."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query, Response, status

from kraftsamla_common.auth import EditScope, ReadScope
from kraftsamla_common.bounds import FIRST_YEAR, LAST_YEAR
from kraftsamla_common.events import Adoption, LocalizedText
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..domain.documents import etag
from ..schemas import (
    ActorRefPublic,
    ChecklistPublic,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammesPublic,
    ProgrammeUpdate,
    StrengthAreaCreate,
    StrengthAreaPublic,
    StrengthAreaUpdate,
)
from ..usecases import programmes
from ..usecases.programmes import ProgrammeView, adoption, text
from .params import NEEDS_MATCH, IfMatch

router = region_router("plans")


def _public(view: ProgrammeView, response: Response | None = None) -> ProgrammePublic:
    """The programme with its strength areas; its ETag (on ``response``) guards edits of both."""
    p, names = view.programme, view.names
    if response is not None:
        response.headers["ETag"] = etag(p.id, p.revision)
    return ProgrammePublic(
        id=UUID(p.id),
        region=p.region,
        title=p.title,
        reference=p.reference,
        period_start=p.period_start,
        period_end=p.period_end,
        vision=text(p.vision),
        status="adopted" if p.adopted_on else "draft",
        adoption=adoption(p),
        revision=p.revision,
        created_at=p.created_at,
        updated_at=p.updated_at,
        strength_areas=[
            StrengthAreaPublic(
                id=UUID(sa.id),
                programme_id=UUID(p.id),
                code=sa.code,
                name=LocalizedText.model_validate(sa.name),
                description=text(sa.description),
                process_leader=ActorRefPublic(
                    id=UUID(sa.process_leader_id), name=names.get(sa.process_leader_id)
                )
                if sa.process_leader_id
                else None,
                nace_codes=sa.nace_codes,
                sdgs=sa.sdgs,
                action_plan_id=UUID(plan.id),
            )
            for sa, plan in view.areas
        ],
    )


@router.post("/programmes", status_code=status.HTTP_201_CREATED, response_model=ProgrammePublic)
async def create_programme(
    body: ProgrammeCreate, scope: EditScope, uow: UowDep, response: Response
) -> ProgrammePublic:
    """Create a programme with its strength areas; each strength area gets an empty action-plan draft."""
    return _public(await programmes.create_programme(uow, body), response)


@router.get("/programmes", response_model=ProgrammesPublic)
async def list_programmes(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    year: Annotated[
        int | None,
        Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Only programmes whose period covers this year"),
    ] = None,
    status_: Annotated[Literal["draft", "adopted"] | None, Query(alias="status")] = None,
) -> ProgrammesPublic:
    views, total = await programmes.list_programmes(uow, year=year, status=status_, page=page)
    return ProgrammesPublic(data=[_public(v) for v in views], count=total)


@router.get("/programmes/{programme_id}", response_model=ProgrammePublic)
async def get_programme(
    programme_id: UUID, scope: ReadScope, uow: UowDep, response: Response
) -> ProgrammePublic:
    """The programme with its strength areas; its ETag guards edits of both."""
    return _public(await programmes.get_programme(uow, programme_id), response)


@router.patch("/programmes/{programme_id}", response_model=ProgrammePublic, responses=NEEDS_MATCH)
async def update_programme(
    programme_id: UUID,
    body: ProgrammeUpdate,
    scope: EditScope,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProgrammePublic:
    """Change the title, reference, period or vision. Send the programme's ETag in If-Match."""
    return _public(await programmes.update_programme(uow, programme_id, body, if_match=if_match), response)


@router.post("/programmes/{programme_id}/adopt", response_model=ProgrammePublic)
async def adopt_programme(
    programme_id: UUID, body: Adoption, scope: EditScope, uow: UowDep, response: Response
) -> ProgrammePublic:
    """Record the programme's adoption: the date, the body that adopted it and the paragraph."""
    return _public(await programmes.adopt_programme(uow, programme_id, body), response)


@router.post(
    "/programmes/{programme_id}/strength-areas",
    status_code=status.HTTP_201_CREATED,
    response_model=ProgrammePublic,
    responses=NEEDS_MATCH,
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
    return _public(await programmes.add_strength_area(uow, programme_id, body, if_match=if_match), response)


@router.patch("/strength-areas/{strength_area_id}", response_model=ProgrammePublic, responses=NEEDS_MATCH)
async def update_strength_area(
    strength_area_id: UUID,
    body: StrengthAreaUpdate,
    scope: EditScope,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProgrammePublic:
    """Change a strength area's names, description, process leader or codes. If-Match: the programme's ETag."""
    view = await programmes.update_strength_area(uow, strength_area_id, body, if_match=if_match)
    return _public(view, response)


@router.get("/programmes/{programme_id}/checklist", response_model=ChecklistPublic)
async def programme_checklist(programme_id: UUID, scope: ReadScope, uow: UowDep) -> ChecklistPublic:
    """EU enabling condition 1.1: each criterion with the evidence the platform holds, and what is missing."""
    evaluated = await programmes.read_checklist(uow, programme_id)
    return ChecklistPublic(
        **evaluated.model_dump(),
        met=sum(c.status == "met" for c in evaluated.criteria),
    )
