"""Request and response models of the assessment API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from kraftsamla_common.events import Level

MAX_TEXT = 20_000
"""Longest summary or description accepted, in characters."""

MunicipalityCode = Annotated[
    str, Field(pattern=r"^\d{3,4}$", description="Kommunkod (SE) or kuntanumero (FI)")
]
ApplicationKind = Literal["project", "business_support", "feasibility_study", "implementation_project"]
Status = Literal["received", "under_assessment", "assessed", "granted", "rejected", "withdrawn", "completed"]


class ApplicationIn(BaseModel):
    """An application as a funding system sends it; (source, external_id) identifies it."""

    model_config = ConfigDict(extra="forbid")
    source: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Funding system id")]
    external_id: Annotated[str, Field(min_length=1, max_length=128)]
    kind: ApplicationKind = "project"
    title: Annotated[str, Field(min_length=1, max_length=500)]
    summary: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    description: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    applicant_identifier: Annotated[str, Field(max_length=20)] | None = None
    funding_programme: Annotated[str, Field(max_length=120)] | None = None
    requested_amount: Annotated[float, Field(ge=0)]
    currency: Literal["SEK", "EUR", "NOK", "DKK"] = "SEK"
    municipalities: Annotated[list[MunicipalityCode], Field(max_length=400)] = []


class EvidencePublic(BaseModel):
    priority_id: str
    term: str
    passage: str
    language: str


class FitPublic(BaseModel):
    strength_area_id: UUID
    code: str
    score: float
    level: Level | None
    priority_ids: list[str]
    matched_terms: list[str]
    evidence: list[EvidencePublic]


class AssessmentPublic(BaseModel):
    id: UUID
    application_id: UUID
    application_revision: int
    trigger: str
    plan_key: str
    plan_versions: list[dict[str, object]]
    strength_area_id: UUID | None
    level: Level | None
    score: float
    recommendation: str
    language: str
    rationale: str
    fits: list[FitPublic]
    created_at: datetime


class ApplicationPublic(BaseModel):
    id: UUID
    region: str
    source: str
    external_id: str
    kind: str
    title: str
    summary: str | None
    description: str | None
    applicant_identifier: str | None
    funding_programme: str | None
    requested_amount: float
    currency: str
    municipalities: list[str]
    status: str
    revision: int
    received_at: datetime
    updated_at: datetime
    assessment: AssessmentPublic | None


class ApplicationsPublic(BaseModel):
    data: list[ApplicationPublic]
    count: int


class AssessmentsPublic(BaseModel):
    data: list[AssessmentPublic]
    count: int


class ReassessmentPublic(BaseModel):
    id: UUID
    plan_key: str
    assessed: int
    unchanged: int
    moved: list[dict[str, object]]
    summary: str
    completed_at: datetime


class ReassessmentsPublic(BaseModel):
    data: list[ReassessmentPublic]
    count: int
