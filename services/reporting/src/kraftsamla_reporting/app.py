"""The reporting service: read models of every other service and the region's follow-up reports."""

from pathlib import Path

from kraftsamla_common.service import ServiceSpec

from .api import router
from .subscriptions import regenerate_reports, subscriptions

spec = ServiceSpec(
    name="reporting",
    title="Kraftsamla reporting",
    description="Read models of plans, actors and assessments, and numbered versions of each region's "
    "follow-up report, regenerated (coalesced) as events arrive.",
    router=router,
    subscriptions=subscriptions,
    migrations=Path(__file__).parent / "migrations",
    background=[regenerate_reports],
)
