"""The actors service: a region's organisations of the quadruple helix (later: people, engagements)."""

from pathlib import Path

from kraftsamla_common.service import ServiceSpec

from .api import router
from .subscriptions import subscriptions

spec = ServiceSpec(
    name="actors",
    title="Kraftsamla actors",
    description="Organisations of the quadruple helix registered as actors of a region, "
    "identified by Swedish organisationsnummer or Finnish Y-tunnus.",
    router=router,
    subscriptions=subscriptions,
    migrations=Path(__file__).parent / "migrations",
)
