"""Section 7: every sub-goal's indicator against the straight line from its baseline to its target."""

from __future__ import annotations

import math
from uuid import UUID

from .content import IndicatorLine, IndicatorStatus
from .inputs import ReportInputs


def indicator_status(
    baseline: float | None,
    baseline_year: int | None,
    target: float | None,
    target_year: int | None,
    latest: float | None,
    latest_year: int | None,
) -> tuple[IndicatorStatus, float | None]:
    """Whether the latest value is on the straight line from baseline to target; and that line's value."""
    if target is None:
        return "no_target", None
    if latest is None or latest_year is None:
        return "no_data", None
    rising = baseline is None or target >= baseline
    if (latest >= target) if rising else (latest <= target):
        return "achieved", target
    if baseline is None or baseline_year is None or target_year is None or target_year <= baseline_year:
        return "behind", target
    share = min(max((latest_year - baseline_year) / (target_year - baseline_year), 0.0), 1.0)
    expected = round(baseline + (target - baseline) * share, 4)
    if not math.isfinite(expected):  # figures stored before they were bounded: no line to compare with
        return "behind", target
    on_track = latest >= expected if rising else latest <= expected
    return ("on_track" if on_track else "behind"), expected


def indicator_lines(inputs: ReportInputs) -> list[IndicatorLine]:
    latest: dict[tuple[str, str], tuple[int, float]] = {}
    for m in inputs.measurements:
        key = (m.action_plan_id, m.sub_goal_id)
        if key not in latest or m.year >= latest[key][0]:
            latest[key] = (m.year, m.value)
    out = []
    for plan in sorted(inputs.plans, key=lambda p: p.strength_area_code):
        if plan.content is None:
            continue
        for sg in plan.content.sub_goals:
            year, value = latest.get((plan.action_plan_id, sg.id), (None, None))
            status, expected = indicator_status(
                sg.baseline, sg.baseline_year, sg.target, sg.target_year, value, year
            )
            out.append(
                IndicatorLine(
                    strength_area_code=plan.strength_area_code,
                    action_plan_id=UUID(plan.action_plan_id),
                    sub_goal_id=sg.id,
                    title=sg.title,
                    indicator=sg.indicator.name,
                    indicator_code=sg.indicator.code,
                    unit=sg.indicator.unit,
                    baseline=sg.baseline,
                    baseline_year=sg.baseline_year,
                    target=sg.target,
                    target_year=sg.target_year,
                    latest=value,
                    latest_year=year,
                    expected=expected,
                    status=status,
                )
            )
    return out
