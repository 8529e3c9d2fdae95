"""Events the reporting service publishes: a new version of a region's follow-up report."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from .envelope import EventData, event
from .shared import PlanVersionRef


@event
class ReportGenerated(EventData):
    event_type: ClassVar[str] = "reporting.report.generated.v1"
    description: ClassVar[str] = "A new version of the region's follow-up report was generated."

    report_id: UUID
    number: int
    plan_versions: list[PlanVersionRef]
    generated_at: datetime
