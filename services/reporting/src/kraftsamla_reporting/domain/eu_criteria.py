"""Section 8: the EU enabling condition 1.1 (good governance of the smart specialisation strategy),
criterion by criterion, from what the other sections found."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .common import strength_areas
from .content import (
    Activities,
    AreaPartnership,
    CriterionLine,
    CriterionStatus,
    Evidence,
    IndicatorLine,
    PlanLine,
)
from .inputs import PlanIn, ReportInputs


def _ev(key: str, **params: str | int | float) -> Evidence:
    return Evidence(key=key, params=params)


def _names(codes: Iterable[str]) -> str:
    return ", ".join(sorted(codes))


def _status(met: bool, partial: bool) -> CriterionStatus:
    return "met" if met else "partial" if partial else "missing"


def _initiatives(plans: Sequence[PlanIn], topic: str) -> int:
    return sum(
        1 for p in plans if p.content for i in p.content.policy_mix.initiatives if topic in i.addresses
    )


def eu_criteria(
    inputs: ReportInputs,
    plans: list[PlanLine],
    activities: Activities,
    partnerships: list[AreaPartnership],
    indicators: list[IndicatorLine],
) -> list[CriterionLine]:
    """The seven criteria of the enabling condition 1.1, each met, partial or missing, with the
    evidence found and what is missing, from the region's read models and the report's other sections
    (plans, activities, partnerships, indicators)."""
    published = [p for p in inputs.plans if p.content is not None]
    codes = {p.action_plan_id: p.strength_area_code for p in published}
    areas = strength_areas(inputs)
    total = len(plans)
    out = []

    # 1 Up-to-date analysis of challenges for innovation diffusion and digitalisation.
    analysed = [
        p
        for p in published
        if p.content and (p.content.analysis.current_state or p.content.analysis.challenges)
    ]
    documents = sum(len(p.content.analysis.evidence) for p in published if p.content)
    current = [line for line in plans if line.version is not None and not line.overdue]
    digital = _initiatives(published, "digitalisation")
    evidence = [_ev("plans_with_analysis", n=len(analysed), total=total)]
    if documents:
        evidence.append(_ev("evidence_documents", n=documents))
    evidence.append(_ev("plans_up_to_date", n=len(current), total=total))
    if digital:
        evidence.append(_ev("initiatives_digitalisation", n=digital))
    missing = []
    lacking = {line.strength_area_code for line in plans} - {codes[p.action_plan_id] for p in analysed}
    if lacking:
        missing.append(_ev("areas_without_analysis", areas=_names(lacking)))
    stale = [line.strength_area_code for line in plans if line.overdue]
    if stale:
        missing.append(_ev("areas_overdue", areas=_names(stale)))
    out.append(
        CriterionLine(
            number=1,
            key="analysis",
            status=_status(bool(total) and not missing, bool(analysed)),
            evidence=evidence,
            missing=missing,
        )
    )

    # 2 A competent institution or body responsible for managing the strategy.
    evidence, missing = [], []
    adopted = [p for p in inputs.programmes if (p.details.get("adoption") or {}).get("body")]
    for p in adopted:
        a = p.details["adoption"]
        evidence.append(
            _ev(
                "programme_adopted",
                title=p.title,
                body=a["body"],
                date=str(a.get("adopted_on", "")),
                paragraph=a.get("paragraph") or "",
            )
        )
    if not adopted:
        missing.append(_ev("programme_not_adopted"))
    led = [sa.code for sa in areas.values() if sa.process_leader_id]
    evidence.append(_ev("process_leaders", n=len(led), total=len(areas)))
    if len(led) < len(areas):
        unled = {sa.code for sa in areas.values()} - set(led)
        missing.append(_ev("areas_without_process_leader", areas=_names(unled)))
    steered = {
        p.strength_area_code
        for p in published
        if p.content and (p.content.governance.steering_group_id or p.content.governance.roles)
    } | {x.strength_area_code for x in partnerships if x.strength_area_code and x.steering_groups}
    evidence.append(_ev("areas_with_governance", n=len(steered), total=total))
    out.append(
        CriterionLine(
            number=2,
            key="institution",
            status=_status(not missing, bool(adopted or led or steered)),
            evidence=evidence,
            missing=missing,
        )
    )

    # 3 Monitoring and evaluation tools to measure performance towards the strategy's objectives.
    evidence, missing = [], []
    targeted = [i for i in indicators if i.target is not None]
    measured = [i for i in indicators if i.latest is not None]
    chains = [
        p
        for p in published
        if p.content
        and any(getattr(p.content.evaluation.effect_chain, step) for step in ("output", "outcome", "impact"))
    ]
    evidence.append(_ev("sub_goals_with_targets", n=len(targeted), total=len(indicators)))
    evidence.append(_ev("indicators_measured", n=len(measured), total=len(indicators)))
    evidence.append(_ev("effect_chains", n=len(chains), total=len(published)))
    without = {line.strength_area_code for line in plans} - {i.strength_area_code for i in targeted}
    if without:
        missing.append(_ev("areas_without_sub_goals", areas=_names(without)))
    if len(measured) < len(indicators):
        missing.append(_ev("indicators_without_values", n=len(indicators) - len(measured)))
    out.append(
        CriterionLine(
            number=3,
            key="monitoring",
            status=_status(bool(indicators) and not missing, bool(targeted or chains)),
            evidence=evidence,
            missing=missing,
        )
    )

    # 4 Functioning stakeholder cooperation (the entrepreneurial discovery process).
    evidence, missing = [], []
    evidence.append(
        _ev(
            "engagements",
            n=activities.engagements,
            people=activities.unique_people,
            actors=activities.unique_actors,
        )
    )
    whole = [p for p in partnerships if p.strength_area_code and not p.missing_helix]
    evidence.append(_ev("areas_with_all_helices", n=len(whole), total=len(areas)))
    planned = sum(c.planned for c in activities.cycles)
    held = sum(c.held for c in activities.cycles)
    if planned:
        evidence.append(_ev("cycle_meetings", held=held, planned=planned))
    if not activities.engagements:
        missing.append(_ev("no_engagements"))
    gaps = [p.strength_area_code for p in partnerships if p.strength_area_code and p.missing_helix]
    if gaps:
        missing.append(_ev("areas_missing_helix", areas=_names(gaps)))
    if held < planned:
        missing.append(_ev("cycle_meetings_missed", n=planned - held))
    out.append(
        CriterionLine(
            number=4,
            key="stakeholders",
            status=_status(
                not missing and bool(activities.engagements), bool(activities.engagements or whole)
            ),
            evidence=evidence,
            missing=missing,
        )
    )

    # 5–7 Actions (where relevant) and international cooperation, from the policy mix and portfolio.
    academia = sum(p.by_helix.get("academia", 0) for p in partnerships)
    for number, key, topic in (
        (5, "research_innovation", "innovation_system"),
        (6, "industrial_transition", "industrial_transition"),
        (7, "international", "international_cooperation"),
    ):
        n = _initiatives(published, topic)
        evidence = [_ev(f"initiatives_{topic}", n=n)]
        if number == 5 and academia:
            evidence.append(_ev("academia_in_partnerships", n=academia))
        extra = False
        if number == 7:
            interreg = sum(1 for a in inputs.applications if a.funding_source == "interreg")
            if interreg:
                evidence.append(_ev("interreg_applications", n=interreg))
            evidence.append(_ev("cooperation_view_in" if inputs.opted_in else "cooperation_view_out"))
            extra = bool(interreg) or inputs.opted_in
        missing = [] if n else [_ev(f"no_initiatives_{topic}")]
        out.append(
            CriterionLine(
                number=number,
                key=key,
                status=_status(bool(n), extra or (number == 5 and bool(academia))),
                evidence=evidence,
                missing=missing,
            )
        )
    return out
