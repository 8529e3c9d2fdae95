"""The pages of a region: the desk, the operator's choice of region, the reassessments."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from kraftsamla_common.events import REGION_PATTERN

from ..adapters import render as html
from ..adapters import session
from ..domain import gaps as said
from ..domain.assignments import assignment_overview
from ..domain.moves import group_moves, tie_of
from ..usecases.desk import load_desk, region_settings
from ..usecases.reassessments import PAGE, get_reassessment, list_reassessments
from ..usecases.regions import list_regions
from .context import Page, PageDep, PageNotFound

router = APIRouter()

_REGION = re.compile(REGION_PATTERN)


def openable(page: Page, region: str) -> None:
    """Another region's pages answer 404, as the services do: nothing says whether it exists."""
    if not _REGION.fullmatch(region) or not page.person.may_open(region):
        raise PageNotFound()


@router.get("/")
async def home(request: Request) -> Response:
    who = session.person(request)
    return RedirectResponse(who.home if who else "/signin", status_code=303)


@router.get("/regions", name="regions")
async def regions(page: PageDep) -> Response:
    """The operator chooses a region; everyone else has one, and goes to its desk."""
    if not page.person.is_operator:
        return RedirectResponse(page.person.home, status_code=303)
    found = await list_regions(page.services)
    return page.render("regions.html.j2", regions=found)


@router.get("/regions/{region}", name="desk")
async def desk(region: str, page: PageDep) -> Response:
    openable(page, region)
    found = await load_desk(
        page.services,
        region,
        queue=page.person.role == "assessor",
        overview=page.person.sees_assignments,
    )
    now = datetime.now(UTC)
    t, today = page.t, now.date()
    gaps = found.gaps
    waiting = found.waiting
    return page.render(
        "desk.html.j2",
        region=region,
        region_label=html.region_name(
            page.t, region, found.settings.model_dump() if found.settings else None
        ),
        desk=found,
        assignments=(
            assignment_overview(
                waiting.count, waiting.facets.get("assigned_to") or [], f"/regions/{region}/applications", now
            )
            if waiting is not None
            else None
        ),
        overdue=(
            [said.overdue_plan(t, p, today) for p in gaps.overdue_plans.data]
            if gaps and gaps.overdue_plans
            else None
        ),
        checklist_gaps=(said.checklist_gaps(t, gaps.checklist) if gaps and gaps.checklist else None),
        partnership_gaps=(said.partnership_gaps(t, gaps.composition) if gaps and gaps.composition else None),
    )


@router.get("/regions/{region}/reassessments", name="reassessments")
async def reassessments(
    region: str, page: PageDep, offset: Annotated[int, Query(ge=0, le=100_000)] = 0
) -> Response:
    """The region's reassessments, newest first: when, what started them, what they did."""
    openable(page, region)
    found, settings = await page.services.gather(
        list_reassessments(page.services, region, offset), region_settings(page.services, region)
    )
    return page.render(
        "reassessments.html.j2",
        region=region,
        region_label=html.region_name(page.t, region, settings.model_dump() if settings else None),
        reassessments=found,
        offset=offset,
        page_size=PAGE,
    )


@router.get("/regions/{region}/reassessments/{reassessment_id}", name="reassessment")
async def reassessment(region: str, reassessment_id: str, page: PageDep) -> Response:
    """One reassessment: its summary, and the moves grouped by reason, each application by title."""
    openable(page, region)
    try:
        wanted = UUID(reassessment_id)
    except ValueError:
        raise PageNotFound() from None
    found, settings = await page.services.gather(
        get_reassessment(page.services, region, wanted), region_settings(page.services, region)
    )
    return page.render(
        "reassessment.html.j2",
        region=region,
        region_label=html.region_name(page.t, region, settings.model_dump() if settings else None),
        r=found,
        grouped=group_moves(found.groups, found.moved),
        tie_of=tie_of,
    )
