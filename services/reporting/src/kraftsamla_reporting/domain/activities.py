"""Section 2: engagements held in the period, and the annual cycle's meetings planned against held."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypedDict
from uuid import UUID

from kraftsamla_common.annual_cycle import follow_up, slots

from .common import area_codes
from .content import Activities, AreaActivity, CycleLine, Period
from .inputs import EngagementIn, ReportInputs


class Figures(TypedDict):
    engagements: int
    participations: int
    unique_people: int | None
    unique_actors: int
    with_people: int


def _activity(engagements: Sequence[EngagementIn]) -> Figures:
    """Engagements and participations; unique people only where engagements list people by name
    (``None``: none does, so the number of people reached is not known, which is no zero)."""
    named = [e for e in engagements if e.person_ids]
    return {
        "engagements": len(engagements),
        "participations": sum(e.participations for e in engagements),
        "unique_people": len({p for e in named for p in e.person_ids}) if named else None,
        "unique_actors": len({a for e in engagements for a in e.actor_ids}),
        "with_people": len(named),
    }


def _cycles(inputs: ReportInputs, period: Period, today: date) -> list[CycleLine]:
    codes = area_codes(inputs)
    upto = (period.start, min(period.end, today))
    out = []
    for c in sorted(inputs.cycles, key=lambda c: (c.starts_on, c.title)):
        planned = slots(c.frequency, c.starts_on, c.ends_on, upto)  # type: ignore[arg-type]
        held = [e.held_on for e in inputs.engagements if e.cycle_id == c.cycle_id]
        result = follow_up(planned, held, today=today)
        out.append(
            CycleLine(
                cycle_id=UUID(c.cycle_id),
                title=c.title,
                kind=c.kind,
                frequency=c.frequency,
                strength_area_code=codes.get(c.strength_area_id) if c.strength_area_id else None,
                planned=result.planned,
                held=result.held,
                meetings=result.meetings,
                missed=result.missed,
            )
        )
    return out


def activities_in(inputs: ReportInputs, period: Period, today: date) -> Activities:
    held = [e for e in inputs.engagements if period.start <= e.held_on <= period.end]
    codes = area_codes(inputs)
    areas = list(codes) + sorted({s for e in held for s in e.strength_area_ids} - set(codes))
    lines = [
        AreaActivity(
            strength_area_id=UUID(a),
            strength_area_code=codes.get(a),
            **_activity([e for e in held if a in e.strength_area_ids]),
        )
        for a in areas
    ]
    loose = [e for e in held if not e.strength_area_ids]
    if loose:
        lines.append(AreaActivity(strength_area_id=None, strength_area_code=None, **_activity(loose)))
    return Activities(
        year=period.start.year,
        period=period,
        by_strength_area=lines,
        cycles=_cycles(inputs, period, today),
        **_activity(held),
    )
