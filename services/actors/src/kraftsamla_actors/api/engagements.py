"""Engagements with the region's actors, and participation in them over a period."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Response, status

from kraftsamla_common.auth import LeadScope, ReadScope
from kraftsamla_common.events import EngagementKind, utcnow
from kraftsamla_common.exports import TABLE_RESPONSES, FormatPath, ReaderLanguage, table_response
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..adapters.exports import engagements_table
from ..domain.participation import Participation
from ..schemas import (
    AreaParticipationPublic,
    EngagementCreate,
    EngagementPublic,
    EngagementsPublic,
    ParticipantPublic,
    ParticipationFiguresPublic,
    ParticipationPublic,
)
from ..usecases import engagements
from ..usecases.engagements import EngagementRow
from .params import FromQuery, ToQuery

router = region_router("actors")


def _engagement_public(row: EngagementRow) -> EngagementPublic:
    e, people = row.engagement, row.participants
    return EngagementPublic(
        id=UUID(e.id),
        kind=e.kind,  # type: ignore[arg-type]
        title=e.title,
        held_on=e.held_on,
        strength_area_ids=[UUID(s) for s in e.strength_area_ids],
        municipality=e.municipality,
        cycle_id=UUID(e.cycle_id) if e.cycle_id else None,
        participants=[
            ParticipantPublic(person_id=UUID(p.person_id) if p.person_id else None, actor_id=UUID(p.actor_id))
            for p in people
        ],
        head_count=e.head_count,
        participations=len(people) + e.head_count,
        notes=e.notes,
        created_at=e.created_at,
    )


def _figures(p: Participation) -> dict[str, Any]:
    return {
        "engagements": p.engagements,
        "participations": p.participations,
        "unique_people": p.unique_people,
        "unique_actors": p.unique_actors,
        "head_count": p.head_count,
        "by_kind": p.by_kind,
    }


@router.post("/engagements", status_code=status.HTTP_201_CREATED, response_model=EngagementPublic)
async def record_engagement(body: EngagementCreate, scope: LeadScope, uow: UowDep) -> EngagementPublic:
    """Record an actor meeting, workshop, seminar, interview, survey… with its participants."""
    return _engagement_public(await engagements.record_engagement(uow, body))


@router.put("/engagements/{engagement_id}", response_model=EngagementPublic)
async def correct_engagement(
    engagement_id: UUID, body: EngagementCreate, scope: LeadScope, uow: UowDep
) -> EngagementPublic:
    """Correct a recorded engagement (replaces it whole)."""
    return _engagement_public(await engagements.correct_engagement(uow, engagement_id, body))


@router.delete("/engagements/{engagement_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_engagement(engagement_id: UUID, scope: LeadScope, uow: UowDep) -> Response:
    """Delete an engagement recorded in error."""
    await engagements.delete_engagement(uow, engagement_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def engagement_filters(
    date_from: FromQuery = None,
    date_to: ToQuery = None,
    strength_area_id: UUID | None = None,
    kind: EngagementKind | None = None,
) -> dict[str, Any]:
    """The filters of the engagement list, the same for its downloads."""
    return {"date_from": date_from, "date_to": date_to, "strength_area_id": strength_area_id, "kind": kind}


EngagementFilters = Annotated[dict[str, Any], Depends(engagement_filters)]


@router.get("/engagements", response_model=EngagementsPublic)
async def list_engagements(
    scope: ReadScope, uow: UowDep, page: PageDep, filters: EngagementFilters
) -> EngagementsPublic:
    rows, total = await engagements.list_engagements(uow, page, **filters)
    return EngagementsPublic(data=[_engagement_public(r) for r in rows], count=total)


@router.get("/engagements.{fmt}", response_class=Response, responses=TABLE_RESPONSES)
async def download_engagements(
    fmt: FormatPath, scope: ReadScope, uow: UowDep, filters: EngagementFilters, language: ReaderLanguage
) -> Response:
    """The engagements for a spreadsheet (``.xlsx``, or ``.csv`` in the reader's locale), with the
    list's filters and without its pages (at most 50,000 rows; 422 above): date, title, kind,
    strength areas by name, municipality and how many took part."""
    table = engagements_table(await engagements.export_engagements(uow, **filters), language)
    return await table_response(table, fmt, language, table.title, scope.region, utcnow().date())


@router.get("/engagements/{engagement_id}", response_model=EngagementPublic)
async def get_engagement(engagement_id: UUID, scope: ReadScope, uow: UowDep) -> EngagementPublic:
    return _engagement_public(await engagements.get_engagement(uow, engagement_id))


@router.get("/participation", response_model=ParticipationPublic)
async def participation(
    scope: ReadScope, uow: UowDep, date_from: FromQuery = None, date_to: ToQuery = None
) -> ParticipationPublic:
    """Engagements over a period: participations (every time someone took part, head counts
    included) and unique participants (people, and actors reached), in all and per strength area."""
    report = await engagements.participation_over(uow, date_from=date_from, date_to=date_to)
    return ParticipationPublic(
        period_from=report.period_from,
        period_to=report.period_to,
        total=ParticipationFiguresPublic(**_figures(report.total)),
        by_strength_area=[
            AreaParticipationPublic(
                strength_area_id=UUID(a.strength_area_id) if a.strength_area_id else None,
                strength_area_code=a.strength_area_code,
                **_figures(a.figures),
            )
            for a in report.by_strength_area
        ],
    )
