"""Reading the region's report versions: one by number (or the latest), the list, two compared, and
the follow-up over any period built live from the read models (not stored as a version)."""

from __future__ import annotations

import asyncio
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from kraftsamla_common import bounds
from kraftsamla_common.errors import NotFound, Unprocessable
from kraftsamla_common.events import utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..domain.compare import Change, Difference, compare, compare_plans
from ..domain.content import BuiltFrom, Language, Period, ReportContent
from ..domain.report import build_report
from ..persistence.queries import utc
from ..persistence.report_json import load_built_from, load_content
from ..persistence.tables import Report
from .inputs import load_inputs

T = TypeVar("T")

VERSIONS_SHOWN = 20
"""Versions a report's page links to."""


@dataclass(frozen=True)
class ReportVersion:
    """One stored version of the region's report; its content and provenance as stored (JSON)."""

    id: str
    region: str
    number: int
    generated_at: datetime
    built_from: dict[str, Any]
    content: dict[str, Any]


@dataclass(frozen=True)
class Comparison:
    """Two versions side by side: the plan versions they were built from, and every figure that differs
    (section by section, with how many are equal)."""

    before: ReportVersion
    after: ReportVersion
    plan_versions: list[Change]
    difference: Difference
    language: Language
    """The later version's language."""


def _version(r: Report) -> ReportVersion:
    return ReportVersion(
        id=r.id,
        region=r.region,
        number=r.number,
        generated_at=utc(r.generated_at),
        built_from=r.built_from,
        content=r.content,
    )


def _which(query: Select[T], region: str, ref: str | int) -> Select[T]:
    query = query.where(Report.region == region)
    if ref == "latest":
        return query.order_by(Report.number.desc()).limit(1)
    return query.where(Report.number == int(ref))


def _not_found(region: str, ref: str | int) -> NotFound:
    return NotFound("Report of region", region) if ref == "latest" else NotFound("Report", ref)


async def read_report_version(uow: UnitOfWork, ref: str | int) -> ReportVersion:
    """A report version by number or ``latest``."""
    report: Report | None = await uow.session.scalar(_which(select(Report), uow.region, ref))
    if report is None:
        raise _not_found(uow.region, ref)
    return _version(report)


async def read_report(uow: UnitOfWork, ref: str | int, *, known: Container[str] = ()) -> ReportVersion | str:
    """A report version by number or ``latest``; only its id when that id is ``known`` to the caller
    (a version never changes, so a caller that keeps what it read needs no more)."""
    report_id: str | None = await uow.session.scalar(_which(select(Report.id), uow.region, ref))
    if report_id is None:
        raise _not_found(uow.region, ref)
    if report_id in known:
        return report_id
    report = await uow.session.get(Report, report_id)
    assert report is not None
    return _version(report)


async def read_report_with_versions(
    uow: UnitOfWork, ref: str | int
) -> tuple[ReportVersion, list[ReportVersion]]:
    """A report version, and the newest versions of the region (for the page's list of versions)."""
    report = await read_report_version(uow, ref)
    rows = (
        await uow.session.scalars(
            select(Report)
            .where(Report.region == uow.region)
            .order_by(Report.number.desc())
            .limit(VERSIONS_SHOWN)
        )
    ).all()
    return report, [_version(r) for r in rows]


async def list_reports(uow: UnitOfWork, *, limit: int, offset: int) -> tuple[Sequence[ReportVersion], int]:
    """The region's report versions, newest first, and how many there are."""
    rows = (
        await uow.session.scalars(
            select(Report)
            .where(Report.region == uow.region)
            .order_by(Report.number.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    total = await uow.session.scalar(
        select(func.count()).select_from(Report).where(Report.region == uow.region)
    )
    return [_version(r) for r in rows], total or 0


async def compare_reports(uow: UnitOfWork, before: int, after: int) -> Comparison:
    """What differs between two versions: the plan versions they were built from, and every figure."""
    a, b = await read_report_version(uow, before), await read_report_version(uow, after)
    ca, cb = load_content(a.content), load_content(b.content)
    return Comparison(
        before=a,
        after=b,
        plan_versions=compare_plans(
            load_built_from(a.built_from), load_built_from(b.built_from), [*ca.plans, *cb.plans]
        ),
        difference=compare(ca, cb),
        language=cb.language,
    )


async def follow_up(uow: UnitOfWork, start: date, end: date) -> ReportContent:
    """The follow-up over any period, built now from the read models (not stored as a version)."""
    content, _ = await follow_up_with_provenance(uow, start, end)
    return content


async def follow_up_with_provenance(
    uow: UnitOfWork, start: date, end: date
) -> tuple[ReportContent, BuiltFrom]:
    """The follow-up over any period and what it was built from (the plan versions, the last event
    of each source), built now from the read models."""
    errors = bounds.period_errors(start, end, start_name="start", end_name="end")
    if errors:
        raise Unprocessable("The period asked about is not one.", errors)
    inputs = await load_inputs(uow.session, uow.region)
    return await asyncio.to_thread(build_report, inputs, utcnow(), Period(start=start, end=end))
