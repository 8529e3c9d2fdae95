"""Request and response models of the plans API: <Thing>Create, <Thing>Update, <Thing>Public,
<Things>Public (lists: {data, count}), and <Action>Request for an action's body.

The content of action plans and local plans (``ActionPlanContent``, ``LocalPlanContent``) is
defined once in the event catalogue: what a region writes is what the published event carries.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kraftsamla_common import bounds
from kraftsamla_common.events import (
    ActionPlanContent,
    Adoption,
    Code,
    FactorScore,
    Level,
    LocalizedText,
    LocalPlanContent,
    NaceCode,
    Sdg,
    SelfAssessmentScores,
)


class Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- programmes


class StrengthAreaCreate(Write):
    code: Code
    name: LocalizedText
    description: LocalizedText | None = None
    process_leader_id: UUID | None = Field(
        default=None,
        description="The process leader (processledare): an actor or person of the actors service",
    )
    nace_codes: Annotated[list[NaceCode], Field(max_length=50)] = []
    sdgs: Annotated[list[Sdg], Field(max_length=17)] = []


class StrengthAreaUpdate(Write):
    """Fields to change; those left out stay as they are."""

    name: LocalizedText | None = None
    description: LocalizedText | None = None
    process_leader_id: UUID | None = None
    nace_codes: Annotated[list[NaceCode], Field(max_length=50)] | None = None
    sdgs: Annotated[list[Sdg], Field(max_length=17)] | None = None


class ProgrammeCreate(Write):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    reference: Annotated[str, Field(max_length=100)] | None = Field(default=None, examples=["RUN/430/2018"])
    period_start: Annotated[int, Field(ge=2000, le=2100)]
    period_end: Annotated[int, Field(ge=2000, le=2100)]
    vision: LocalizedText | None = None
    strength_areas: Annotated[list[StrengthAreaCreate], Field(min_length=1, max_length=30)]

    @model_validator(mode="after")
    def _period(self) -> ProgrammeCreate:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        codes = [sa.code for sa in self.strength_areas]
        if len(codes) != len(set(codes)):
            raise ValueError("strength area codes must be unique within the programme")
        return self


class ProgrammeUpdate(Write):
    """Fields to change; those left out stay as they are."""

    title: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    reference: Annotated[str, Field(max_length=100)] | None = None
    period_start: Annotated[int, Field(ge=2000, le=2100)] | None = None
    period_end: Annotated[int, Field(ge=2000, le=2100)] | None = None
    vision: LocalizedText | None = None


class ActorRefPublic(BaseModel):
    """A reference to the actors service, with the name when the actor is known to this region."""

    id: UUID
    name: str | None = Field(description="None while the actors service has not announced it to this region")


class StrengthAreaPublic(BaseModel):
    id: UUID
    programme_id: UUID
    code: str
    name: LocalizedText
    description: LocalizedText | None
    process_leader: ActorRefPublic | None
    nace_codes: list[str]
    sdgs: list[int]
    action_plan_id: UUID


class ProgrammePublic(BaseModel):
    id: UUID
    region: str
    title: str
    reference: str | None
    period_start: int
    period_end: int
    vision: LocalizedText | None
    status: Literal["draft", "adopted"]
    adoption: Adoption | None
    revision: int
    strength_areas: list[StrengthAreaPublic]
    created_at: datetime
    updated_at: datetime


class ProgrammesPublic(BaseModel):
    data: list[ProgrammePublic]
    count: int


# --------------------------------------------------------------------------- action plans


class ReviewStatusPublic(BaseModel):
    """Whether the plan is revised often enough: at least twice a year (every six months)."""

    last_revised: datetime | None = Field(description="When a version was last published")
    next_review: date | None
    overdue: bool
    reason: str | None


class ActionPlanPublic(BaseModel):
    id: UUID
    region: str
    programme_id: UUID
    strength_area_id: UUID
    strength_area_code: str
    strength_area_name: LocalizedText
    draft: ActionPlanContent
    draft_revision: int
    current_version: int
    review: ReviewStatusPublic
    updated_at: datetime


class ActionPlanSummaryPublic(BaseModel):
    id: UUID
    programme_id: UUID
    strength_area_id: UUID
    strength_area_code: str
    strength_area_name: LocalizedText
    current_version: int
    draft_revision: int
    review: ReviewStatusPublic
    updated_at: datetime


class ActionPlansPublic(BaseModel):
    data: list[ActionPlanSummaryPublic]
    count: int


class PublishRequest(Write):
    note: Annotated[str, Field(max_length=2000)] | None = None


class ActionPlanVersionPublic(BaseModel):
    action_plan_id: UUID
    number: int
    content: ActionPlanContent
    note: str | None
    published_at: datetime
    published_by: str


class ActionPlanVersionsPublic(BaseModel):
    data: list[ActionPlanVersionPublic]
    count: int


class FieldChangePublic(BaseModel):
    field: str
    before: Any
    after: Any


class ItemChangePublic(BaseModel):
    id: str
    changes: list[FieldChangePublic]


class ItemsDiffPublic(BaseModel):
    """Items of a list keyed by id (priorities, sub-goals, initiatives): what came, went and changed."""

    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[ItemChangePublic]


class ActionPlanDiffPublic(BaseModel):
    action_plan_id: UUID
    from_version: int | Literal["draft"]
    to_version: int | Literal["draft"]
    priorities: ItemsDiffPublic
    sub_goals: ItemsDiffPublic
    initiatives: ItemsDiffPublic
    sections_changed: list[str] = Field(description="Other parts of the plan whose content differs")


# --------------------------------------------------------------------------- indicator measurements

Year = Annotated[int, Field(ge=1990, le=2100)]
Value = bounds.Value
"""Finite, within ±10¹²: a value beyond that is a mistake, and would overflow the report's sums."""
MeasurementSource = Annotated[str, Field(max_length=500, examples=["SCB, Regional statistik"])]
MeasurementNote = Annotated[str, Field(max_length=2000)]


class MeasurementCreate(Write):
    """A value of a sub-goal's indicator in a year. A value already recorded for that sub-goal and
    year is corrected, not duplicated."""

    sub_goal_id: Code = Field(description="A sub-goal of the action plan's latest published version")
    year: Year
    value: Value
    measured_on: bounds.Day | None = Field(default=None, description="When the value was measured or taken")
    source: MeasurementSource = ""
    note: MeasurementNote = ""


class MeasurementUpdate(Write):
    """A measurement's value, date, source and note, replaced whole. The sub-goal and year stay: to
    move a value to another year, withdraw it and record it again."""

    value: Value
    measured_on: bounds.Day | None = None
    source: MeasurementSource = ""
    note: MeasurementNote = ""


class MeasurementPublic(BaseModel):
    id: UUID
    action_plan_id: UUID
    strength_area_id: UUID
    sub_goal_id: str
    year: int
    value: float
    measured_on: date | None
    source: str
    note: str
    recorded_by: str = Field(description="Who recorded or last corrected it")
    created_at: datetime
    updated_at: datetime


class MeasurementsPublic(BaseModel):
    data: list[MeasurementPublic]
    count: int


# --------------------------------------------------------------------------- local plans


class LocalPlanPublic(BaseModel):
    id: UUID
    region: str
    draft: LocalPlanContent
    draft_revision: int
    current_version: int
    created_at: datetime
    updated_at: datetime


class LocalPlanSummaryPublic(BaseModel):
    id: UUID
    title: str
    owner: str
    municipalities: list[str]
    current_version: int
    updated_at: datetime


class LocalPlansPublic(BaseModel):
    data: list[LocalPlanSummaryPublic]
    count: int


class LocalPlanVersionPublic(BaseModel):
    local_plan_id: UUID
    number: int
    content: LocalPlanContent
    note: str | None
    published_at: datetime
    published_by: str


class LocalPlanVersionsPublic(BaseModel):
    data: list[LocalPlanVersionPublic]
    count: int


# --------------------------------------------------------------------------- alignment


class PriorityRefPublic(BaseModel):
    strength_area_id: UUID
    strength_area_code: str
    priority_id: str
    title: LocalizedText
    level: Level
    valid_now: bool


class ServedByPublic(BaseModel):
    local_plan_id: UUID
    title: str
    action_ids: list[str] = Field(
        description="Actions that serve the priority; empty when the plan as a whole does"
    )


class PriorityAlignmentPublic(BaseModel):
    priority: PriorityRefPublic
    served_by: list[ServedByPublic]


class ActionAlignmentPublic(BaseModel):
    action_id: str
    title: str
    priority_ids: list[str] = Field(description="Current regional priorities the action serves")
    strength_area_ids: list[UUID] = Field(description="Strength areas it is linked to")
    stale_links: list[str] = Field(
        description="Links to priorities or sub-goals no longer in the current plans"
    )


class LocalPlanAlignmentPublic(BaseModel):
    local_plan_id: UUID
    title: str
    version: int | Literal["draft"]
    actions: list[ActionAlignmentPublic]
    actions_serving_no_priority: list[str] = Field(
        description="Ids of actions that serve no regional priority"
    )
    priorities_served: list[str]


class AlignmentPublic(BaseModel):
    """Local plans against the regional programme, both ways."""

    local_plans: list[LocalPlanAlignmentPublic]
    priorities: list[PriorityAlignmentPublic]
    unserved_priorities: list[PriorityRefPublic] = Field(
        description="Regional priorities no local plan serves"
    )


# --------------------------------------------------------------------------- EU enabling condition 1.1


class FindingPublic(BaseModel):
    """A finding: a key (the follow-up report words it in sv, en and fi), its figures, and its English
    wording."""

    key: str
    params: dict[str, str | int | float]
    text: str


class CriterionPublic(BaseModel):
    number: int
    key: str
    title: str
    status: Literal["met", "partial", "missing"]
    evidence: list[FindingPublic]
    missing: list[FindingPublic]


class ChecklistPublic(BaseModel):
    """The fulfilment criteria of EU enabling condition 1.1 (Regulation (EU) 2021/1060, Annex IV), as
    last evaluated; the follow-up report shows the same verdicts."""

    programme_id: UUID
    evaluated_at: datetime
    valid_until: datetime | None = Field(
        description="When time alone may change a verdict (a plan falls overdue, an engagement leaves the "
        "past twelve months); it is then evaluated again"
    )
    criteria: list[CriterionPublic]
    met: int


# --------------------------------------------------------------------------- reference lists


class CommonIndicatorPublic(BaseModel):
    """An ERDF/Cohesion Fund common indicator 2021–2027 (Regulation (EU) 2021/1058, Annex I)."""

    code: str = Field(examples=["RCO16"])
    kind: Literal["output", "result"]
    name: str = Field(
        description="In the language asked for where the official wording is known, else English"
    )
    unit: str = Field(description="The measurement unit, likewise")
    language: Literal["sv", "en", "fi"] = Field(description="The language name and unit are in")


class CommonIndicatorsPublic(BaseModel):
    data: list[CommonIndicatorPublic]
    count: int = Field(description="How many match (``data`` holds at most ``limit`` of them)")


class NacePublic(BaseModel):
    """A section, division, group or class of NACE Rev. 2."""

    code: str = Field(
        examples=["J62.01"], description="As strength areas carry it: section letter, then digits"
    )
    level: Literal["section", "division", "group", "class"]
    name: str = Field(description="In the language asked for where the data has it, else English")
    language: Literal["sv", "en", "fi"] = Field(description="The language the name is in")


class NaceListPublic(BaseModel):
    data: list[NacePublic]
    count: int


# --------------------------------------------------------------------------- indicator values imported


class MeasurementImportErrorPublic(BaseModel):
    line: int = Field(description="The line of the file (the header is line 1)")
    field: str | None = Field(description="The column, or null for the line as a whole")
    message: str


class MeasurementImportedPublic(BaseModel):
    line: int
    sub_goal_id: str
    year: int
    value: float
    status: Literal["created", "corrected"] = Field(
        description="created: a new value; corrected: it replaces the value recorded for that sub-goal and year"
    )
    measurement_id: UUID | None = Field(description="null in a dry run for a value that would be created")


class MeasurementImportPublic(BaseModel):
    mode: Literal["all_or_nothing", "valid_rows"]
    dry_run: bool = Field(description="True: every row was checked, nothing was written")
    rows: int
    created: int
    corrected: int
    rejected: int = Field(description="Lines with at least one error")
    imported: list[MeasurementImportedPublic]
    errors: list[MeasurementImportErrorPublic]


# --------------------------------------------------------------------------- RIS3 self-assessment


class SelfAssessmentWrite(SelfAssessmentScores):
    """The eighteen critical factors of the RIS3 Assessment Wheel, each scored 0 (no information
    available on the specific element), 1 (poor), 2 (to be improved), 3 (fair), 4 (strong) or
    5 (excellent), with a comment."""


class WheelFactorPublic(BaseModel):
    key: str
    score: int
    comment: str


class WheelStepPublic(BaseModel):
    step: int = Field(description="1 analysis … 6 monitoring and evaluation")
    key: str
    mean: float = Field(description="The mean of its three factors")
    factors: list[WheelFactorPublic]


class SelfAssessmentPublic(BaseModel):
    programme_id: UUID
    year: int
    steps: list[WheelStepPublic] = Field(description="The six steps in the wheel's order, three factors each")
    scores: dict[str, FactorScore] = Field(description="The same scores by factor key, as written")
    recorded_at: datetime
    recorded_by: str
    created_at: datetime


class SelfAssessmentsPublic(BaseModel):
    data: list[SelfAssessmentPublic] = Field(description="Every year's, the latest first")
    count: int
