"""Section 4: the portfolio of applications by strength area, level and funding source, and how
their assessments relate to the current plans."""

from __future__ import annotations

from collections import Counter, defaultdict
from uuid import UUID

from kraftsamla_common.events import (
    MoveGroup,
    PlanVersionRef,
    TextPart,
)

from .common import add_amount
from .content import (
    LEVEL_KEYS,
    AssessmentCoverage,
    Cell,
    LevelKey,
    Portfolio,
    PortfolioRow,
    ReassessmentLine,
    StrengthAreaPortfolio,
)
from .inputs import ApplicationIn, ReportInputs

GRANTED = frozenset({"granted", "completed"})


def add_to(cell: Cell, app: ApplicationIn) -> None:
    cell.count += 1
    add_amount(cell.requested_amount, app.currency, app.requested_amount)
    if app.status in GRANTED:
        cell.granted += 1
        if app.granted_amount is not None:
            add_amount(cell.granted_amount, app.currency, app.granted_amount)
    elif app.status == "rejected":
        cell.rejected += 1
    cell.decided = cell.granted + cell.rejected


def _level(app: ApplicationIn) -> LevelKey:
    for key in LEVEL_KEYS:
        if app.level == key:
            return key
    return "none"


def _source(app: ApplicationIn) -> str:
    return app.funding_source or "unspecified"


def portfolio_of(inputs: ReportInputs, codes: dict[str, str]) -> Portfolio:
    areas: dict[str | None, StrengthAreaPortfolio] = {}
    total = Cell()
    by_level = {k: Cell() for k in LEVEL_KEYS}
    rows: dict[tuple[str | None, LevelKey, str, str], Cell] = defaultdict(Cell)
    for app in inputs.applications:
        area = areas.get(app.strength_area_id)
        if area is None:
            area = StrengthAreaPortfolio(
                strength_area_id=UUID(app.strength_area_id) if app.strength_area_id else None,
                strength_area_code=codes.get(app.strength_area_id) if app.strength_area_id else None,
                levels={k: Cell() for k in LEVEL_KEYS},
                total=Cell(),
            )
            areas[app.strength_area_id] = area
        level = _level(app)
        for cell in (
            area.levels[level],
            area.funding_sources.setdefault(_source(app), Cell()),
            area.total,
            total,
            by_level[level],
            rows[(area.strength_area_code, level, _source(app), app.currency)],
        ):
            add_to(cell, app)
    ordered = sorted(
        areas.values(),
        key=lambda a: (a.strength_area_id is None, a.strength_area_code or "", str(a.strength_area_id)),
    )
    for a in ordered:
        a.funding_sources = dict(sorted(a.funding_sources.items()))
    return Portfolio(
        applications=total.count,
        requested_amount=total.requested_amount,
        total=total,
        by_level=by_level,
        by_strength_area=ordered,
        rows=[
            PortfolioRow(
                strength_area_code=code,
                level=level,
                funding_source=source,
                currency=currency,
                count=c.count,
                decided=c.decided,
                granted=c.granted,
                rejected=c.rejected,
                requested_amount=c.requested_amount.get(currency, 0.0),
                granted_amount=c.granted_amount.get(currency, 0.0),
            )
            for (code, level, source, currency), c in sorted(
                rows.items(),
                key=lambda kv: (kv[0][0] is None, kv[0][0] or "", LEVEL_KEYS.index(kv[0][1]), kv[0][2:]),
            )
        ],
    )


def coverage_of(inputs: ReportInputs, key: str) -> AssessmentCoverage:
    current = outdated = not_assessed = 0
    recommendations: Counter[str] = Counter()
    for app in inputs.applications:
        if app.plan_key is None:
            not_assessed += 1
            continue
        recommendations[app.recommendation or "none"] += 1
        if app.plan_key == key:
            current += 1
        else:
            outdated += 1
    return AssessmentCoverage(
        plan_key=key,
        current=current,
        outdated=outdated,
        not_assessed=not_assessed,
        by_recommendation=dict(sorted(recommendations.items())),
    )


def reassessment_lines(inputs: ReportInputs, keep: int = 3) -> list[ReassessmentLine]:
    return [
        ReassessmentLine(
            reassessment_id=UUID(r.reassessment_id),
            plan_key=r.plan_key,
            plan_versions=[PlanVersionRef.model_validate(v) for v in r.plan_versions],
            rubric_version=r.rubric_version,
            summary=r.summary,
            summary_parts=[TextPart.model_validate(p) for p in r.summary_parts],
            assessed=r.assessed,
            unchanged=r.unchanged,
            moved=r.moved,
            needs_review=r.needs_review,
            groups=[MoveGroup.model_validate(g) for g in r.groups],
            completed_at=r.completed_at,
        )
        for r in inputs.reassessments[:keep]
    ]
