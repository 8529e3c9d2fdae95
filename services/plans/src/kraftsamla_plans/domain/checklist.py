"""EU enabling condition 1.1, good governance of the smart specialisation strategy: its seven
fulfilment criteria (Regulation (EU) 2021/1060, Annex IV), each with the evidence the platform
holds and what is missing. One set of rules, evaluated by the plans service where the evidence
lives (the programme, its action plans, the engagements and groups the actors service
announces, the sub-goals' measured values) and carried to the follow-up report by event.

A finding is a key and its figures, so that each reader's language can word it; ``text`` is its
English wording for the API. An evaluation states until when it holds (``valid_until``): the
first moment a verdict changes by the passing of time alone (a plan falls overdue, an
engagement leaves the past twelve months)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from uuid import UUID

from kraftsamla_common.events import ActionPlanContent, ChecklistCriterion, ChecklistEvaluated
from kraftsamla_common.events import Finding as FindingEvent

Status = Literal["met", "partial", "missing"]
Params = dict[str, str | int | float]

INSTANT = timedelta(microseconds=1)
"""The smallest step of time: the first moment after another."""
ENGAGEMENT_WINDOW = timedelta(days=365)
"""Stakeholder cooperation is shown by engagements of the past twelve months."""

CRITERIA: tuple[tuple[str, str], ...] = (
    ("analysis", "Up-to-date analysis of challenges for innovation diffusion and digitalisation"),
    (
        "institution",
        "Existence of a competent regional or national institution or body responsible for the "
        "management of the smart specialisation strategy",
    ),
    (
        "monitoring",
        "Monitoring and evaluation tools to measure performance towards the objectives of the strategy",
    ),
    ("stakeholders", "Functioning of stakeholder cooperation ('entrepreneurial discovery process')"),
    (
        "research_innovation",
        "Actions necessary to improve national or regional research and innovation systems, where relevant",
    ),
    ("industrial_transition", "Where relevant, actions to support industrial transition"),
    (
        "international",
        "Measures for enhancing cooperation with partners outside a given Member State in priority "
        "areas supported by the smart specialisation strategy",
    ),
)
"""The criteria in the regulation's order: (key, title)."""

TEXT: dict[str, str] = {
    "plans_with_analysis": "{n} of {total} action plans analyse the current state and its challenges",
    "evidence_documents": "{n} documents cited as the analysis's evidence",
    "plans_up_to_date": "{n} of {total} action plans revised on time",
    "initiatives_digitalisation": "{n} initiatives address digitalisation",
    "areas_without_analysis": "no analysis of the current state and challenges: {areas}",
    "areas_overdue": "overdue for revision: {areas}",
    "programme_adopted": "{title} adopted by {body} on {date} {paragraph}",
    "programme_not_adopted": "the programme's adoption (date, body, paragraph) is not recorded",
    "process_leaders": "{n} of {total} strength areas have a process leader",
    "areas_without_process_leader": "no process leader: {areas}",
    "areas_with_governance": "{n} of {total} strength areas have a steering group or described roles",
    "sub_goals_with_targets": "{n} of {total} sub-goals have an indicator, a baseline and a target",
    "indicators_measured": "{n} of {total} such indicators have a measured value",
    "effect_chains": "{n} of {total} action plans have an effect chain with indicators",
    "areas_without_sub_goals": "no sub-goal with an indicator, a baseline and a target: {areas}",
    "indicators_without_values": "{n} indicators with a target have no measured value yet",
    "engagements": "{n} engagements with {participations} participations in the past twelve months",
    "engagements_unrecorded": "{n} engagements in the past twelve months without recorded participants",
    "areas_with_partnership": "{n} of {total} strength areas have a steering group or a partnership",
    "no_engagements": "no engagement (actor meeting, workshop…) in the past twelve months",
    "areas_without_engagements": "no engagement in the past twelve months: {areas}",
    "areas_without_partnership": "no steering group or partnership: {areas}",
    "initiatives_innovation_system": "{n} initiatives address the research and innovation system",
    "initiatives_industrial_transition": "{n} initiatives address industrial transition",
    "initiatives_international_cooperation": "{n} initiatives address cooperation across borders (incl. Interreg)",
    "nace_classified": "{n} of {total} strength areas classified by economic domain (NACE), comparable in Eye@RIS3",
    "no_initiatives_innovation_system": "no initiative addresses the research and innovation system",
    "no_initiatives_industrial_transition": "no initiative addresses industrial transition",
    "no_initiatives_international_cooperation": "no initiative addresses cooperation with partners outside the country",
}
"""English wording of every finding (the report words them in sv, en and fi)."""


@dataclass(frozen=True)
class Finding:
    key: str
    params: Params = field(default_factory=dict)

    @property
    def text(self) -> str:
        return TEXT[self.key].format(**self.params).strip()


@dataclass(frozen=True)
class CriterionResult:
    number: int
    key: str
    title: str
    status: Status
    evidence: tuple[Finding, ...]
    missing: tuple[Finding, ...]


@dataclass(frozen=True)
class Checklist:
    programme_id: UUID
    evaluated_at: datetime
    valid_until: datetime | None
    """The first moment the evaluation may change by time alone; None: only a change of the evidence."""
    criteria: tuple[CriterionResult, ...]

    @property
    def met(self) -> int:
        return sum(c.status == "met" for c in self.criteria)


@dataclass(frozen=True)
class AreaEvidence:
    """A strength area and what the platform knows of it."""

    name: str
    process_leader: bool
    nace_codes: tuple[str, ...]
    published: ActionPlanContent | None
    """The action plan's latest published version, if any."""
    review_due: datetime | None
    """When the published version falls overdue (:func:`.review.review_due`)."""
    engagements: tuple[tuple[date, int], ...] = ()
    """Engagements held for the area: (day, participations); no participations: none recorded (an
    engagement has at least one participant, listed or counted, so 0 is a missing count)."""
    groups: frozenset[str] = frozenset()
    """Kinds of group the actors service ties to the area (steering_group, partnership)."""
    measured: frozenset[str] = frozenset()
    """Ids of the published sub-goals with at least one measured value."""


@dataclass(frozen=True)
class ProgrammeEvidence:
    programme_id: UUID
    title: str
    adopted_by: str | None
    adopted_on: date | None
    paragraph: str | None
    areas: tuple[AreaEvidence, ...]
    known_groups: frozenset[str] = frozenset()
    """Ids of the region's groups as the actors service announced them: a plan's steering group or
    partnership counts as evidence only when it is one of them."""


def _names(areas: Sequence[AreaEvidence]) -> str:
    return ", ".join(sorted(a.name for a in areas))


def _status(met: bool, partial: bool) -> Status:
    return "met" if met else "partial" if partial else "missing"


def _initiatives(plans: Sequence[ActionPlanContent], addresses: str) -> int:
    return sum(
        1
        for plan in plans
        for i in plan.policy_mix.initiatives
        if addresses in i.addresses
        or (addresses == "international_cooperation" and "interreg" in i.funding_sources)
    )


def evaluate(programme: ProgrammeEvidence, now: datetime) -> Checklist:
    """Each criterion of 1.1 with its evidence and what is missing, as of ``now``."""
    areas = programme.areas
    total = len(areas)
    plans = [a.published for a in areas if a.published is not None]
    published = [a for a in areas if a.published is not None]
    since = now.date() - ENGAGEMENT_WINDOW
    recent = {id(a): [e for e in a.engagements if e[0] >= since] for a in areas}

    def known(group_id: UUID | None) -> bool:
        return group_id is not None and str(group_id) in programme.known_groups

    results: list[tuple[bool, bool, list[Finding], list[Finding]]] = []

    # 1 Analysis, kept up to date by revising the action plans on time.
    analysed = [
        a
        for a in published
        if a.published and a.published.analysis.current_state and a.published.analysis.challenges
    ]
    current = [a for a in published if a.review_due is not None and now <= a.review_due]
    evidence = [Finding("plans_with_analysis", {"n": len(analysed), "total": total})]
    documents = sum(len(p.analysis.evidence) for p in plans)
    if documents:
        evidence.append(Finding("evidence_documents", {"n": documents}))
    evidence.append(Finding("plans_up_to_date", {"n": len(current), "total": total}))
    if digital := _initiatives(plans, "digitalisation"):
        evidence.append(Finding("initiatives_digitalisation", {"n": digital}))
    missing = []
    if lacking := [a for a in areas if a not in analysed]:
        missing.append(Finding("areas_without_analysis", {"areas": _names(lacking)}))
    if stale := [a for a in published if a not in current]:
        missing.append(Finding("areas_overdue", {"areas": _names(stale)}))
    results.append((bool(total) and not missing, bool(analysed), evidence, missing))

    # 2 A competent body: the programme adopted, a process leader per area, governance described.
    evidence, missing = [], []
    if programme.adopted_by and programme.adopted_on:
        evidence.append(
            Finding(
                "programme_adopted",
                {
                    "title": programme.title,
                    "body": programme.adopted_by,
                    "date": programme.adopted_on.isoformat(),
                    "paragraph": programme.paragraph or "",
                },
            )
        )
    else:
        missing.append(Finding("programme_not_adopted"))
    led = [a for a in areas if a.process_leader]
    evidence.append(Finding("process_leaders", {"n": len(led), "total": total}))
    if unled := [a for a in areas if not a.process_leader]:
        missing.append(Finding("areas_without_process_leader", {"areas": _names(unled)}))
    governed = [
        a
        for a in areas
        if "steering_group" in a.groups
        or (a.published and (known(a.published.governance.steering_group_id) or a.published.governance.roles))
    ]
    evidence.append(Finding("areas_with_governance", {"n": len(governed), "total": total}))
    adopted = not any(f.key == "programme_not_adopted" for f in missing)
    results.append((bool(total) and not missing, adopted or bool(led) or bool(governed), evidence, missing))

    # 3 Monitoring and evaluation: sub-goals with indicator, baseline and target, measured; effect chains.
    targeted = {
        id(a): [g.id for g in a.published.sub_goals if g.baseline is not None and g.target is not None]
        for a in published
        if a.published
    }
    goals = sum(len(p.sub_goals) for p in plans)
    n_targeted = sum(len(ids) for ids in targeted.values())
    n_measured = sum(1 for a in published for g in targeted[id(a)] if g in a.measured)
    chains = [
        p
        for p in plans
        if any(
            link.indicators
            for step in (
                p.evaluation.effect_chain.output,
                p.evaluation.effect_chain.outcome,
                p.evaluation.effect_chain.impact,
            )
            for link in step
        )
    ]
    evidence = [
        Finding("sub_goals_with_targets", {"n": n_targeted, "total": goals}),
        Finding("indicators_measured", {"n": n_measured, "total": n_targeted}),
        Finding("effect_chains", {"n": len(chains), "total": total}),
    ]
    missing = []
    if untargeted := [a for a in areas if not targeted.get(id(a))]:
        missing.append(Finding("areas_without_sub_goals", {"areas": _names(untargeted)}))
    if n_measured < n_targeted:
        missing.append(Finding("indicators_without_values", {"n": n_targeted - n_measured}))
    results.append((bool(total) and not missing, bool(n_targeted or chains), evidence, missing))

    # 4 Stakeholder cooperation: engagements in the past twelve months, a steering group or partnership.
    held = [e for a in areas for e in recent[id(a)]]
    partnered = [
        a
        for a in areas
        if a.groups & {"steering_group", "partnership"}
        or (
            a.published
            and (
                known(a.published.governance.steering_group_id)
                or known(a.published.governance.partnership_id)
            )
        )
    ]
    # Participations are counted only where they were recorded: a missing count is no zero.
    counted = [e for e in held if e[1]]
    evidence = []
    if counted or not held:
        evidence.append(
            Finding("engagements", {"n": len(counted), "participations": sum(p for _, p in counted)})
        )
    if unrecorded := len(held) - len(counted):
        evidence.append(Finding("engagements_unrecorded", {"n": unrecorded}))
    evidence.append(Finding("areas_with_partnership", {"n": len(partnered), "total": total}))
    missing = []
    if not held:
        missing.append(Finding("no_engagements"))
    elif quiet := [a for a in areas if not recent[id(a)]]:
        missing.append(Finding("areas_without_engagements", {"areas": _names(quiet)}))
    if alone := [a for a in areas if a not in partnered]:
        missing.append(Finding("areas_without_partnership", {"areas": _names(alone)}))
    results.append((bool(total) and not missing, bool(held or partnered), evidence, missing))

    # 5–7 Actions in the policy mix; for 7, priorities comparable with other regions' (Eye@RIS3).
    for topic in ("innovation_system", "industrial_transition", "international_cooperation"):
        n = _initiatives(plans, topic)
        evidence = [Finding(f"initiatives_{topic}", {"n": n})]
        partial = False
        if topic == "international_cooperation":
            classified = [a for a in areas if a.nace_codes]
            evidence.append(Finding("nace_classified", {"n": len(classified), "total": total}))
            partial = bool(classified)
        missing = [] if n else [Finding(f"no_initiatives_{topic}")]
        results.append((bool(n), partial, evidence, missing))

    criteria = tuple(
        CriterionResult(
            number=i + 1,
            key=key,
            title=title,
            status=_status(met, partial),
            evidence=tuple(evidence),
            missing=tuple(missing),
        )
        for i, ((key, title), (met, partial, evidence, missing)) in enumerate(
            zip(CRITERIA, results, strict=True)
        )
    )
    return Checklist(
        programme_id=programme.programme_id,
        evaluated_at=now,
        valid_until=_valid_until(areas, recent, now),
        criteria=criteria,
    )


def announced(checklist: Checklist) -> ChecklistEvaluated:
    """The checklist as its event (and the plans API) carries it."""
    return ChecklistEvaluated(
        programme_id=checklist.programme_id,
        evaluated_at=checklist.evaluated_at,
        valid_until=checklist.valid_until,
        criteria=[
            ChecklistCriterion(
                number=c.number,
                key=c.key,
                title=c.title,
                status=c.status,
                evidence=[FindingEvent(key=f.key, params=f.params, text=f.text) for f in c.evidence],
                missing=[FindingEvent(key=f.key, params=f.params, text=f.text) for f in c.missing],
            )
            for c in checklist.criteria
        ],
    )


def _valid_until(
    areas: Sequence[AreaEvidence], recent: Mapping[int, list[tuple[date, int]]], now: datetime
) -> datetime | None:
    """The first moment after ``now`` at which time alone changes a verdict: a published plan falls
    overdue, or an engagement leaves the past twelve months."""
    moments = [a.review_due + INSTANT for a in areas if a.review_due is not None and a.review_due >= now]
    moments += [
        datetime.combine(day + ENGAGEMENT_WINDOW + timedelta(days=1), time(), UTC)
        for a in areas
        for day, _ in recent[id(a)]
    ]
    return min(moments, default=None)
