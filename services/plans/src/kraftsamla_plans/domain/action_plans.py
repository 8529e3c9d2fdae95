"""Rules of an action plan's content: what may be saved, what may be published, what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kraftsamla_common.events import ActionPlanContent

from .documents import ItemsDiff, items_diff
from .indicators import indicator_code_errors
from .problems import Problem, duplicates, problem
from .review import REVISION_INTERVAL


def content_errors(plan: ActionPlanContent) -> list[Problem]:
    """Contradictions in an action plan, refused on every save (a draft may be incomplete, not wrong)."""
    errors = duplicates((p.id for p in plan.priorities), "/priorities", "priority")
    errors += duplicates((g.id for g in plan.sub_goals), "/sub_goals", "sub-goal")
    errors += duplicates((x.id for x in plan.policy_mix.initiatives), "/policy_mix/initiatives", "initiative")
    for i, p in enumerate(plan.priorities):
        if p.valid_until < p.valid_from:
            errors.append(
                problem(f"/priorities/{i}/valid_until", "the validity period ends before it starts")
            )
    for i, g in enumerate(plan.sub_goals):
        where = f"/sub_goals/{i}"
        if g.baseline is not None and g.baseline_year is None:
            errors.append(problem(f"{where}/baseline_year", "a baseline needs the year it was measured"))
        if g.target is not None and g.target_year is None:
            errors.append(problem(f"{where}/target_year", "a target needs the year it is to be reached"))
        if g.baseline_year and g.target_year and g.target_year < g.baseline_year:
            errors.append(problem(f"{where}/target_year", "the target year is before the baseline year"))
    priority_ids = {p.id for p in plan.priorities}
    initiative_ids = {x.id for x in plan.policy_mix.initiatives}
    for i, x in enumerate(plan.policy_mix.initiatives):
        where = f"/policy_mix/initiatives/{i}"
        if x.start_year and x.end_year and x.end_year < x.start_year:
            errors.append(problem(f"{where}/end_year", "the initiative ends before it starts"))
        for j, pid in enumerate(x.priority_ids):
            if pid not in priority_ids:
                errors.append(problem(f"{where}/priority_ids/{j}", f"no priority {pid!r} in this plan"))
    for i, entry in enumerate(plan.policy_mix.portfolio):
        if entry.initiative_id and entry.initiative_id not in initiative_ids:
            errors.append(
                problem(
                    f"/policy_mix/portfolio/{i}/initiative_id",
                    f"no initiative {entry.initiative_id!r} in this plan",
                )
            )
    return errors + indicator_code_errors(plan)


def publish_errors(plan: ActionPlanContent, today: date) -> list[Problem]:
    """What stands in the way of publishing: contradictions, and what a published plan must state."""
    errors = content_errors(plan)
    if not plan.priorities:
        errors.append(problem("/priorities", "a published action plan needs at least one priority"))
    if plan.next_review is None:
        errors.append(problem("/next_review", "a published action plan states when it is next revised"))
    elif plan.next_review <= today:
        errors.append(problem("/next_review", "the next review date must be in the future"))
    elif plan.next_review > today + REVISION_INTERVAL:
        errors.append(
            problem(
                "/next_review",
                "plans are revised at least twice a year: the next review must be within six months",
            )
        )
    return errors


@dataclass(frozen=True)
class ContentDiff:
    priorities: ItemsDiff
    sub_goals: ItemsDiff
    initiatives: ItemsDiff
    sections_changed: list[str]


def diff(before: ActionPlanContent, after: ActionPlanContent) -> ContentDiff:
    """What changed between two versions of a plan: items by id, other sections by name."""
    sections = []
    for name in ("analysis", "governance", "vision", "evaluation", "next_review"):
        if getattr(before, name) != getattr(after, name):
            sections.append(name)
    if before.policy_mix.portfolio != after.policy_mix.portfolio:
        sections.append("policy_mix.portfolio")
    return ContentDiff(
        priorities=items_diff(before.priorities, after.priorities),
        sub_goals=items_diff(before.sub_goals, after.sub_goals),
        initiatives=items_diff(before.policy_mix.initiatives, after.policy_mix.initiatives),
        sections_changed=sections,
    )
