"""What the pages read from the services' APIs: the few fields of each answer they show, parsed
where they arrive (an answer with more fields reads the same; one that lacks a shown field fails
loudly in the tests rather than as a blank on a page)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel


class TextPart(BaseModel):
    key: str
    text: str


class Review(BaseModel):
    state: str


class Effective(BaseModel):
    level: str | None = None
    recommendation: str | None = None


class ApplicationLine(BaseModel):
    id: UUID
    title: str
    applicant_name: str | None = None
    status: str
    requested_amount: float
    currency: str
    received_at: datetime
    review: Review
    effective: Effective | None = None


class ApplicationList(BaseModel):
    data: list[ApplicationLine]
    count: int


class ReassessmentLine(BaseModel):
    id: UUID
    status: str
    assessed: int
    unchanged: int
    needs_review: int
    moved: list[dict[str, object]] = []
    summary: str
    summary_parts: list[TextPart] = []
    started_at: datetime
    completed_at: datetime | None = None

    @property
    def summary_text(self) -> str:
        """The summary in the language asked for (the parts' texts), else as written (English)."""
        return " ".join(p.text for p in self.summary_parts) or self.summary


class ReassessmentList(BaseModel):
    data: list[ReassessmentLine]
    count: int


class ReportLine(BaseModel):
    number: int
    generated_at: datetime


class RegionSettings(BaseModel):
    country: str
    county: str | None = None


class RegionList(BaseModel):
    data: list[dict[str, str]]


class Desk(BaseModel):
    """A region's desk: what needs a person now."""

    region: str
    settings: RegionSettings | None
    queue: ApplicationList | None
    """An assessor's queue: the applications assigned to them (None for other roles)."""
    needs_review: ApplicationList
    not_reviewed: ApplicationList
    reassessments: ReassessmentList
    report: ReportLine | None
