"""Response models of the reporting API; ``ReportContent`` and ``BuiltFrom`` are also what is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from kraftsamla_common.events import LocalizedText, PlanVersionRef

LevelKey = Literal["bas", "bredd", "spets", "none"]
LEVEL_KEYS: tuple[LevelKey, ...] = ("bas", "bredd", "spets", "none")
HELIX_KEYS = ("public", "business", "academia", "civil_society", "state_agency")


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


class ProgrammeLine(Out):
    programme_id: UUID
    title: str
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


class Cell(Out):
    count: int = 0
    requested_amount: dict[str, float] = {}
    """Sum of requested amounts per currency."""


class StrengthAreaPortfolio(Out):
    strength_area_id: UUID | None
    """``None``: applications that fit no strength area or are not assessed yet."""
    strength_area_code: str | None
    levels: dict[LevelKey, Cell]
    total: Cell


class Portfolio(Out):
    applications: int
    requested_amount: dict[str, float]
    by_strength_area: list[StrengthAreaPortfolio]


class AssessmentCoverage(Out):
    """How the applications' latest assessments relate to the current set of plan versions."""

    plan_key: str
    current: int
    outdated: int
    not_assessed: int
    by_recommendation: dict[str, int]


class ActorCounts(Out):
    total: int
    by_helix: dict[str, int]


class AreaActivity(Out):
    strength_area_id: UUID | None
    """``None``: engagements not tied to a strength area."""
    strength_area_code: str | None
    engagements: int
    participations: int
    unique_people: int
    unique_actors: int


class Activities(Out):
    """Engagements (actor meetings, workshops, surveys…) held in the report's calendar year."""

    year: int
    engagements: int
    participations: int
    unique_people: int
    unique_actors: int
    by_strength_area: list[AreaActivity]


class AreaPartnership(Out):
    """The actors in a strength area's groups on the day the report was built."""

    strength_area_id: UUID | None
    strength_area_code: str | None
    groups: int
    actors: int
    by_helix: dict[str, int]
    missing_helix: list[str]


class ReassessmentLine(Out):
    reassessment_id: UUID
    plan_key: str
    summary: str
    assessed: int
    unchanged: int
    moved: int
    completed_at: datetime


class ReportContent(Out):
    region: str
    generated_at: datetime
    programmes: list[ProgrammeLine]
    plans: list[PlanLine]
    portfolio: Portfolio
    assessments: AssessmentCoverage
    actors: ActorCounts
    last_reassessment: ReassessmentLine | None
    activities: Activities | None = None
    partnerships: list[AreaPartnership] = []


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
