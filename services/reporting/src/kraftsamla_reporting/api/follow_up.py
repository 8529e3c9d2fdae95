"""The follow-up over any period, built live from the read models: JSON, and for people the report's
page, PDF and CSV tables for the period (``…/follow-up/html`` as ``…/reports/{n}/html``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse, Response

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.bounds import FIRST_DAY, LAST_DAY, MAX_PERIOD_YEARS
from kraftsamla_common.exports import (
    TABLE_RESPONSES,
    AcceptLanguage,
    FormatPath,
    download,
    table_response,
)
from kraftsamla_common.service import ContextDep, UowDep, region_router

from ..adapters import render
from ..adapters.exports import ReportTables, TableName
from ..adapters.labels import Labels
from ..schemas import BuiltFromPublic, ReportContentPublic
from ..usecases import reports
from .views import PDF_RESPONSES, WORKBOOK_RESPONSES, Lang, print_pdf, reader_language

router = region_router("reporting")

Start = Annotated[date, Query(ge=FIRST_DAY, le=LAST_DAY, description="First day of the period")]
End = Annotated[
    date,
    Query(
        ge=FIRST_DAY,
        le=LAST_DAY,
        description=f"Last day of the period; at most {MAX_PERIOD_YEARS} years after the first",
    ),
]


async def _built(uow: UowDep, start: date, end: date) -> tuple[ReportContentPublic, BuiltFromPublic]:
    content, built_from = await reports.follow_up_with_provenance(uow, start, end)
    return (
        ReportContentPublic.model_validate(content, from_attributes=True),
        BuiltFromPublic.model_validate(built_from, from_attributes=True),
    )


def _name(region: str, start: date, end: date, suffix: str) -> str:
    return f"{region}-follow-up-{start.isoformat()}-{end.isoformat()}{suffix}"


@router.get("/follow-up", response_model=ReportContentPublic)
async def follow_up(scope: ReadScope, uow: UowDep, start: Start, end: End) -> ReportContentPublic:
    """The follow-up over any period, built now from the read models (not stored as a version)."""
    content = await reports.follow_up(uow, start, end)
    return ReportContentPublic.model_validate(content, from_attributes=True)


@router.get("/follow-up/html", response_class=HTMLResponse)
async def follow_up_html(
    scope: ReadScope, uow: UowDep, start: Start, end: End, lang: Lang = None
) -> HTMLResponse:
    """The follow-up over any period as a page for people, like a report version's."""
    content, built_from = await _built(uow, start, end)
    return HTMLResponse(render.follow_up_html(content, built_from, language=lang or content.language))


@router.get(
    "/follow-up/pdf",
    response_class=Response,
    responses=PDF_RESPONSES,
)
async def follow_up_pdf(
    ctx: ContextDep, scope: ReadScope, uow: UowDep, start: Start, end: End, lang: Lang = None
) -> Response:
    """The follow-up over any period as PDF."""
    content, built_from = await _built(uow, start, end)
    page = render.follow_up_html(content, built_from, language=lang or content.language, for_print=True)
    body = await print_pdf(ctx.state, page)
    return download(body, "application/pdf", _name(scope.region, start, end, ".pdf"))


@router.get(
    "/follow-up/tables.xlsx",
    response_class=Response,
    responses=WORKBOOK_RESPONSES,
)
async def follow_up_workbook(
    scope: ReadScope,
    uow: UowDep,
    start: Start,
    end: End,
    lang: Lang = None,
    accept_language: AcceptLanguage = None,
) -> Response:
    """Every table of the period's follow-up as one workbook, a sheet per table (as a version's)."""
    content, _ = await _built(uow, start, end)
    language = reader_language(lang, accept_language, content.language)
    tables = ReportTables(content, language)
    return await table_response(
        tables.all(), "xlsx", language, Labels(language)("follow_up_title"), scope.region, start, end
    )


@router.get("/follow-up/{table}.{fmt}", response_class=Response, responses=TABLE_RESPONSES)
async def follow_up_table(
    table: TableName,
    fmt: FormatPath,
    scope: ReadScope,
    uow: UowDep,
    start: Start,
    end: End,
    lang: Lang = None,
    accept_language: AcceptLanguage = None,
) -> Response:
    """One table of the period's follow-up for a spreadsheet: XLSX, or CSV in the reader's locale."""
    content, _ = await _built(uow, start, end)
    language = reader_language(lang, accept_language, content.language)
    found = ReportTables(content, language).table(table)
    return await table_response(found, fmt, language, found.title, scope.region, start, end)
