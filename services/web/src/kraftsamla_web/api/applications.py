"""The region's applications: the list (filters with their counts, search, order, pages) and one
application (its texts with the matched terms marked, its assessment, history, decision, review)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from kraftsamla_common.municipalities import municipality_by_code

from ..adapters import render as html
from ..domain.applications import (
    FILTERS,
    SORTS,
    ListQuery,
    best_fit_name,
    highlighted,
    matched_terms,
    paging,
)
from ..usecases.applications import load_application, load_applications
from .context import Page, PageDep
from .pages import openable

router = APIRouter()


def _labels(page: Page, names: Mapping[str, Mapping[str, str | None]]) -> Any:
    """How a filter's value reads: a strength area by its name, a municipality by its name, the
    service's words (level, recommendation, status, review state, funding source) in the page's
    language."""
    t = page.t

    def label(kind: str, value: str | None, code: str | None = None) -> str:
        if value is None:
            return t("value_none")
        if kind == "strength_area":
            name = names.get(value) or (names.get(code) if code else None)
            return t.text(name) if name else (code or value)
        if kind == "municipality":
            found = municipality_by_code(value)
            return found.name if found else value
        key = {"review": "review_state_"}.get(kind, f"{kind}_") + value
        return t(key) if t.has(key) else value

    return label


@router.get("/regions/{region}/applications", name="applications")
async def applications(region: str, page: PageDep) -> Response:
    openable(page, region)
    query = ListQuery.from_params(page.request.query_params)
    found = await load_applications(page.services, region, query)
    path = f"/regions/{region}/applications"
    return page.render(
        "applications.html.j2",
        region=region,
        region_label=html.region_name(
            page.t, region, found.settings.model_dump() if found.settings else None
        ),
        query=query,
        path=path,
        found=found.found,
        filters=FILTERS,
        sorts=SORTS,
        label=_labels(page, found.area_names),
        paging=paging(query.offset, len(found.found.data), found.found.count),
    )


@router.get("/regions/{region}/applications/{application_id}", name="application")
async def application(region: str, application_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    found = await load_application(page.services, region, application_id)
    app = found.application
    assessment = app.assessment
    names = dict(found.area_names)
    if assessment and assessment.strength_area_id and str(assessment.strength_area_id) not in names:
        best = best_fit_name([p.model_dump() for p in assessment.rationale_parts])
        if best:
            names[str(assessment.strength_area_id)] = best
    terms = matched_terms([f.model_dump() for f in assessment.fits]) if assessment else []
    return page.render(
        "application.html.j2",
        region=region,
        region_label=html.region_name(
            page.t, region, found.settings.model_dump() if found.settings else None
        ),
        app=app,
        assessment=assessment,
        history=found.history,
        history_count=found.history_count,
        terms=terms,
        marked=lambda text: highlighted(text, terms),
        label=_labels(page, names),
        municipality=municipality_by_code,
    )
