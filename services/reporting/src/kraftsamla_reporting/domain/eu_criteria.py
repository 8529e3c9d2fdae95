"""Section 8: the EU enabling condition 1.1 (good governance of the smart specialisation strategy),
criterion by criterion, as the plans service evaluated it where the evidence lives (its checklist,
carried by ``plans.programme.checklist_evaluated``). The report words each finding in the reader's
language; it applies no rule of its own, so the report and the plans API always agree."""

from __future__ import annotations

from .content import CriterionLine, Evidence
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
