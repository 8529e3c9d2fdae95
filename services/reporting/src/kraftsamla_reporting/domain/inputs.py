"""What the report is built from: the read models of one region, as plain values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kraftsamla_common.events import (
    ActionPlanContent,
    ChecklistCriterion,
    LocalPlanContent,
)


@dataclass(frozen=True)
class StrengthAreaIn:
    id: str
    code: str
    name: dict[str, Any]
    nace_codes: Sequence[str] = ()
    sdgs: Sequence[int] = ()
    process_leader_id: str | None = None


@dataclass(frozen=True)
class ProgrammeIn:
    programme_id: str
    title: str
    strength_areas: Sequence[StrengthAreaIn]
    details: dict[str, Any] = field(default_factory=dict)
    """reference, period_start, period_end, adoption {adopted_on, body, paragraph}."""


@dataclass(frozen=True)
class PlanIn:
    """The latest published version of one action plan."""

    action_plan_id: str
    strength_area_id: str
    strength_area_code: str
    strength_area_name: dict[str, Any]
    version: int
    published_at: datetime
    priorities: int
    content: ActionPlanContent | None = None
    revisions: Sequence[datetime] = ()
    """When each of its versions was published."""
    review_due: datetime | None = None
    """When the version falls overdue for revision (the plans service's reckoning)."""


@dataclass(frozen=True)
class ApplicationIn:
    application_id: str
    status: str
    requested_amount: float
    currency: str
    municipalities: Sequence[str] = ()
    plan_key: str | None = None
    strength_area_id: str | None = None
    level: str | None = None
    recommendation: str | None = None
    funding_source: str | None = None
    granted_amount: float | None = None
    claimed_goals: Sequence[int] = ()
    supported_goals: Sequence[int] = ()
    dimensions: Sequence[str] = ()
    conflicts: int = 0


@dataclass(frozen=True)
class ActorIn:
    helix: str
    municipality: str | None = None


@dataclass(frozen=True)
class MembershipIn:
    group_id: str
    strength_area_id: str | None
    actor_id: str
    helix: str
    joined_on: date
    left_on: date | None = None
    group_kind: str | None = None
    municipality: str | None = None
    nace: str | None = None


@dataclass(frozen=True)
class EngagementIn:
    held_on: date
    strength_area_ids: Sequence[str] = ()
    person_ids: Sequence[str] = ()
    actor_ids: Sequence[str] = ()
    participations: int = 0
    cycle_id: str | None = None


@dataclass(frozen=True)
class CycleIn:
    cycle_id: str
    title: str
    kind: str
    frequency: str
    starts_on: date
    ends_on: date | None = None
    strength_area_id: str | None = None


@dataclass(frozen=True)
class MeasurementIn:
    action_plan_id: str
    sub_goal_id: str
    year: int
    value: float


@dataclass(frozen=True)
class ChecklistIn:
    """A programme's EU enabling condition 1.1 checklist, as the plans service evaluated it."""

    programme_id: str
    evaluated_at: datetime
    criteria: Sequence[ChecklistCriterion]


@dataclass(frozen=True)
class SelfAssessmentIn:
    """A programme's RIS3 self-assessment of a year, as the plans service announced it."""

    programme_id: str
    year: int
    scores: dict[str, Any]
    """``{factor key: {"score": 0–5, "comment": …}}``."""


@dataclass(frozen=True)
class LocalPlanIn:
    local_plan_id: str
    version: int
    published_at: datetime
    content: LocalPlanContent


@dataclass(frozen=True)
class RegionIn:
    country: str
    municipalities: Sequence[str] = ()
    county: str | None = None


@dataclass(frozen=True)
class ReassessmentIn:
    reassessment_id: str
    plan_key: str
    summary: str
    assessed: int
    unchanged: int
    moved: int
    completed_at: datetime
    plan_versions: Sequence[dict[str, Any]] = ()
    rubric_version: int = 0
    needs_review: int = 0
    groups: Sequence[dict[str, Any]] = ()
    summary_parts: Sequence[dict[str, Any]] = ()
    """The summary as the parts each language words; none for reassessments logged before."""


@dataclass(frozen=True)
class SourceIn:
    last_event_id: str
    last_event_time: datetime


@dataclass(frozen=True)
class ReportInputs:
    """Everything the reporting service knows about one region."""

    region: str
    programmes: Sequence[ProgrammeIn] = ()
    plans: Sequence[PlanIn] = ()
    applications: Sequence[ApplicationIn] = ()
    actors: Sequence[ActorIn] = ()
    memberships: Sequence[MembershipIn] = ()
    engagements: Sequence[EngagementIn] = ()
    reassessments: Sequence[ReassessmentIn] = ()
    """The latest first."""
    sources: dict[str, SourceIn] = field(default_factory=dict)
    geography: RegionIn | None = None
    cycles: Sequence[CycleIn] = ()
    measurements: Sequence[MeasurementIn] = ()
    local_plans: Sequence[LocalPlanIn] = ()
    opted_in: bool = False
    checklists: Sequence[ChecklistIn] = ()
    self_assessments: Sequence[SelfAssessmentIn] = ()
