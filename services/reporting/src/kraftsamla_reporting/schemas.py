"""Response models of the reporting API; ``ReportContent`` and ``BuiltFrom`` are also what is stored.

The report's sections, in the order of the follow-up a region owes its development committee:
1 programme and action plans, 2 activities, 3 partnerships, 4 portfolio, 5 geography,
6 Agenda 2030 and sustainability, 7 sub-goals and indicators, 8 EU enabling condition 1.1,
9 local plans.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from kraftsamla_common.events import LocalizedText, PlanVersionRef

LevelKey = Literal["bas", "bredd", "spets", "none"]
LEVEL_KEYS: tuple[LevelKey, ...] = ("bas", "bredd", "spets", "none")
HELIX_KEYS = ("public", "business", "academia", "civil_society", "state_agency")
DIMENSION_KEYS = ("economic", "social", "environmental")
Language = Literal["sv", "en", "fi"]
LANGUAGES: tuple[Language, ...] = ("sv", "en", "fi")
Amounts = dict[str, float]
"""Sums per currency (ISO 4217), e.g. ``{"SEK": 1250000.0}``."""


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SourceMarkOut(Out):
    """The last event the report saw from one service."""

    last_event_id: UUID
    last_event_time: datetime


class BuiltFrom(Out):
    """What a report version was built from: plan versions and the last event of each source."""

    plan_versions: list[PlanVersionRef]
    plan_key: str
    sources: dict[str, SourceMarkOut]
    generated_at: datetime


class Period(Out):
    start: date
    end: date


# --------------------------------------------------------------------------- 1 programme and plans


class ProgrammeLine(Out):
    programme_id: UUID
    title: str
    reference: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    adopted_on: date | None = None
    adopted_by: str | None = None
    paragraph: str | None = None
    strength_areas: int


class PlanLine(Out):
    """A strength area and its current action-plan version (``None`` if none is published yet)."""

    strength_area_id: UUID
    strength_area_code: str
    strength_area_name: LocalizedText | None
    action_plan_id: UUID | None
    version: int | None
    published_at: datetime | None
    priorities: int
    revisions_last_year: int = Field(
        0, description="Versions published in the twelve months up to the report"
    )
    next_review: date | None = None
    overdue: bool = Field(
        False,
        description="Revised less than twice a year: no version yet, the last one more than six months "
        "old, or its own next review date passed.",
    )


# --------------------------------------------------------------------------- 2 activities


class AreaActivity(Out):
    strength_area_id: UUID | None
    """``None``: engagements not tied to a strength area."""
    strength_area_code: str | None
    engagements: int
    participations: int
    unique_people: int
    unique_actors: int


class CycleLine(Out):
    """A recurring meeting of the annual cycle: slots planned up to the report date against meetings held."""

    cycle_id: UUID
    title: str
    kind: str
    frequency: str
    strength_area_code: str | None
    planned: int
    held: int
    meetings: int
    missed: list[str]


class Activities(Out):
    """Engagements (actor meetings, workshops, surveys…) held in the report's period."""

    year: int
    period: Period | None = None
    engagements: int
    participations: int
    unique_people: int
    unique_actors: int
    by_strength_area: list[AreaActivity]
    cycles: list[CycleLine] = []


# --------------------------------------------------------------------------- 3 partnerships


class AreaPartnership(Out):
    """The actors in a strength area's groups on the day the report was built."""

    strength_area_id: UUID | None
    strength_area_code: str | None
    groups: int
    steering_groups: int = 0
    actors: int
    by_helix: dict[str, int]
    by_municipality: dict[str, int] = {}
    by_industry: dict[str, int] = Field({}, description="Business members by NACE section (A–U)")
    missing_helix: list[str]


# --------------------------------------------------------------------------- 4 portfolio


class Cell(Out):
    count: int = 0
    decided: int = 0
    granted: int = 0
    rejected: int = 0
    requested_amount: Amounts = {}
    granted_amount: Amounts = {}


class StrengthAreaPortfolio(Out):
    strength_area_id: UUID | None
    """``None``: applications that fit no strength area or are not assessed yet."""
    strength_area_code: str | None
    levels: dict[LevelKey, Cell]
    funding_sources: dict[str, Cell] = {}
    total: Cell


class PortfolioRow(Out):
    """One cell of strength area × level × funding source × currency: the CSV's rows."""

    strength_area_code: str | None
    level: LevelKey
    funding_source: str
    currency: str
    count: int
    decided: int
    granted: int
    rejected: int
    requested_amount: float
    granted_amount: float


class Portfolio(Out):
    applications: int
    requested_amount: Amounts
    total: Cell = Cell()
    by_level: dict[LevelKey, Cell] = {}
    by_strength_area: list[StrengthAreaPortfolio]
    rows: list[PortfolioRow] = []


class AssessmentCoverage(Out):
    """How the applications' latest assessments relate to the current set of plan versions."""

    plan_key: str
    current: int
    outdated: int
    not_assessed: int
    by_recommendation: dict[str, int]


class MoveGroupLine(Out):
    count: int
    change: str
    reason: str
    sentence: str


class ReassessmentLine(Out):
    reassessment_id: UUID
    plan_key: str
    plan_versions: list[PlanVersionRef] = []
    rubric_version: int = 0
    summary: str
    assessed: int
    unchanged: int
    moved: int
    needs_review: int = 0
    groups: list[MoveGroupLine] = []
    completed_at: datetime


# --------------------------------------------------------------------------- 5 geography


class MunicipalityLine(Out):
    code: str
    name: str
    population: int | None
    in_region: bool
    applications: int
    open: int
    granted: int
    requested_amount: Amounts
    granted_amount: Amounts
    granted_per_inhabitant: Amounts


class Geography(Out):
    """Where the portfolio lands: an application counts in each municipality it names."""

    municipalities: list[MunicipalityLine]
    reached: int
    """Municipalities of the region with at least one application."""
    unreached: list[str]
    """Municipalities of the region no application names."""
    region_wide: int
    """Applications that name no municipality."""


# --------------------------------------------------------------------------- 6 Agenda 2030


class GoalLine(Out):
    goal: int
    claimed: int
    supported: int
    granted: int
    """Granted applications whose text supports the goal."""
    strength_areas: list[str]
    """Strength areas that declare the goal."""


class Sustainability(Out):
    assessed: int
    dimensions: dict[str, int]
    all_three: int
    none: int
    with_conflicts: int


class Agenda2030(Out):
    goals: list[GoalLine]
    sustainability: Sustainability


# --------------------------------------------------------------------------- 7 indicators

IndicatorStatus = Literal["achieved", "on_track", "behind", "no_data", "no_target"]


class IndicatorLine(Out):
    strength_area_code: str
    action_plan_id: UUID
    sub_goal_id: str
    title: LocalizedText
    indicator: str
    indicator_code: str | None
    unit: str | None
    baseline: float | None
    baseline_year: int | None
    target: float | None
    target_year: int | None
    latest: float | None
    latest_year: int | None
    expected: float | None
    """Where a straight line from baseline to target stands in the latest value's year."""
    status: IndicatorStatus


# --------------------------------------------------------------------------- 8 EU enabling condition 1.1

CriterionStatus = Literal["met", "partial", "missing"]


class Evidence(Out):
    """A finding, as a key the reader's language words and the figures it names."""

    key: str
    params: dict[str, str | int | float] = {}


class CriterionLine(Out):
    number: int
    key: str
    status: CriterionStatus
    evidence: list[Evidence]
    missing: list[Evidence]


# --------------------------------------------------------------------------- 9 local plans


class LocalPlanLine(Out):
    local_plan_id: UUID
    title: str
    version: int
    published_at: datetime
    municipalities: list[str]
    strength_area_codes: list[str]
    actions: int
    actions_linked: int
    financing: Amounts


class AreaAlignment(Out):
    strength_area_id: UUID
    strength_area_code: str
    local_plans: int
    actions: int
    municipalities: list[str]


class LocalPlans(Out):
    plans: list[LocalPlanLine]
    by_strength_area: list[AreaAlignment]
    unaligned: int
    """Local plans that serve no regional strength area."""


# --------------------------------------------------------------------------- the report


class ActorCounts(Out):
    total: int
    by_helix: dict[str, int]


class ReportContent(Out):
    region: str
    generated_at: datetime
    language: Language = "sv"
    """The region's own language: the default for labels and headings."""
    country: str | None = None
    currency: str = "SEK"
    """The currency most of the portfolio is in; charts show it."""
    period: Period | None = None
    programmes: list[ProgrammeLine]
    plans: list[PlanLine]
    activities: Activities | None = None
    partnerships: list[AreaPartnership] = []
    portfolio: Portfolio
    assessments: AssessmentCoverage
    last_reassessments: list[ReassessmentLine] = []
    geography: Geography | None = None
    agenda2030: Agenda2030 | None = None
    indicators: list[IndicatorLine] = []
    eu_criteria: list[CriterionLine] = []
    local_plans: LocalPlans | None = None
    actors: ActorCounts


class ReportSummary(Out):
    number: int
    generated_at: datetime
    built_from: BuiltFrom


class ReportsPublic(Out):
    data: list[ReportSummary]
    count: int


class ReportPublic(Out):
    id: UUID
    region: str
    number: int
    generated_at: datetime
    built_from: BuiltFrom
    content: ReportContent


class Change(Out):
    """One figure or entry that differs between two report versions."""

    path: str
    before: str | int | float | bool | None
    after: str | int | float | bool | None


class ReportComparison(Out):
    region: str
    before: ReportSummary
    after: ReportSummary
    plan_versions: list[Change]
    changes: list[Change]


class SharingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    opted_in: bool


class SharingPublic(Out):
    region: str
    opted_in: bool
    changed_at: datetime | None


class SharedDomainArea(Out):
    region: str
    strength_area_code: str
    strength_area_name: LocalizedText | None


class SharedDomain(Out):
    """An economic domain (NACE division) and the opted-in regions' strength areas in it."""

    nace: str
    strength_areas: list[SharedDomainArea]


class SimilarRegion(Out):
    region: str
    similarity: float
    shared_nace: list[str]
    shared_goals: list[int]


class Cooperation(Out):
    """Candidates for interregional cooperation (EU criterion 7) among regions that opted in."""

    region: str
    opted_in: bool
    regions: list[str]
    domains: list[SharedDomain]
    similar: list[SimilarRegion]
