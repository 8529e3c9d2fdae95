"""Actors: the organisations of the region, registered one by one or imported from CSV, changed
and merged."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from kraftsamla_common.auth import EditScope, LeadScope, ReadScope
from kraftsamla_common.events import Helix, utcnow
from kraftsamla_common.exports import TABLE_RESPONSES, FormatPath, ReaderLanguage, table_response
from kraftsamla_common.imports import XLSX
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..adapters.exports import actors_table
from ..domain import reference
from ..domain.csv_import import ImportMode, ImportReport
from ..persistence.tables import Actor
from ..schemas import (
    ActorCreate,
    ActorPublic,
    ActorsPublic,
    ActorUpdate,
    ImportedRowPublic,
    ImportErrorPublic,
    ImportReportPublic,
    MergeRequest,
    RegistrationCheckPublic,
)
from ..usecases import actors
from .params import AtQuery

router = region_router("actors")


def _actor_public(a: Actor) -> ActorPublic:
    place = reference.municipality(a.country, a.municipality) if a.municipality else None
    return ActorPublic(
        id=UUID(a.id),
        region=a.region,
        name=a.name,
        country=a.country,  # type: ignore[arg-type]
        identifier=a.identifier,
        helix=a.helix,  # type: ignore[arg-type]
        municipality=a.municipality,
        municipality_name=place.name if place else None,
        nace=a.nace,
        nace_label=reference.nace_label(a.nace) if a.nace else None,
        size_class=a.size_class,  # type: ignore[arg-type]
        merged_into_id=UUID(a.merged_into_id) if a.merged_into_id else None,
        created_at=a.created_at,
        updated_at=a.updated_at,
    )


def _report_public(r: ImportReport) -> ImportReportPublic:
    return ImportReportPublic(
        mode=r.mode,
        dry_run=r.dry_run,
        rows=r.rows,
        created=r.created,
        existing=r.existing,
        rejected=r.rejected,
        imported=[
            ImportedRowPublic(line=i.line, actor_id=UUID(i.actor_id) if i.actor_id else None, status=i.status)
            for i in r.imported
        ],
        errors=[ImportErrorPublic(line=e.line, field=e.field, message=e.message) for e in r.errors],
    )


@router.post(
    "/actors",
    status_code=status.HTTP_201_CREATED,
    response_model=ActorPublic,
    responses={
        200: {
            "model": ActorPublic | RegistrationCheckPublic,
            "description": "Already registered; nothing changed. With dry_run=true: what a post "
            "would do (RegistrationCheckPublic); nothing written",
        }
    },
)
async def register_actor(
    body: ActorCreate,
    scope: LeadScope,
    uow: UowDep,
    response: Response,
    dry_run: Annotated[
        bool,
        Query(description="Check the organisation as a post would and say what it would do; write nothing"),
    ] = False,
) -> Any:
    """Register an organisation as an actor of the region.

    The identifier is checked and normalised; an organisation already registered in the region
    (same country and identifier) is returned as it is, with 200, and nothing is announced.

    With ``dry_run=true`` the same checks run and nothing is written or announced: the answer is
    the same 422 (each field that is wrong, by its JSON pointer) or 200 with what a post would do,
    ``would_register`` or ``already_registered`` with that actor.
    """
    if dry_run:
        checked = await actors.check_registration(uow, body)
        found = checked.existing
        answer = RegistrationCheckPublic(
            outcome="already_registered" if found is not None else "would_register",
            identifier=checked.identifier,
            nace=checked.nace,
            actor=_actor_public(found) if found is not None else None,
        )
        return JSONResponse(answer.model_dump(mode="json"))
    actor, created = await actors.register_actor(uow, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _actor_public(actor)


@router.post(
    "/actors/import",
    response_model=ImportReportPublic,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "A CSV file (UTF-8; comma, semicolon or tab separated) or an Excel workbook "
            "(XLSX, its first sheet) with a header line: name, country, identifier, helix, municipality, "
            "nace, size_class (or the Swedish/Finnish names namn, organisationsnummer, kommunkod, sni, "
            "y-tunnus, kuntanumero…). Formulas are not evaluated: a cell holding one is a bad row.",
        }
    },
    responses={
        413: {"description": "More than 5 MB (an XLSX unpacking to more than 50 MB) or 10,000 rows"},
        422: {
            "description": "In all_or_nothing mode: some rows are bad (``errors`` lists line, field and "
            "reason); nothing was imported. Also a file that is neither CSV nor XLSX"
        },
    },
)
async def import_actors(
    request: Request,
    scope: LeadScope,
    uow: UowDep,
    mode: Annotated[
        ImportMode,
        Query(description="all_or_nothing: import every row or none; valid_rows: import the good rows"),
    ] = "all_or_nothing",
    dry_run: Annotated[
        bool, Query(description="Check every row and report what an import would do; write nothing")
    ] = False,
) -> ImportReportPublic:
    """Import the region's list of actors from CSV or XLSX, in one transaction.

    Every bad row is reported with its line number, the field and the reason. In
    ``all_or_nothing`` mode (the default) one bad row means nothing is imported (422, with the
    report); in ``valid_rows`` mode the good rows are imported and the bad ones reported (200).
    Organisations already registered (or listed twice) are not duplicated: they count as existing.
    With ``dry_run=true`` every row is checked and the report (200) says what an import would do,
    every bad row with its line and field, and nothing is written or announced.
    """
    report = await actors.import_actors(
        uow,
        await request.body(),
        mode=mode,
        dry_run=dry_run,
        content_type=request.headers.get("content-type"),
    )
    return _report_public(report)


def actor_filters(
    helix: Helix | None = None,
    municipality: Annotated[str | None, Query(max_length=4)] = None,
    industry: Annotated[
        str | None, Query(max_length=10, description="NACE code or prefix: 62 matches 62.01 and 62.010")
    ] = None,
    group_id: Annotated[UUID | None, Query(description="Members of this group (on `at`)")] = None,
    at: AtQuery = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    include_merged: bool = False,
) -> dict[str, Any]:
    """The filters of the actor list, the same for its downloads."""
    return {
        "helix": helix,
        "municipality": municipality,
        "industry": industry,
        "group_id": group_id,
        "at": at,
        "q": q,
        "include_merged": include_merged,
    }


ActorFilters = Annotated[dict[str, Any], Depends(actor_filters)]


@router.get("/actors", response_model=ActorsPublic)
async def list_actors(scope: ReadScope, uow: UowDep, page: PageDep, filters: ActorFilters) -> ActorsPublic:
    """The region's actors, oldest first; ``count`` is the total that match the filters."""
    rows, total = await actors.list_actors(uow, page, **filters)
    return ActorsPublic(data=[_actor_public(a) for a in rows], count=total)


@router.get("/actors.{fmt}", response_class=Response, responses=TABLE_RESPONSES)
async def download_actors(
    fmt: FormatPath, scope: ReadScope, uow: UowDep, filters: ActorFilters, language: ReaderLanguage
) -> Response:
    """The actor list for a spreadsheet (``.xlsx``, or ``.csv`` in the reader's locale), with the
    list's filters and without its pages (at most 50,000 rows; 422 above): name, organisation
    number, helix type, municipality, NACE code and size class, by their names."""
    table = actors_table(await actors.export_actors(uow, **filters), language)
    return await table_response(table, fmt, language, table.title, scope.region, utcnow().date())


@router.get("/actors/{actor_id}", response_model=ActorPublic)
async def get_actor(actor_id: UUID, scope: ReadScope, uow: UowDep) -> ActorPublic:
    return _actor_public(await actors.get_actor(uow, actor_id))


@router.patch("/actors/{actor_id}", response_model=ActorPublic)
async def update_actor(actor_id: UUID, body: ActorUpdate, scope: LeadScope, uow: UowDep) -> ActorPublic:
    """Change an actor's name, helix type, municipality, industry or size class."""
    return _actor_public(await actors.update_actor(uow, actor_id, body))


@router.post("/actors/{actor_id}/merge", response_model=ActorPublic)
async def merge_actor(actor_id: UUID, body: MergeRequest, scope: EditScope, uow: UowDep) -> ActorPublic:
    """Merge a duplicate into another actor: its people, memberships and participations move to
    ``into_actor_id``; the duplicate stays readable, pointing at it. Answers the surviving actor."""
    return _actor_public(await actors.merge_actors(uow, actor_id, body))
