"""The regeneration of reports: a background job that waits for changes, lets a burst settle, and
builds one new report version per dirty region.

A dirty row is deleted only if its change counter did not move while the report was built; a change
that arrived meanwhile leaves it dirty, and the next round picks it up. Thousands of events
therefore yield a handful of report versions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from uuid import UUID

from opentelemetry import propagate, trace
from sqlalchemy import delete, func, select

from kraftsamla_common import metrics, telemetry
from kraftsamla_common.db import ALL_REGIONS
from kraftsamla_common.events import ReportGenerated, new_id, utcnow
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import ServiceContext

from ..domain.report import build_report
from ..persistence.report_json import built_from_json, content_json
from ..persistence.tables import DirtyRegion, Report
from . import freshness
from .due import wakeups
from .inputs import load_inputs

log = logging.getLogger(__name__)
tracer = trace.get_tracer("kraftsamla.reporting")

POLL_SECONDS = 1.0
"""Fallback: dirty regions are looked for at least this often, signal or not (e.g. after a restart)."""
BURST_FACTOR = 10
"""A burst is gathered until it is quiet for the debounce, but never longer than this many debounces."""


async def generate_report(ctx: ServiceContext, region: str) -> int | None:
    """Build and store the next report version of a dirty region; its number, or None if it was not dirty.

    Runs in the trace of the last change it includes, so one trace goes from that change to the report.
    """
    region_token = telemetry.region_var.set(region)
    try:
        async with ctx.db.session(region) as session, session.begin():
            claim = select(DirtyRegion).where(DirtyRegion.region == region)
            if not ctx.db.is_sqlite:
                # Another replica generating this region's report holds the row: leave it to it.
                claim = claim.with_for_update(skip_locked=True)
            dirty = await session.scalar(claim)
            if dirty is None:
                return None
            # Read the counter before the read models: a change committed after this read moves it.
            changes = dirty.changes
            parent = propagate.extract({"traceparent": dirty.traceparent} if dirty.traceparent else {})
            with tracer.start_as_current_span(
                "generate report", context=parent, attributes={"kraftsamla.region": region}
            ) as span:
                started = time.perf_counter()
                inputs = await load_inputs(session, region)
                now = utcnow()
                content, built_from = build_report(inputs, now)
                last = await session.scalar(select(func.max(Report.number)).where(Report.region == region))
                number = (last or 0) + 1
                outdated = content.assessments.outdated
                built = built_from_json(built_from)
                previous = await freshness.report_state(session, region, last) if last else None
                current_after = await freshness.publish_to_report(
                    session, region, previous, freshness.state_of(built, outdated), now
                )
                report = Report(
                    id=str(new_id()),
                    region=region,
                    number=number,
                    generated_at=now,
                    built_from=built,
                    content=content_json(content),
                    outdated=outdated,
                )
                session.add(report)
                await session.execute(
                    delete(DirtyRegion).where(DirtyRegion.region == region, DirtyRegion.changes == changes)
                )
                uow = UnitOfWork(session, source=ctx.settings.service, region=region, settings=ctx.settings)
                uow.emit(
                    ReportGenerated(
                        report_id=UUID(report.id),
                        number=number,
                        plan_versions=built_from.plan_versions,
                        generated_at=now,
                    ),
                    subject=report.id,
                )
                await uow.flush()
                elapsed = time.perf_counter() - started
                span.set_attributes(
                    {
                        "kraftsamla.report_number": number,
                        "kraftsamla.changes": changes,
                        "kraftsamla.applications": len(inputs.applications),
                    }
                )
                log.info("report %d built from %d changes in %.3fs", number, changes, elapsed)
        metrics.report_duration.record(elapsed, {"region": region})
        for seconds in current_after:
            metrics.publish_to_report.record(seconds, {"region": region})
        return number
    finally:
        telemetry.region_var.reset(region_token)


async def regenerate_due(ctx: ServiceContext) -> int:
    """One round: a report for every dirty region; how many were generated."""
    async with ctx.db.session(ALL_REGIONS) as session:
        due = (await session.scalars(select(DirtyRegion.region).order_by(DirtyRegion.marked_at))).all()
    generated = 0
    for region in due:
        try:
            if await generate_report(ctx, region) is not None:
                generated += 1
        except Exception:
            # The region stays dirty and is retried in a later round.
            log.exception("report of region %s could not be generated", region)
    if generated:
        ctx.relay.wake()
    return generated


async def _gather_burst(signal: asyncio.Event, quiet: float, longest: float) -> None:
    """Return once no change was signalled for ``quiet`` seconds, or after ``longest`` seconds at most."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + longest
    while (remaining := deadline - loop.time()) > 0:
        signal.clear()
        try:
            await asyncio.wait_for(signal.wait(), timeout=min(quiet, remaining))
        except TimeoutError:
            return


async def regenerate_reports(ctx: ServiceContext) -> None:
    """Background job: wait for changes, let a burst settle, then regenerate the dirty regions' reports."""
    signal = wakeups.register()
    ctx.state["reports_wakeup"] = signal
    debounce = ctx.settings.report_debounce_seconds
    failures = 0
    try:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), timeout=POLL_SECONDS)
            if signal.is_set():
                await _gather_burst(signal, debounce, debounce * BURST_FACTOR)
            # Cleared before the table is read: a change signalled from here on starts another round.
            signal.clear()
            try:
                await regenerate_due(ctx)
                failures = 0
            except Exception as exc:  # the database is away: retry with back-off
                failures += 1
                delay = min(0.5 * 2**failures, 30.0)
                log.warning("report regeneration failed: %r; retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
    finally:
        wakeups.unregister(signal)
