"""Reports: the latest follow-up report inside the application (as the reporting service renders
it), its versions and why each was made, two versions compared in the reader's words, the report's
files, the follow-up of any period, and the opt-in to the cross-region view with the partner
regions it suggests.

The reporting service's pages and files are reached through this application, with the person's
session: ``/regions/{r}/reports/{n}/html``, ``…/pdf``, ``…/{table}.{xlsx|csv}``,
``/regions/{r}/reports/compare/html`` and ``/regions/{r}/follow-up/…`` mirror the service's own
paths under ``/reporting/regions/{r}/``, so the links the service writes into its pages (relative
ones) lead here too."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kraftsamla_common import nace
from kraftsamla_common.exports import content_disposition
from kraftsamla_common.i18n import LANGUAGES

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import NotFound, Refused, TooLarge
from ..domain.reports import (
    FORMATS,
    SHARERS,
    TABLES,
    VERSIONS_PAGE,
    WORKBOOK,
    Reason,
    downloadable,
    file_name,
    media_type,
    period,
    report_ref,
    version_lines,
)
from ..usecases import reports as uc
from ..usecases.desk import region_settings
from .context import FormDep, Page, PageDep, PageNotFound
from .pages import openable

router = APIRouter()

DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "frame-ancestors 'self'; base-uri 'none'"
)
"""The reporting service's pages as this application passes them on: their own inline styles and
SVG, no script, no resource from elsewhere, shown in a frame of this application only."""

LATEST_PAGE = "reports"
MAX_NUMBER = 10**9


def _settings(found: Any) -> dict[str, Any] | None:
    return found.model_dump() if found else None


def _label(page: Page, region: str, settings: Any) -> str:
    return html.region_name(page.t, region, _settings(settings))


def _language(page: Page, lang: str | None) -> str:
    """The language a reporting page or file is asked in: ``?lang=`` where it names one, else the
    page's."""
    return lang if lang in LANGUAGES else page.language


def _tables(page: Page) -> list[tuple[str, str]]:
    """The report's tables, each with its name in the reader's language."""
    return [(name, page.t(f"reports_table_{name.replace('-', '_')}")) for name in TABLES]


# --------------------------------------------------------------------------- pages


@router.get("/regions/{region}/reports", name="reports")
async def reports(region: str, page: PageDep) -> Response:
    """The latest report inside the application, with its files and the way to the other pages."""
    openable(page, region)
    found = await uc.load_home(page.services, region)
    return page.render(
        "report_version.html.j2",
        region=region,
        region_label=_label(page, region, found.settings),
        current=LATEST_PAGE,
        version=found.latest,
        before=found.before,
        latest=True,
        plans=[],
        count=found.count,
        tables=_tables(page),
        formats=FORMATS,
        workbook=WORKBOOK,
    )


@router.get("/regions/{region}/reports/versions", name="report_versions")
async def report_versions(
    region: str, page: PageDep, offset: Annotated[int, Query(ge=0, le=100_000)] = 0
) -> Response:
    """The versions, newest first: when, which action-plan versions each names, why it was made;
    and a form to compare any two."""
    openable(page, region)
    found = await uc.load_versions(page.services, region, offset)
    t = page.t

    def area(strength_area_id: str) -> str:
        names = found.area_names.get(strength_area_id)
        return t.text(names) if names and t.text(names) else t("reports_area_unknown")

    def said(reason: Reason) -> str:
        if reason.kind in ("plan", "plan_gone"):
            return t(
                f"reports_reason_{reason.kind}",
                area=area(reason.strength_area_id or ""),
                version=t.number(reason.version or 0),
            )
        if reason.kind == "source":
            key = f"reports_reason_source_{reason.service}"
            return t(key) if t.has(key) else t("reports_reason_other")
        return t(f"reports_reason_{reason.kind}")

    lines = version_lines(found.versions, VERSIONS_PAGE)
    newest = lines[0].number if lines and offset == 0 else found.count
    return page.render(
        "report_versions.html.j2",
        region=region,
        region_label=_label(page, region, found.settings),
        current="report_versions",
        lines=lines,
        area=area,
        said=said,
        count=found.count,
        offset=offset,
        page_size=VERSIONS_PAGE,
        before=max(1, newest - 1),
        after=newest,
    )


def _number(text: str | None) -> int | None:
    return int(text) if text and re.fullmatch(r"[1-9]\d{0,8}", text.strip()) else None


@router.get("/regions/{region}/reports/compare", name="report_compare")
async def report_compare(
    region: str, page: PageDep, before: str | None = None, after: str | None = None
) -> Response:
    """Two versions compared, section by section, worded by the reporting service in the reader's
    language (its comparison's ``text``); without versions chosen, the latest with the one before."""
    openable(page, region)
    first, second = _number(before), _number(after)
    if first is None or second is None:
        home = await uc.load_home(page.services, region)
        if home.latest is None or home.before is None:
            return page.render(
                "report_compare.html.j2",
                region=region,
                region_label=_label(page, region, home.settings),
                current="report_versions",
                comparison=None,
                before=before or "",
                after=after or "",
                error="reports_compare_too_few" if home.count < 2 else "reports_compare_choose",
            )
        first, second = home.before.number, home.latest.number
    try:
        comparison, settings = await uc.load_comparison(page.services, region, first, second, page.language)
    except NotFound:
        home = await uc.load_home(page.services, region)
        return page.render(
            "report_compare.html.j2",
            status_code=404,
            region=region,
            region_label=_label(page, region, home.settings),
            current="report_versions",
            comparison=None,
            before=str(first),
            after=str(second),
            error="reports_compare_no_such_version",
        )
    return page.render(
        "report_compare.html.j2",
        region=region,
        region_label=_label(page, region, settings),
        current="report_versions",
        comparison=comparison,
        before=str(first),
        after=str(second),
        error=None,
    )


@router.get("/regions/{region}/reports/follow-up", name="report_follow_up")
async def report_follow_up(
    region: str, page: PageDep, start: str | None = None, end: str | None = None
) -> Response:
    """The follow-up of any period, built now by the reporting service: its key figures, its files,
    and the whole of it as the service renders it; this year so far until another is chosen."""
    openable(page, region)
    asked = period(start, end, datetime.now(UTC).date())
    if asked.error:
        settings = await region_settings(page.services, region)
        return page.render(
            "report_follow_up.html.j2",
            status_code=422,
            region=region,
            region_label=_label(page, region, settings),
            current="report_follow_up",
            start=start or "",
            end=end or "",
            error=asked.error,
            content=None,
            query="",
            tables=_tables(page),
            formats=FORMATS,
            workbook=WORKBOOK,
        )
    content, settings = await uc.load_follow_up(page.services, region, asked.start, asked.end)
    return page.render(
        "report_follow_up.html.j2",
        region=region,
        region_label=_label(page, region, settings),
        current="report_follow_up",
        start=asked.start.isoformat(),
        end=asked.end.isoformat(),
        period=asked,
        error=None,
        content=content,
        query=f"start={asked.start.isoformat()}&end={asked.end.isoformat()}",
        tables=_tables(page),
        formats=FORMATS,
        workbook=WORKBOOK,
    )


def _nace(code: str, language: str) -> tuple[str, str | None]:
    """An economic domain by its name in ``language`` (else in English: its ``lang``)."""
    entry = nace.by_code().get(code)
    if entry is None:
        return code, None
    return entry.name(language), None if language in entry.names else "en"


async def _cooperation_page(
    page: Page, region: str, status_code: int = 200, error: str | None = None
) -> Response:
    sharing, cooperation, settings = await uc.load_cooperation(page.services, region)
    return page.render(
        "report_cooperation.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, region, settings),
        current="report_cooperation",
        sharing=sharing,
        cooperation=cooperation,
        may_share=page.person.role in SHARERS,
        nace_name=lambda code: _nace(code, page.language),
        error=error,
    )


@router.get("/regions/{region}/reports/cooperation", name="report_cooperation")
async def report_cooperation(region: str, page: PageDep) -> Response:
    """Whether the region takes part in the cross-region view, the form to change that for an
    administrator, and the partner regions it suggests, by name."""
    openable(page, region)
    return await _cooperation_page(page, region)


@router.post("/regions/{region}/reports/sharing", name="report_sharing")
async def report_sharing(region: str, page: PageDep, form: FormDep) -> Response:
    """Opt in to (``opted_in=true``) or out of the cross-region view; the reporting service admits
    administrators only, and refuses anyone else's post (the page then says so, nothing changed)."""
    openable(page, region)
    choice = form.get("opted_in")
    if choice not in ("true", "false"):
        return await _cooperation_page(page, region, 422, "reports_sharing_choose")
    try:
        await uc.set_sharing(page.services, region, choice == "true")
    except Refused as refused:
        if refused.status == 403:
            return page.render("error.html.j2", status_code=403, kind="not_permitted")
        return await _cooperation_page(page, region, refused.status or 422, "form_error_unknown")
    session.flash(page.request, "reports_flash_opted_in" if choice == "true" else "reports_flash_opted_out")
    return RedirectResponse(f"/regions/{region}/reports/cooperation", status_code=303)


@router.get("/regions/{region}/reports/{number}", name="report")
async def report(region: str, number: int, page: PageDep) -> Response:
    """A report version inside the application, as the reporting service renders it, with its files."""
    openable(page, region)
    if not 1 <= number <= MAX_NUMBER:
        raise PageNotFound()
    found = await uc.load_version(page.services, region, number)
    return page.render(
        "report_version.html.j2",
        region=region,
        region_label=_label(page, region, found.settings),
        current="report",
        version=found,
        before=None,
        latest=False,
        plans=found.plans,
        count=None,
        tables=_tables(page),
        formats=FORMATS,
        workbook=WORKBOOK,
    )


# --------------------------------------------------------------------------- the reporting service's pages


def _document(body: str) -> Response:
    return HTMLResponse(
        body,
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": DOCUMENT_POLICY,
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/regions/{region}/reports/compare/html", name="report_compare_document")
async def report_compare_document(
    region: str, page: PageDep, before: str | None = None, after: str | None = None, lang: str | None = None
) -> Response:
    """The comparison as the reporting service prints it (its page links here)."""
    openable(page, region)
    first, second = _number(before), _number(after)
    if first is None or second is None:
        raise PageNotFound()
    params = {"before": first, "after": second, "lang": _language(page, lang)}
    return _document(await uc.document(page.services, region, "reports/compare/html", params))


@router.get("/regions/{region}/reports/{ref}/html", name="report_document")
async def report_document(region: str, ref: str, page: PageDep, lang: str | None = None) -> Response:
    """A version (``latest`` or its number) as the reporting service renders it: the frame of the
    report's page, and a page of its own."""
    openable(page, region)
    if report_ref(ref) is None:
        raise PageNotFound()
    return _document(
        await uc.document(page.services, region, f"reports/{ref}/html", {"lang": _language(page, lang)})
    )


@router.get("/regions/{region}/follow-up", name="follow_up_json")
async def follow_up_page(
    region: str, page: PageDep, start: str | None = None, end: str | None = None
) -> Response:
    """The follow-up page of the period (where the reporting service's page links its JSON)."""
    openable(page, region)
    query = (
        f"?start={start}&end={end}"
        if start and end and period(start, end, datetime.now(UTC).date()).error is None
        else ""
    )
    return RedirectResponse(f"/regions/{region}/reports/follow-up{query}", status_code=303)


@router.get("/regions/{region}/follow-up/html", name="follow_up_document")
async def follow_up_document(
    region: str, page: PageDep, start: str | None = None, end: str | None = None, lang: str | None = None
) -> Response:
    """The follow-up of a period as the reporting service renders it."""
    openable(page, region)
    asked = period(start, end, datetime.now(UTC).date())
    if asked.error or not start or not end:
        raise PageNotFound()
    params = {"start": start, "end": end, "lang": _language(page, lang)}
    return _document(await uc.document(page.services, region, "follow-up/html", params))


# --------------------------------------------------------------------------- files


async def _file(
    page: Page, region: str, path: str, params: dict[str, Any], fmt: str, fallback: str
) -> Response:
    """A file of the reporting service passed on with its media type and name, at most
    :data:`~kraftsamla_web.domain.reports.DOWNLOAD_LIMIT` bytes."""
    try:
        found = await uc.download(page.services, region, path, params)
    except TooLarge:
        return page.render("error.html.j2", status_code=502, kind="download_too_large")
    return Response(
        found.content,
        media_type=media_type(fmt, found.media_type),
        headers={
            "Content-Disposition": content_disposition(file_name(found.disposition, fallback)),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/regions/{region}/reports/{ref}/pdf", name="report_pdf")
async def report_pdf(region: str, ref: str, page: PageDep, lang: str | None = None) -> Response:
    """A version as PDF (printed by the reporting service)."""
    openable(page, region)
    if report_ref(ref) is None:
        raise PageNotFound()
    params = {"lang": _language(page, lang)}
    return await _file(page, region, f"reports/{ref}/pdf", params, "pdf", f"{region}-report-{ref}.pdf")


@router.get("/regions/{region}/reports/{ref}/{table}.{fmt}", name="report_table")
async def report_table(
    region: str, ref: str, table: str, fmt: str, page: PageDep, lang: str | None = None
) -> Response:
    """A version's tables as one workbook (``tables.xlsx``), or one table as XLSX or CSV."""
    openable(page, region)
    if report_ref(ref) is None or not downloadable(table, fmt):
        raise PageNotFound()
    params = {"lang": _language(page, lang)}
    return await _file(
        page, region, f"reports/{ref}/{table}.{fmt}", params, fmt, f"{region}-report-{ref}-{table}.{fmt}"
    )


@router.get("/regions/{region}/follow-up/pdf", name="follow_up_pdf")
async def follow_up_pdf(
    region: str, page: PageDep, start: str | None = None, end: str | None = None, lang: str | None = None
) -> Response:
    openable(page, region)
    asked = period(start, end, datetime.now(UTC).date())
    if asked.error or not start or not end:
        raise PageNotFound()
    params = {"start": start, "end": end, "lang": _language(page, lang)}
    return await _file(page, region, "follow-up/pdf", params, "pdf", f"{region}-follow-up-{start}-{end}.pdf")


@router.get("/regions/{region}/follow-up/{table}.{fmt}", name="follow_up_table")
async def follow_up_table(
    region: str,
    table: str,
    fmt: str,
    page: PageDep,
    start: str | None = None,
    end: str | None = None,
    lang: str | None = None,
) -> Response:
    openable(page, region)
    asked = period(start, end, datetime.now(UTC).date())
    if asked.error or not start or not end or not downloadable(table, fmt):
        raise PageNotFound()
    params = {"start": start, "end": end, "lang": _language(page, lang)}
    return await _file(
        page,
        region,
        f"follow-up/{table}.{fmt}",
        params,
        fmt,
        f"{region}-follow-up-{start}-{end}-{table}.{fmt}",
    )
