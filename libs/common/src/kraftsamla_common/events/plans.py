"""Events the plans service publishes: the programme with its strength areas, action plans,
local plans and measured indicators.

The content of an action plan is defined once, here: it is the body of the plans API (strict:
``extra="forbid"``, so a misspelt field is an error) and the payload of the published event
(consumers parse with ``extra="ignore"``, so an added field never breaks them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import Field, model_validator

from ..bounds import ContentAmount, ContentDay, ContentValue
from .envelope import EventData, event
from .shared import Code, Contract, FundingSource, Level, LocalizedText

Prose = Annotated[str, Field(max_length=20_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=500)]
NaceCode = Annotated[
    str, Field(pattern=r"^[A-U](\d{2}(\.\d{1,2})?)?$", description="NACE Rev. 2, e.g. D35 or J62.01")
]
Sdg = Annotated[int, Field(ge=1, le=17, description="Agenda 2030 goal")]
IndicatorCode = Annotated[
    str, Field(pattern=r"^(RCO|RCR)\d{2,3}$", description="ERDF common indicator, e.g. RCO16, RCR29")
]


TargetGroup = Literal["decision_makers", "developers", "performers"]
"""Beslutsfattare (strategic), utvecklare (tactical, enablers), utförare (operational)."""
Addresses = Literal[
    "innovation_system", "industrial_transition", "international_cooperation", "digitalisation", "skills"
]
"""What an initiative does for the strategy (EU enabling condition 1.1, criteria 1, 5, 6 and 7)."""


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
    baseline: ContentValue | None = None
    baseline_year: Annotated[int, Field(ge=1990, le=2100)] | None = None
    target: ContentValue | None = None
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
    valid_from: ContentDay
    valid_until: ContentDay


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
    budget: ContentAmount | None = None
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
    next_review: ContentDay | None = Field(default=None, description="When the plan is next revised")


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

    adopted_on: ContentDay
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
    review_due: datetime | None = Field(
        default=None,
        description="The last moment this version is on time; after it the plan is overdue for revision: "
        "six months after publishing, or the end of its planned review's day, whichever is first "
        "(absent in events of older versions).",
    )


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
    start: ContentDay | None = None
    end: ContentDay | None = None
    serves: Annotated[list[RegionalLink], Field(max_length=20)] = []


class FinancingCommitment(Contract):
    """A party's commitment to finance the plan in a year (a decision or a letter of intent)."""

    party: ShortText
    party_actor_id: UUID | None = None
    year: Annotated[int, Field(ge=2000, le=2100)]
    amount: ContentAmount | None = None
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


CriterionStatus = Literal["met", "partial", "missing"]


class Finding(Contract):
    """A finding of the checklist: a key that each language words, the figures it names, and its
    English wording."""

    key: Annotated[str, Field(max_length=100)]
    params: dict[str, str | int | float] = {}
    text: str


class ChecklistCriterion(Contract):
    number: Annotated[int, Field(ge=1, le=7)]
    key: Annotated[str, Field(max_length=100)]
    title: str
    status: CriterionStatus
    evidence: list[Finding]
    missing: list[Finding]


@event
class ChecklistEvaluated(EventData):
    event_type: ClassVar[str] = "plans.programme.checklist_evaluated.v1"
    description: ClassVar[str] = (
        "The EU enabling condition 1.1 checklist of a programme changed: each criterion met, partial or "
        "missing, with its evidence and what is missing. Evaluated by the plans service whenever its "
        "evidence changes, and again when time alone changes a verdict (``valid_until``)."
    )

    programme_id: UUID
    evaluated_at: datetime
    valid_until: datetime | None = None
    criteria: list[ChecklistCriterion]


# --------------------------------------------------------------------------- the RIS3 self-assessment

WHEEL: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("analysis", ("regional_assets", "outward_dimension", "entrepreneurial_dynamics")),
    ("governance", ("governance_structure", "broad_participation", "management_communication")),
    ("shared_vision", ("broad_future_scenarios", "stakeholder_ownership", "broad_view_of_innovation")),
    ("priorities", ("critical_mass", "horizontal_priorities", "revision_mechanism")),
    ("policy_mix", ("roadmap", "balanced_policy_mix", "pilot_projects")),
    ("monitoring", ("output_result_indicators", "monitoring_methodology", "strategy_update")),
)
"""The RIS3 Assessment Wheel of the JRC's Smart Specialisation Platform: the six steps of designing a
RIS3, each judged on three critical factors, in the wheel's order. The keys are stored in events and
databases and never change; what people read is worded in the catalogues (English, Swedish,
Finnish) of the web application and the reporting service.

Sources (:data:`WHEEL_SOURCES`):

- The wheel's page, "RIS3 Assessment Wheel: A synthetic tool to position yourselves and your RIS3"
  (https://s3platform.jrc.ec.europa.eu/assessment-wheel; the same text at …/ris3-assessment-wheel),
  taken from Annex III of the RIS3 Guide, "A practical approach to RIS3 and its (self-)assessment"
  (May 2013): the wheel is built on the six steps of the RIS3 Guide with three critical factors
  each, and scores each factor 0 = no information available on the specific element, 1 = poor,
  2 = to be improved, 3 = fair, 4 = strong, 5 = excellent. The English scale is worded as there.
- The six steps are titled as the Interactive RIS3 Guide titles them (…/interactive-ris3-guide/
  -/wiki/Main/PART+III+Step+1 to Step+6): 1 Analysis of the regional context and potential for
  innovation; 2 Governance: Ensuring participation and ownership; 3 Elaboration of an overall
  vision for the future of the region; 4 Identification of priorities; 5 Definition of coherent
  policy mix, roadmaps and action plan; 6 Integration of monitoring and evaluation mechanisms. The
  English step names are these titles.
- The eighteen critical factors' names (regional assets, outward dimension, …, strategy update)
  are the wheel's, but its explanatory table, which names them, could not be read from the stored
  copies of the page or of Annex III available when this was checked (2026-12); they are kept as
  they were, not compared word for word.
- There is no official Swedish or Finnish wording of the wheel: those names and the scale in
  Swedish and Finnish are the platform's own translations."""

WHEEL_SOURCES: tuple[str, ...] = (
    "https://s3platform.jrc.ec.europa.eu/assessment-wheel",
    "RIS3 Guide, Annex III: A practical approach to RIS3 and its (self-)assessment (May 2013)",
    *(
        f"https://s3platform.jrc.ec.europa.eu/interactive-ris3-guide/-/wiki/Main/PART+III+Step+{n}"
        for n in range(1, 7)
    ),
)
"""Where the wheel's steps, scale and factors were taken from (see :data:`WHEEL`)."""

WheelFactor = Literal[
    "regional_assets",
    "outward_dimension",
    "entrepreneurial_dynamics",
    "governance_structure",
    "broad_participation",
    "management_communication",
    "broad_future_scenarios",
    "stakeholder_ownership",
    "broad_view_of_innovation",
    "critical_mass",
    "horizontal_priorities",
    "revision_mechanism",
    "roadmap",
    "balanced_policy_mix",
    "pilot_projects",
    "output_result_indicators",
    "monitoring_methodology",
    "strategy_update",
]
WHEEL_FACTORS: tuple[str, ...] = tuple(f for _, factors in WHEEL for f in factors)


class FactorScore(Contract):
    """One critical factor judged: 0 no information available on the specific element, 1 poor,
    2 to be improved, 3 fair, 4 strong, 5 excellent (the wheel's own words); with what the
    judgement rests on."""

    score: Annotated[int, Field(ge=0, le=5)]
    comment: Annotated[str, Field(max_length=2000)] = ""


class SelfAssessmentScores(Contract):
    """The eighteen factors of the wheel, each scored 0–5 with a comment."""

    scores: dict[WheelFactor, FactorScore] = Field(
        description="Every factor of the wheel by its key (three per step, eighteen in all)."
    )

    @model_validator(mode="after")
    def _every_factor(self) -> SelfAssessmentScores:
        missing = [f for f in WHEEL_FACTORS if f not in self.scores]
        if missing:
            raise ValueError(f"every factor of the wheel is scored; missing: {', '.join(missing)}")
        return self


@event
class SelfAssessmentRecorded(EventData):
    event_type: ClassVar[str] = "plans.self_assessment.recorded.v1"
    description: ClassVar[str] = (
        "A programme's RIS3 self-assessment (the JRC's RIS3 Assessment Wheel) of a year was recorded or "
        "replaced: the eighteen critical factors of the six steps, each scored 0–5 with a comment."
    )

    programme_id: UUID
    year: int
    scores: dict[str, FactorScore]
    recorded_at: datetime
    recorded_by: str
