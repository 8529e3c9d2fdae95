"""Rules of local plans: their links to the region's action plans, and how they align with them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from kraftsamla_common.events import (
    ActionPlanContent,
    Level,
    LocalAction,
    LocalizedText,
    LocalPlanContent,
    Priority,
    RegionalLink,
)

from .problems import Problem, duplicates, problem


@dataclass(frozen=True)
class RegionalPlan:
    """A strength area of the region with its action plan: the current published version and the draft."""

    strength_area_id: UUID
    code: str
    published: ActionPlanContent | None
    draft: ActionPlanContent

    def priority_ids(self, *, include_draft: bool) -> set[str]:
        ids = {p.id for p in self.published.priorities} if self.published else set()
        return ids | ({p.id for p in self.draft.priorities} if include_draft else set())

    def sub_goal_ids(self, *, include_draft: bool) -> set[str]:
        ids = {g.id for g in self.published.sub_goals} if self.published else set()
        return ids | ({g.id for g in self.draft.sub_goals} if include_draft else set())


def local_plan_errors(plan: LocalPlanContent, regional: Mapping[UUID, RegionalPlan]) -> list[Problem]:
    """What is wrong in a local plan; ``regional`` holds the strength areas of the plan's own region only,
    so a link to another region's strength area is reported as unknown, like any other."""
    errors = duplicates((a.id for a in plan.actions), "/actions", "action")
    if plan.period_start and plan.period_end and plan.period_end < plan.period_start:
        errors.append(problem("/period_end", "the plan's period ends before it starts"))

    def check(link: RegionalLink, where: str) -> None:
        area = regional.get(link.strength_area_id)
        if area is None:
            errors.append(
                problem(
                    f"{where}/strength_area_id", f"no strength area {link.strength_area_id} in this region"
                )
            )
            return
        if link.priority_id and link.priority_id not in area.priority_ids(include_draft=True):
            errors.append(
                problem(
                    f"{where}/priority_id",
                    f"the action plan of {area.code!r} has no priority {link.priority_id!r}",
                )
            )
        if link.sub_goal_id and link.sub_goal_id not in area.sub_goal_ids(include_draft=True):
            errors.append(
                problem(
                    f"{where}/sub_goal_id",
                    f"the action plan of {area.code!r} has no sub-goal {link.sub_goal_id!r}",
                )
            )

    for i, link in enumerate(plan.serves):
        check(link, f"/serves/{i}")
    for i, action in enumerate(plan.actions):
        if action.start and action.end and action.end < action.start:
            errors.append(problem(f"/actions/{i}/end", "the action ends before it starts"))
        for j, link in enumerate(action.serves):
            check(link, f"/actions/{i}/serves/{j}")
    return errors


@dataclass(frozen=True)
class LocalPlanView:
    """A local plan as alignment sees it: its latest published version, or its draft."""

    local_plan_id: UUID
    version: int | Literal["draft"]
    content: LocalPlanContent


@dataclass(frozen=True)
class PriorityRef:
    strength_area_id: UUID
    strength_area_code: str
    priority_id: str
    title: LocalizedText
    level: Level
    valid_now: bool


@dataclass(frozen=True)
class ServedBy:
    local_plan_id: UUID
    title: str
    action_ids: list[str]
    """Actions that serve the priority; empty when the plan as a whole does."""


@dataclass(frozen=True)
class PriorityAlignment:
    priority: PriorityRef
    served_by: list[ServedBy]


@dataclass(frozen=True)
class ActionAlignment:
    action_id: str
    title: str
    priority_ids: list[str]
    strength_area_ids: list[UUID]
    stale_links: list[str]


@dataclass(frozen=True)
class LocalPlanAlignment:
    local_plan_id: UUID
    title: str
    version: int | Literal["draft"]
    actions: list[ActionAlignment]
    actions_serving_no_priority: list[str]
    priorities_served: list[str]


@dataclass(frozen=True)
class Alignment:
    """Local plans against the regional programme, both ways."""

    local_plans: list[LocalPlanAlignment]
    priorities: list[PriorityAlignment]
    unserved_priorities: list[PriorityRef]


def _action_alignment(
    action: LocalAction, current: Mapping[tuple[UUID, str], Priority], regional: Mapping[UUID, RegionalPlan]
) -> ActionAlignment:
    priority_ids: list[str] = []
    stale: list[str] = []
    for link in action.serves:
        area = regional.get(link.strength_area_id)
        if link.priority_id:
            if (link.strength_area_id, link.priority_id) in current:
                priority_ids.append(link.priority_id)
            else:
                stale.append(f"priority {link.priority_id}")
        if link.sub_goal_id and (
            area is None or link.sub_goal_id not in area.sub_goal_ids(include_draft=False)
        ):
            stale.append(f"sub-goal {link.sub_goal_id}")
    return ActionAlignment(
        action_id=action.id,
        title=action.title,
        priority_ids=sorted(set(priority_ids)),
        strength_area_ids=sorted({link.strength_area_id for link in action.serves}, key=str),
        stale_links=stale,
    )


def alignment(
    regional: Mapping[UUID, RegionalPlan], local_plans: Sequence[LocalPlanView], today: date
) -> Alignment:
    """Both ways: which local actions serve no regional priority, and which regional priorities no
    local plan serves. Regional priorities are those of the current published action plans."""
    current: dict[tuple[UUID, str], Priority] = {}
    refs: dict[tuple[UUID, str], PriorityRef] = {}
    for area in regional.values():
        for p in area.published.priorities if area.published else []:
            key = (area.strength_area_id, p.id)
            current[key] = p
            refs[key] = PriorityRef(
                strength_area_id=area.strength_area_id,
                strength_area_code=area.code,
                priority_id=p.id,
                title=p.title,
                level=p.level,
                valid_now=p.valid_from <= today <= p.valid_until,
            )
    served: dict[tuple[UUID, str], list[ServedBy]] = {k: [] for k in current}
    plans_out = []
    for view in local_plans:
        actions = [_action_alignment(a, current, regional) for a in view.content.actions]
        by_key: dict[tuple[UUID, str], list[str]] = {}
        for action in view.content.actions:
            for link in action.serves:
                if link.priority_id and (link.strength_area_id, link.priority_id) in current:
                    by_key.setdefault((link.strength_area_id, link.priority_id), []).append(action.id)
        for link in view.content.serves:
            if link.priority_id and (link.strength_area_id, link.priority_id) in current:
                by_key.setdefault((link.strength_area_id, link.priority_id), [])
        for key, action_ids in by_key.items():
            served[key].append(
                ServedBy(local_plan_id=view.local_plan_id, title=view.content.title, action_ids=action_ids)
            )
        plans_out.append(
            LocalPlanAlignment(
                local_plan_id=view.local_plan_id,
                title=view.content.title,
                version=view.version,
                actions=actions,
                actions_serving_no_priority=[a.action_id for a in actions if not a.priority_ids],
                priorities_served=sorted({pid for _, pid in by_key}),
            )
        )
    return Alignment(
        local_plans=plans_out,
        priorities=[PriorityAlignment(priority=refs[k], served_by=served[k]) for k in refs],
        unserved_priorities=[refs[k] for k in refs if not served[k]],
    )
