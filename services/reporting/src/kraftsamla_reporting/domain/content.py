"""What a follow-up report holds, section by section: the domain's own types, which the report builder
returns. They are stored as JSON (one report version) and mapped to the API's schemas by the routes.

The report's sections, in the order of the follow-up a region owes its development committee:
1 programme and action plans, 2 activities, 3 partnerships, 4 portfolio, 5 geography,
6 Agenda 2030 and sustainability, 7 sub-goals and indicators, 8 EU enabling condition 1.1,
9 local plans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from kraftsamla_common.events import LocalizedText, MoveGroup, PlanVersionRef, TextPart

LevelKey = Literal["bas", "bredd", "spets", "none"]
LEVEL_KEYS: tuple[LevelKey, ...] = ("bas", "bredd", "spets", "none")
HELIX_KEYS = ("public", "business", "academia", "civil_society", "state_agency")
DIMENSION_KEYS = ("economic", "social", "environmental")
Language = Literal["sv", "en", "fi"]
LANGUAGES: tuple[Language, ...] = ("sv", "en", "fi")
Amounts = dict[str, float]
"""Sums per currency (ISO 4217), e.g. ``{"SEK": 1250000.0}``."""
IndicatorStatus = Literal["achieved", "on_track", "behind", "no_data", "no_target"]
CriterionStatus = Literal["met", "partial", "missing"]


@dataclass(kw_only=True)
class SourceMark:
    """The last event the report saw from one service."""

    last_event_id: UUID
    last_event_time: datetime


@dataclass(kw_only=True)
class BuiltFrom:
    """What a report version was built from: plan versions and the last event of each source."""

    plan_versions: list[PlanVersionRef]
    plan_key: str
    sources: dict[str, SourceMark]
    generated_at: datetime


@dataclass(kw_only=True)
class Period:
    start: date
    end: date


# --------------------------------------------------------------------------- 1 programme and plans


@dataclass(kw_only=True)
class ProgrammeLine:
    programme_id: UUID
    title: str
    reference: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    adopted_on: date | None = None
    adopted_by: str | None = None
    paragraph: str | None = None
    strength_areas: int


@dataclass(kw_only=True)
class PlanLine:
    """A strength area and its current action-plan version (``None`` if none is published yet)."""

    strength_area_id: UUID
    strength_area_code: str
    strength_area_name: LocalizedText | None
    action_plan_id: UUID | None
    version: int | None
    published_at: datetime | None
    priorities: int
    revisions_last_year: int = 0
    """Versions published in the twelve months up to the report."""
    next_review: date | None = None
    overdue: bool = False
    """Revised less than twice a year: no version yet, the last one more than six months old, or its
    own next review date passed."""


# --------------------------------------------------------------------------- 2 activities


@dataclass(kw_only=True)
class AreaActivity:
    strength_area_id: UUID | None
    """``None``: engagements not tied to a strength area."""
    strength_area_code: str | None
    engagements: int
    participations: int
    unique_people: int | None
    """People reached, each once; ``None``: no engagement lists its participants by person."""
    unique_actors: int
    with_people: int = 0
    """Engagements that list their participants by person (unique people are counted in these)."""


@dataclass(kw_only=True)
class CycleLine:
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


@dataclass(kw_only=True)
class Activities:
    """Engagements (actor meetings, workshops, surveys…) held in the report's period."""

    year: int
    period: Period | None = None
    engagements: int
    participations: int
    unique_people: int | None
    """``None``: no engagement of the period lists its participants by person."""
    unique_actors: int
    with_people: int = 0
    by_strength_area: list[AreaActivity]
    cycles: list[CycleLine] = field(default_factory=list)


# --------------------------------------------------------------------------- 3 partnerships


@dataclass(kw_only=True)
class AreaPartnership:
    """The actors in a strength area's groups on the day the report was built."""

    strength_area_id: UUID | None
    strength_area_code: str | None
    groups: int
    steering_groups: int = 0
    actors: int
    by_helix: dict[str, int]
    by_municipality: dict[str, int] = field(default_factory=dict)
    by_industry: dict[str, int] = field(default_factory=dict)
    """Business members by NACE section (A–U)."""
    missing_helix: list[str]


# --------------------------------------------------------------------------- 4 portfolio


@dataclass(kw_only=True)
class Cell:
    count: int = 0
    decided: int = 0
    granted: int = 0
    rejected: int = 0
    requested_amount: Amounts = field(default_factory=dict)
    granted_amount: Amounts = field(default_factory=dict)


@dataclass(kw_only=True)
class StrengthAreaPortfolio:
    strength_area_id: UUID | None
    """``None``: applications that fit no strength area or are not assessed yet."""
    strength_area_code: str | None
    levels: dict[LevelKey, Cell]
    funding_sources: dict[str, Cell] = field(default_factory=dict)
    total: Cell


@dataclass(kw_only=True)
class PortfolioRow:
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


@dataclass(kw_only=True)
class Portfolio:
    applications: int
    requested_amount: Amounts
    total: Cell = field(default_factory=Cell)
    by_level: dict[LevelKey, Cell] = field(default_factory=dict)
    by_strength_area: list[StrengthAreaPortfolio]
    rows: list[PortfolioRow] = field(default_factory=list)


@dataclass(kw_only=True)
class AssessmentCoverage:
    """How the applications' latest assessments relate to the current set of plan versions."""

    plan_key: str
    current: int
    outdated: int
    not_assessed: int
    by_recommendation: dict[str, int]


@dataclass(kw_only=True)
class ReassessmentLine:
    reassessment_id: UUID
    plan_key: str
    plan_versions: list[PlanVersionRef] = field(default_factory=list)
    rubric_version: int = 0
    summary: str
    """In English (as the assessment service words it); ``summary_parts`` each language words."""
    summary_parts: list[TextPart] = field(default_factory=list)
    assessed: int
    unchanged: int
    moved: int
    needs_review: int = 0
    groups: list[MoveGroup] = field(default_factory=list)
    completed_at: datetime


# --------------------------------------------------------------------------- 5 geography


@dataclass(kw_only=True)
class MunicipalityLine:
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


@dataclass(kw_only=True)
class Geography:
    """Where the portfolio lands: an application counts in each municipality it names."""

    municipalities: list[MunicipalityLine]
    reached: int
    """Municipalities of the region with at least one application."""
    unreached: list[str]
    """Municipalities of the region no application names."""
    region_wide: int
    """Applications that name no municipality."""


# --------------------------------------------------------------------------- 6 Agenda 2030


@dataclass(kw_only=True)
class GoalLine:
    goal: int
    claimed: int
    supported: int
    granted: int
    """Granted applications whose text supports the goal."""
    strength_areas: list[str]
    """Strength areas that declare the goal."""


@dataclass(kw_only=True)
class Sustainability:
    assessed: int
    dimensions: dict[str, int]
    all_three: int
    none: int
    with_conflicts: int


@dataclass(kw_only=True)
class Agenda2030:
    goals: list[GoalLine]
    sustainability: Sustainability


# --------------------------------------------------------------------------- 7 indicators


@dataclass(kw_only=True)
class IndicatorLine:
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


@dataclass(kw_only=True)
class Evidence:
    """A finding, as a key the reader's language words and the figures it names."""

    key: str
    params: dict[str, str | int | float] = field(default_factory=dict)


@dataclass(kw_only=True)
class CriterionLine:
    number: int
    key: str
    status: CriterionStatus
    evidence: list[Evidence]
    missing: list[Evidence]


@dataclass(kw_only=True)
class WheelFactorLine:
    key: str
    score: int
    comment: str
    previous: int | None = None
    """The factor's score in the earlier year shown, if any."""


@dataclass(kw_only=True)
class WheelStepLine:
    step: int
    key: str
    mean: float
    previous_mean: float | None = None
    factors: list[WheelFactorLine] = field(default_factory=list)


@dataclass(kw_only=True)
class SelfAssessmentLine:
    """The current programme's latest RIS3 self-assessment (the RIS3 Assessment Wheel), beside the
    latest earlier year's."""

    programme_id: UUID
    year: int
    previous_year: int | None = None
    steps: list[WheelStepLine] = field(default_factory=list)


# --------------------------------------------------------------------------- 9 local plans


@dataclass(kw_only=True)
class LocalPlanLine:
    local_plan_id: UUID
    title: str
    version: int
    published_at: datetime
    municipalities: list[str]
    strength_area_codes: list[str]
    actions: int
    actions_linked: int
    financing: Amounts


@dataclass(kw_only=True)
class AreaAlignment:
    strength_area_id: UUID
    strength_area_code: str
    local_plans: int
    actions: int
    municipalities: list[str]


@dataclass(kw_only=True)
class LocalPlans:
    plans: list[LocalPlanLine]
    by_strength_area: list[AreaAlignment]
    unaligned: int
    """Local plans that serve no regional strength area."""


# --------------------------------------------------------------------------- the report


@dataclass(kw_only=True)
class ActorCounts:
    total: int
    by_helix: dict[str, int]


@dataclass(kw_only=True)
class ReportContent:
    region: str
    generated_at: datetime
    language: Language = "sv"
    """The region's own language: the default for labels and headings."""
    country: str | None = None
    county: str | None = None
    """The county (län, maakunta) the region's settings name: the region is named after it."""
    currency: str = "SEK"
    """The currency most of the portfolio is in; charts show it."""
    period: Period | None = None
    programmes: list[ProgrammeLine]
    plans: list[PlanLine]
    activities: Activities | None = None
    partnerships: list[AreaPartnership] = field(default_factory=list)
    portfolio: Portfolio
    assessments: AssessmentCoverage
    last_reassessments: list[ReassessmentLine] = field(default_factory=list)
    geography: Geography | None = None
    agenda2030: Agenda2030 | None = None
    indicators: list[IndicatorLine] = field(default_factory=list)
    eu_criteria: list[CriterionLine] = field(default_factory=list)
    self_assessment: SelfAssessmentLine | None = None
    local_plans: LocalPlans | None = None
    actors: ActorCounts
