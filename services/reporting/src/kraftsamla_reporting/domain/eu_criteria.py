"""Section 8: the EU enabling condition 1.1 (good governance of the smart specialisation strategy),
criterion by criterion, as the plans service evaluated it where the evidence lives (its checklist,
carried by ``plans.programme.checklist_evaluated``). The report words each finding in the reader's
language; it applies no rule of its own, so the report and the plans API always agree."""

from __future__ import annotations

from uuid import UUID

from kraftsamla_common.events import WHEEL

from .content import CriterionLine, Evidence, SelfAssessmentLine, WheelFactorLine, WheelStepLine
from .inputs import ChecklistIn, ReportInputs


def current_checklist(inputs: ReportInputs) -> ChecklistIn | None:
    """The checklist of the region's current programme: the one whose period ends last (then the
    latest evaluated)."""
    ends = {p.programme_id: p.details.get("period_end") or 0 for p in inputs.programmes}
    return max(
        inputs.checklists,
        key=lambda c: (ends.get(c.programme_id, 0), c.evaluated_at),
        default=None,
    )


def eu_criteria(inputs: ReportInputs) -> list[CriterionLine]:
    """The seven criteria, each met, partial or missing, with the evidence found and what is missing."""
    checklist = current_checklist(inputs)
    if checklist is None:
        return []
    return [
        CriterionLine(
            number=c.number,
            key=c.key,
            status=c.status,
            evidence=[Evidence(key=f.key, params=dict(f.params)) for f in c.evidence],
            missing=[Evidence(key=f.key, params=dict(f.params)) for f in c.missing],
        )
        for c in checklist.criteria
    ]


def current_programme(inputs: ReportInputs) -> str | None:
    """The region's current programme: the one whose period ends last."""
    latest = max(inputs.programmes, key=lambda p: p.details.get("period_end") or 0, default=None)
    return latest.programme_id if latest else None


def self_assessment_of(inputs: ReportInputs) -> SelfAssessmentLine | None:
    """The current programme's latest RIS3 self-assessment, each factor and step with the latest
    earlier year's score beside it; None before the first."""
    programme = current_programme(inputs)
    years = sorted((a for a in inputs.self_assessments if a.programme_id == programme), key=lambda a: a.year)
    if not years:
        return None
    latest = years[-1]
    earlier = years[-2] if len(years) > 1 else None

    def score(scores: dict[str, object], key: str) -> int | None:
        cell = scores.get(key)
        return int(cell["score"]) if isinstance(cell, dict) and "score" in cell else None

    steps = []
    for number, (step, keys) in enumerate(WHEEL, start=1):
        factors = [
            WheelFactorLine(
                key=k,
                score=score(latest.scores, k) or 0,
                comment=str(dict(latest.scores.get(k) or {}).get("comment", "")),
                previous=score(earlier.scores, k) if earlier else None,
            )
            for k in keys
        ]
        before = [f.previous for f in factors if f.previous is not None]
        steps.append(
            WheelStepLine(
                step=number,
                key=step,
                mean=round(sum(f.score for f in factors) / len(factors), 2),
                previous_mean=round(sum(before) / len(before), 2)
                if before and len(before) == len(factors)
                else None,
                factors=factors,
            )
        )
    return SelfAssessmentLine(
        programme_id=UUID(latest.programme_id),
        year=latest.year,
        previous_year=earlier.year if earlier else None,
        steps=steps,
    )
