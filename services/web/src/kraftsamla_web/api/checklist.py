"""EU enabling condition 1.1: the seven criteria of the region's programme with their evidence and
what is missing, each gap linked to the screen where it is fixed."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from starlette.responses import Response

from ..adapters import render as html
from ..domain.checklist import criteria
from ..usecases.programme import load_checklist_page
from .context import PageDep
from .pages import openable

router = APIRouter()


@router.get("/regions/{region}/checklist", name="checklist")
async def checklist(
    region: str, page: PageDep, programme: Annotated[UUID | None, Query()] = None
) -> Response:
    """The checklist of the programme of this year (else the newest; ``?programme=`` another)."""
    openable(page, region)
    found = await load_checklist_page(page.services, region, programme, date.today().year)
    p = found.programme
    return page.render(
        "checklist.html.j2",
        region=region,
        region_label=html.region_name(
            page.t, region, found.settings.model_dump() if found.settings else None
        ),
        programmes=found.programmes,
        p=p,
        checklist=found.checklist,
        criteria=(
            criteria(page.t, found.checklist, p.strength_areas, region, p.id) if p and found.checklist else []
        ),
    )
