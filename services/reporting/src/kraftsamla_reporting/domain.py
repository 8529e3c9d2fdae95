"""The follow-up report, built from the read models: plain Python, no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from kraftsamla_common.events import LocalizedText, PlanVersionRef, plan_key

from .schemas import (
    HELIX_KEYS,
    LEVEL_KEYS,
    Activities,
    ActorCounts,
    AreaActivity,
    AreaPartnership,
    AssessmentCoverage,
    BuiltFrom,
    Cell,
    LevelKey,
    PlanLine,
    Portfolio,
    ProgrammeLine,
    ReassessmentLine,
    ReportContent,
    SourceMarkOut,
    StrengthAreaPortfolio,
)


@dataclass(frozen=True)
class StrengthAreaIn:
    id: str
    code: str
    name: dict[str, Any]


@dataclass(frozen=True)
class ProgrammeIn:
    programme_id: str
    title: str
    strength_areas: Sequence[StrengthAreaIn]


@dataclass(frozen=True)
class PlanIn:
    """The latest published version of one action plan."""

    action_plan_id: str
    strength_area_id: str
    strength_area_code: str
    strength_area_name: dict[str, Any]
    version: int
    published_at: datetime
    priorities: int


@dataclass(frozen=True)
class ApplicationIn:
    application_id: str
    status: str
    requested_amount: float
    currency: str
    municipalities: Sequence[str] = ()
    plan_key: str | None = None
    strength_area_id: str | None = None
    level: str | None = None
    recommendation: str | None = None


@dataclass(frozen=True)
class ActorIn:
    helix: str
    municipality: str | None = None


@dataclass(frozen=True)
class MembershipIn:
    group_id: str
    strength_area_id: str | None
    actor_id: str
    helix: str
    joined_on: date
    left_on: date | None = None


@dataclass(frozen=True)
class EngagementIn:
    held_on: date
    strength_area_ids: Sequence[str] = ()
    person_ids: Sequence[str] = ()
    actor_ids: Sequence[str] = ()
    participations: int = 0


@dataclass(frozen=True)
class ReassessmentIn:
    reassessment_id: str
    plan_key: str
    summary: str
    assessed: int
    unchanged: int
    moved: int
    completed_at: datetime


@dataclass(frozen=True)
class SourceIn:
    last_event_id: str
    last_event_time: datetime


@dataclass(frozen=True)
class ReportInputs:
    """Everything the reporting service knows about one region."""

    region: str
    programmes: Sequence[ProgrammeIn] = ()
    plans: Sequence[PlanIn] = ()
    applications: Sequence[ApplicationIn] = ()
    actors: Sequence[ActorIn] = ()
    memberships: Sequence[MembershipIn] = ()
    engagements: Sequence[EngagementIn] = ()
    last_reassessment: ReassessmentIn | None = None
    sources: dict[str, SourceIn] = field(default_factory=dict)


def plan_refs(plans: Sequence[PlanIn]) -> list[PlanVersionRef]:
    refs = [
        PlanVersionRef(
            action_plan_id=UUID(p.action_plan_id),
            strength_area_id=UUID(p.strength_area_id),
            version=p.version,
        )
        for p in plans
    ]
    return sorted(refs, key=lambda r: str(r.action_plan_id))


def _localized(name: dict[str, Any]) -> LocalizedText | None:
    texts = {k: v for k, v in name.items() if k in ("sv", "en", "fi") and v}
    return LocalizedText(**texts) if texts else None


def _plan_lines(inputs: ReportInputs) -> list[PlanLine]:
    """One line per strength area: those of the programmes, plus any only known from a published plan."""
    by_area = {p.strength_area_id: p for p in inputs.plans}
    lines: dict[str, PlanLine] = {}
    for prog in inputs.programmes:
        for sa in prog.strength_areas:
            plan = by_area.get(sa.id)
            lines[sa.id] = PlanLine(
                strength_area_id=UUID(sa.id),
                strength_area_code=sa.code,
                strength_area_name=_localized(sa.name),
                action_plan_id=UUID(plan.action_plan_id) if plan else None,
                version=plan.version if plan else None,
                published_at=plan.published_at if plan else None,
                priorities=plan.priorities if plan else 0,
            )
    for plan in inputs.plans:
        lines[plan.strength_area_id] = PlanLine(
            strength_area_id=UUID(plan.strength_area_id),
            strength_area_code=plan.strength_area_code,
            strength_area_name=_localized(plan.strength_area_name),
            action_plan_id=UUID(plan.action_plan_id),
            version=plan.version,
            published_at=plan.published_at,
            priorities=plan.priorities,
        )
    return sorted(lines.values(), key=lambda line: (line.strength_area_code, str(line.strength_area_id)))


def _add(cell: Cell, app: ApplicationIn) -> None:
    cell.count += 1
    cell.requested_amount[app.currency] = round(
        cell.requested_amount.get(app.currency, 0.0) + app.requested_amount, 2
    )


def _level(app: ApplicationIn) -> LevelKey:
    for key in LEVEL_KEYS:
        if app.level == key:
            return key
    return "none"


def _portfolio(inputs: ReportInputs, plans: list[PlanLine]) -> Portfolio:
    codes = {str(line.strength_area_id): line.strength_area_code for line in plans}
    areas: dict[str | None, StrengthAreaPortfolio] = {}
    total = Cell()
    for app in inputs.applications:
        area = areas.get(app.strength_area_id)
        if area is None:
            area = StrengthAreaPortfolio(
                strength_area_id=UUID(app.strength_area_id) if app.strength_area_id else None,
                strength_area_code=codes.get(app.strength_area_id) if app.strength_area_id else None,
                levels={k: Cell() for k in LEVEL_KEYS},
                total=Cell(),
            )
            areas[app.strength_area_id] = area
        _add(area.levels[_level(app)], app)
        _add(area.total, app)
        _add(total, app)
    ordered = sorted(
        areas.values(),
        key=lambda a: (a.strength_area_id is None, a.strength_area_code or "", str(a.strength_area_id)),
    )
    return Portfolio(
        applications=total.count, requested_amount=total.requested_amount, by_strength_area=ordered
    )


def _coverage(inputs: ReportInputs, key: str) -> AssessmentCoverage:
    current = outdated = not_assessed = 0
    recommendations: Counter[str] = Counter()
    for app in inputs.applications:
        if app.plan_key is None:
            not_assessed += 1
            continue
        recommendations[app.recommendation or "none"] += 1
        if app.plan_key == key:
            current += 1
        else:
            outdated += 1
    return AssessmentCoverage(
        plan_key=key,
        current=current,
        outdated=outdated,
        not_assessed=not_assessed,
        by_recommendation=dict(sorted(recommendations.items())),
    )


def _actors(inputs: ReportInputs) -> ActorCounts:
    by_helix = dict.fromkeys(HELIX_KEYS, 0)
    for actor in inputs.actors:
        by_helix[actor.helix] = by_helix.get(actor.helix, 0) + 1
    return ActorCounts(total=len(inputs.actors), by_helix=by_helix)


def _area_codes(inputs: ReportInputs) -> dict[str, str]:
    return {sa.id: sa.code for p in inputs.programmes for sa in p.strength_areas}


def _activity(engagements: Sequence[EngagementIn]) -> dict[str, int]:
    return {
        "engagements": len(engagements),
        "participations": sum(e.participations for e in engagements),
        "unique_people": len({p for e in engagements for p in e.person_ids}),
        "unique_actors": len({a for e in engagements for a in e.actor_ids}),
    }


def _activities(inputs: ReportInputs, year: int) -> Activities:
    held = [e for e in inputs.engagements if e.held_on.year == year]
    codes = _area_codes(inputs)
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
    return Activities(year=year, by_strength_area=lines, **_activity(held))


def _partnerships(inputs: ReportInputs, day: date) -> list[AreaPartnership]:
    active = [m for m in inputs.memberships if m.joined_on <= day and (m.left_on is None or day < m.left_on)]
    codes = _area_codes(inputs)
    out = []
    for area in list(codes) + ([None] if any(m.strength_area_id is None for m in active) else []):
        members = [m for m in active if m.strength_area_id == area]
        helix_of = {m.actor_id: m.helix for m in members}
        by_helix = dict.fromkeys(HELIX_KEYS, 0) | Counter(helix_of.values())
        public = by_helix.get("public", 0) + by_helix.get("state_agency", 0)
        missing = [
            h
            for h in ("public", "business", "academia", "civil_society")
            if not (public if h == "public" else by_helix.get(h, 0))
        ]
        out.append(
            AreaPartnership(
                strength_area_id=UUID(area) if area else None,
                strength_area_code=codes.get(area) if area else None,
                groups=len({m.group_id for m in members}),
                actors=len(helix_of),
                by_helix=by_helix,
                missing_helix=missing,
            )
        )
    return out


def build_report(inputs: ReportInputs, generated_at: datetime) -> tuple[ReportContent, BuiltFrom]:
    """The region's report and what it was built from."""
    refs = plan_refs(inputs.plans)
    key = plan_key(refs)
    plans = _plan_lines(inputs)
    r = inputs.last_reassessment
    content = ReportContent(
        region=inputs.region,
        generated_at=generated_at,
        programmes=[
            ProgrammeLine(
                programme_id=UUID(p.programme_id), title=p.title, strength_areas=len(p.strength_areas)
            )
            for p in inputs.programmes
        ],
        plans=plans,
        portfolio=_portfolio(inputs, plans),
        assessments=_coverage(inputs, key),
        actors=_actors(inputs),
        activities=_activities(inputs, generated_at.year),
        partnerships=_partnerships(inputs, generated_at.date()),
        last_reassessment=ReassessmentLine(
            reassessment_id=UUID(r.reassessment_id),
            plan_key=r.plan_key,
            summary=r.summary,
            assessed=r.assessed,
            unchanged=r.unchanged,
            moved=r.moved,
            completed_at=r.completed_at,
        )
        if r
        else None,
    )
    built_from = BuiltFrom(
        plan_versions=refs,
        plan_key=key,
        sources={
            service: SourceMarkOut(last_event_id=UUID(s.last_event_id), last_event_time=s.last_event_time)
            for service, s in sorted(inputs.sources.items())
        },
        generated_at=generated_at,
    )
    return content, built_from
