"""The reporting service: read models of every other service and the region's follow-up reports."""

import asyncio
from pathlib import Path

from kraftsamla_common.service import ServiceContext, ServiceSpec

from .adapters.pdf import printer_of
from .api import router
from .subscriptions import subscriptions
from .usecases import retention
from .usecases.freshness import watch_staleness
from .usecases.regeneration import regenerate_reports


async def pdf_printer(ctx: ServiceContext) -> None:
    """The service's PDF printer: its browser starts on the first PDF and stops with the service."""
    printer = printer_of(ctx.state)
    try:
        await asyncio.Event().wait()
    finally:
        await printer.close()


spec = ServiceSpec(
    name="reporting",
    title="Kraftsamla reporting",
    description="Read models of plans, actors and assessments, and numbered versions of each region's "
    "follow-up report, regenerated (coalesced) as events arrive, as JSON, HTML, PDF and CSV in "
    "Swedish, English and Finnish; comparison of versions; the cross-region cooperation view.",
    router=router,
    subscriptions=subscriptions,
    migrations=Path(__file__).parent / "migrations",
    background=[regenerate_reports, pdf_printer, watch_staleness],
    retention=retention.RULES,
)
