"""Report versions as JSON: the list, the latest, one by number."""

from __future__ import annotations

from collections import OrderedDict
from typing import Annotated

from fastapi import Path as PathParam
from fastapi import Query
from fastapi.responses import Response

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.preconditions import (
    CONDITIONAL_READ,
    REVALIDATE,
    IfNoneMatch,
    not_modified,
    still_current,
)
from kraftsamla_common.service import MAX_OFFSET, UowDep, region_router

from ..schemas import ReportPublic, ReportsPublic
from ..usecases import reports
from .views import report_public, summary_public

router = region_router("reporting")

_rendered: OrderedDict[str, bytes] = OrderedDict()
"""The JSON of recently read report versions, by report id: a version never changes."""
RENDERED_KEPT = 64


class _Known:
    """Report ids a request needs no more than the id of: rendered here already, or held by the
    client (its ``If-None-Match``)."""

    def __init__(self, if_none_match: str | None) -> None:
        self.if_none_match = if_none_match

    def __contains__(self, report_id: object) -> bool:
        return report_id in _rendered or still_current(self.if_none_match, _etag(str(report_id)))


def _etag(report_id: str) -> str:
    return f'"{report_id}"'


async def _report_json(uow: UowDep, ref: str | int, if_none_match: str | None) -> Response:
    """A report version as JSON (its ETag: the version's id, since a version never changes); only
    its id is read when it was read before, and it is answered 304 when the client holds it."""
    found = await reports.read_report(uow, ref, known=_Known(if_none_match))
    report_id = found if isinstance(found, str) else found.id
    etag = _etag(report_id)
    if still_current(if_none_match, etag):
        return not_modified(etag)
    if isinstance(found, str):
        _rendered.move_to_end(found)
        body = _rendered[found]
    else:
        body = _rendered[found.id] = report_public(found).model_dump_json().encode()
        while len(_rendered) > RENDERED_KEPT:
            _rendered.popitem(last=False)
    return Response(body, media_type="application/json", headers={"ETag": etag, "Cache-Control": REVALIDATE})


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


@router.get("/reports/latest", response_model=ReportPublic, responses=CONDITIONAL_READ)
async def latest_report(scope: ReadScope, uow: UowDep, if_none_match: IfNoneMatch = None) -> Response:
    """The newest report version; 404 until the region's first events have been reported. Send its
    ETag in If-None-Match to be answered 304 without a body while it is still the newest."""
    return await _report_json(uow, "latest", if_none_match)


@router.get("/reports/{number}", response_model=ReportPublic, responses=CONDITIONAL_READ)
async def get_report(
    number: Annotated[int, PathParam(ge=0, le=MAX_OFFSET)],
    scope: ReadScope,
    uow: UowDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One report version with its data (the schema below) and what it was built from; a version
    never changes, so its ETag in If-None-Match is always answered 304."""
    return await _report_json(uow, number, if_none_match)
