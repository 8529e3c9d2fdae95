"""A strength area's published action plan as the assessment reads it, and the plain JSON form it
is stored and carried in (the read model's row, a reassessment's old plans)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from kraftsamla_common.bounds import STORED
from kraftsamla_common.events import ActionPlanContent, ActionPlanPublished, Priority


@dataclass(frozen=True)
class Initiative:
    """An initiative of an action plan's policy mix, read for what it says about its priorities."""

    title: str
    description: str = ""
    priority_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class StrengthAreaPlan:
    """A strength area with its current published action-plan version: the priorities, and every
    other text the plan and the programme give of the area."""

    action_plan_id: UUID
    strength_area_id: UUID
    code: str
    version: int
    priorities: tuple[Priority, ...]
    name: Mapping[str, str] = field(default_factory=dict)
    """The area's name per language."""
    description: Mapping[str, str] = field(default_factory=dict)
    nace_codes: tuple[str, ...] = ()
    prose: tuple[tuple[str, str], ...] = ()
    """The plan's analysis, vision and sub-goals: (which part, text)."""
    initiatives: tuple[Initiative, ...] = ()

    @property
    def label(self) -> str:
        """The area's name (Swedish, Finnish or English, whichever the region gave), else its code."""
        return next((self.name[k] for k in ("sv", "fi", "en") if self.name.get(k)), self.code)


def profile_of(data: ActionPlanPublished) -> dict[str, Any]:
    """What the assessment reads of a published plan besides its priorities: the area's names,
    description and NACE codes, and the plan's analysis, vision, sub-goals and initiatives."""
    sa = data.strength_area
    return {
        "name": sa.name.model_dump(exclude_none=True),
        "description": sa.description.model_dump(exclude_none=True) if sa.description else {},
        "nace_codes": list(sa.nace_codes),
        **plan_texts(data.plan),
    }


def plan_texts(plan: ActionPlanContent) -> dict[str, Any]:
    """The plan's own texts the assessment reads: analysis, vision, sub-goals and initiatives."""
    prose: list[tuple[str, str]] = []
    if plan.analysis.current_state:
        prose.append(("analysis", plan.analysis.current_state))
    prose += [("challenges", c) for c in plan.analysis.challenges]
    if plan.vision:
        prose += [("vision", t) for t in (plan.vision.sv, plan.vision.en, plan.vision.fi) if t]
    for g in plan.sub_goals:
        prose += [(f"sub-goal '{g.title.any()}'", t) for t in (g.title.sv, g.title.en, g.title.fi) if t]
    return {
        "prose": [list(x) for x in prose],
        "initiatives": [
            {"title": i.title, "description": i.description, "priority_ids": list(i.priority_ids)}
            for i in plan.policy_mix.initiatives
        ],
    }


def draft_plan(
    now: StrengthAreaPlan | None,
    action_plan_id: UUID,
    strength_area_id: UUID,
    code: str,
    plan: ActionPlanContent,
) -> StrengthAreaPlan:
    """A draft action plan as publishing it would have the assessment read it: the draft's
    priorities and texts, with its strength area's name, description and NACE codes as the
    published version before it carries them (none for a plan not yet published)."""
    texts = plan_texts(plan)
    return StrengthAreaPlan(
        action_plan_id,
        strength_area_id,
        code,
        (now.version if now else 0) + 1,
        tuple(plan.priorities),
        name=now.name if now else {},
        description=now.description if now else {},
        nace_codes=now.nace_codes if now else (),
        prose=tuple((a, b) for a, b in texts["prose"]),
        initiatives=tuple(
            Initiative(i["title"], i["description"], tuple(i["priority_ids"])) for i in texts["initiatives"]
        ),
    )


def plan_json(p: StrengthAreaPlan) -> dict[str, Any]:
    """The plan's identity, its area's name and its priorities as JSON (what a reassessment keeps of
    the plans before)."""
    return {
        "action_plan_id": str(p.action_plan_id),
        "strength_area_id": str(p.strength_area_id),
        "code": p.code,
        "name": dict(p.name),
        "version": p.version,
        "priorities": [x.model_dump(mode="json") for x in p.priorities],
    }


def plan_of_json(p: dict[str, Any]) -> StrengthAreaPlan:
    """A plan from its JSON form (:func:`plan_json`, or a stored row with its profile)."""
    return StrengthAreaPlan(
        action_plan_id=UUID(str(p["action_plan_id"])),
        strength_area_id=UUID(str(p["strength_area_id"])),
        code=p["code"],
        version=p["version"],
        priorities=tuple(Priority.model_validate(x, context=STORED) for x in p["priorities"]),
        name=p.get("name") or {},
        description=p.get("description") or {},
        nace_codes=tuple(p.get("nace_codes") or ()),
        prose=tuple((a, b) for a, b in p.get("prose") or ()),
        initiatives=tuple(
            Initiative(i["title"], i.get("description", ""), tuple(i.get("priority_ids", ())))
            for i in p.get("initiatives") or ()
        ),
    )
