"""How current each region's report is, for the operators' gauges: the time from a plan version's
publication to the first report that shows it current (recorded as a report is built), and each
region's staleness (polled)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kraftsamla_common import metrics
from kraftsamla_common.db import ALL_REGIONS
from kraftsamla_common.events import utcnow
from kraftsamla_common.service import ServiceContext

from ..domain.freshness import Publication, ReportState, newly_current, stale_since
from ..persistence.queries import utc
from ..persistence.tables import DirtyRegion, KnownPlanPublication, KnownPlanVersion, Report

log = logging.getLogger(__name__)


def state_of(built_from: dict[str, Any], outdated: int | None) -> ReportState:
    """What a stored report version (its ``built_from`` as kept) shows of the plans."""
    refs = [(str(r["action_plan_id"]), int(r["version"])) for r in built_from.get("plan_versions", [])]
    return ReportState(frozenset(refs), outdated)


async def report_state(session: AsyncSession, region: str, number: int) -> ReportState | None:
    row = (
        await session.execute(
            select(Report.built_from, Report.outdated).where(Report.region == region, Report.number == number)
        )
    ).first()
    return state_of(row.built_from, row.outdated) if row is not None else None


async def publish_to_report(
    session: AsyncSession, region: str, previous: ReportState | None, report: ReportState, at: datetime
) -> list[float]:
    """Seconds from the publication of each plan version this report is the first to show current."""
    versions = newly_current(previous, report)
    if not versions:
        return []
    rows = (
        await session.execute(
            select(
                KnownPlanPublication.action_plan_id,
                KnownPlanPublication.version,
                KnownPlanPublication.published_at,
            )
            .where(KnownPlanPublication.region == region)
            .where(KnownPlanPublication.action_plan_id.in_({plan for plan, _ in versions}))
        )
    ).all()
    return [
        max((at - utc(published)).total_seconds(), 0.0)
        for plan, version, published in rows
        if (plan, version) in versions
    ]


async def staleness(session: AsyncSession, now: datetime) -> dict[str, float]:
    """Every region's staleness in seconds, 0 where its report is current."""
    latest_numbers = (
        select(Report.region, func.max(Report.number).label("number")).group_by(Report.region).subquery()
    )
    latest = {
        row.region: state_of(row.built_from, row.outdated)
        for row in await session.execute(
            select(Report.region, Report.built_from, Report.outdated).join(
                latest_numbers,
                (Report.region == latest_numbers.c.region) & (Report.number == latest_numbers.c.number),
            )
        )
    }
    publications: dict[str, list[Publication]] = {}
    for row in await session.execute(
        select(
            KnownPlanVersion.region,
            KnownPlanVersion.action_plan_id,
            KnownPlanVersion.version,
            KnownPlanVersion.published_at,
        )
    ):
        publications.setdefault(row.region, []).append(
            Publication(row.action_plan_id, row.version, utc(row.published_at))
        )
    dirty = {
        row.region: utc(row.marked_at)
        for row in await session.execute(select(DirtyRegion.region, DirtyRegion.marked_at))
    }
    out: dict[str, float] = {}
    for region in latest.keys() | publications.keys() | dirty.keys():
        since = stale_since(latest.get(region), publications.get(region, []), dirty.get(region))
        out[region] = max((now - since).total_seconds(), 0.0) if since is not None else 0.0
    return out


async def watch_staleness(ctx: ServiceContext) -> None:
    """Background job: every region's staleness for the gauge, every ``metrics_poll_seconds``."""
    while True:
        try:
            async with ctx.db.session(ALL_REGIONS) as session:
                metrics.snapshot.report_stale.update(await staleness(session, utcnow()))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database away: the gauge keeps its last values
            log.debug("report staleness: %r", exc)
        await asyncio.sleep(ctx.settings.metrics_poll_seconds)
