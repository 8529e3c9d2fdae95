"""Section 6: Agenda 2030 goals claimed, supported and granted, and the three sustainability dimensions."""

from __future__ import annotations

from collections import Counter, defaultdict

from .common import strength_areas
from .content import DIMENSION_KEYS, Agenda2030, GoalLine, Sustainability
from .inputs import ReportInputs
from .portfolio import GRANTED


def agenda2030_of(inputs: ReportInputs) -> Agenda2030:
    claimed: Counter[int] = Counter(g for a in inputs.applications for g in set(a.claimed_goals))
    supported: Counter[int] = Counter(g for a in inputs.applications for g in set(a.supported_goals))
    granted: Counter[int] = Counter(
        g for a in inputs.applications if a.status in GRANTED for g in set(a.supported_goals)
    )
    declared: dict[int, list[str]] = defaultdict(list)
    for sa in sorted(strength_areas(inputs).values(), key=lambda s: s.code):
        for goal in sa.sdgs:
            declared[goal].append(sa.code)
    assessed = [a for a in inputs.applications if a.plan_key is not None]
    return Agenda2030(
        goals=[
            GoalLine(
                goal=g,
                claimed=claimed[g],
                supported=supported[g],
                granted=granted[g],
                strength_areas=declared[g],
            )
            for g in range(1, 18)
        ],
        sustainability=Sustainability(
            assessed=len(assessed),
            dimensions={d: sum(1 for a in assessed if d in a.dimensions) for d in DIMENSION_KEYS},
            all_three=sum(1 for a in assessed if set(DIMENSION_KEYS) <= set(a.dimensions)),
            none=sum(1 for a in assessed if not a.dimensions),
            with_conflicts=sum(1 for a in assessed if a.conflicts),
        ),
    )
