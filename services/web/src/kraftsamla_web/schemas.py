"""What the pages read from the services' APIs: the few fields of each answer they show, parsed
where they arrive (an answer with more fields reads the same; one that lacks a shown field fails
loudly in the tests rather than as a blank on a page)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel


class TextPart(BaseModel):
    key: str
    params: dict[str, Any] = {}
    text: str


def worded(parts: list[TextPart], fallback: str) -> str:
    """Parts' texts in the language asked for, joined; else the text as written (English)."""
    return " ".join(p.text for p in parts) or fallback


class Override(BaseModel):
    part: str
    value: Any = None
    reason: str
    by: str
    at: datetime
    in_force: bool
    rubric_version: int = 0


class Review(BaseModel):
    state: str
    by: str | None = None
    at: datetime | None = None
    comment: str | None = None
    parts_to_review: list[str] = []
    overrides: list[Override] = []


class Effective(BaseModel):
    strength_area_id: UUID | None = None
    level: str | None = None
    recommendation: str | None = None
    supported_goals: list[int] = []
    dimensions: list[str] = []


class WordedPart(BaseModel):
    """A part of a text the service words in the language asked for; ``params`` as it stores them."""

    key: str
    params: dict[str, Any] = {}
    text: str


class Evidence(BaseModel):
    priority_id: str = ""
    term: str
    passage: str
    language: str = ""
    source: str = ""


class Fit(BaseModel):
    strength_area_id: UUID
    code: str
    score: float
    level: str | None = None
    matched_terms: list[str] = []
    evidence: list[Evidence] = []


class Assessment(BaseModel):
    """An assessment as the pages show it; its findings (placement, sustainability, Agenda 2030,
    geography, claims, criteria) as the service gives them."""

    id: UUID
    trigger: str
    plan_versions: list[dict[str, Any]] = []
    rubric_version: int
    strength_area_id: UUID | None = None
    level: str | None = None
    score: float
    scale_max: int | None = None
    recommendation: str
    language: str = ""
    """The language the application is written in."""
    rationale_parts: list[WordedPart] = []
    fits: list[Fit] = []
    placement: dict[str, Any] | None = None
    sustainability: dict[str, Any] | None = None
    agenda2030: dict[str, Any] | None = None
    geography: dict[str, Any] | None = None
    claims: dict[str, Any] | None = None
    criteria: list[dict[str, Any]] = []
    created_at: datetime

    def part(self, key: str) -> WordedPart | None:
        return next((p for p in self.rationale_parts if p.key == key), None)


class AssessmentList(BaseModel):
    data: list[Assessment]
    count: int


class Conflict(BaseModel):
    declared_by: str
    reason: str
    declared_at: datetime


class ApplicationLine(BaseModel):
    id: UUID
    title: str
    applicant_name: str | None = None
    status: str
    requested_amount: float
    currency: str
    received_at: datetime
    review: Review
    effective: Effective | None = None
    municipalities: list[str] = []
    funding_source: str | None = None
    assignees: list[str] = []


class Application(ApplicationLine):
    """One application with all the page shows of it."""

    region: str
    source: str
    external_id: str
    kind: str
    stage: str | None = None
    summary: str | None = None
    description: str | None = None
    partners: list[dict[str, Any]] = []
    funding_programme: str | None = None
    total_budget: float | None = None
    period_start: date | None = None
    period_end: date | None = None
    goals: list[int] = []
    sustainability: dict[str, Any] = {}
    granted_amount: float | None = None
    decided_on: date | None = None
    revision: int
    updated_at: datetime | None = None
    assessment: Assessment | None = None
    conflicts: list[Conflict] = []


class ApplicationList(BaseModel):
    data: list[ApplicationLine]
    count: int


class FacetValue(BaseModel):
    value: str | None
    count: int
    code: str | None = None
    oldest_assigned_at: datetime | None = None


class ApplicationsFound(BaseModel):
    """A page of the list, how many match, and the counts per value of each filter."""

    data: list[ApplicationLine]
    count: int
    facets: dict[str, list[FacetValue] | None] = {}
    """None: a facet not asked for."""


class ReassessmentLine(BaseModel):
    id: UUID
    status: str
    assessed: int
    unchanged: int
    needs_review: int
    moved: list[dict[str, object]] = []
    summary: str
    summary_parts: list[TextPart] = []
    started_at: datetime
    completed_at: datetime | None = None
    plan_key: str = ""
    rubric_version: int | None = None
    trigger: str = ""
    trigger_parts: list[TextPart] = []

    @property
    def summary_text(self) -> str:
        """The summary in the language asked for (the parts' texts), else as written (English)."""
        return worded(self.summary_parts, self.summary)

    @property
    def plan_versions(self) -> int:
        """How many action plans' versions it assessed by (its ``plan_key``: ``plan:version,…``)."""
        return len(self.plan_key.split(",")) if self.plan_key else 0

    @property
    def trigger_text(self) -> str:
        """What started it (a plan's new version, a new rubric) in the language asked for."""
        return worded(self.trigger_parts, self.trigger)

    @property
    def trigger_sentence(self) -> str:
        """:attr:`trigger_text` as a sentence of its own (its first letter a capital)."""
        text = self.trigger_text
        return text[:1].upper() + text[1:]


class MovedApplication(BaseModel):
    application_id: UUID
    title: str | None = None
    from_level: str | None = None
    to_level: str | None = None
    from_strength_area_id: UUID | None = None
    to_strength_area_id: UUID | None = None
    from_recommendation: str | None = None
    to_recommendation: str | None = None
    reason: str = ""
    reason_parts: list[TextPart] = []


class MoveGroup(BaseModel):
    count: int
    change: str
    reason: str
    sentence: str
    sentence_parts: list[TextPart] = []


class Reassessment(ReassessmentLine):
    """One reassessment with every application it moved (each with its title) and the moves grouped."""

    moved: list[MovedApplication] = []  # type: ignore[assignment]
    groups: list[MoveGroup] = []


class ReassessmentList(BaseModel):
    data: list[ReassessmentLine]
    count: int


class ReportLine(BaseModel):
    number: int
    generated_at: datetime


class RegionSettings(BaseModel):
    country: str
    county: str | None = None


class RegionList(BaseModel):
    data: list[dict[str, str]]


class ReviewStatus(BaseModel):
    last_revised: datetime | None = None
    next_review: date | None = None
    overdue: bool
    reason: str | None = None


class ActionPlanLine(BaseModel):
    id: UUID
    strength_area_code: str
    strength_area_name: dict[str, str | None]
    current_version: int
    review: ReviewStatus


class ActionPlanList(BaseModel):
    data: list[ActionPlanLine]
    count: int


class Finding(BaseModel):
    key: str
    params: dict[str, Any] = {}
    text: str


class Criterion(BaseModel):
    number: int
    key: str
    status: str
    evidence: list[Finding] = []
    missing: list[Finding] = []


class Checklist(BaseModel):
    programme_id: UUID
    criteria: list[Criterion]
    met: int
    evaluated_at: datetime | None = None
    valid_until: datetime | None = None


class Gap(BaseModel):
    kind: str
    message: str
    helix: str | None = None
    municipality: str | None = None
    share: float | None = None


class Composition(BaseModel):
    gaps: list[Gap]


class Gaps(BaseModel):
    """What the desk says is missing: overdue action plans, the 1.1 checklist's gaps, partnership
    gaps; each None where its service did not answer (the rest of the desk still shows)."""

    overdue_plans: ActionPlanList | None
    checklist: Checklist | None
    no_programme: bool = False
    """The plans service answered, and the region has no programme (so no checklist)."""
    composition: Composition | None


class Desk(BaseModel):
    """A region's desk: what needs a person now."""

    region: str
    settings: RegionSettings | None
    queue: ApplicationList | None
    """An assessor's queue: the applications assigned to them (None for other roles)."""
    needs_review: ApplicationList
    not_reviewed: ApplicationList
    reassessments: ReassessmentList
    report: ReportLine | None
    gaps: Gaps | None = None

    # --------------------------------------------------------------------------- actors, partnerships, engagements
    waiting: ApplicationsFound | None = None
    """For an administrator or the operator: the applications waiting for review counted per
    assessor (the ``assigned_to`` facet; None for other roles)."""


class MunicipalityName(BaseModel):
    code: str
    name: str


class ActorSettings(RegionSettings):
    """The region's settings as the actors pages use them: its municipalities by name too."""

    municipalities: list[MunicipalityName] = []
    dominance_threshold: float = 0.5


class Actor(BaseModel):
    id: UUID
    name: str
    country: str
    identifier: str
    helix: str
    municipality: str | None = None
    municipality_name: str | None = None
    nace: str | None = None
    nace_label: str | None = None
    size_class: str | None = None
    merged_into_id: UUID | None = None
    created_at: datetime
    updated_at: datetime


class ActorsFound(BaseModel):
    data: list[Actor]
    count: int


class Contact(BaseModel):
    """A contact person of an actor (``erased``: their personal data is gone, the record stays)."""

    id: UUID
    actor_id: UUID
    name: str | None = None
    role: str | None = None
    email: str | None = None
    erased: bool
    created_at: datetime


class ContactList(BaseModel):
    data: list[Contact]
    count: int


class Member(BaseModel):
    id: UUID
    group_id: UUID
    actor_id: UUID
    actor_name: str
    helix: str
    municipality: str | None = None
    person_id: UUID | None = None
    role: str
    joined_on: date
    left_on: date | None = None
    active: bool


class MemberList(BaseModel):
    data: list[Member]
    count: int


class ActorMembership(Member):
    group_name: str
    group_kind: str
    strength_area_id: UUID | None = None


class ActorMembershipList(BaseModel):
    data: list[ActorMembership]
    count: int


class Group(BaseModel):
    id: UUID
    kind: str
    name: str
    description: str = ""
    strength_area_id: UUID | None = None
    members_now: int
    created_at: datetime


class GroupList(BaseModel):
    data: list[Group]
    count: int


class CountLine(BaseModel):
    code: str
    name: str | None = None
    actors: int


class GroupComposition(Composition):
    """A group's (or the region's) members counted by helix, municipality and industry, with gaps."""

    scope: str
    at: date
    groups: int
    actors: int
    by_helix: dict[str, int]
    by_municipality: list[CountLine]
    by_industry: list[CountLine]
    dominance_threshold: float


class StrengthAreaName(BaseModel):
    id: UUID
    code: str
    name: dict[str, str | None]


class Engagement(BaseModel):
    id: UUID
    kind: str
    title: str
    held_on: date
    strength_area_ids: list[UUID] = []
    municipality: str | None = None
    cycle_id: UUID | None = None
    head_count: int = 0
    participations: int


class EngagementList(BaseModel):
    data: list[Engagement]
    count: int


class CycleFollowUp(BaseModel):
    id: UUID
    strength_area_id: UUID | None = None
    kind: str
    title: str
    frequency: str
    starts_on: date
    ends_on: date | None = None
    planned: int
    held: int
    meetings: int
    missed: list[str] = []
    upcoming: list[str] = []


class FollowUp(BaseModel):
    period_from: date
    period_to: date
    cycles: list[CycleFollowUp]


class ParticipationFigures(BaseModel):
    engagements: int
    participations: int
    unique_people: int | None = None
    """None: the service did not register who took part."""
    unique_actors: int | None = None
    head_count: int = 0


class AreaParticipation(ParticipationFigures):
    strength_area_id: UUID | None = None
    strength_area_code: str | None = None


class Participation(BaseModel):
    period_from: date
    period_to: date
    total: ParticipationFigures
    by_strength_area: list[AreaParticipation]


# ----------------------------------------------------------------------------- programme, local plans


class ActorRef(BaseModel):
    id: UUID
    name: str | None = None


class Adoption(BaseModel):
    adopted_on: date
    body: str
    paragraph: str | None = None


class StrengthArea(BaseModel):
    id: UUID
    code: str
    name: dict[str, str | None]
    description: dict[str, str | None] | None = None
    process_leader: ActorRef | None = None
    nace_codes: list[str] = []
    sdgs: list[int] = []
    action_plan_id: UUID


class Programme(BaseModel):
    id: UUID
    title: str
    reference: str | None = None
    period_start: int
    period_end: int
    vision: dict[str, str | None] | None = None
    status: str
    adoption: Adoption | None = None
    revision: int
    strength_areas: list[StrengthArea] = []
    updated_at: datetime


class ProgrammeList(BaseModel):
    data: list[Programme]
    count: int


class NaceLine(BaseModel):
    code: str
    level: str
    name: str
    language: str


class NaceList(BaseModel):
    data: list[NaceLine]
    count: int


class PersonLine(BaseModel):
    """A contact person of one of the region's actors (a process leader is one)."""

    id: UUID
    name: str | None = None
    role: str | None = None
    erased: bool = False


class PeopleList(BaseModel):
    data: list[PersonLine]
    count: int


class RegionalLink(BaseModel):
    strength_area_id: UUID
    priority_id: str | None = None
    sub_goal_id: str | None = None


class LocalAction(BaseModel):
    id: str
    title: str
    description: str = ""
    level: str = "tactical"
    target_groups: list[str] = []
    responsible: str = ""
    mandate: str = ""
    start: date | None = None
    end: date | None = None
    serves: list[RegionalLink] = []


class FinancingCommitment(BaseModel):
    party: str
    year: int
    amount: float | None = None
    currency: str = "SEK"
    kind: str = "decision"
    note: str = ""


class LocalPlanContent(BaseModel):
    title: str
    owner: str = ""
    municipalities: list[str] = []
    levels: list[str] = []
    period_start: int | None = None
    period_end: int | None = None
    vision: str = ""
    goals: list[str] = []
    target_groups: list[str] = []
    actions: list[LocalAction] = []
    financing: list[FinancingCommitment] = []
    serves: list[RegionalLink] = []


class LocalPlan(BaseModel):
    id: UUID
    draft: LocalPlanContent
    draft_revision: int
    current_version: int
    updated_at: datetime


class LocalPlanLine(BaseModel):
    id: UUID
    title: str
    owner: str = ""
    municipalities: list[str] = []
    current_version: int
    updated_at: datetime


class LocalPlanList(BaseModel):
    data: list[LocalPlanLine]
    count: int


class PriorityRef(BaseModel):
    strength_area_id: UUID
    strength_area_code: str
    priority_id: str
    title: dict[str, str | None]
    level: str
    valid_now: bool


class ServedBy(BaseModel):
    local_plan_id: UUID
    title: str
    action_ids: list[str] = []


class PriorityAlignment(BaseModel):
    priority: PriorityRef
    served_by: list[ServedBy] = []


class ActionAlignment(BaseModel):
    action_id: str
    title: str
    priority_ids: list[str] = []
    strength_area_ids: list[UUID] = []
    stale_links: list[str] = []


class LocalPlanAlignment(BaseModel):
    local_plan_id: UUID
    title: str
    version: int | str
    actions: list[ActionAlignment] = []
    actions_serving_no_priority: list[str] = []
    priorities_served: list[str] = []


class Alignment(BaseModel):
    local_plans: list[LocalPlanAlignment] = []
    priorities: list[PriorityAlignment] = []
    unserved_priorities: list[PriorityRef] = []


# ----------------------------------------------------------------------------- RIS3 self-assessment


class WheelFactor(BaseModel):
    key: str
    score: int
    comment: str = ""


class WheelStep(BaseModel):
    step: int
    key: str
    mean: float
    factors: list[WheelFactor]


class SelfAssessment(BaseModel):
    year: int
    steps: list[WheelStep]
    recorded_at: datetime
    recorded_by: str


class SelfAssessmentList(BaseModel):
    data: list[SelfAssessment]
    count: int


# --------------------------------------------------------------------------- action plans


class PlanLine(ActionPlanLine):
    """An action plan as the plans service lists it, with what the list of plans shows."""

    programme_id: UUID
    strength_area_id: UUID
    draft_revision: int
    updated_at: datetime


class PlanLines(BaseModel):
    data: list[PlanLine]
    count: int


class Plan(PlanLine):
    """An action plan with its draft (the plan's content, as JSON: the step forms read and write it)."""

    region: str
    draft: dict[str, Any]


class PlanVersion(BaseModel):
    number: int
    content: dict[str, Any]
    note: str | None = None
    published_at: datetime
    published_by: str


class PlanVersions(BaseModel):
    data: list[PlanVersion]
    count: int


class ProgrammeLine(BaseModel):
    id: UUID
    title: str
    period_start: int
    period_end: int


class ProgrammeLines(BaseModel):
    data: list[ProgrammeLine]
    count: int


class Preview(BaseModel):
    """What publishing a draft would move in the region's open portfolio (nothing stored)."""

    assessed: int
    unchanged: int
    moved: int
    groups: list[MoveGroup] = []
    levels_before: dict[str, int] = {}
    levels_after: dict[str, int] = {}
    summary: str = ""
    summary_parts: list[TextPart] = []
    examples: list[MovedApplication] = []

    @property
    def summary_text(self) -> str:
        return worded(self.summary_parts, self.summary)


# --------------------------------------------------------------------------- indicators


class Indicator(BaseModel):
    name: str
    code: str | None = None
    unit: str | None = None


class SubGoal(BaseModel):
    """A sub-goal of an action plan's published version, with its indicator, baseline and target."""

    id: str
    title: dict[str, str | None]
    indicator: Indicator
    baseline: float | None = None
    baseline_year: int | None = None
    target: float | None = None
    target_year: int | None = None


class Measurement(BaseModel):
    id: UUID
    sub_goal_id: str
    year: int
    value: float
    measured_on: date | None = None
    source: str = ""
    note: str = ""
    recorded_by: str = ""


class CommonIndicator(BaseModel):
    """An ERDF common indicator (RCO/RCR) in the reader's language where the data has it."""

    code: str
    kind: str
    name: str
    unit: str
    language: str


class IndicatorLine(BaseModel):
    """A sub-goal as the latest report follows it up (section 7)."""

    strength_area_code: str
    action_plan_id: UUID
    sub_goal_id: str
    title: dict[str, str | None]
    indicator: str
    indicator_code: str | None = None
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    target_year: int | None = None
    latest: float | None = None
    latest_year: int | None = None
    status: str


class ImportedRow(BaseModel):
    line: int
    sub_goal_id: str
    year: int
    value: float
    status: str


class ImportRowError(BaseModel):
    line: int
    field: str | None = None
    message: str = ""


class ImportReport(BaseModel):
    """What the plans service did (or, in a dry run, would do) with a file of values."""

    mode: str
    dry_run: bool
    rows: int
    created: int
    corrected: int
    rejected: int
    imported: list[ImportedRow] = []
    errors: list[ImportRowError] = []


# --------------------------------------------------------------------------- reports


class PlanVersionRef(BaseModel):
    action_plan_id: UUID
    strength_area_id: UUID | None = None
    version: int


class BuiltFrom(BaseModel):
    plan_versions: list[PlanVersionRef] = []


class ReportBuilt(BaseModel):
    """A report version as the list of reports names it: its number and what it was built from."""

    number: int
    generated_at: datetime
    built_from: BuiltFrom


class ReportsBuilt(BaseModel):
    data: list[ReportBuilt]
    count: int


# --------------------------------------------------------------------------- administration


class ApiKey(BaseModel):
    """A key of the region as the assessment service lists it: never the key itself."""

    name: str
    role: str
    source: str | None = None
    organisation: str | None = None
    state: str
    expires: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    ends_with: str | None = None
    origin: str


class ApiKeyList(BaseModel):
    data: list[ApiKey]
    count: int


class IssuedKey(ApiKey):
    """The answer to issuing a key: the key, this once."""

    key: str


class Webhook(BaseModel):
    id: UUID
    url: str
    event_types: list[str]
    source: str | None = None
    description: str | None = None
    created_at: datetime
    pending: int = 0
    failed: int = 0


class WebhookList(BaseModel):
    data: list[Webhook]
    count: int


class RegisteredWebhook(Webhook):
    """The answer to registering a webhook: its signing secret, this once."""

    secret: str


class Delivery(BaseModel):
    id: UUID
    event_type: str
    state: str
    attempts: int
    next_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    log: list[dict[str, Any]] = []
    created_at: datetime
    delivered_at: datetime | None = None


class DeliveryList(BaseModel):
    data: list[Delivery]
    count: int


class RubricCriterion(BaseModel):
    id: str
    label: dict[str, str | None]
    measure: str
    weight: float


class Thresholds(BaseModel):
    strong: float
    moderate: float
    weak: float


class RubricContent(BaseModel):
    criteria: list[RubricCriterion]
    scale_max: int
    thresholds: Thresholds


class RubricVersion(BaseModel):
    version: int
    rubric: RubricContent
    published_at: datetime | None = None
    published_by: str | None = None


class RubricVersionList(BaseModel):
    data: list[RubricVersion]
    count: int


class AuditEvent(BaseModel):
    type: str
    subject: str


class AuditEntry(BaseModel):
    id: str
    at: datetime
    actor: str
    role: str
    source: str | None = None
    method: str
    route: str
    path: str
    events: list[AuditEvent] = []


class AuditLog(BaseModel):
    data: list[AuditEntry]
    count: int


class Municipality(BaseModel):
    code: str
    name: str


class AdminSettings(BaseModel):
    """The region's settings as the actors service keeps them."""

    country: str
    county: str | None = None
    municipalities: list[Municipality] = []
    dominance_threshold: float
    updated_at: datetime


class ReportSummary(BaseModel):
    number: int
    generated_at: datetime
    built_from: dict[str, Any]


class ReportSummaries(BaseModel):
    data: list[ReportSummary]
    count: int


class ChangeText(BaseModel):
    section: str
    subject: str
    figure: str
    change: str
    before: str
    after: str
    sentence: str


class ComparedChange(BaseModel):
    change: str
    kind: str
    text: ChangeText


class ComparedSection(BaseModel):
    key: str
    heading: str
    changes: list[ComparedChange]


class Comparison(BaseModel):
    """Two report versions compared, worded by the reporting service in the reader's language."""

    region_name: str
    language: str
    before: ReportSummary
    after: ReportSummary
    plan_versions: list[ComparedChange]
    sections: list[ComparedSection]
    changed: int
    unchanged: int
    summary: str


class Sharing(BaseModel):
    opted_in: bool
    changed_at: datetime | None = None


class SharedArea(BaseModel):
    region: str
    region_name: str
    strength_area_code: str
    strength_area_name: dict[str, str | None] | None = None


class SharedDomain(BaseModel):
    nace: str
    strength_areas: list[SharedArea]


class SimilarRegion(BaseModel):
    region: str
    region_name: str
    similarity: float
    shared_nace: list[str] = []
    shared_goals: list[int] = []


class Cooperation(BaseModel):
    region: str
    opted_in: bool
    regions: list[str] = []
    domains: list[SharedDomain] = []
    similar: list[SimilarRegion] = []
