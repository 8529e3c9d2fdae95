"""A report version for people: a page (HTML with SVG charts), a PDF for the committee, and CSV
tables for spreadsheets."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, Response

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.service import ContextDep, UowDep

from ..adapters import render
from ..usecases import reports
from .routing import resource_router
from .views import Lang, Ref, download, print_pdf, report_public, summary_public

router = resource_router()


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
    responses={200: {"content": {"application/pdf": {}}}, 503: {"description": "No Chromium to print with"}},
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
    "/reports/{ref}/portfolio.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}}
)
async def portfolio_csv(ref: Ref, scope: ReadScope, uow: UowDep, lang: Lang = None) -> Response:
    """The portfolio by strength area × level × funding source × currency, for a spreadsheet."""
    r = report_public(await reports.read_report_version(uow, ref))
    body = render.portfolio_csv(r.content, lang or r.content.language)
    return download("\ufeff" + body, "text/csv; charset=utf-8", f"{scope.region}-portfolio-{r.number}.csv")


@router.get(
    "/reports/{ref}/municipalities.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def municipalities_csv(ref: Ref, scope: ReadScope, uow: UowDep, lang: Lang = None) -> Response:
    """The geographic outcome per municipality, for a spreadsheet."""
    r = report_public(await reports.read_report_version(uow, ref))
    body = render.municipalities_csv(r.content, lang or r.content.language)
    return download(
        "\ufeff" + body, "text/csv; charset=utf-8", f"{scope.region}-municipalities-{r.number}.csv"
    )
