"""Request and response models of the assessment API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kraftsamla_common import bounds
from kraftsamla_common.bounds import Day
from kraftsamla_common.events import (
    ActionPlanContent,
    ApplicationKind,
    ApplicationStage,
    ApplicationStatus,
    Dimension,
    FundingSource,
    KeyRole,
    Level,
    Recommendation,
    Rubric,
    utcnow,
)
from kraftsamla_common.municipalities import municipality_by_code

from .domain import api_keys as key_rules
from .domain.assessor import normalise_identifier
from .domain.destinations import MAX_URL_LENGTH, parse_webhook_url
from .domain.grants import WarningCode

MAX_TEXT = 20_000
"""Longest summary, description or sustainability text accepted, in characters."""
MAX_BULK = 1_000
"""Most applications in one bulk request."""
CURRENCIES = ("SEK", "EUR", "NOK", "DKK", "ISK")
Currency = Literal["SEK", "EUR", "NOK", "DKK", "ISK"]


def _known_municipality(code: str) -> str:
    if municipality_by_code(code) is None:
        raise ValueError(
            f"{code!r} is not a municipality: give a four-digit kommunkod (e.g. 2380) "
            "or a three-digit kuntanumero (e.g. 698)"
        )
    return code


def _identifier(value: str) -> str:
    return normalise_identifier(value)


MunicipalityCode = Annotated[
    str,
    Field(pattern=r"^\d{3,4}$", description="Kommunkod (SE) or kuntanumero (FI)"),
    AfterValidator(_known_municipality),
]
OrgIdentifier = Annotated[
    str,
    Field(max_length=20, description="Organisationsnummer (NNNNNN-NNNN) or Y-tunnus (NNNNNNN-C)"),
    AfterValidator(_identifier),
]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Amount = bounds.Amount
"""0 to 10¹² in the application's currency, finite."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Partner(Strict):
    name: Annotated[str, Field(min_length=1, max_length=300)]
    identifier: OrgIdentifier | None = None
    role: Annotated[str, Field(max_length=100)] | None = None


class SustainabilityCreate(Strict):
    """The application's own description of its economic, social and environmental sustainability."""

    economic: Text | None = None
    social: Text | None = None
    environmental: Text | None = None


class ApplicationCreate(Strict):
    """An application as a funding system sends it; (source, external_id) identifies it."""

    source: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Funding system id")]
    external_id: Annotated[
        str, Field(min_length=1, max_length=128, description="The funding system's own id")
    ]
    kind: ApplicationKind = "project"
    stage: ApplicationStage | None = None
    title: Annotated[str, Field(min_length=1, max_length=500)]
    summary: Text | None = None
    description: Text | None = None
    applicant_identifier: OrgIdentifier | None = None
    applicant_name: Annotated[str, Field(max_length=300)] | None = None
    partners: Annotated[list[Partner], Field(max_length=100)] = []
    funding_programme: Annotated[str, Field(max_length=120)] | None = None
    funding_source: FundingSource | None = None
    requested_amount: Amount
    total_budget: Amount | None = None
    currency: Currency = "SEK"
    period_start: Day | None = None
    period_end: Day | None = None
    municipalities: Annotated[list[MunicipalityCode], Field(max_length=400)] = []
    strength_areas: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=20)
    ] = Field(default=[], description="Strength areas the applicant claims, by code or id")
    goals: Annotated[list[Annotated[int, Field(ge=1, le=17)]], Field(max_length=17)] = Field(
        default=[], description="Agenda 2030 goals the applicant claims"
    )
    sustainability: SustainabilityCreate = SustainabilityCreate()

    @field_validator("period_end")
    @classmethod
    def _ends_after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("period_start")
        if end is not None and start is not None and end < start:
            raise ValueError(f"the period ends ({end}) before it starts ({start})")
        return end

    @field_validator("total_budget")
    @classmethod
    def _budget_covers_request(cls, budget: float | None, info: ValidationInfo) -> float | None:
        requested = info.data.get("requested_amount")
        if budget is not None and requested is not None and budget < requested:
            raise ValueError(f"the total budget ({budget}) is less than the amount requested ({requested})")
        return budget


class DecisionRequest(Strict):
    outcome: Literal["granted", "rejected"]
    granted_amount: Amount | None = None
    decided_on: Day | None = Field(default=None, description="Today when not given")
    note: Annotated[str, Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _amount(self) -> DecisionRequest:
        if self.outcome == "granted" and self.granted_amount is None:
            raise ValueError("a granted application needs granted_amount")
        if self.outcome == "rejected" and self.granted_amount:
            raise ValueError("a rejected application has no granted_amount")
        return self


class StatusRequest(Strict):
    status: Literal["under_assessment", "withdrawn", "completed"]


OverridePart = Literal["strength_area", "level", "recommendation", "agenda2030", "sustainability"]


class OverrideRequest(Strict):
    part: OverridePart
    value: Any = Field(
        description="strength_area: an id or null; level: bas, bredd, spets or null; recommendation: "
        "strong, moderate, weak or none; agenda2030: a list of goals; sustainability: a list of "
        "the dimensions described"
    )
    reason: Annotated[str, Field(min_length=3, max_length=2000)]

    @model_validator(mode="after")
    def _value(self) -> OverrideRequest:
        ok: dict[str, Any] = {
            "strength_area": lambda v: v is None or _is_uuid(v),
            "level": lambda v: v in (None, "bas", "bredd", "spets"),
            "recommendation": lambda v: v in ("strong", "moderate", "weak", "none"),
            "agenda2030": lambda v: (
                isinstance(v, list) and all(isinstance(g, int) and 1 <= g <= 17 for g in v)
            ),
            "sustainability": lambda v: (
                isinstance(v, list) and all(d in ("economic", "social", "environmental") for d in v)
            ),
        }
        if not ok[self.part](self.value):
            raise ValueError(f"not a valid value for {self.part}: {self.value!r}")
        return self


def _is_uuid(v: Any) -> bool:
    try:
        UUID(str(v))
    except ValueError:
        return False
    return True


class ReviewRequest(Strict):
    """Confirm the assessment as it stands, or override parts of it, each with a written reason."""

    action: Literal["confirm", "override"]
    overrides: Annotated[list[OverrideRequest], Field(max_length=5)] = []
    comment: Annotated[str, Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ReviewRequest:
        if self.action == "override" and not self.overrides:
            raise ValueError("an override needs at least one part overridden")
        if self.action == "confirm" and self.overrides:
            raise ValueError("a confirmation overrides nothing")
        if len({o.part for o in self.overrides}) != len(self.overrides):
            raise ValueError("override each part once")
        return self


class RubricCreate(Strict):
    rubric: Rubric


class PlanDraft(Strict):
    action_plan_id: UUID
    strength_area_id: UUID | None = Field(
        default=None, description="Needed for a strength area without a plan yet"
    )
    code: Annotated[str, Field(max_length=64)] | None = None
    plan: ActionPlanContent


class PreviewRequest(Strict):
    """Draft action plans (and/or a draft rubric) whose effect on the open portfolio to preview."""

    action_plans: Annotated[list[PlanDraft], Field(max_length=50)] = []
    rubric: Rubric | None = None

    @model_validator(mode="after")
    def _something(self) -> PreviewRequest:
        if not self.action_plans and self.rubric is None:
            raise ValueError("give at least one draft action plan or a draft rubric")
        return self


WebhookEvent = Literal[
    "application.assessed", "application.reassessed", "application.decided", "application.status_changed",
    "reassessment.completed",
]  # fmt: skip


def _webhook_url(value: str) -> str:
    """The URL as it will be kept and sent to, when it is well formed (else a ValueError)."""
    return parse_webhook_url(value).url


class WebhookCreate(Strict):
    url: Annotated[
        str,
        Field(
            pattern=r"^https?://[^\s]+$",
            max_length=MAX_URL_LENGTH,
            description="http or https, with a host and no user name or password; it must lead to a "
            "public address",
        ),
        AfterValidator(_webhook_url),
    ]
    event_types: Annotated[list[WebhookEvent], Field(min_length=1, max_length=5)]
    source: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")] | None = Field(
        default=None, description="Only applications from this funding system"
    )
    description: Annotated[str, Field(max_length=500)] | None = None


class ApiKeyCreate(Strict):
    """A new API key of the region."""

    name: Annotated[
        str,
        Field(
            pattern=key_rules.NAME_PATTERN,
            max_length=key_rules.MAX_NAME,
            description="Lower-case letters, digits and hyphens, 1–64 characters (``nyps-production``); "
            "unique on the platform and never given again: who calls, in the audit log",
        ),
    ]
    role: KeyRole = Field(
        description="admin, assessor, viewer or integrator (an operator's key is never issued here)"
    )
    source: Annotated[str, Field(pattern=key_rules.SOURCE_PATTERN)] | None = Field(
        default=None, description="An integrator's funding system (required for an integrator, else absent)"
    )
    organisation: OrgIdentifier | None = Field(
        default=None,
        description="The organisation a person's key is for: they may not review its applications",
    )
    expires: (
        Annotated[
            AwareDatetime,
            Field(ge=datetime(2000, 1, 1, tzinfo=UTC), le=datetime(2100, 12, 31, tzinfo=UTC)),
        ]
        | None
    ) = Field(
        default=None,
        description="When the key ends, with its time zone: in the future, at most three "
        "years away; a year from now when not given",
    )

    @model_validator(mode="after")
    def _rules(self) -> ApiKeyCreate:
        refusal = key_rules.source_refusal(self.role, self.source)
        if refusal is None and self.expires is not None:
            refusal = key_rules.expiry_refusal(self.expires, utcnow())
        if refusal is not None:
            raise ValueError(refusal)
        return self


# --------------------------------------------------------------------------- responses


class TextPartPublic(BaseModel):
    """A sentence (or a piece of one) of a text people read: its message key, the values it names
    (figures, texts as written, names in the languages they were given in, nested parts such as a
    level: each ``{"key", "params"}``) and its ``text`` in the language asked for (``?language=`` or
    ``Accept-Language``; else the region's). Join the texts of a list of parts with spaces for the
    whole text in that language."""

    key: str
    params: dict[str, Any] = {}
    text: str


class EvidencePublic(BaseModel):
    priority_id: str = Field(description="The priority whose text matched; empty for the area's other texts")
    term: str
    passage: str = Field(description="The sentence of the application the term was found in")
    language: str
    source: str = Field("", description="The plan text the term comes from")


class FitPublic(BaseModel):
    strength_area_id: UUID
    code: str
    score: float
    points: float = Field(0.0, description="The weighted sum of matched terms the score is made from")
    level: Level | None
    priority_ids: list[str]
    matched_terms: list[str]
    evidence: list[EvidencePublic]


class OverridePublic(BaseModel):
    part: OverridePart
    value: Any
    reason: str
    by: str
    at: datetime
    in_force: bool
    basis: dict[str, int]
    rubric_version: int


class ReviewPublic(BaseModel):
    state: Literal["none", "confirmed", "overridden", "needs_review"]
    by: str | None = None
    at: datetime | None = None
    comment: str | None = None
    parts_to_review: list[str] = []
    overrides: list[OverridePublic] = []


class EffectivePublic(BaseModel):
    """The assessment as it stands after a reviewer's overrides in force."""

    strength_area_id: UUID | None
    level: Level | None
    recommendation: Recommendation
    supported_goals: list[int]
    dimensions: list[Dimension]


class CriterionPublic(BaseModel):
    """One criterion of the rubric as the assessment scored it."""

    id: str
    measure: str
    weight: float
    value: float = Field(description="The measure, 0–1")
    points: int = Field(description="0 … the rubric's scale_max")
    reason: str = Field(description="Why, in English")
    reason_parts: list[TextPartPublic] = Field(
        [], description="Why, as one part worded in the language asked for"
    )


class AssessmentPublic(BaseModel):
    id: UUID
    application_id: UUID
    application_revision: int
    trigger: str
    plan_key: str = Field(description="The latest plan versions it holds for")
    plan_versions: list[dict[str, Any]]
    made_for: str | None = Field(
        None,
        description="The plan versions it was made for: the same as ``plan_key``, or earlier ones a later "
        "change did not touch it for (the assessment then holds for every version from these to ``plan_key``)",
    )
    rubric_version: int
    strength_area_id: UUID | None
    level: Level | None
    score: float
    scale_max: int | None = None
    recommendation: str
    language: str = Field(description="The language the application is written in")
    rationale: str = Field(description="In English")
    rationale_parts: list[TextPartPublic] = Field(
        [], description="The rationale's sentences, each worded in the language asked for"
    )
    fits: list[FitPublic]
    placement: dict[str, Any] | None = None
    sustainability: dict[str, Any] | None = None
    agenda2030: dict[str, Any] | None = None
    geography: dict[str, Any] | None = None
    claims: dict[str, Any] | None = None
    criteria: list[CriterionPublic] = []
    choice: dict[str, Any] | None = Field(
        None,
        description="How the strength area was chosen: confidence (0–1), runner_up, margin, tie "
        "(tie or near_tie), precedent (a reviewed application it reads like) and a note",
    )
    created_at: datetime


class ConflictPublic(BaseModel):
    declared_by: str = Field(description="The assessor: user:<subject> or an API key's name")
    reason: str
    declared_at: datetime


class ApplicationPublic(BaseModel):
    id: UUID
    region: str
    source: str
    external_id: str
    kind: str
    stage: str | None
    title: str
    summary: str | None
    description: str | None
    applicant_identifier: str | None
    applicant_name: str | None
    applicant_actor_id: UUID | None
    partners: list[dict[str, Any]]
    funding_programme: str | None
    funding_source: str | None
    requested_amount: float
    total_budget: float | None
    currency: str
    period_start: date | None
    period_end: date | None
    municipalities: list[str]
    strength_areas: list[UUID]
    goals: list[int]
    sustainability: dict[str, Any]
    status: ApplicationStatus
    granted_amount: float | None
    decided_on: date | None
    revision: int
    received_at: datetime
    updated_at: datetime = Field(
        description="When the application, its assessment, review, assignments or conflicts last changed"
    )
    assessment: AssessmentPublic | None
    review: ReviewPublic
    effective: EffectivePublic | None
    assignees: list[str] = Field([], description="The assessors it is assigned to for review")
    conflicts: list[ConflictPublic] = Field([], description="Conflicts of interest declared with it")


class FacetValuePublic(BaseModel):
    value: str | None = Field(description="The filter's value (null: none, e.g. not assessed yet)")
    count: int = Field(description="Applications with it among those the other filters find")
    code: str | None = Field(None, description="A strength area's code")
    oldest_assigned_at: datetime | None = Field(
        None, description="assigned_to: when the oldest of the assessor's assignments counted was made"
    )


class FacetsPublic(BaseModel):
    """Applications per value of each filter, counted with every other filter of the request
    (and without the facet's own), most first; null where the request named other facets."""

    strength_area: list[FacetValuePublic] | None = None
    level: list[FacetValuePublic] | None = None
    recommendation: list[FacetValuePublic] | None = None
    status: list[FacetValuePublic] | None = None
    review: list[FacetValuePublic] | None = None
    municipality: list[FacetValuePublic] | None = Field(
        None, description="An application reaching several municipalities counts in each"
    )
    funding_source: list[FacetValuePublic] | None = None
    assigned_to: list[FacetValuePublic] | None = Field(
        None,
        description="The assessors (null: no one), each with their oldest assignment; an application "
        "assigned to several counts for each",
    )


class ApplicationsPublic(BaseModel):
    data: list[ApplicationPublic]
    count: int
    facets: FacetsPublic | None = Field(None, description="With facets=true")
    next_cursor: str | None = Field(
        None,
        description="Send as ``cursor`` (with the same sort and filters) for the next page; null on the last",
    )


Assignee = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^\S+$",
        description="The assessor's identity: user:<subject> for a person, or an API key's name",
    ),
]


class AssignmentRequest(Strict):
    """Applications of the region to assign to (or take back from) one assessor."""

    application_ids: Annotated[list[UUID], Field(min_length=1, max_length=MAX_BULK)]
    assignee: Assignee

    @field_validator("application_ids")
    @classmethod
    def _once_each(cls, ids: list[UUID]) -> list[UUID]:
        if len(set(ids)) != len(ids):
            raise ValueError("name each application once")
        return ids


class AssignmentResultPublic(BaseModel):
    assignee: str
    changed: list[UUID] = Field(description="Applications assigned (or unassigned) now")
    unchanged: list[UUID] = Field(description="Applications that were so already")


class ConflictRequest(Strict):
    """A conflict of interest with the application, declared by the caller."""

    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class AssessmentsPublic(BaseModel):
    data: list[AssessmentPublic]
    count: int


class IntakeWarningPublic(BaseModel):
    """Data an integrator sent that is not kept, named as it was sent; the item is still taken in."""

    field: str = Field(description="The field as the integrator sent it, e.g. recipientOrganization[0].id")
    pointer: str = Field(
        description="JSON pointer to it in the request body, e.g. /grants/0/recipientOrganization/0/id"
    )
    code: WarningCode = Field(description="What kind of loss it is (see the API guide)")
    message: str


class BulkItemPublic(BaseModel):
    index: int
    external_id: str | None
    status: Literal["created", "updated", "unchanged", "rejected"]
    id: UUID | None = None
    errors: list[dict[str, Any]] = Field(
        default=[],
        description="Why a rejected item was refused: pointer (into the request body), message, type",
    )
    warnings: list[IntakeWarningPublic] = Field(
        default=[], description="360Giving intake: what was sent but could not be mapped, and so is not kept"
    )


class BulkResultPublic(BaseModel):
    created: int
    updated: int
    unchanged: int
    rejected: int
    results: list[BulkItemPublic]


class MoveGroupPublic(BaseModel):
    count: int
    change: str = Field(description="In English")
    reason: str = Field(description="In English")
    sentence: str = Field(description="In English")
    sentence_parts: list[TextPartPublic] = Field([], description="The sentence in the language asked for")


ReassessmentStatus = Literal["running", "completed", "superseded"]


class ReassessmentPublic(BaseModel):
    id: UUID
    status: ReassessmentStatus
    plan_key: str
    rubric_version: int
    trigger: str = Field(description="In English")
    trigger_parts: list[TextPartPublic] = []
    assessed: int
    unchanged: int
    carried: int = Field(
        0,
        description="Of those assessed, how many the change did not touch: their assessment, the same "
        "as one made anew, now holds for the new plan versions too",
    )
    needs_review: int
    moved: list[dict[str, Any]] = Field(
        description="Each application that moved: from and to, and why (``reason`` in English, "
        "``reason_parts`` in the language asked for); one reassessment's also names its ``title``"
    )
    groups: list[MoveGroupPublic]
    summary: str = Field(description="In English")
    summary_parts: list[TextPartPublic] = Field(
        [], description="The summary's sentences, each worded in the language asked for"
    )
    started_at: datetime
    completed_at: datetime | None


class ReassessmentsPublic(BaseModel):
    data: list[ReassessmentPublic]
    count: int


class PreviewPublic(BaseModel):
    plan_key: str
    rubric_version: int | None
    assessed: int
    unchanged: int
    moved: int
    groups: list[MoveGroupPublic]
    levels_before: dict[str, int]
    levels_after: dict[str, int]
    summary: str = Field(description="In English")
    summary_parts: list[TextPartPublic] = Field(
        [], description="The summary's sentences, each worded in the language asked for"
    )
    examples: list[dict[str, Any]] = Field(
        description="Up to 50 moved applications, each with its ``title`` (``reason`` in English, "
        "``reason_parts`` in the language asked for)"
    )


class RubricPublic(BaseModel):
    version: int
    rubric: Rubric
    published_at: datetime | None
    published_by: str | None


class RubricsPublic(BaseModel):
    data: list[RubricPublic]
    count: int


class WebhookPublic(BaseModel):
    id: UUID
    url: str
    event_types: list[str]
    source: str | None
    description: str | None
    active: bool
    created_at: datetime
    pending: int = 0
    failed: int = 0


class NewWebhookPublic(WebhookPublic):
    secret: str = Field(
        description="Shown once: verify each delivery's signature with it (Standard Webhooks)"
    )


class WebhooksPublic(BaseModel):
    data: list[WebhookPublic]
    count: int


class DeliveryPublic(BaseModel):
    id: UUID
    event_id: UUID
    event_type: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    log: list[dict[str, Any]]
    created_at: datetime
    delivered_at: datetime | None


class DeliveriesPublic(BaseModel):
    data: list[DeliveryPublic]
    count: int


class ApiKeyPublic(BaseModel):
    """An API key of the region, as the platform keeps it: never the key itself."""

    name: str
    role: str
    source: str | None = Field(description="An integrator's funding system")
    organisation: str | None
    state: Literal["active", "expired", "revoked"]
    expires: datetime | None = Field(description="None: a key of the key file without an end")
    revoked: bool
    revoked_at: datetime | None
    revoked_by: str | None
    created_at: datetime | None = Field(description="None: a key of the key file from before it kept when")
    created_by: str | None = Field(description="Who issued it over the API (None: issued in the key file)")
    ends_with: str | None = Field(
        description="The key's last four characters, to tell keys apart (keys issued over the API)"
    )
    origin: Literal["api", "file"] = Field(
        description="api: issued over the API; file: issued in the platform's key file by its operator"
    )


class NewApiKeyPublic(ApiKeyPublic):
    key: str = Field(
        description="The key, shown this once and kept nowhere: send it as X-API-Key (or as the Basic password)"
    )


class ApiKeysPublic(BaseModel):
    data: list[ApiKeyPublic]
    count: int


class RegionName(Strict):
    """A region's name in each of its languages."""

    sv: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    en: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    fi: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class RegionCreate(Strict):
    """A new region of the platform, created by the platform operator."""

    id: Annotated[
        str,
        Field(
            pattern=r"^[a-z0-9][a-z0-9-]{1,62}$",
            description="Lower-case letters, digits and hyphens, 2–63 characters (``jamtland-harjedalen``); "
            "in every address of the region, never changed",
        ),
    ]
    name: RegionName = Field(description="The region's name in each of its languages")
    country: Literal["SE", "FI"]
    languages: Annotated[list[Literal["sv", "en", "fi"]], Field(min_length=1, max_length=3)] = Field(
        description="The languages the region writes in"
    )
    admin_key: Annotated[str, Field(pattern=key_rules.NAME_PATTERN, max_length=key_rules.MAX_NAME)] | None = (
        Field(
            default=None,
            description="The name of the region's first administrator key (default ``<id>-admin``)",
        )
    )

    @model_validator(mode="after")
    def _named_in_its_languages(self) -> RegionCreate:
        missing = [lang for lang in self.languages if getattr(self.name, lang) is None]
        if missing:
            raise ValueError(f"give the region's name in each of its languages: {', '.join(missing)}")
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("name each language once")
        return self


class RegionPublic(BaseModel):
    id: str
    name: dict[str, str]
    country: str
    languages: list[str]
    created_at: datetime
    created_by: str


class NewRegionPublic(RegionPublic):
    admin_key: NewApiKeyPublic = Field(description="The region's first administrator key, shown this once")


Moment = Annotated[
    AwareDatetime, Field(ge=datetime(2000, 1, 1, tzinfo=UTC), le=datetime(2100, 12, 31, tzinfo=UTC))
]


class ArchivedRegion(Strict):
    """A region's record as its archive carries it."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    name: dict[Literal["sv", "en", "fi"], Annotated[str, Field(max_length=200)]]
    country: Literal["SE", "FI"]
    languages: Annotated[list[Literal["sv", "en", "fi"]], Field(max_length=3)]
    created_at: Moment
    created_by: Annotated[str, Field(max_length=200)]


class ArchivedKey(Strict):
    """A key's record as the region's archive carries it: its SHA-256, never the key."""

    name: Annotated[str, Field(pattern=key_rules.NAME_PATTERN, max_length=key_rules.MAX_NAME)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    region: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    role: KeyRole
    source: Annotated[str, Field(pattern=key_rules.SOURCE_PATTERN)] | None = None
    organisation: Annotated[str, Field(max_length=20)] | None = None
    expires: Moment | None = None
    revoked: bool = False
    revoked_at: Moment | None = None
    revoked_by: Annotated[str, Field(max_length=200)] | None = None
    created_at: Moment | None = None
    created_by: Annotated[str, Field(max_length=200)] | None = None
    ends_with: Annotated[str, Field(max_length=key_rules.SHOWN_CHARACTERS)] | None = None
    origin: Literal["file", "api"] = "api"


class RegionArchiveRecord(Strict):
    """A region's record and its keys' records (with their SHA-256, never a key), as an archive of
    the region carries them to another platform: keep such an archive as secret as the key file."""

    region: ArchivedRegion | None
    keys: Annotated[list[ArchivedKey], Field(max_length=10_000)]
