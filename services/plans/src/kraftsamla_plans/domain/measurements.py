"""Rules of indicator measurements: which sub-goals may be measured."""

from __future__ import annotations

from kraftsamla_common.events import ActionPlanContent

from .problems import Problem, problem


def measurement_errors(published: ActionPlanContent | None, sub_goal_id: str) -> list[Problem]:
    """Why a value cannot be recorded for ``sub_goal_id``: measurements follow up the sub-goals of
    the plan's latest published version (a draft's sub-goals are not yet the plan's)."""
    if published is None:
        return [
            problem(
                "/sub_goal_id",
                "the action plan has no published version yet: publish its sub-goals before measuring them",
            )
        ]
    if all(g.id != sub_goal_id for g in published.sub_goals):
        known = ", ".join(repr(g.id) for g in published.sub_goals) or "none"
        return [
            problem(
                "/sub_goal_id",
                f"no sub-goal {sub_goal_id!r} in the latest published version (its sub-goals: {known})",
            )
        ]
    return []
