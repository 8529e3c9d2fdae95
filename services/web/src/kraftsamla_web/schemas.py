"""What the pages read from the services' APIs: the few fields of each answer they show, parsed
where they arrive (an answer with more fields reads the same; one that lacks a shown field fails
loudly in the tests rather than as a blank on a page)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel


class TextPart(BaseModel):
    key: str
    params: dict[str, Any] = {}
    text: str


def worded(parts: list[TextPart], fallback: str) -> str:
    """Parts' texts in the language asked for, joined; else the text as written (English)."""
    return " ".join(p.text for p in parts) or fallback


class Override(BaseModel):
    part: str
    value: Any = None
    reason: str
    by: str
    at: datetime
    in_force: bool
    rubric_version: int = 0


class Review(BaseModel):
    state: str
    by: str | None = None
    at: datetime | None = None
    comment: str | None = None
    parts_to_review: list[str] = []
    overrides: list[Override] = []


class Effective(BaseModel):
    strength_area_id: UUID | None = None
    level: str | None = None
    recommendation: str | None = None
    supported_goals: list[int] = []
    dimensions: list[str] = []


class WordedPart(BaseModel):
    """A part of a text the service words in the language asked for; ``params`` as it stores them."""

    key: str
    params: dict[str, Any] = {}
    text: str


class Evidence(BaseModel):
    priority_id: str = ""
    term: str
    passage: str
    language: str = ""
    source: str = ""


class Fit(BaseModel):
    strength_area_id: UUID
    code: str
    score: float
    level: str | None = None
    matched_terms: list[str] = []
    evidence: list[Evidence] = []


class Assessment(BaseModel):
    """An assessment as the pages show it; its findings (placement, sustainability, Agenda 2030,
    geography, claims, criteria) as the service gives them."""

    id: UUID
    trigger: str
    plan_versions: list[dict[str, Any]] = []
    rubric_version: int
    strength_area_id: UUID | None = None
    level: str | None = None
    score: float
    scale_max: int | None = None
    recommendation: str
    language: str = ""
    """The language the application is written in."""
    rationale_parts: list[WordedPart] = []
    fits: list[Fit] = []
    placement: dict[str, Any] | None = None
    sustainability: dict[str, Any] | None = None
    agenda2030: dict[str, Any] | None = None
    geography: dict[str, Any] | None = None
    claims: dict[str, Any] | None = None
    criteria: list[dict[str, Any]] = []
    created_at: datetime

    def part(self, key: str) -> WordedPart | None:
        return next((p for p in self.rationale_parts if p.key == key), None)


class AssessmentList(BaseModel):
    data: list[Assessment]
    count: int


class Conflict(BaseModel):
    declared_by: str
    reason: str
    declared_at: datetime


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
    municipalities: list[str] = []
    funding_source: str | None = None
    assignees: list[str] = []


class Application(ApplicationLine):
    """One application with all the page shows of it."""

    region: str
    source: str
    external_id: str
    kind: str
    stage: str | None = None
    summary: str | None = None
    description: str | None = None
    partners: list[dict[str, Any]] = []
    funding_programme: str | None = None
    total_budget: float | None = None
    period_start: date | None = None
    period_end: date | None = None
    goals: list[int] = []
    sustainability: dict[str, Any] = {}
    granted_amount: float | None = None
    decided_on: date | None = None
    revision: int
    updated_at: datetime | None = None
    assessment: Assessment | None = None
    conflicts: list[Conflict] = []


class ApplicationList(BaseModel):
    data: list[ApplicationLine]
    count: int


class FacetValue(BaseModel):
    value: str | None
    count: int
    code: str | None = None


class ApplicationsFound(BaseModel):
    """A page of the list, how many match, and the counts per value of each filter."""

    data: list[ApplicationLine]
    count: int
    facets: dict[str, list[FacetValue]] = {}


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
    plan_key: str = ""
    rubric_version: int | None = None
    trigger: str = ""
    trigger_parts: list[TextPart] = []

    @property
    def summary_text(self) -> str:
        """The summary in the language asked for (the parts' texts), else as written (English)."""
        return worded(self.summary_parts, self.summary)

    @property
    def plan_versions(self) -> int:
        """How many action plans' versions it assessed by (its ``plan_key``: ``plan:version,…``)."""
        return len(self.plan_key.split(",")) if self.plan_key else 0

    @property
    def trigger_text(self) -> str:
        """What started it (a plan's new version, a new rubric) in the language asked for."""
        return worded(self.trigger_parts, self.trigger)

    @property
    def trigger_sentence(self) -> str:
        """:attr:`trigger_text` as a sentence of its own (its first letter a capital)."""
        text = self.trigger_text
        return text[:1].upper() + text[1:]


class MovedApplication(BaseModel):
    application_id: UUID
    title: str | None = None
    from_level: str | None = None
    to_level: str | None = None
    from_strength_area_id: UUID | None = None
    to_strength_area_id: UUID | None = None
    from_recommendation: str | None = None
    to_recommendation: str | None = None
    reason: str = ""
    reason_parts: list[TextPart] = []


class MoveGroup(BaseModel):
    count: int
    change: str
    reason: str
    sentence: str
    sentence_parts: list[TextPart] = []


class Reassessment(ReassessmentLine):
    """One reassessment with every application it moved (each with its title) and the moves grouped."""

    moved: list[MovedApplication] = []  # type: ignore[assignment]
    groups: list[MoveGroup] = []


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


class ReviewStatus(BaseModel):
    last_revised: datetime | None = None
    next_review: date | None = None
    overdue: bool
    reason: str | None = None


class ActionPlanLine(BaseModel):
    id: UUID
    strength_area_code: str
    strength_area_name: dict[str, str | None]
    current_version: int
    review: ReviewStatus


class ActionPlanList(BaseModel):
    data: list[ActionPlanLine]
    count: int


class Finding(BaseModel):
    key: str
    params: dict[str, Any] = {}
    text: str


class Criterion(BaseModel):
    number: int
    key: str
    status: str
    missing: list[Finding] = []


class Checklist(BaseModel):
    programme_id: UUID
    criteria: list[Criterion]
    met: int


class Gap(BaseModel):
    kind: str
    message: str
    helix: str | None = None
    municipality: str | None = None
    share: float | None = None


class Composition(BaseModel):
    gaps: list[Gap]


class Gaps(BaseModel):
    """What the desk says is missing: overdue action plans, the 1.1 checklist's gaps, partnership
    gaps; each None where its service did not answer (the rest of the desk still shows)."""

    overdue_plans: ActionPlanList | None
    checklist: Checklist | None
    no_programme: bool = False
    """The plans service answered, and the region has no programme (so no checklist)."""
    composition: Composition | None


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
    gaps: Gaps | None = None


# --------------------------------------------------------------------------- indicators


class Indicator(BaseModel):
    name: str
    code: str | None = None
    unit: str | None = None


class SubGoal(BaseModel):
    """A sub-goal of an action plan's published version, with its indicator, baseline and target."""

    id: str
    title: dict[str, str | None]
    indicator: Indicator
    baseline: float | None = None
    baseline_year: int | None = None
    target: float | None = None
    target_year: int | None = None


class Measurement(BaseModel):
    id: UUID
    sub_goal_id: str
    year: int
    value: float
    measured_on: date | None = None
    source: str = ""
    note: str = ""
    recorded_by: str = ""


class CommonIndicator(BaseModel):
    """An ERDF common indicator (RCO/RCR) in the reader's language where the data has it."""

    code: str
    kind: str
    name: str
    unit: str
    language: str


class IndicatorLine(BaseModel):
    """A sub-goal as the latest report follows it up (section 7)."""

    strength_area_code: str
    action_plan_id: UUID
    sub_goal_id: str
    title: dict[str, str | None]
    indicator: str
    indicator_code: str | None = None
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    target_year: int | None = None
    latest: float | None = None
    latest_year: int | None = None
    status: str


class ImportedRow(BaseModel):
    line: int
    sub_goal_id: str
    year: int
    value: float
    status: str


class ImportRowError(BaseModel):
    line: int
    field: str | None = None
    message: str = ""


class ImportReport(BaseModel):
    """What the plans service did (or, in a dry run, would do) with a file of values."""

    mode: str
    dry_run: bool
    rows: int
    created: int
    corrected: int
    rejected: int
    imported: list[ImportedRow] = []
    errors: list[ImportRowError] = []


# --------------------------------------------------------------------------- reports


class PlanVersionRef(BaseModel):
    action_plan_id: UUID
    strength_area_id: UUID
    version: int


class ReportSummary(BaseModel):
    number: int
    generated_at: datetime
    built_from: dict[str, Any]


class ReportSummaries(BaseModel):
    data: list[ReportSummary]
    count: int


class ChangeText(BaseModel):
    section: str
    subject: str
    figure: str
    change: str
    before: str
    after: str
    sentence: str


class ComparedChange(BaseModel):
    change: str
    kind: str
    text: ChangeText


class ComparedSection(BaseModel):
    key: str
    heading: str
    changes: list[ComparedChange]


class Comparison(BaseModel):
    """Two report versions compared, worded by the reporting service in the reader's language."""

    region_name: str
    language: str
    before: ReportSummary
    after: ReportSummary
    plan_versions: list[ComparedChange]
    sections: list[ComparedSection]
    changed: int
    unchanged: int
    summary: str


class Sharing(BaseModel):
    opted_in: bool
    changed_at: datetime | None = None


class SharedArea(BaseModel):
    region: str
    region_name: str
    strength_area_code: str
    strength_area_name: dict[str, str | None] | None = None


class SharedDomain(BaseModel):
    nace: str
    strength_areas: list[SharedArea]


class SimilarRegion(BaseModel):
    region: str
    region_name: str
    similarity: float
    shared_nace: list[str] = []
    shared_goals: list[int] = []


class Cooperation(BaseModel):
    region: str
    opted_in: bool
    regions: list[str] = []
    domains: list[SharedDomain] = []
    similar: list[SimilarRegion] = []
