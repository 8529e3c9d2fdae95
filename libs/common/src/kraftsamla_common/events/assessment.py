"""Events the assessment service publishes: rubrics, applications as they are received,
assessed, decided and change status, reassessments of a region's open applications (their
batches of work and what moved), the API keys issued and revoked over its API, and webhooks'
test pings.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal, Union
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .envelope import EventData, event
from .shared import Code, Contract, FundingSource, Level, LocalizedText, PlanVersionRef

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


class TextPart(BaseModel):
    """A sentence, or a piece of one, as a message key and the values it names, so that each reader's
    language can word it from its catalogue (``kraftsamla_common.wording``) and a stored one can be
    shown in any language later. A value is a number, a text as written, a name in the languages it
    was given in (``{"sv": …, "fi": …}``), a nested part (a level, a reason) or a list of these; a
    part with ``n`` takes the plural form for ``n``. ``text`` is its English wording (on the parts
    of a text; the parts its values name leave it empty)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    key: Annotated[str, Field(max_length=100)]
    params: dict[str, TextParam] = {}
    text: str = ""


TextValue = Union[str, int, float, LocalizedText, TextPart]  # noqa: UP007 (a forward reference)
TextParam = Union[TextValue, list[TextValue]]  # noqa: UP007
TextPart.model_rebuild()


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


@event
class ApplicationAssigned(EventData):
    event_type: ClassVar[str] = "assessment.application.assigned.v1"
    description: ClassVar[str] = "An administrator assigned an application to an assessor for review."

    application_id: UUID
    assignee: str = Field(description="The assessor: ``user:<subject>`` or an API key's name")
    assigned_by: str


@event
class ApplicationUnassigned(EventData):
    event_type: ClassVar[str] = "assessment.application.unassigned.v1"
    description: ClassVar[str] = (
        "An application's assignment to an assessor ended: an administrator took it back, or the "
        "assessor declared a conflict of interest with it."
    )

    application_id: UUID
    assignee: str = Field(description="The assessor: ``user:<subject>`` or an API key's name")
    unassigned_by: str


@event
class ConflictDeclared(EventData):
    event_type: ClassVar[str] = "assessment.conflict.declared.v1"
    description: ClassVar[str] = (
        "An assessor declared a conflict of interest with an application: they may not review it."
    )

    application_id: UUID
    declared_by: str = Field(description="The assessor: ``user:<subject>`` or an API key's name")
    reason: str


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
    change: str = Field(description="e.g. 'fell from Spets to Bredd'")
    reason: str
    sentence: str
    sentence_parts: list[TextPart] = Field(
        default=[], description="The sentence as parts each language words (absent from the oldest events)"
    )


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
    summary: str = Field(description="In English")
    summary_parts: list[TextPart] = Field(
        default=[],
        description="The summary as sentences each language words (absent from the oldest events)",
    )


KeyRole = Literal["admin", "assessor", "viewer", "integrator"]
"""The roles a key issued over the API may have (an operator's key is the key file's only)."""


@event
class ApiKeyIssued(EventData):
    event_type: ClassVar[str] = "assessment.api_key.issued.v1"
    description: ClassVar[str] = (
        "A region administrator (or the platform operator) issued an API key of the region over the "
        "API. Never the key itself, nor its hash: the key is shown once, to whoever issued it."
    )

    name: str = Field(description="The key's name, unique on the platform: who calls, in the audit log")
    role: KeyRole
    source: str | None = Field(default=None, description="An integrator's funding system")
    expires: datetime
    issued_by: str = Field(description="The key's name, or ``user:<subject>``, of who issued it")


@event
class ApiKeyRevoked(EventData):
    event_type: ClassVar[str] = "assessment.api_key.revoked.v1"
    description: ClassVar[str] = (
        "An API key of the region was revoked over the API (one issued over the API, or one of the "
        "key file): every service refuses it from moments later."
    )

    name: str
    origin: Literal["file", "api"] = Field(description="Where the key was issued: the key file or the API")
    revoked_by: str = Field(description="The key's name, or ``user:<subject>``, of who revoked it")


PLATFORM_REGION = "platform"
"""The subjects' region of the platform's own events, of no region (``s3.platform.…``): a region
deleted is announced there, so purging the region's subjects never removes its announcement
before every service has read it. No region may take this id."""


@event
class RegionCreated(EventData):
    event_type: ClassVar[str] = "assessment.region.created.v1"
    description: ClassVar[str] = (
        "The platform operator created a region over the API: it exists in every service from "
        "moments later (the key bucket's region record), with its first administrator key."
    )

    name: LocalizedText = Field(description="The region's name in the languages given")
    country: Literal["SE", "FI"]
    languages: list[Literal["sv", "en", "fi"]]
    admin_key: str = Field(description="The name of the region's first administrator key")
    created_by: str


@event
class RegionDeleted(EventData):
    event_type: ClassVar[str] = "assessment.region.deleted.v1"
    description: ClassVar[str] = (
        "The platform operator deleted a region: every service deletes every row of it and purges "
        "the region's subjects from its stream. Published under the platform's own subjects "
        "(``s3.platform.…``); ``region`` names the region deleted."
    )

    region: str = Field(description="The id of the region deleted")
    deleted_by: str


@event
class WebhookPinged(EventData):
    event_type: ClassVar[str] = "assessment.webhook.ping.v1"
    description: ClassVar[str] = (
        "A test event sent to one webhook at once, at its subscriber's or the region administrator's "
        "request, signed as every delivery is (webhook type ``webhook.ping``); its outcome is a "
        "delivery in the webhook's delivery log."
    )

    webhook_id: UUID
    event_types: list[str] = Field(description="The event types the webhook is subscribed to")
