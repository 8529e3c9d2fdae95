"""Section 1: the programmes and every strength area's current action plan."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from .common import localized, strength_areas
from .content import PlanLine, ProgrammeLine
from .inputs import PlanIn, ReportInputs


def _day(value: str | date | None) -> date | None:
    """A date as the programme's details carry it (ISO text, as announced)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def programme_lines(inputs: ReportInputs) -> list[ProgrammeLine]:
    out = []
    for p in inputs.programmes:
        adoption = p.details.get("adoption") or {}
        out.append(
            ProgrammeLine(
                programme_id=UUID(p.programme_id),
                title=p.title,
                reference=p.details.get("reference"),
                period_start=p.details.get("period_start"),
                period_end=p.details.get("period_end"),
                adopted_on=_day(adoption.get("adopted_on")),
                adopted_by=adoption.get("body"),
                paragraph=adoption.get("paragraph"),
                strength_areas=len(p.strength_areas),
            )
        )
    return out


def _plan_line(sa_id: str, code: str, name: dict[str, Any], plan: PlanIn | None, today: datetime) -> PlanLine:
    if plan is None:
        return PlanLine(
            strength_area_id=UUID(sa_id),
            strength_area_code=code,
            strength_area_name=localized(name),
            action_plan_id=None,
            version=None,
            published_at=None,
            priorities=0,
            overdue=True,
        )
    next_review = plan.content.next_review if plan.content else None
    # When a version falls overdue is the plans service's rule; its events say when.
    overdue = plan.review_due is not None and today > plan.review_due
    return PlanLine(
        strength_area_id=UUID(sa_id),
        strength_area_code=code,
        strength_area_name=localized(name),
        action_plan_id=UUID(plan.action_plan_id),
        version=plan.version,
        published_at=plan.published_at,
        priorities=plan.priorities,
        revisions_last_year=sum(1 for at in plan.revisions if today - at <= timedelta(days=365)),
        next_review=next_review,
        overdue=overdue,
    )


def plan_lines(inputs: ReportInputs, today: datetime) -> list[PlanLine]:
    """One line per strength area: those of the programmes, plus any only known from a published plan."""
    by_area = {p.strength_area_id: p for p in inputs.plans}
    lines: dict[str, PlanLine] = {}
    for sa_id, sa in strength_areas(inputs).items():
        lines[sa_id] = _plan_line(sa_id, sa.code, sa.name, by_area.get(sa_id), today)
    for plan in inputs.plans:
        if plan.strength_area_id not in lines:
            lines[plan.strength_area_id] = _plan_line(
                plan.strength_area_id, plan.strength_area_code, plan.strength_area_name, plan, today
            )
    return sorted(lines.values(), key=lambda line: (line.strength_area_code, str(line.strength_area_id)))
