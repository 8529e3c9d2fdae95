"""Two report versions compared, as JSON or as a page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.service import MAX_OFFSET, UowDep

from ..adapters import render
from ..schemas import ChangePublic, ReportComparisonPublic
from ..usecases import reports
from ..usecases.reports import Comparison
from .routing import resource_router
from .views import Lang, summary_public

router = resource_router()

Before = Annotated[int, Query(ge=1, le=MAX_OFFSET, description="The earlier version's number")]
After = Annotated[int, Query(ge=1, le=MAX_OFFSET, description="The later version's number")]


def _public(c: Comparison) -> ReportComparisonPublic:
    return ReportComparisonPublic(
        region=c.before.region,
        before=summary_public(c.before),
        after=summary_public(c.after),
        plan_versions=[ChangePublic.model_validate(x, from_attributes=True) for x in c.plan_versions],
        changes=[ChangePublic.model_validate(x, from_attributes=True) for x in c.changes],
    )


@router.get("/reports/compare", response_model=ReportComparisonPublic)
async def compare_reports(
    scope: ReadScope, uow: UowDep, before: Before, after: After
) -> ReportComparisonPublic:
    """What differs between two versions: the plan versions they were built from, and every figure."""
    return _public(await reports.compare_reports(uow, before, after))


@router.get("/reports/compare/html", response_class=HTMLResponse)
async def compare_reports_html(
    scope: ReadScope, uow: UowDep, before: Before, after: After, lang: Lang = None
) -> HTMLResponse:
    """The comparison of two versions as a page."""
    comparison = await reports.compare_reports(uow, before, after)
    result = _public(comparison)
    return HTMLResponse(
        render.comparison_html(
            result.region,
            result.before,
            result.after,
            result.plan_versions,
            result.changes,
            language=lang or comparison.language,
        )
    )
