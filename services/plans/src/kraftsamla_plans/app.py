"""The plans service: a region's programme, strength areas and action plans with their versions."""

from pathlib import Path

from kraftsamla_common.service import ServiceSpec

from .api import router
from .subscriptions import subscriptions
from .usecases.checklist import refresh_expired_checklists

spec = ServiceSpec(
    name="plans",
    title="Kraftsamla plans",
    description="S3 programmes, strength areas and action plans (six steps), published as numbered versions.",
    router=router,
    subscriptions=subscriptions,
    migrations=Path(__file__).parent / "migrations",
    background=[refresh_expired_checklists],
)
