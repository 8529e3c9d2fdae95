"""EU enabling condition 1.1 (Regulation (EU) 2021/1060, Annex IV): each fulfilment criterion with
the evidence the platform holds for it, and what is missing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from uuid import UUID

from kraftsamla_common.events import ActionPlanContent, LocalizedText

ANALYSIS_MAX_AGE = timedelta(days=366)
"""An analysis older than this is not 'up to date' (EU enabling condition 1.1, criterion 1)."""

CRITERIA: tuple[str, ...] = (
    "Up-to-date analysis of challenges for innovation diffusion and digitalisation",
    "Existence of a competent regional or national institution or body responsible for the management of the smart specialisation strategy",
    "Monitoring and evaluation tools to measure performance towards the objectives of the strategy",
    "Functioning of stakeholder cooperation ('entrepreneurial discovery process')",
    "Actions necessary to improve national or regional research and innovation systems, where relevant",
    "Where relevant, actions to support industrial transition",
    "Measures for enhancing cooperation with partners outside a given Member State in priority areas supported by the smart specialisation strategy",
)
"""Fulfilment criteria of enabling condition 1.1, Regulation (EU) 2021/1060, Annex IV."""


@dataclass(frozen=True)
class AreaState:
    """A strength area as the checklist sees it."""

    strength_area_id: UUID
    code: str
    name: LocalizedText
    process_leader_id: UUID | None
    nace_codes: list[str]
    published: ActionPlanContent | None
    published_at: datetime | None
    action_plan_id: UUID
    engagements: int = 0
    """Engagements recorded for the area over the past twelve months."""
    participations: int = 0
    groups: tuple[tuple[str, str, str], ...] = ()
    """Groups the actors service ties to the area: (kind, id, name)."""


@dataclass(frozen=True)
class ProgrammeState:
    programme_id: UUID
    title: str
    adopted_by: str | None
    adopted_on: date | None
    paragraph: str | None
    areas: list[AreaState]


@dataclass(frozen=True)
class Evidence:
    source: str
    """Where in the platform: programme, strength area, action plan, actors…"""
    description: str
    ref: str | None = None
    """Id of the object, where there is one."""


@dataclass(frozen=True)
class Criterion:
    number: int
    title: str
    status: Literal["met", "partial", "missing"]
    evidence: list[Evidence]
    missing: list[str]


@dataclass
class _Criterion:
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def add(self, source: str, description: str, ref: object = None) -> None:
        self.evidence.append(Evidence(source=source, description=description, ref=str(ref) if ref else None))


def _status(c: _Criterion) -> Literal["met", "partial", "missing"]:
    if not c.missing:
        return "met"
    return "partial" if c.evidence else "missing"


def checklist(
    programme: ProgrammeState, known_actor: Callable[[UUID], str | None], now: datetime
) -> list[Criterion]:
    """Each criterion of 1.1 with the evidence the platform holds for it, and what is missing.

    ``known_actor`` names an actor or group id of the programme's region, or returns None.
    """
    c = [_Criterion() for _ in CRITERIA]
    adopted = programme.adopted_by and programme.adopted_on
    for area in programme.areas:
        name = area.name.any()
        plan, ref = area.published, area.action_plan_id
        if plan is None:
            for crit in c[:4]:
                crit.missing.append(f"{name}: no published action plan")
            continue
        age = now - area.published_at if area.published_at else None
        # 1. Analysis, up to date.
        if plan.analysis.current_state and plan.analysis.challenges:
            if age is not None and age > ANALYSIS_MAX_AGE:
                c[0].missing.append(f"{name}: the analysis was last published more than a year ago")
            else:
                c[0].add(
                    "action plan",
                    f"{name}: current state, {len(plan.analysis.challenges)} challenges, {len(plan.analysis.evidence)} sources",
                    ref,
                )
        else:
            c[0].missing.append(f"{name}: the analysis states no current state or no challenges")
        # 2. Competent body: the programme adopted, a process leader per strength area, roles described.
        if area.process_leader_id is None:
            c[1].missing.append(f"{name}: no process leader")
        else:
            who = known_actor(area.process_leader_id) or "registered in the actors service"
            c[1].add("strength area", f"{name}: process leader {who}", area.strength_area_id)
        if plan.governance.roles:
            c[1].add(
                "action plan",
                f"{name}: {len(plan.governance.roles)} roles with mandates and responsibilities",
                ref,
            )
        # 3. Monitoring and evaluation.
        measured = [g for g in plan.sub_goals if g.baseline is not None and g.target is not None]
        if measured:
            c[2].add(
                "action plan", f"{name}: {len(measured)} sub-goals with indicator, baseline and target", ref
            )
        else:
            c[2].missing.append(f"{name}: no sub-goal with an indicator, a baseline and a target")
        chain = plan.evaluation.effect_chain
        if any(link.indicators for step in (chain.output, chain.outcome, chain.impact) for link in step):
            c[2].add("action plan", f"{name}: effect chain with indicators", ref)
        else:
            c[2].missing.append(f"{name}: no effect chain with indicators for output, outcome or impact")
        # 4. Stakeholder cooperation: a steering group and a broad partnership.
        for label, group_id in (
            ("steering group", plan.governance.steering_group_id),
            ("partnership", plan.governance.partnership_id),
        ):
            if group_id is not None:
                c[3].add("actors", f"{name}: {label} {known_actor(group_id) or group_id}", group_id)
                continue
            kind = label.replace(" ", "_")
            found = [(ident, title) for k, ident, title in area.groups if k == kind]
            if found:
                c[3].add("actors", f"{name}: {label} {found[0][1]}", UUID(found[0][0]))
            else:
                c[3].missing.append(f"{name}: no {label}")
        if area.engagements:
            c[3].add(
                "actors",
                f"{name}: {area.engagements} engagements with {area.participations} participations "
                "in the past twelve months",
                area.strength_area_id,
            )
        else:
            c[3].missing.append(f"{name}: no engagement (actor meeting, workshop…) in the past twelve months")
        # 5–7. Initiatives by what they address (Interreg counts as cooperation across borders).
        for index, addresses in (
            (4, "innovation_system"),
            (5, "industrial_transition"),
            (6, "international_cooperation"),
        ):
            for initiative in plan.policy_mix.initiatives:
                if addresses in initiative.addresses or (
                    index == 6 and "interreg" in initiative.funding_sources
                ):
                    c[index].add("action plan", f"{name}: {initiative.title}", ref)
    if adopted:
        c[1].add(
            "programme",
            f"adopted by {programme.adopted_by} on {programme.adopted_on}"
            + (f", {programme.paragraph}" if programme.paragraph else ""),
            programme.programme_id,
        )
    else:
        c[1].missing.append("the programme's adoption (date, body, paragraph) is not recorded")
    for index, what in (
        (4, "the research and innovation system"),
        (5, "industrial transition"),
        (6, "cooperation with partners outside the country"),
    ):
        if not c[index].evidence:
            c[index].missing.append(f"no initiative addresses {what}")
    # Priorities classified by economic domain can be matched with other regions' (Eye@RIS3).
    for area in programme.areas:
        if area.nace_codes:
            c[6].add(
                "strength area",
                f"{area.name.any()}: economic domains NACE {', '.join(area.nace_codes)}, comparable in Eye@RIS3",
                area.strength_area_id,
            )
    return [
        Criterion(
            number=i + 1, title=title, status=_status(crit), evidence=crit.evidence, missing=crit.missing
        )
        for i, (title, crit) in enumerate(zip(CRITERIA, c, strict=True))
    ]
