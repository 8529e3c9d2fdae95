"""Section 9: the municipalities' local plans and how they serve the regional strength areas."""

from __future__ import annotations

from collections import Counter, defaultdict
from uuid import UUID

from kraftsamla_common.events import (
    LocalPlanContent,
)

from .common import add_amount
from .content import Amounts, AreaAlignment, LocalPlanLine, LocalPlans
from .inputs import LocalPlanIn, ReportInputs


def _financing(content: LocalPlanContent) -> Amounts:
    amounts: Amounts = {}
    for f in content.financing:
        if f.amount is not None:
            add_amount(amounts, f.currency, f.amount)
    return amounts


def local_plans_of(inputs: ReportInputs, codes: dict[str, str]) -> LocalPlans:
    lines = []
    serving: dict[str, list[LocalPlanIn]] = defaultdict(list)
    actions: Counter[str] = Counter()
    for lp in sorted(inputs.local_plans, key=lambda p: p.content.title):
        c = lp.content
        areas = {str(link.strength_area_id) for link in c.serves}
        for action in c.actions:
            action_areas = {str(link.strength_area_id) for link in action.serves}
            for a in action_areas:
                actions[a] += 1
            areas |= action_areas
        for a in areas:
            serving[a].append(lp)
        lines.append(
            LocalPlanLine(
                local_plan_id=UUID(lp.local_plan_id),
                title=c.title,
                version=lp.version,
                published_at=lp.published_at,
                municipalities=list(c.municipalities),
                strength_area_codes=sorted(codes.get(a, a) for a in areas),
                actions=len(c.actions),
                actions_linked=sum(1 for action in c.actions if action.serves),
                financing=_financing(c),
            )
        )
    return LocalPlans(
        plans=lines,
        by_strength_area=[
            AreaAlignment(
                strength_area_id=UUID(a),
                strength_area_code=code,
                local_plans=len(serving[a]),
                actions=actions[a],
                municipalities=sorted({m for lp in serving[a] for m in lp.content.municipalities}),
            )
            for a, code in sorted(codes.items(), key=lambda kv: kv[1])
        ],
        unaligned=sum(1 for line in lines if not line.strength_area_codes),
    )
