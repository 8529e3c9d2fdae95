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
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar
from uuid import UUID

import uuid_utils.compat as uuid_utils
from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    """Base of every event payload. Producers may not send fields the catalogue does not know;
    consumers parse with ``extra="ignore"`` (see :func:`parse`), so additive changes never break them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
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
    # Lenient on the way in: fields a newer producer added are ignored, never an error.
    data = model.model_validate(env.data, extra="ignore")
    return Envelope[model](**{**env.__dict__, "data": data})  # type: ignore[valid-type]


# --------------------------------------------------------------------------- plans
#
# The content of an action plan is defined once, here: it is the body of the plans API (strict:
# ``extra="forbid"``, so a misspelt field is an error) and the payload of the published event
# (consumers parse with ``extra="ignore"``, so an added field never breaks them).

Level = Literal["bas", "bredd", "spets"]
"""Where something sits on the pyramid Bas – Bredd – Spets (base – breadth – spearhead)."""

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Short stable code")]
Prose = Annotated[str, Field(max_length=20_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=500)]
NaceCode = Annotated[
    str, Field(pattern=r"^[A-U](\d{2}(\.\d{1,2})?)?$", description="NACE Rev. 2, e.g. D35 or J62.01")
]
Sdg = Annotated[int, Field(ge=1, le=17, description="Agenda 2030 goal")]
IndicatorCode = Annotated[
    str, Field(pattern=r"^(RCO|RCR)\d{2,3}$", description="ERDF common indicator, e.g. RCO16, RCR29")
]
FundingSource = Literal[
    "erdf",
    "esf_plus",
    "jtf",
    "interreg",
    "eafrd",
    "horizon_europe",
    "vinnova",
    "energy_agency",
    "growth_agency",
    "business_finland",
    "regional",
    "municipal",
    "private",
    "other",
]
"""Where money comes from: ERDF/ERUF/EAKR, ESF+, Just Transition Fund, Interreg, the rural fund,
Horizon Europe, Vinnova, the Swedish Energy Agency, Tillväxtverket, Business Finland, regional and
municipal funds, private money."""
TargetGroup = Literal["decision_makers", "developers", "performers"]
"""Beslutsfattare (strategic), utvecklare (tactical, enablers), utförare (operational)."""
Addresses = Literal[
    "innovation_system", "industrial_transition", "international_cooperation", "digitalisation", "skills"
]
"""What an initiative does for the strategy (EU enabling condition 1.1, criteria 1, 5, 6 and 7)."""


class Contract(BaseModel):
    """A part of the catalogue that is also an API body: unknown fields are refused on the way in."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(Contract):
    """A text in the languages a region writes in (sv, fi, en); at least one is present."""

    sv: Annotated[str, Field(max_length=5000)] | None = None
    en: Annotated[str, Field(max_length=5000)] | None = None
    fi: Annotated[str, Field(max_length=5000)] | None = None

    @model_validator(mode="after")
    def _some_language(self) -> LocalizedText:
        if not (self.sv or self.en or self.fi):
            raise ValueError("give the text in at least one language (sv, fi or en)")
        return self

    def any(self) -> str:
        return self.sv or self.fi or self.en or ""


class EvidenceLink(Contract):
    """A document or data set the analysis rests on."""

    title: ShortText
    url: Annotated[str, Field(pattern=r"^https?://", max_length=2000)] | None = None
    reference: Annotated[str, Field(max_length=200)] | None = Field(
        default=None, description="Diary number or other reference, e.g. RUN/12/2024"
    )


class Analysis(Contract):
    """Step 1, analysis: the current state, the challenges, and the evidence behind them."""

    current_state: Prose = ""
    challenges: Annotated[list[ShortText], Field(max_length=100)] = []
    evidence: Annotated[list[EvidenceLink], Field(max_length=100)] = []


class GovernanceRole(Contract):
    role: ShortText = Field(description="e.g. processledare, samordnare, ordförande")
    holder_id: UUID | None = Field(
        default=None, description="The actor or person (actors service) holding it"
    )
    mandate: Prose = ""
    responsibility: Prose = ""


class Governance(Contract):
    """Step 2, governance: steering group and broad partnership (groups of the actors service)."""

    steering_group_id: UUID | None = None
    partnership_id: UUID | None = None
    other_group_ids: Annotated[list[UUID], Field(max_length=50)] = []
    description: Prose = ""
    roles: Annotated[list[GovernanceRole], Field(max_length=50)] = []


class Indicator(Contract):
    name: ShortText
    code: IndicatorCode | None = None
    unit: Annotated[str, Field(max_length=50)] | None = None


class SubGoal(Contract):
    """A sub-goal (delmål) found by backcasting from the vision, with its indicator and target."""

    id: Code
    title: LocalizedText
    indicator: Indicator
    baseline: float | None = None
    baseline_year: Annotated[int, Field(ge=1990, le=2100)] | None = None
    target: float | None = None
    target_year: Annotated[int, Field(ge=1990, le=2100)] | None = None


class Priority(Contract):
    """A priority (prioritering): what to focus on, for how long, and the words that describe it."""

    id: Code
    title: LocalizedText
    description: Prose = ""
    level: Level
    vocabulary: Annotated[
        list[Annotated[str, Field(min_length=2, max_length=80)]], Field(min_length=1, max_length=200)
    ] = Field(description="Words and phrases that describe the priority, in any of the region's languages.")
    valid_from: date
    valid_until: date


class Initiative(Contract):
    """An initiative or project of the policy mix (step 5)."""

    id: Code
    title: ShortText
    description: Prose = ""
    priority_ids: Annotated[list[Code], Field(max_length=50)] = []
    target_groups: Annotated[list[TargetGroup], Field(max_length=3)] = []
    funding_sources: Annotated[list[FundingSource], Field(max_length=14)] = []
    addresses: Annotated[list[Addresses], Field(max_length=5)] = []
    start_year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    end_year: Annotated[int, Field(ge=2000, le=2100)] | None = None


class PortfolioEntry(Contract):
    """A planned or running project of the multi-year portfolio."""

    title: ShortText
    year: Annotated[int, Field(ge=2000, le=2100)]
    funding_source: FundingSource | None = None
    budget: Annotated[float, Field(ge=0)] | None = None
    initiative_id: Code | None = None


class PolicyMix(Contract):
    """Step 5, policy mix: initiatives, their target groups and funding, and the project portfolio."""

    initiatives: Annotated[list[Initiative], Field(max_length=100)] = []
    portfolio: Annotated[list[PortfolioEntry], Field(max_length=500)] = []


class EffectLink(Contract):
    description: ShortText
    indicators: Annotated[list[Indicator], Field(max_length=20)] = []


class EffectChain(Contract):
    """The effect chain (effektkedja): input → activity → output → outcome → impact."""

    input: Annotated[list[EffectLink], Field(max_length=50)] = []
    activity: Annotated[list[EffectLink], Field(max_length=50)] = []
    output: Annotated[list[EffectLink], Field(max_length=50)] = []
    outcome: Annotated[list[EffectLink], Field(max_length=50)] = []
    impact: Annotated[list[EffectLink], Field(max_length=50)] = []


class Evaluation(Contract):
    """Step 6, evaluation and learning."""

    effect_chain: EffectChain = EffectChain()
    description: Prose = ""


class ActionPlanContent(Contract):
    """An action plan (handlingsplan) in the six steps, as drafted and as published."""

    analysis: Analysis = Analysis()
    governance: Governance = Governance()
    vision: LocalizedText | None = None
    sub_goals: Annotated[list[SubGoal], Field(max_length=100)] = []
    priorities: Annotated[list[Priority], Field(max_length=100)] = []
    policy_mix: PolicyMix = PolicyMix()
    evaluation: Evaluation = Evaluation()
    next_review: date | None = Field(default=None, description="When the plan is next revised")


class StrengthAreaSnapshot(Contract):
    """A strength area (styrkeområde) as the plans service announces it."""

    id: UUID
    code: str
    name: LocalizedText
    description: LocalizedText | None = None
    process_leader_id: UUID | None = None
    nace_codes: list[str] = []
    sdgs: list[int] = []


class Adoption(Contract):
    """Who adopted the programme, when, and under which paragraph (e.g. regionfullmäktige, § 128)."""

    adopted_on: date
    body: ShortText
    paragraph: Annotated[str, Field(max_length=50)] | None = None


class ProgrammeState(EventData):
    """The whole programme with its strength areas, as every programme event carries it."""

    programme_id: UUID
    title: str
    reference: str | None = None
    period_start: int
    period_end: int
    vision: LocalizedText | None = None
    adoption: Adoption | None = None
    strength_areas: list[StrengthAreaSnapshot]


@event
class ProgrammeCreated(ProgrammeState):
    event_type: ClassVar[str] = "plans.programme.created.v1"
    description: ClassVar[str] = "A region's S3 programme was created, with its strength areas."


@event
class ProgrammeUpdated(ProgrammeState):
    event_type: ClassVar[str] = "plans.programme.updated.v1"
    description: ClassVar[str] = (
        "A programme or one of its strength areas changed; carries the whole programme."
    )


@event
class ProgrammeAdopted(ProgrammeState):
    event_type: ClassVar[str] = "plans.programme.adopted.v1"
    description: ClassVar[str] = (
        "A programme was adopted (date, body, paragraph); carries the whole programme."
    )


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
    plan: ActionPlanContent


class RegionalLink(Contract):
    """What a local plan or action serves in the regional programme: a strength area, and within it
    optionally a priority and/or a sub-goal of its action plan."""

    strength_area_id: UUID
    priority_id: Code | None = None
    sub_goal_id: Code | None = None


PlanLevel = Literal["strategic", "tactical"]


class LocalAction(Contract):
    """An action of a local plan: who does it, with what mandate, when, and what it serves regionally."""

    id: Code
    title: ShortText
    description: Prose = ""
    level: PlanLevel = "tactical"
    target_groups: Annotated[list[TargetGroup], Field(max_length=3)] = []
    responsible_actor_id: UUID | None = None
    responsible: Annotated[str, Field(max_length=300)] = Field(
        default="", description="Who is responsible, as written in the plan (an organisation or a role)"
    )
    mandate: Prose = ""
    start: date | None = None
    end: date | None = None
    serves: Annotated[list[RegionalLink], Field(max_length=20)] = []


class FinancingCommitment(Contract):
    """A party's commitment to finance the plan in a year (a decision or a letter of intent)."""

    party: ShortText
    party_actor_id: UUID | None = None
    year: Annotated[int, Field(ge=2000, le=2100)]
    amount: Annotated[float, Field(ge=0)] | None = None
    currency: Literal["SEK", "EUR", "NOK", "DKK"] = "SEK"
    kind: Literal["decision", "letter_of_intent", "in_kind"] = "decision"
    note: Annotated[str, Field(max_length=1000)] = ""


MunicipalityCode = Annotated[
    str, Field(pattern=r"^\d{3,4}$", description="Kommunkod (SE, 4 digits) or kuntanumero (FI, 3 digits)")
]


class LocalPlanContent(Contract):
    """A destination's or municipality's strategic and tactical plan, linked to the regional S3."""

    title: ShortText
    owner_actor_id: UUID | None = None
    owner: Annotated[str, Field(max_length=300)] = Field(
        default="", description="The owner as named in the plan"
    )
    municipalities: Annotated[list[MunicipalityCode], Field(min_length=1, max_length=50)]
    levels: Annotated[list[PlanLevel], Field(min_length=1, max_length=2)] = ["strategic", "tactical"]
    period_start: Annotated[int, Field(ge=2000, le=2100)] | None = None
    period_end: Annotated[int, Field(ge=2000, le=2100)] | None = None
    vision: Prose = ""
    goals: Annotated[list[ShortText], Field(max_length=50)] = []
    target_groups: Annotated[list[TargetGroup], Field(max_length=3)] = []
    actions: Annotated[list[LocalAction], Field(max_length=300)] = []
    financing: Annotated[list[FinancingCommitment], Field(max_length=300)] = []
    serves: Annotated[list[RegionalLink], Field(max_length=50)] = Field(
        default=[], description="What the plan as a whole serves in the regional programme"
    )


@event
class LocalPlanPublished(EventData):
    event_type: ClassVar[str] = "plans.local_plan.published.v1"
    description: ClassVar[str] = "A local plan version was published; carries the whole version."

    local_plan_id: UUID
    version: int
    published_at: datetime
    published_by: str
    plan: LocalPlanContent


@event
class IndicatorMeasured(EventData):
    event_type: ClassVar[str] = "plans.indicator.measured.v1"
    description: ClassVar[str] = (
        "A value of a sub-goal's indicator was recorded (or corrected, or withdrawn with "
        "``deleted``): what the follow-up compares with the sub-goal's baseline and target."
    )

    measurement_id: UUID
    action_plan_id: UUID
    strength_area_id: UUID
    sub_goal_id: str
    year: int
    value: float
    measured_on: date | None = None
    source: str = ""
    note: str = ""
    recorded_by: str
    deleted: bool = False


# --------------------------------------------------------------------------- actors

Helix = Literal["public", "business", "academia", "civil_society", "state_agency"]
"""The quadruple helix, with state agencies apart from the rest of the public sector."""
SizeClass = Literal["micro", "small", "medium", "large"]
"""Enterprise size class after the EU SME definition."""
GroupKind = Literal["partnership", "steering_group", "reference_group", "advisory_board", "working_group"]
"""Brett partnerskap, styrgrupp, referensgrupp, advisory board, arbetsgrupp."""
MemberRole = Literal["chair", "member", "process_leader", "coordinator"]
EngagementKind = Literal[
    "actor_meeting",
    "workshop",
    "seminar",
    "interview",
    "reference_group_meeting",
    "survey",
    "innovation_sprint",
    "dialogue_meeting",
]
"""Aktörsmöte, workshop, seminarium, intervju, referensgruppsmöte, enkät, innovationssprint, dialogmöte."""


@event
class RegionConfigured(EventData):
    event_type: ClassVar[str] = "actors.region.configured.v1"
    description: ClassVar[str] = (
        "A region's country and municipalities were set: the geography its follow-up and "
        "assessments measure reach against."
    )

    country: Literal["SE", "FI"]
    county: str | None = None
    municipalities: list[str]


class ActorState(EventData):
    """An actor as every actor event carries it; no personal data."""

    actor_id: UUID
    name: str
    country: Literal["SE", "FI"]
    identifier: str
    helix: Helix
    municipality: str | None = None
    nace: str | None = None
    size_class: SizeClass | None = None


@event
class ActorRegistered(ActorState):
    event_type: ClassVar[str] = "actors.actor.registered.v1"
    description: ClassVar[str] = "An organisation was registered as an actor of the region."


@event
class ActorUpdated(ActorState):
    event_type: ClassVar[str] = "actors.actor.updated.v1"
    description: ClassVar[str] = "An actor's name, helix type, municipality, industry or size class changed."


@event
class ActorMerged(EventData):
    event_type: ClassVar[str] = "actors.actor.merged.v1"
    description: ClassVar[str] = (
        "A duplicate actor was merged into another: its people, memberships and engagements now "
        "belong to ``into_actor_id``, and references to ``actor_id`` should follow."
    )

    actor_id: UUID
    into_actor_id: UUID


@event
class PersonAdded(EventData):
    event_type: ClassVar[str] = "actors.person.added.v1"
    description: ClassVar[str] = (
        "A contact person was added to an actor. Carries no name or e-mail: personal data stays "
        "in the actors service, where it can be erased."
    )

    person_id: UUID
    actor_id: UUID
    role: str | None = None


@event
class PersonErased(EventData):
    event_type: ClassVar[str] = "actors.person.erased.v1"
    description: ClassVar[str] = (
        "A person's personal data was erased; the pseudonymous id stays so that counts stay right."
    )

    person_id: UUID


class GroupState(EventData):
    """A group as every group event carries it."""

    group_id: UUID
    kind: GroupKind
    name: str
    strength_area_id: UUID | None = None


@event
class GroupCreated(GroupState):
    event_type: ClassVar[str] = "actors.group.created.v1"
    description: ClassVar[str] = "A partnership, steering group or other group was formed."


@event
class GroupUpdated(GroupState):
    event_type: ClassVar[str] = "actors.group.updated.v1"
    description: ClassVar[str] = "A group's name, kind or strength area changed."


@event
class MembershipChanged(EventData):
    event_type: ClassVar[str] = "actors.membership.changed.v1"
    description: ClassVar[str] = (
        "An actor (or one of its people) joined a group, changed role or left it; carries the "
        "membership whole, with the member's helix type and municipality, so composition can be "
        "followed without calling back. ``removed`` is true when an entry made in error was deleted."
    )

    membership_id: UUID
    group_id: UUID
    group_kind: GroupKind
    strength_area_id: UUID | None = None
    actor_id: UUID
    person_id: UUID | None = None
    helix: Helix
    municipality: str | None = None
    nace: str | None = None
    role: MemberRole
    joined_on: date
    left_on: date | None = None
    removed: bool = False


@event
class EngagementRecorded(EventData):
    event_type: ClassVar[str] = "actors.engagement.recorded.v1"
    description: ClassVar[str] = (
        "An engagement (actor meeting, workshop, survey…) was recorded or corrected; carries it "
        "whole, participants by pseudonymous id, so participations and unique participants can be "
        "counted. ``deleted`` is true when it was recorded in error."
    )

    engagement_id: UUID
    kind: EngagementKind
    title: str
    held_on: date
    strength_area_ids: list[UUID] = []
    municipality: str | None = None
    cycle_id: UUID | None = None
    person_ids: list[UUID] = []
    actor_ids: list[UUID] = []
    head_count: int | None = None
    participations: int
    deleted: bool = False


Frequency = Literal["monthly", "every_two_months", "quarterly", "twice_a_year", "yearly"]
"""How often a meeting of the annual cycle (årshjul) recurs."""


@event
class CyclePlanned(EventData):
    event_type: ClassVar[str] = "actors.cycle.planned.v1"
    description: ClassVar[str] = (
        "A recurring meeting of the annual cycle (årshjul) was planned: the follow-up counts the "
        "meetings held (``actors.engagement.recorded.v1`` with its ``cycle_id``) against its slots."
    )

    cycle_id: UUID
    strength_area_id: UUID | None = None
    kind: EngagementKind
    title: str
    frequency: Frequency
    starts_on: date
    ends_on: date | None = None


# --------------------------------------------------------------------------- assessment


class PlanVersionRef(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    action_plan_id: UUID
    strength_area_id: UUID
    version: int


def plan_key(refs: list[PlanVersionRef]) -> str:
    """One string naming a set of action-plan versions, the same in every service."""
    return ",".join(sorted(f"{r.action_plan_id}:{r.version}" for r in refs))


Recommendation = Literal["strong", "moderate", "weak", "none"]
ApplicationKind = Literal["project", "business_support"]
"""Projektstöd (project support) or företagsstöd (business support)."""
ApplicationStage = Literal["feasibility_study", "implementation"]
"""Förstudie (feasibility study / pre-study) or genomförandeprojekt (implementation project)."""
ApplicationStatus = Literal[
    "received", "under_assessment", "assessed", "granted", "rejected", "withdrawn", "completed"
]
"""Received, under assessment, assessed, decided (granted or rejected), withdrawn, completed."""
Dimension = Literal["economic", "social", "environmental"]
Measure = Literal["strategic_fit", "sustainability", "agenda2030", "geography", "partnership", "applicant"]
"""What a rubric criterion measures, each on 0–1 from the assessment's own findings:

* ``strategic_fit``: how well the best strength area's priorities match the text;
* ``sustainability``: the three dimensions described, less a share for each goal conflict;
* ``agenda2030``: the share of claimed Agenda 2030 goals the text supports (or any support);
* ``geography``: how far the municipalities reached are ones the open portfolio reaches least;
* ``partnership``: partners, and how many helix types the applicant and partners span;
* ``applicant``: the applicant is a registered actor of the region.
"""


class RubricCriterion(Contract):
    id: Code
    label: LocalizedText
    measure: Measure
    weight: Annotated[float, Field(gt=0, le=100)]


class Thresholds(Contract):
    """The share of the scale's maximum an application must reach for each recommendation."""

    strong: Annotated[float, Field(gt=0, le=1)] = 0.65
    moderate: Annotated[float, Field(gt=0, le=1)] = 0.45
    weak: Annotated[float, Field(gt=0, le=1)] = 0.2

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if not self.strong >= self.moderate >= self.weak:
            raise ValueError("thresholds must be ordered: strong ≥ moderate ≥ weak")
        return self


class Rubric(Contract):
    """The region's assessment rubric: criteria, their weights, and the scale they are scored on."""

    criteria: Annotated[list[RubricCriterion], Field(min_length=1, max_length=20)]
    scale_max: Annotated[int, Field(ge=2, le=10)] = Field(
        default=5, description="Each criterion is scored 0…scale_max points"
    )
    thresholds: Thresholds = Thresholds()

    @model_validator(mode="after")
    def _unique_ids(self) -> Rubric:
        ids = [c.id for c in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("criterion ids must be unique")
        return self


@event
class RubricPublished(EventData):
    event_type: ClassVar[str] = "assessment.rubric.published.v1"
    description: ClassVar[str] = (
        "A region published a new version of its assessment rubric; its open applications are "
        "reassessed with it."
    )

    version: int
    published_at: datetime
    published_by: str
    rubric: Rubric


class StrengthAreaFit(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    strength_area_id: UUID
    score: float
    priority_ids: list[str]
    matched_terms: list[str]


AssessmentTrigger = Literal["intake", "reassessment", "review"]


class ApplicationFacts(EventData):
    """What every application event carries of the application, so that read models elsewhere
    (the follow-up report's portfolio) never need to call back."""

    application_id: UUID
    source: str
    external_id: str
    title: str
    kind: ApplicationKind = "project"
    stage: ApplicationStage | None = None
    status: ApplicationStatus
    funding_programme: str | None = None
    funding_source: FundingSource | None = None
    requested_amount: float
    granted_amount: float | None = None
    total_budget: float | None = None
    currency: str
    municipalities: list[str] = []
    period_start: date | None = None
    period_end: date | None = None
    applicant_actor_id: UUID | None = None
    claimed_goals: list[int] = []


@event
class ApplicationReceived(ApplicationFacts):
    event_type: ClassVar[str] = "assessment.application.received.v1"
    description: ClassVar[str] = "A funding system submitted (or updated) an application."


@event
class ApplicationAssessed(ApplicationFacts):
    event_type: ClassVar[str] = "assessment.application.assessed.v1"
    description: ClassVar[str] = (
        "An application got a new assessment (at intake, at a reassessment, or when a process "
        "leader reviewed it). Strength area, level and recommendation are the effective ones: "
        "a reviewer's overrides where there are any."
    )

    # Added to this payload after its first release: absent from its oldest events.
    source: str = ""
    external_id: str = ""
    title: str = ""

    assessment_id: UUID
    trigger: AssessmentTrigger
    plan_key: str = Field(description="Identifies the set of plan versions used.")
    plan_versions: list[PlanVersionRef]
    rubric_version: int = 0
    strength_area_id: UUID | None
    level: Level | None
    score: float
    recommendation: Recommendation
    fits: list[StrengthAreaFit] = Field(
        description="The chosen strength area and its runner-up, each with its heaviest matched terms"
    )
    supported_goals: list[int] = []
    dimensions: list[Dimension] = Field(default=[], description="Sustainability dimensions described")
    conflicts: int = 0
    review: Literal["none", "confirmed", "overridden", "needs_review"] = "none"


class ReassessedApplication(ApplicationFacts):
    """One application's new assessment within ``ApplicationsReassessed``: its facts and the
    effective outcome (a reviewer's overrides where there are any)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    assessment_id: UUID
    strength_area_id: UUID | None
    level: Level | None
    score: float
    recommendation: Recommendation
    supported_goals: list[int] = []
    dimensions: list[Dimension] = []
    conflicts: int = 0
    review: Literal["none", "confirmed", "overridden", "needs_review"] = "none"


REASSESSED_IN_EVENT = 500
"""Applications in one ``ApplicationsReassessed`` event (about 600 bytes each)."""


@event
class ApplicationsReassessed(EventData):
    event_type: ClassVar[str] = "assessment.applications.reassessed.v1"
    description: ClassVar[str] = (
        "A batch of a region's open applications got new assessments in a reassessment: one event "
        "for up to REASSESSED_IN_EVENT of them, rather than one per application. Integrators' "
        "``application.reassessed`` webhooks are still one per application."
    )

    reassessment_id: UUID
    batch: int = Field(ge=0)
    plan_key: str = Field(description="Identifies the set of plan versions used.")
    plan_versions: list[PlanVersionRef]
    rubric_version: int = 0
    applications: list[ReassessedApplication]


@event
class ApplicationDecided(ApplicationFacts):
    event_type: ClassVar[str] = "assessment.application.decided.v1"
    description: ClassVar[str] = "The funding body decided an application: granted (with amount) or rejected."

    decided_on: date


@event
class ApplicationStatusChanged(ApplicationFacts):
    event_type: ClassVar[str] = "assessment.application.status_changed.v1"
    description: ClassVar[str] = (
        "An application was taken under assessment, withdrawn or completed (decisions are "
        "``assessment.application.decided.v1``)."
    )

    previous_status: ApplicationStatus


class MovedApplication(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    application_id: UUID
    from_level: Level | None
    to_level: Level | None
    from_strength_area_id: UUID | None
    to_strength_area_id: UUID | None
    from_recommendation: Recommendation | None = None
    to_recommendation: Recommendation | None = None
    reason: str = ""


class MoveGroup(BaseModel):
    """Applications that moved the same way for the same reason."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    count: int
    change: str = Field(description="e.g. 'from spets to bredd'")
    reason: str
    sentence: str


MOVED_IN_EVENT = 1000
"""Moved applications listed in one ``ReassessmentCompleted`` event (about 350 bytes each)."""


@event
class ReassessmentBatch(EventData):
    event_type: ClassVar[str] = "assessment.reassessment.batch.v1"
    description: ClassVar[str] = (
        "A share of a running reassessment: the open applications one replica of the assessment "
        "service reassesses in one transaction. Internal work item of the assessment service; "
        "replicas share them through one durable consumer."
    )

    reassessment_id: UUID
    batch: int = Field(ge=0)
    batches: int = Field(ge=1)
    application_ids: list[UUID]


@event
class ReassessmentCompleted(EventData):
    event_type: ClassVar[str] = "assessment.reassessment.completed.v1"
    description: ClassVar[str] = (
        "Every open application of the region was reassessed against new plans or a new rubric; "
        "says what moved and why."
    )

    reassessment_id: UUID
    plan_key: str
    plan_versions: list[PlanVersionRef]
    rubric_version: int = 0
    assessed: int
    unchanged: int
    moved: list[MovedApplication] = Field(
        description="Applications that moved, at most MOVED_IN_EVENT of them (the event stays well under "
        "the bus's message size); assessed - unchanged is how many moved in all, and the assessment "
        "service's reassessments API lists every one."
    )
    groups: list[MoveGroup] = []
    needs_review: int = 0
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
