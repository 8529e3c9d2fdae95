"""Rules of programmes and action plans: plain Python, no I/O."""

from __future__ import annotations

from typing import Any

from .schemas import ActionPlanDraft


def publish_errors(draft: ActionPlanDraft) -> list[dict[str, Any]]:
    """What stands in the way of publishing a draft, each with a JSON pointer to where."""
    errors: list[dict[str, Any]] = []
    if not draft.priorities:
        errors.append(
            {"pointer": "/priorities", "message": "a published action plan needs at least one priority"}
        )
    seen: set[str] = set()
    for i, p in enumerate(draft.priorities):
        where = f"/priorities/{i}"
        if p.id in seen:
            errors.append({"pointer": f"{where}/id", "message": f"priority id {p.id!r} is used twice"})
        seen.add(p.id)
        if p.valid_until < p.valid_from:
            errors.append(
                {"pointer": f"{where}/valid_until", "message": "the validity period ends before it starts"}
            )
        if not p.vocabulary:
            errors.append(
                {"pointer": f"{where}/vocabulary", "message": "a priority needs words that describe it"}
            )
    for i, g in enumerate(draft.sub_goals):
        if g.baseline_year and g.target_year and g.target_year < g.baseline_year:
            errors.append(
                {
                    "pointer": f"/sub_goals/{i}/target_year",
                    "message": "the target year is before the baseline year",
                }
            )
    return errors


def etag(plan_id: str, revision: int) -> str:
    return f'"{plan_id}-r{revision}"'
