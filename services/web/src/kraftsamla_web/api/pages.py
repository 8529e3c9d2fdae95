"""The pages of a region: the desk, the operator's choice of region, a report version."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kraftsamla_common.events import REGION_PATTERN

from ..adapters import render as html
from ..adapters import session
from ..usecases.desk import load_desk
from ..usecases.regions import list_regions
from ..usecases.reports import report_html
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
    found = await load_desk(page.services, region, queue=page.person.role == "assessor")
    return page.render(
        "desk.html.j2",
        region=region,
        region_label=html.region_name(
            page.t, region, found.settings.model_dump() if found.settings else None
        ),
        desk=found,
    )


@router.get("/regions/{region}/reports/{number}", name="report")
async def report(region: str, number: int, page: PageDep) -> Response:
    """A report version as the reporting service renders it, in the page's language."""
    openable(page, region)
    return HTMLResponse(
        await report_html(page.services, region, number, page.language),
        headers={"Cache-Control": "no-store"},
    )
