"""HTTP bodies of the reporting API. A report version's content (``ReportContentPublic``) and
provenance (``BuiltFromPublic``) are its stored JSON (the domain's :mod:`.domain.content`) as the
API shows it.

The report's sections, in the order of the follow-up a region owes its development committee:
1 programme and action plans, 2 activities, 3 partnerships, 4 portfolio, 5 geography,
6 Agenda 2030 and sustainability, 7 sub-goals and indicators, 8 EU enabling condition 1.1,
9 local plans.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from kraftsamla_common.events import LocalizedText, PlanVersionRef, TextPart

from .domain.compare import ChangeKind, PartKind, ValueKind
from .domain.content import Amounts, CriterionStatus, IndicatorStatus, Language, LevelKey


class PublicModel(BaseModel):
    """What every response body shares: unknown fields (of a stored version) are ignored."""

    model_config = ConfigDict(extra="ignore")


class SourceMarkPublic(PublicModel):
    """The last event the report saw from one service."""

    last_event_id: UUID
    last_event_time: datetime


class BuiltFromPublic(PublicModel):
    """What a report version was built from: plan versions and the last event of each source."""

    plan_versions: list[PlanVersionRef]
    plan_key: str
    sources: dict[str, SourceMarkPublic]
    generated_at: datetime


class PeriodPublic(PublicModel):
    start: date
    end: date


# --------------------------------------------------------------------------- 1 programme and plans


class ProgrammeLinePublic(PublicModel):
    programme_id: UUID
    title: str
    reference: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    adopted_on: date | None = None
    adopted_by: str | None = None
    paragraph: str | None = None
    strength_areas: int


class PlanLinePublic(PublicModel):
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


class AreaActivityPublic(PublicModel):
    strength_area_id: UUID | None
    """``None``: engagements not tied to a strength area."""
    strength_area_code: str | None
    engagements: int
    participations: int
    unique_people: int | None
    """``None``: no engagement lists its participants by person, so the people reached are unknown."""
    unique_actors: int
    with_people: int = 0
    """Engagements that list their participants by person."""


class CycleLinePublic(PublicModel):
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


class ActivitiesPublic(PublicModel):
    """Engagements (actor meetings, workshops, surveys…) held in the report's period."""

    year: int
    period: PeriodPublic | None = None
    engagements: int
    participations: int
    unique_people: int | None
    """``None``: no engagement lists its participants by person, so the people reached are unknown."""
    unique_actors: int
    with_people: int = 0
    """Engagements that list their participants by person."""
    by_strength_area: list[AreaActivityPublic]
    cycles: list[CycleLinePublic] = []


# --------------------------------------------------------------------------- 3 partnerships


class AreaPartnershipPublic(PublicModel):
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


class CellPublic(PublicModel):
    count: int = 0
    decided: int = 0
    granted: int = 0
    rejected: int = 0
    requested_amount: Amounts = {}
    granted_amount: Amounts = {}


class StrengthAreaPortfolioPublic(PublicModel):
    strength_area_id: UUID | None
    """``None``: applications that fit no strength area or are not assessed yet."""
    strength_area_code: str | None
    levels: dict[LevelKey, CellPublic]
    funding_sources: dict[str, CellPublic] = {}
    total: CellPublic


class PortfolioRowPublic(PublicModel):
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


class PortfolioPublic(PublicModel):
    applications: int
    requested_amount: Amounts
    total: CellPublic = CellPublic()
    by_level: dict[LevelKey, CellPublic] = {}
    by_strength_area: list[StrengthAreaPortfolioPublic]
    rows: list[PortfolioRowPublic] = []


class AssessmentCoveragePublic(PublicModel):
    """How the applications' latest assessments relate to the current set of plan versions."""

    plan_key: str
    current: int
    outdated: int
    not_assessed: int
    by_recommendation: dict[str, int]


class MoveGroupLinePublic(PublicModel):
    count: int
    change: str
    reason: str
    sentence: str = Field(description="In English")
    sentence_parts: list[TextPart] = Field(
        default=[], description="The sentence as parts each language words"
    )


class ReassessmentLinePublic(PublicModel):
    reassessment_id: UUID
    plan_key: str
    plan_versions: list[PlanVersionRef] = []
    rubric_version: int = 0
    summary: str = Field(description="In English")
    summary_parts: list[TextPart] = Field(default=[], description="The summary as parts each language words")
    assessed: int
    unchanged: int
    moved: int
    needs_review: int = 0
    groups: list[MoveGroupLinePublic] = []
    completed_at: datetime


# --------------------------------------------------------------------------- 5 geography


class MunicipalityLinePublic(PublicModel):
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


class GeographyPublic(PublicModel):
    """Where the portfolio lands: an application counts in each municipality it names."""

    municipalities: list[MunicipalityLinePublic]
    reached: int
    """Municipalities of the region with at least one application."""
    unreached: list[str]
    """Municipalities of the region no application names."""
    region_wide: int
    """Applications that name no municipality."""


# --------------------------------------------------------------------------- 6 Agenda 2030


class GoalLinePublic(PublicModel):
    goal: int
    claimed: int
    supported: int
    granted: int
    """Granted applications whose text supports the goal."""
    strength_areas: list[str]
    """Strength areas that declare the goal."""


class SustainabilityPublic(PublicModel):
    assessed: int
    dimensions: dict[str, int]
    all_three: int
    none: int
    with_conflicts: int


class Agenda2030Public(PublicModel):
    goals: list[GoalLinePublic]
    sustainability: SustainabilityPublic


# --------------------------------------------------------------------------- 7 indicators


class IndicatorLinePublic(PublicModel):
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


class EvidencePublic(PublicModel):
    """A finding, as a key the reader's language words and the figures it names."""

    key: str
    params: dict[str, str | int | float] = {}


class CriterionLinePublic(PublicModel):
    number: int
    key: str
    status: CriterionStatus
    evidence: list[EvidencePublic]
    missing: list[EvidencePublic]


class WheelFactorLinePublic(PublicModel):
    key: str = Field(description="The critical factor, e.g. regional_assets")
    score: int = Field(
        description=(
            "0 no information available on the specific element, 1 poor, 2 to be improved, 3 fair, "
            "4 strong, 5 excellent"
        )
    )
    comment: str
    previous: int | None = Field(None, description="Its score in the earlier year shown")


class WheelStepLinePublic(PublicModel):
    step: int
    key: str = Field(description="analysis, governance, shared_vision, priorities, policy_mix, monitoring")
    mean: float
    previous_mean: float | None = None
    factors: list[WheelFactorLinePublic] = []


class SelfAssessmentLinePublic(PublicModel):
    """The current programme's latest RIS3 self-assessment (RIS3 Assessment Wheel), beside the
    latest earlier year's (``previous_year``)."""

    programme_id: UUID
    year: int
    previous_year: int | None = None
    steps: list[WheelStepLinePublic] = []


# --------------------------------------------------------------------------- 9 local plans


class LocalPlanLinePublic(PublicModel):
    local_plan_id: UUID
    title: str
    version: int
    published_at: datetime
    municipalities: list[str]
    strength_area_codes: list[str]
    actions: int
    actions_linked: int
    financing: Amounts


class AreaAlignmentPublic(PublicModel):
    strength_area_id: UUID
    strength_area_code: str
    local_plans: int
    actions: int
    municipalities: list[str]


class LocalPlansPublic(PublicModel):
    plans: list[LocalPlanLinePublic]
    by_strength_area: list[AreaAlignmentPublic]
    unaligned: int
    """Local plans that serve no regional strength area."""


# --------------------------------------------------------------------------- the report


class ActorCountsPublic(PublicModel):
    total: int
    by_helix: dict[str, int]


class ReportContentPublic(PublicModel):
    region: str
    generated_at: datetime
    language: Language = "sv"
    """The region's own language: the default for labels and headings."""
    country: str | None = None
    county: str | None = None
    currency: str = "SEK"
    """The currency most of the portfolio is in; charts show it."""
    period: PeriodPublic | None = None
    programmes: list[ProgrammeLinePublic]
    plans: list[PlanLinePublic]
    activities: ActivitiesPublic | None = None
    partnerships: list[AreaPartnershipPublic] = []
    portfolio: PortfolioPublic
    assessments: AssessmentCoveragePublic
    last_reassessments: list[ReassessmentLinePublic] = []
    geography: GeographyPublic | None = None
    agenda2030: Agenda2030Public | None = None
    indicators: list[IndicatorLinePublic] = []
    eu_criteria: list[CriterionLinePublic] = []
    self_assessment: SelfAssessmentLinePublic | None = None
    local_plans: LocalPlansPublic | None = None
    actors: ActorCountsPublic


class ReportSummaryPublic(PublicModel):
    number: int
    generated_at: datetime
    built_from: BuiltFromPublic


class ReportsPublic(PublicModel):
    data: list[ReportSummaryPublic]
    count: int


class ReportPublic(PublicModel):
    id: UUID
    region: str
    number: int
    generated_at: datetime
    built_from: BuiltFromPublic
    content: ReportContentPublic


ComparedValue = str | int | float | bool | None
"""A figure's value as the report's JSON holds it; dates as ISO 8601, a period as ``start/end``."""


class SubjectPartPublic(PublicModel):
    """One step of what a change is about: a kind of thing, its key, its name in the reader's language."""

    kind: PartKind
    key: str | None = Field(
        description="The code, id or vocabulary key (a strength area's code, a level, a funding source, "
        "a municipality's code, a goal's number…); null for what has none (no strength area)"
    )
    name: str = Field(description="The thing by its name, in the reader's language where it has one")


class ComparedFigurePublic(PublicModel):
    """One figure of an entry that was added or removed."""

    figure: str
    kind: ValueKind
    value: ComparedValue
    unit: str | None = None
    label: str = Field(description="The figure's label in the reader's language")
    text: str = Field(description="The value formatted for the reader's language")


class ChangeTextPublic(PublicModel):
    """A change in the reader's words."""

    section: str = Field(description="The section's heading")
    subject: str = Field(description="What the change is about, by name (empty: the section as a whole)")
    figure: str = Field(description="The figure's label (empty for an entry added or removed)")
    change: str = Field(description="changed, added or removed, in the reader's language")
    before: str
    after: str
    sentence: str = Field(description="The change as one line")


class ChangePublic(PublicModel):
    """One figure, entry or list item that differs between two report versions."""

    section: str = Field(description="The report's section: s1 … s9, report (period, currency) or built_from")
    subject: list[SubjectPartPublic] = Field(
        description="What the figure is about, from the outside in, e.g. strength area → level → funding "
        "source → currency for a row of the portfolio; empty for the section as a whole"
    )
    figure: str | None = Field(
        description="The figure's key (mostly its field in the report's JSON); null for an entry added or "
        "removed as a whole"
    )
    change: ChangeKind
    kind: ValueKind = Field(description="How to read before and after")
    before: ComparedValue
    after: ComparedValue
    unit: str | None = Field(None, description="The currency of an amount, the unit of an indicator's value")
    item: SubjectPartPublic | None = Field(
        None, description="The item added to or removed from a list (kind item)"
    )
    figures: list[ComparedFigurePublic] = Field([], description="An added or removed entry's figures")
    text: ChangeTextPublic


class ComparisonSectionPublic(PublicModel):
    key: str
    heading: str = Field(description="The section's heading in the reader's language")
    changes: list[ChangePublic]


class ReportComparisonPublic(PublicModel):
    """What differs between two versions: the plan versions they were built from, and every figure,
    section by section, in the reader's language."""

    region: str
    region_name: str = Field(description="The region by its name in the reader's language")
    language: Language
    before: ReportSummaryPublic
    after: ReportSummaryPublic
    plan_versions: list[ChangePublic]
    sections: list[ComparisonSectionPublic] = Field(description="Every section of the report, in its order")
    changed: int = Field(description="Figures, entries and items that differ")
    unchanged: int = Field(description="Figures equal in both versions")
    summary: str


class SharingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    opted_in: bool


class SharingPublic(PublicModel):
    region: str
    opted_in: bool
    changed_at: datetime | None


class SharedDomainAreaPublic(PublicModel):
    region: str
    region_name: str = Field(description="The region by its name in the reader's language")
    strength_area_code: str
    strength_area_name: LocalizedText | None


class SharedDomainPublic(PublicModel):
    """An economic domain (NACE division) and the opted-in regions' strength areas in it."""

    nace: str
    strength_areas: list[SharedDomainAreaPublic]


class SimilarRegionPublic(PublicModel):
    region: str
    region_name: str = Field(description="The region by its name in the reader's language")
    similarity: float
    shared_nace: list[str]
    shared_goals: list[int]


class CooperationPublic(PublicModel):
    """Candidates for interregional cooperation (EU criterion 7) among regions that opted in."""

    region: str
    region_name: str = Field(description="The region by its name in the reader's language")
    opted_in: bool
    regions: list[str]
    domains: list[SharedDomainPublic]
    similar: list[SimilarRegionPublic]
