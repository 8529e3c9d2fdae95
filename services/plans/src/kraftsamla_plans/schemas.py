"""Request and response models of the plans API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kraftsamla_common.events import Level, LocalizedText

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Short stable code")]


class Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StrengthAreaCreate(Write):
    code: Code
    name: LocalizedText
    description: LocalizedText | None = None
    nace_codes: list[Annotated[str, Field(pattern=r"^[A-U](\d{2}(\.\d{1,2})?)?$")]] = []
    sdgs: list[Annotated[int, Field(ge=1, le=17)]] = []

    @model_validator(mode="after")
    def _named(self) -> StrengthAreaCreate:
        if not self.name.any():
            raise ValueError("a strength area needs a name in at least one language")
        return self


class ProgrammeCreate(Write):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    reference: Annotated[str, Field(max_length=100)] | None = None
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


class StrengthAreaPublic(BaseModel):
    id: UUID
    code: str
    name: LocalizedText
    description: LocalizedText | None
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
    strength_areas: list[StrengthAreaPublic]


class ProgrammesPublic(BaseModel):
    data: list[ProgrammePublic]
    count: int


class PriorityIn(Write):
    """A priority (prioritering): what to focus on, for how long, and the words that describe it."""

    id: Code
    title: LocalizedText
    level: Level
    vocabulary: Annotated[list[Annotated[str, Field(min_length=2, max_length=80)]], Field(max_length=200)]
    valid_from: date
    valid_until: date


class SubGoalIn(Write):
    """A sub-goal (delmål) with an indicator, baseline and target."""

    id: Code
    title: LocalizedText
    indicator: Annotated[str, Field(min_length=1, max_length=300)]
    baseline: float | None = None
    baseline_year: int | None = None
    target: float | None = None
    target_year: int | None = None


class ActionPlanDraft(Write):
    """The editable content of an action plan, structured by the six steps."""

    analysis: dict[str, object] = {}
    governance: dict[str, object] = {}
    vision: LocalizedText | None = None
    sub_goals: list[SubGoalIn] = []
    priorities: Annotated[list[PriorityIn], Field(max_length=100)] = []
    policy_mix: dict[str, object] = {}
    evaluation: dict[str, object] = {}
    next_review: date | None = None


class ActionPlanPublic(BaseModel):
    id: UUID
    region: str
    strength_area_id: UUID
    strength_area_code: str
    draft: ActionPlanDraft
    draft_revision: int
    current_version: int
    updated_at: datetime


class PublishRequest(Write):
    note: Annotated[str, Field(max_length=2000)] | None = None


class ActionPlanVersionPublic(BaseModel):
    action_plan_id: UUID
    number: int
    content: ActionPlanDraft
    note: str | None
    published_at: datetime
    published_by: str


class ActionPlanVersionsPublic(BaseModel):
    data: list[ActionPlanVersionPublic]
    count: int
