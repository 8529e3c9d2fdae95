"""A report version for people: a page (HTML with SVG charts), a PDF for the committee, and its
tables for spreadsheets (one workbook of them all, or each as XLSX or CSV in the reader's locale)."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, Response

from kraftsamla_common.auth import ReadScope
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
from ..usecases import reports
from .views import (
    PDF_RESPONSES,
    WORKBOOK_RESPONSES,
    Lang,
    Ref,
    print_pdf,
    reader_language,
    report_public,
    summary_public,
)

router = region_router("reporting")


@router.get("/reports/{ref}/html", response_class=HTMLResponse)
async def report_html(ref: Ref, scope: ReadScope, uow: UowDep, lang: Lang = None) -> HTMLResponse:
    """The report as a page for people: readable, printable, with its charts drawn as SVG."""
    report, versions = await reports.read_report_with_versions(uow, ref)
    r = report_public(report)
    return HTMLResponse(
        render.html(
            r.content,
            r.built_from,
            number=r.number,
            language=lang or r.content.language,
            versions=[summary_public(v) for v in versions],
        )
    )


@router.get(
    "/reports/{ref}/pdf",
    response_class=Response,
    responses=PDF_RESPONSES,
)
async def report_pdf(ref: Ref, ctx: ContextDep, scope: ReadScope, uow: UowDep, lang: Lang = None) -> Response:
    """The same report as PDF, for the committee."""
    r = report_public(await reports.read_report_version(uow, ref))
    page = render.html(
        r.content, r.built_from, number=r.number, language=lang or r.content.language, for_print=True
    )
    body = await print_pdf(ctx.state, page)
    return download(body, "application/pdf", f"{scope.region}-report-{r.number}.pdf")


@router.get(
    "/reports/{ref}/tables.xlsx",
    response_class=Response,
    responses=WORKBOOK_RESPONSES,
)
async def report_workbook(
    ref: Ref, scope: ReadScope, uow: UowDep, lang: Lang = None, accept_language: AcceptLanguage = None
) -> Response:
    """Every table of the report as one workbook, a sheet per table: plans, activities, annual
    cycle, partnerships and their members, portfolio, municipalities, Agenda 2030, sustainability,
    indicators, EU condition 1.1, local plans and their alignment."""
    r = report_public(await reports.read_report_version(uow, ref))
    language = reader_language(lang, accept_language, r.content.language)
    t = Labels(language)
    return await table_response(
        ReportTables(r.content, language).all(),
        "xlsx",
        language,
        t("report_title"),
        scope.region,
        t("version").lower(),
        r.number,
    )


@router.get("/reports/{ref}/{table}.{fmt}", response_class=Response, responses=TABLE_RESPONSES)
async def report_table(
    ref: Ref,
    table: TableName,
    fmt: FormatPath,
    scope: ReadScope,
    uow: UowDep,
    lang: Lang = None,
    accept_language: AcceptLanguage = None,
) -> Response:
    """One table of the report for a spreadsheet: XLSX, or CSV in the reader's locale (``;`` and a
    decimal comma for Swedish and Finnish); ``portfolio`` is strength area × level × funding
    source × currency, ``municipalities`` the geographic outcome per municipality."""
    r = report_public(await reports.read_report_version(uow, ref))
    language = reader_language(lang, accept_language, r.content.language)
    found = ReportTables(r.content, language).table(table)
    t = Labels(language)
    return await table_response(
        found, fmt, language, found.title, scope.region, t("version").lower(), r.number
    )
