"""The event envelope and the catalogue of every event on the bus.

Type names are explicit, versioned strings (``<service>.<aggregate>.<verb>.v<major>``),
never derived from class names. A breaking change to a payload is a new class with a
new major version; both are published until no consumer needs the old one.

Subjects carry the region: ``s3.<region>.<event type>``. Each producing service owns one
JetStream stream holding ``s3.*.<service>.>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar
from uuid import UUID

import uuid_utils.compat as uuid_utils
from pydantic import BaseModel, ConfigDict, Field

REGION_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
_REGION_RE = re.compile(REGION_PATTERN)


def new_id() -> UUID:
    """A time-ordered UUIDv7."""
    return uuid_utils.uuid7()


def utcnow() -> datetime:
    return datetime.now(UTC)


def is_region_id(value: str) -> bool:
    return bool(_REGION_RE.match(value))


class EventData(BaseModel):
    """Base of every event payload. Consumers ignore fields they do not know (additive changes)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    event_type: ClassVar[str]
    description: ClassVar[str] = ""


D = TypeVar("D")


class Envelope(BaseModel, Generic[D]):
    """One envelope for every event. ``id`` is also the ``Nats-Msg-Id`` header (de-duplication)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: UUID
    type: str
    source: str
    region: str
    subject: str = Field(description="Id of the aggregate the event is about.")
    time: datetime
    correlation_id: UUID
    causation_id: UUID | None = None
    data: D


CATALOGUE: dict[str, type[EventData]] = {}
E = TypeVar("E", bound=type[EventData])


def event(cls: E) -> E:
    """Register a payload class in the catalogue under its explicit type name."""
    name = cls.event_type
    if not re.fullmatch(r"[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+", name):
        raise ValueError(f"bad event type name {name!r}")
    if name in CATALOGUE:
        raise ValueError(f"event type {name!r} registered twice")
    CATALOGUE[name] = cls
    return cls


def service_of(event_type: str) -> str:
    return event_type.split(".", 1)[0]


def subject_for(event_type: str, region: str) -> str:
    return f"s3.{region}.{event_type}"


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: list[str]


def stream_for(service: str) -> StreamSpec:
    return StreamSpec(name=service.upper(), subjects=[f"s3.*.{service}.>"])


DEADLETTER = StreamSpec(name="DEADLETTER", subjects=["deadletter.>"])


class UnknownEventType(ValueError):
    pass


def parse(raw: bytes | str) -> Envelope[EventData]:
    """Parse an envelope and validate its payload against the catalogue."""
    env = Envelope[dict[str, Any]].model_validate_json(raw)
    model = CATALOGUE.get(env.type)
    if model is None:
        raise UnknownEventType(env.type)
    data = model.model_validate(env.data)
    return Envelope[model](**{**env.__dict__, "data": data})  # type: ignore[valid-type]


# --------------------------------------------------------------------------- plans

Level = Literal["bas", "bredd", "spets"]
"""Where something sits on the pyramid Bas – Bredd – Spets (base – breadth – spearhead)."""


class LocalizedText(BaseModel):
    """A text in the languages a region writes in; at least one is present."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sv: str | None = None
    en: str | None = None
    fi: str | None = None

    def any(self) -> str:
        return self.sv or self.fi or self.en or ""


class PrioritySnapshot(BaseModel):
    """A priority (prioritering) of an action plan as published."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str
    title: LocalizedText
    level: Level
    vocabulary: list[str] = Field(description="Words and phrases that describe the priority, any language.")
    valid_from: date
    valid_until: date


class SubGoalSnapshot(BaseModel):
    """A sub-goal (delmål) with its indicator."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str
    title: LocalizedText
    indicator: str
    baseline: float | None = None
    baseline_year: int | None = None
    target: float | None = None
    target_year: int | None = None


class StrengthAreaSnapshot(BaseModel):
    """A strength area (styrkeområde) as it stands in a published plan."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    id: UUID
    code: str
    name: LocalizedText
    nace_codes: list[str] = []
    sdgs: list[int] = []


class ActionPlanVersionSnapshot(BaseModel):
    """The whole content of a published action-plan version (the six steps)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    analysis: dict[str, Any] = {}
    governance: dict[str, Any] = {}
    vision: LocalizedText | None = None
    sub_goals: list[SubGoalSnapshot] = []
    priorities: list[PrioritySnapshot] = []
    policy_mix: dict[str, Any] = {}
    evaluation: dict[str, Any] = {}
    next_review: date | None = None


@event
class ActionPlanPublished(EventData):
    event_type: ClassVar[str] = "plans.action_plan.published.v1"
    description: ClassVar[str] = "An action plan version was published; carries the whole version."

    programme_id: UUID
    programme_title: str
    action_plan_id: UUID
    strength_area: StrengthAreaSnapshot
    version: int
    published_at: datetime
    published_by: str
    plan: ActionPlanVersionSnapshot


@event
class ProgrammeCreated(EventData):
    event_type: ClassVar[str] = "plans.programme.created.v1"
    description: ClassVar[str] = "A region's S3 programme was created, with its strength areas."

    programme_id: UUID
    title: str
    reference: str | None = None
    period_start: int
    period_end: int
    strength_areas: list[StrengthAreaSnapshot]


# --------------------------------------------------------------------------- actors

Helix = Literal["public", "business", "academia", "civil_society", "state_agency"]


@event
class ActorRegistered(EventData):
    event_type: ClassVar[str] = "actors.actor.registered.v1"
    description: ClassVar[str] = "An organisation was registered as an actor of the region."

    actor_id: UUID
    name: str
    country: Literal["SE", "FI"]
    identifier: str
    helix: Helix
    municipality: str | None = None
    nace: str | None = None


# --------------------------------------------------------------------------- assessment


class PlanVersionRef(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    action_plan_id: UUID
    strength_area_id: UUID
    version: int


def plan_key(refs: list[PlanVersionRef]) -> str:
    """One string naming a set of action-plan versions, the same in every service."""
    return ",".join(sorted(f"{r.action_plan_id}:{r.version}" for r in refs))


class StrengthAreaFit(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    strength_area_id: UUID
    score: float
    priority_ids: list[str]
    matched_terms: list[str]


AssessmentTrigger = Literal["intake", "reassessment", "review"]


@event
class ApplicationReceived(EventData):
    event_type: ClassVar[str] = "assessment.application.received.v1"
    description: ClassVar[str] = "A funding system submitted (or updated) an application."

    application_id: UUID
    source: str
    external_id: str
    title: str
    status: str
    funding_programme: str | None = None
    requested_amount: float
    currency: str
    municipalities: list[str] = []


@event
class ApplicationAssessed(EventData):
    event_type: ClassVar[str] = "assessment.application.assessed.v1"
    description: ClassVar[str] = "An application got a new assessment against the region's current plans."

    application_id: UUID
    assessment_id: UUID
    trigger: AssessmentTrigger
    plan_key: str = Field(description="Identifies the set of plan versions used.")
    plan_versions: list[PlanVersionRef]
    strength_area_id: UUID | None
    level: Level | None
    score: float
    recommendation: Literal["strong", "moderate", "weak", "none"]
    fits: list[StrengthAreaFit]
    status: str
    funding_programme: str | None = None
    requested_amount: float
    currency: str
    municipalities: list[str] = []


class MovedApplication(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    application_id: UUID
    from_level: Level | None
    to_level: Level | None
    from_strength_area_id: UUID | None
    to_strength_area_id: UUID | None


@event
class ReassessmentCompleted(EventData):
    event_type: ClassVar[str] = "assessment.reassessment.completed.v1"
    description: ClassVar[str] = "Every open application of the region was reassessed against new plans."

    reassessment_id: UUID
    plan_key: str
    plan_versions: list[PlanVersionRef]
    assessed: int
    unchanged: int
    moved: list[MovedApplication]
    summary: str


# --------------------------------------------------------------------------- reporting


@event
class ReportGenerated(EventData):
    event_type: ClassVar[str] = "reporting.report.generated.v1"
    description: ClassVar[str] = "A new version of the region's follow-up report was generated."

    report_id: UUID
    number: int
    plan_versions: list[PlanVersionRef]
    generated_at: datetime
