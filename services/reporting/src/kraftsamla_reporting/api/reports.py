"""Report versions as JSON: the list, the latest, one by number."""

from __future__ import annotations

from collections import OrderedDict
from typing import Annotated

from fastapi import Path as PathParam
from fastapi import Query
from fastapi.responses import Response

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.service import MAX_OFFSET, UowDep, region_router

from ..schemas import ReportPublic, ReportsPublic
from ..usecases import reports
from .views import report_public, summary_public

router = region_router("reporting")

_rendered: OrderedDict[str, bytes] = OrderedDict()
"""The JSON of recently read report versions, by report id: a version never changes."""
RENDERED_KEPT = 64


async def _report_json(uow: UowDep, ref: str | int) -> Response:
    """A report version as JSON; only its id is read when it was read before."""
    found = await reports.read_report(uow, ref, known=_rendered)
    if isinstance(found, str):
        _rendered.move_to_end(found)
        body = _rendered[found]
    else:
        body = _rendered[found.id] = report_public(found).model_dump_json().encode()
        while len(_rendered) > RENDERED_KEPT:
            _rendered.popitem(last=False)
    return Response(body, media_type="application/json")


@router.get("/reports", response_model=ReportsPublic)
async def list_reports(
    scope: ReadScope,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ReportsPublic:
    """The region's report versions, newest first, with what each was built from."""
    rows, total = await reports.list_reports(uow, limit=limit, offset=offset)
    return ReportsPublic(data=[summary_public(r) for r in rows], count=total)


@router.get("/reports/latest", response_model=ReportPublic)
async def latest_report(scope: ReadScope, uow: UowDep) -> Response:
    """The newest report version; 404 until the region's first events have been reported."""
    return await _report_json(uow, "latest")


@router.get("/reports/{number}", response_model=ReportPublic)
async def get_report(
    number: Annotated[int, PathParam(ge=0, le=MAX_OFFSET)], scope: ReadScope, uow: UowDep
) -> Response:
    """One report version with its data (the schema below) and what it was built from."""
    return await _report_json(uow, number)
