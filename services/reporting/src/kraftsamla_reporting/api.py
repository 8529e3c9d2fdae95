"""HTTP routes of the reporting service: /reporting/regions/{region}/…

A report version is JSON (``/reports/{number}``), HTML for the browser (``…/html``), PDF for the
committee (``…/pdf``) and CSV for spreadsheets (``…/portfolio.csv``, ``…/municipalities.csv``);
``{ref}`` is a version number or ``latest``, ``?lang=sv|en|fi`` the reader's language (the region's
by default). Two versions compare as JSON or HTML; any period is built live from the read models.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Select, func, select

from kraftsamla_common.auth import EditScope, ReadScope
from kraftsamla_common.errors import NotFound, Problem, Unprocessable
from kraftsamla_common.events import utcnow
from kraftsamla_common.service import MAX_OFFSET, ServiceContext, UowDep

from . import domain, render
from .models import ProgrammeRM, Report, Sharing
from .pdf import PdfPrinter, PdfUnavailable
from .schemas import (
    BuiltFrom,
    Change,
    Cooperation,
    Language,
    Period,
    ReportComparison,
    ReportContent,
    ReportPublic,
    ReportsPublic,
    ReportSummary,
    SharedDomain,
    SharedDomainArea,
    SharingBody,
    SharingPublic,
    SimilarRegion,
)
from .subscriptions import load_inputs, mark_dirty, strength_areas_of, utc

T = TypeVar("T")

router = APIRouter(prefix="/reporting/regions/{region}", tags=["reporting"])

Ref = Annotated[str, PathParam(pattern=r"^(latest|[1-9]\d{0,8})$", description="A version number or latest")]
Lang = Annotated[
    Language | None, Query(description="Labels and headings: sv, en or fi (default: the region's)")
]
VERSIONS_SHOWN = 20


def _public(r: Report) -> ReportPublic:
    return ReportPublic(
        id=UUID(r.id),
        region=r.region,
        number=r.number,
        generated_at=utc(r.generated_at),
        built_from=BuiltFrom.model_validate(r.built_from),
        content=ReportContent.model_validate(r.content),
    )


def _summary(r: Report) -> ReportSummary:
    return ReportSummary(
        number=r.number, generated_at=utc(r.generated_at), built_from=BuiltFrom.model_validate(r.built_from)
    )


def _which(query: Select[T], region: str, ref: str | int) -> Select[T]:
    query = query.where(Report.region == region)
    if ref == "latest":
        return query.order_by(Report.number.desc()).limit(1)
    return query.where(Report.number == int(ref))


def _not_found(region: str, ref: str | int) -> NotFound:
    return NotFound("Report of region", region) if ref == "latest" else NotFound("Report", ref)


async def _report(uow: UowDep, region: str, ref: str | int) -> Report:
    report: Report | None = await uow.session.scalar(_which(select(Report), region, ref))
    if report is None:
        raise _not_found(region, ref)
    return report


_rendered: OrderedDict[str, bytes] = OrderedDict()
"""The JSON of recently read report versions, by report id: a version never changes."""
RENDERED_KEPT = 64


async def _report_json(uow: UowDep, region: str, ref: str | int) -> Response:
    """A report version as JSON; only its id is read when it was read before."""
    report_id = await uow.session.scalar(_which(select(Report.id), region, ref))
    if report_id is None:
        raise _not_found(region, ref)
    body = _rendered.get(report_id)
    if body is None:
        report = await uow.session.get(Report, report_id)
        assert report is not None
        body = _rendered[report_id] = _public(report).model_dump_json().encode()
        while len(_rendered) > RENDERED_KEPT:
            _rendered.popitem(last=False)
    else:
        _rendered.move_to_end(report_id)
    return Response(body, media_type="application/json")


async def _versions(uow: UowDep, region: str) -> list[ReportSummary]:
    rows = (
        await uow.session.scalars(
            select(Report).where(Report.region == region).order_by(Report.number.desc()).limit(VERSIONS_SHOWN)
        )
    ).all()
    return [_summary(r) for r in rows]


def _download(body: str | bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/reports", response_model=ReportsPublic)
async def list_reports(
    scope: ReadScope,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ReportsPublic:
    """The region's report versions, newest first, with what each was built from."""
    rows = (
        await uow.session.scalars(
            select(Report)
            .where(Report.region == scope.region)
            .order_by(Report.number.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    total = await uow.session.scalar(
        select(func.count()).select_from(Report).where(Report.region == scope.region)
    )
    return ReportsPublic(data=[_summary(r) for r in rows], count=total or 0)


@router.get("/reports/latest", response_model=ReportPublic)
async def latest_report(scope: ReadScope, uow: UowDep) -> Response:
    """The newest report version; 404 until the region's first events have been reported."""
    return await _report_json(uow, scope.region, "latest")


async def _comparison(
    uow: UowDep, region: str, before: int, after: int
) -> tuple[ReportComparison, ReportContent]:
    """The comparison of two versions, and the later version's content."""
    a, b = await _report(uow, region, before), await _report(uow, region, after)
    ca, cb = ReportContent.model_validate(a.content), ReportContent.model_validate(b.content)
    sa, sb = _summary(a), _summary(b)
    codes = {str(line.strength_area_id): line.strength_area_code for line in [*ca.plans, *cb.plans]}
    comparison = ReportComparison(
        region=region,
        before=sa,
        after=sb,
        plan_versions=[
            Change(path=p, before=x, after=y)
            for p, x, y in domain.compare_plans(sa.built_from, sb.built_from, codes)
        ],
        changes=[Change(path=p, before=x, after=y) for p, x, y in domain.compare(ca, cb)],
    )
    return comparison, cb


Before = Annotated[int, Query(ge=1, le=MAX_OFFSET, description="The earlier version's number")]
After = Annotated[int, Query(ge=1, le=MAX_OFFSET, description="The later version's number")]


@router.get("/reports/compare", response_model=ReportComparison)
async def compare_reports(scope: ReadScope, uow: UowDep, before: Before, after: After) -> ReportComparison:
    """What differs between two versions: the plan versions they were built from, and every figure."""
    comparison, _ = await _comparison(uow, scope.region, before, after)
    return comparison


@router.get("/reports/compare/html", response_class=HTMLResponse)
async def compare_reports_html(
    scope: ReadScope, uow: UowDep, before: Before, after: After, lang: Lang = None
) -> HTMLResponse:
    """The comparison of two versions as a page."""
    result, latest = await _comparison(uow, scope.region, before, after)
    return HTMLResponse(
        render.comparison_html(
            scope.region,
            result.before,
            result.after,
            result.plan_versions,
            result.changes,
            language=lang or latest.language,
        )
    )


@router.get("/reports/{number}", response_model=ReportPublic)
async def get_report(
    number: Annotated[int, PathParam(ge=0, le=MAX_OFFSET)], scope: ReadScope, uow: UowDep
) -> Response:
    """One report version with its data (the schema below) and what it was built from."""
    return await _report_json(uow, scope.region, number)


@router.get("/reports/{ref}/html", response_class=HTMLResponse)
async def report_html(ref: Ref, scope: ReadScope, uow: UowDep, lang: Lang = None) -> HTMLResponse:
    """The report as a page for people: readable, printable, with its charts drawn as SVG."""
    r = _public(await _report(uow, scope.region, ref))
    return HTMLResponse(
        render.html(
            r.content,
            r.built_from,
            number=r.number,
            language=lang or r.content.language,
            versions=await _versions(uow, scope.region),
        )
    )


@router.get(
    "/reports/{ref}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 503: {"description": "No Chromium to print with"}},
)
async def report_pdf(
    ref: Ref, request: Request, scope: ReadScope, uow: UowDep, lang: Lang = None
) -> Response:
    """The same report as PDF, for the committee."""
    r = _public(await _report(uow, scope.region, ref))
    page = render.html(
        r.content, r.built_from, number=r.number, language=lang or r.content.language, for_print=True
    )
    ctx: ServiceContext = request.app.state.ctx
    printer: PdfPrinter | None = ctx.state.get("pdf")
    if printer is None:  # the service's printer job had not run yet
        printer = ctx.state["pdf"] = PdfPrinter()
    try:
        body = await printer.pdf(page)
    except PdfUnavailable as exc:
        raise Problem(503, "Service Unavailable", str(exc)) from exc
    except TimeoutError as exc:
        raise Problem(503, "Service Unavailable", "The PDF took too long to print; try again.") from exc
    return _download(body, "application/pdf", f"{scope.region}-report-{r.number}.pdf")


@router.get(
    "/reports/{ref}/portfolio.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}}
)
async def portfolio_csv(ref: Ref, scope: ReadScope, uow: UowDep, lang: Lang = None) -> Response:
    """The portfolio by strength area × level × funding source × currency, for a spreadsheet."""
    r = _public(await _report(uow, scope.region, ref))
    body = render.portfolio_csv(r.content, lang or r.content.language)
    return _download("\ufeff" + body, "text/csv; charset=utf-8", f"{scope.region}-portfolio-{r.number}.csv")


@router.get(
    "/reports/{ref}/municipalities.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def municipalities_csv(ref: Ref, scope: ReadScope, uow: UowDep, lang: Lang = None) -> Response:
    """The geographic outcome per municipality, for a spreadsheet."""
    r = _public(await _report(uow, scope.region, ref))
    body = render.municipalities_csv(r.content, lang or r.content.language)
    return _download(
        "\ufeff" + body, "text/csv; charset=utf-8", f"{scope.region}-municipalities-{r.number}.csv"
    )


@router.get("/follow-up", response_model=ReportContent)
async def follow_up(
    scope: ReadScope,
    uow: UowDep,
    start: Annotated[date, Query(description="First day of the period")],
    end: Annotated[date, Query(description="Last day of the period")],
) -> ReportContent:
    """The follow-up over any period, built now from the read models (not stored as a version)."""
    if end < start:
        raise Unprocessable(
            "The period ends before it starts.", [{"pointer": "/end", "message": "before start"}]
        )
    inputs = await load_inputs(uow.session, scope.region)
    content, _ = await asyncio.to_thread(domain.build_report, inputs, utcnow(), Period(start=start, end=end))
    return content


# --------------------------------------------------------------------------- across regions


@router.get("/sharing", response_model=SharingPublic)
async def get_sharing(scope: ReadScope, uow: UowDep) -> SharingPublic:
    """Whether the region takes part in the cross-region cooperation view."""
    row = await uow.session.get(Sharing, scope.region)
    return SharingPublic(
        region=scope.region,
        opted_in=bool(row and row.opted_in),
        changed_at=utc(row.changed_at) if row else None,
    )


@router.put("/sharing", response_model=SharingPublic)
async def put_sharing(body: SharingBody, scope: EditScope, uow: UowDep) -> SharingPublic:
    """Opt in to (or out of) the cross-region view: other opted-in regions then see this region's
    strength areas and economic domains, and it sees theirs. Nothing else is shared."""
    row = await uow.session.get(Sharing, scope.region)
    now = utcnow()
    if row is None:
        row = Sharing(
            region=scope.region, opted_in=body.opted_in, changed_by=scope.principal.name, changed_at=now
        )
        uow.session.add(row)
    elif row.opted_in != body.opted_in:
        row.opted_in, row.changed_by, row.changed_at = body.opted_in, scope.principal.name, now
    await mark_dirty(uow.session, scope.region)  # criterion 7 of the report names it
    await uow.commit()
    return SharingPublic(region=scope.region, opted_in=row.opted_in, changed_at=utc(row.changed_at))


async def _profiles(uow: UowDep, regions: Sequence[str]) -> list[domain.RegionProfile]:
    rows = (await uow.session.scalars(select(ProgrammeRM).where(ProgrammeRM.region.in_(regions)))).all()
    areas: dict[str, list[domain.StrengthAreaIn]] = {r: [] for r in regions}
    for p in rows:
        areas[p.region].extend(strength_areas_of(p))
    return [domain.RegionProfile(region=r, strength_areas=areas[r]) for r in sorted(regions)]


@router.get("/cooperation", response_model=Cooperation)
async def cooperation(scope: ReadScope, uow: UowDep) -> Cooperation:
    """Candidates for interregional cooperation (EU criterion 7): the strength areas of every region
    that opted in, side by side by shared economic domain (NACE division), and the regions whose
    priorities are most like this region's. Empty until this region opts in itself."""
    own = await uow.session.get(Sharing, scope.region)
    if not (own and own.opted_in):
        return Cooperation(region=scope.region, opted_in=False, regions=[], domains=[], similar=[])
    regions = list(
        (await uow.session.scalars(select(Sharing.region).where(Sharing.opted_in.is_(True)))).all()
    )
    profiles = await _profiles(uow, regions)
    mine = next(p for p in profiles if p.region == scope.region)
    return Cooperation(
        region=scope.region,
        opted_in=True,
        regions=sorted(regions),
        domains=[
            SharedDomain(
                nace=nace,
                strength_areas=[
                    SharedDomainArea(
                        region=region,
                        strength_area_code=sa.code,
                        strength_area_name=domain.localized(sa.name),
                    )
                    for region, sa in entries
                ],
            )
            for nace, entries in domain.shared_domains(profiles).items()
        ],
        similar=[
            SimilarRegion(region=other.region, similarity=score, shared_nace=nace, shared_goals=goals)
            for other, score, nace, goals in domain.similar_regions(mine, profiles)
        ],
    )
