"""HTTP routes of the reporting service: /reporting/regions/{region}/…"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.errors import NotFound
from kraftsamla_common.service import UowDep

from .models import Report
from .schemas import BuiltFrom, ReportContent, ReportPublic, ReportsPublic, ReportSummary
from .subscriptions import utc

router = APIRouter(prefix="/reporting/regions/{region}", tags=["reporting"])


def _public(r: Report) -> ReportPublic:
    return ReportPublic(
        id=UUID(r.id),
        region=r.region,
        number=r.number,
        generated_at=utc(r.generated_at),
        built_from=BuiltFrom.model_validate(r.built_from),
        content=ReportContent.model_validate(r.content),
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
        await uow.session.execute(
            select(Report.number, Report.generated_at, Report.built_from)
            .where(Report.region == scope.region)
            .order_by(Report.number.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    total = await uow.session.scalar(
        select(func.count()).select_from(Report).where(Report.region == scope.region)
    )
    return ReportsPublic(
        data=[
            ReportSummary(number=n, generated_at=utc(at), built_from=BuiltFrom.model_validate(bf))
            for n, at, bf in rows
        ],
        count=total or 0,
    )


@router.get("/reports/latest", response_model=ReportPublic)
async def latest_report(scope: ReadScope, uow: UowDep) -> ReportPublic:
    """The newest report version; 404 until the region's first events have been reported."""
    report = await uow.session.scalar(
        select(Report).where(Report.region == scope.region).order_by(Report.number.desc()).limit(1)
    )
    if report is None:
        raise NotFound("Report of region", scope.region)
    return _public(report)


@router.get("/reports/{number}", response_model=ReportPublic)
async def get_report(number: int, scope: ReadScope, uow: UowDep) -> ReportPublic:
    report = await uow.session.scalar(
        select(Report).where(Report.region == scope.region, Report.number == number)
    )
    if report is None:
        raise NotFound("Report", number)
    return _public(report)
