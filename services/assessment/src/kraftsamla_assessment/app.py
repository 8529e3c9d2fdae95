"""The assessment service: applications from funding systems, their strategic assessment and reassessment."""

from pathlib import Path

from kraftsamla_common.service import ServiceSpec

from .api import router
from .subscriptions import subscriptions
from .usecases import retention
from .usecases.webhook_delivery import dispatch
from .usecases.webhooks import count_webhook_endpoints, seal_secrets

spec = ServiceSpec(
    name="assessment",
    title="Kraftsamla assessment",
    description="Applications from funding systems, assessed against the region's S3 action plans with their reasons.",
    router=router,
    subscriptions=subscriptions,
    migrations=Path(__file__).parent / "migrations",
    background=[dispatch],
    on_start=[seal_secrets, count_webhook_endpoints],
    retention=retention.RULES,
    region_linked={"reassessment_parts": ("reassessment_id", "reassessments", "id")},
)
