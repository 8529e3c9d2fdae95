"""The follow-up report, built from the read models: plain Python, no I/O."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from kraftsamla_common.annual_cycle import follow_up, slots
from kraftsamla_common.events import (
    ActionPlanContent,
    LocalizedText,
    LocalPlanContent,
    PlanVersionRef,
    plan_key,
)
from kraftsamla_common.municipalities import municipality_by_code

from .schemas import (
    DIMENSION_KEYS,
    HELIX_KEYS,
    LEVEL_KEYS,
    Activities,
    ActorCounts,
    Agenda2030,
    Amounts,
    AreaActivity,
    AreaAlignment,
    AreaPartnership,
    AssessmentCoverage,
    BuiltFrom,
    Cell,
    CriterionLine,
    CriterionStatus,
    CycleLine,
    Evidence,
    Geography,
    GoalLine,
    IndicatorLine,
    IndicatorStatus,
    Language,
    LevelKey,
    LocalPlanLine,
    LocalPlans,
    MoveGroupLine,
    MunicipalityLine,
    Period,
    PlanLine,
    Portfolio,
    PortfolioRow,
    ProgrammeLine,
    ReassessmentLine,
    ReportContent,
    SourceMarkOut,
    StrengthAreaPortfolio,
    Sustainability,
)

OPEN_STATUSES = frozenset({"received", "under_assessment", "assessed"})
REVISION_INTERVAL = timedelta(days=183)
"""Action plans are revised at least twice a year: a version older than half a year is overdue."""


@dataclass(frozen=True)
class StrengthAreaIn:
    id: str
    code: str
    name: dict[str, Any]
    nace_codes: Sequence[str] = ()
    sdgs: Sequence[int] = ()
    process_leader_id: str | None = None


@dataclass(frozen=True)
class ProgrammeIn:
    programme_id: str
    title: str
    strength_areas: Sequence[StrengthAreaIn]
    details: dict[str, Any] = field(default_factory=dict)
    """reference, period_start, period_end, adoption {adopted_on, body, paragraph}."""


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
    content: ActionPlanContent | None = None
    revisions: Sequence[datetime] = ()
    """When each of its versions was published."""


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
    funding_source: str | None = None
    granted_amount: float | None = None
    claimed_goals: Sequence[int] = ()
    supported_goals: Sequence[int] = ()
    dimensions: Sequence[str] = ()
    conflicts: int = 0


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
    group_kind: str | None = None
    municipality: str | None = None
    nace: str | None = None


@dataclass(frozen=True)
class EngagementIn:
    held_on: date
    strength_area_ids: Sequence[str] = ()
    person_ids: Sequence[str] = ()
    actor_ids: Sequence[str] = ()
    participations: int = 0
    cycle_id: str | None = None


@dataclass(frozen=True)
class CycleIn:
    cycle_id: str
    title: str
    kind: str
    frequency: str
    starts_on: date
    ends_on: date | None = None
    strength_area_id: str | None = None


@dataclass(frozen=True)
class MeasurementIn:
    action_plan_id: str
    sub_goal_id: str
    year: int
    value: float


@dataclass(frozen=True)
class LocalPlanIn:
    local_plan_id: str
    version: int
    published_at: datetime
    content: LocalPlanContent


@dataclass(frozen=True)
class RegionIn:
    country: str
    municipalities: Sequence[str] = ()


@dataclass(frozen=True)
class ReassessmentIn:
    reassessment_id: str
    plan_key: str
    summary: str
    assessed: int
    unchanged: int
    moved: int
    completed_at: datetime
    plan_versions: Sequence[dict[str, Any]] = ()
    rubric_version: int = 0
    needs_review: int = 0
    groups: Sequence[dict[str, Any]] = ()


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
    reassessments: Sequence[ReassessmentIn] = ()
    """The latest first."""
    sources: dict[str, SourceIn] = field(default_factory=dict)
    geography: RegionIn | None = None
    cycles: Sequence[CycleIn] = ()
    measurements: Sequence[MeasurementIn] = ()
    local_plans: Sequence[LocalPlanIn] = ()
    opted_in: bool = False


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


def localized(name: dict[str, Any]) -> LocalizedText | None:
    texts = {k: v for k, v in name.items() if k in ("sv", "en", "fi") and v}
    return LocalizedText(**texts) if texts else None


def language_of(country: str | None) -> Language:
    """The language a region's report is written in by default."""
    return {"SE": "sv", "FI": "fi"}.get(country or "", "en")  # type: ignore[return-value]


def _areas(inputs: ReportInputs) -> dict[str, StrengthAreaIn]:
    return {sa.id: sa for p in inputs.programmes for sa in p.strength_areas}


def _area_codes(inputs: ReportInputs) -> dict[str, str]:
    codes = {sa_id: sa.code for sa_id, sa in _areas(inputs).items()}
    for plan in inputs.plans:
        codes.setdefault(plan.strength_area_id, plan.strength_area_code)
    return codes


def _add_amount(amounts: Amounts, currency: str, value: float) -> None:
    amounts[currency] = round(amounts.get(currency, 0.0) + value, 2)


# --------------------------------------------------------------------------- 1 programme and plans


def _programme_lines(inputs: ReportInputs) -> list[ProgrammeLine]:
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
                adopted_on=adoption.get("adopted_on"),
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
    last = max([plan.published_at, *plan.revisions])
    overdue = today - last > REVISION_INTERVAL or (next_review is not None and next_review < today.date())
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


def _plan_lines(inputs: ReportInputs, today: datetime) -> list[PlanLine]:
    """One line per strength area: those of the programmes, plus any only known from a published plan."""
    by_area = {p.strength_area_id: p for p in inputs.plans}
    lines: dict[str, PlanLine] = {}
    for sa_id, sa in _areas(inputs).items():
        lines[sa_id] = _plan_line(sa_id, sa.code, sa.name, by_area.get(sa_id), today)
    for plan in inputs.plans:
        if plan.strength_area_id not in lines:
            lines[plan.strength_area_id] = _plan_line(
                plan.strength_area_id, plan.strength_area_code, plan.strength_area_name, plan, today
            )
    return sorted(lines.values(), key=lambda line: (line.strength_area_code, str(line.strength_area_id)))


# --------------------------------------------------------------------------- 2 activities


def _activity(engagements: Sequence[EngagementIn]) -> dict[str, int]:
    return {
        "engagements": len(engagements),
        "participations": sum(e.participations for e in engagements),
        "unique_people": len({p for e in engagements for p in e.person_ids}),
        "unique_actors": len({a for e in engagements for a in e.actor_ids}),
    }


def _cycles(inputs: ReportInputs, period: Period, today: date) -> list[CycleLine]:
    codes = _area_codes(inputs)
    upto = (period.start, min(period.end, today))
    out = []
    for c in sorted(inputs.cycles, key=lambda c: (c.starts_on, c.title)):
        planned = slots(c.frequency, c.starts_on, c.ends_on, upto)  # type: ignore[arg-type]
        held = [e.held_on for e in inputs.engagements if e.cycle_id == c.cycle_id]
        result = follow_up(planned, held)
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


def _activities(inputs: ReportInputs, period: Period, today: date) -> Activities:
    held = [e for e in inputs.engagements if period.start <= e.held_on <= period.end]
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
    return Activities(
        year=period.start.year,
        period=period,
        by_strength_area=lines,
        cycles=_cycles(inputs, period, today),
        **_activity(held),
    )


# --------------------------------------------------------------------------- 3 partnerships


def _partnerships(inputs: ReportInputs, day: date) -> list[AreaPartnership]:
    active = [m for m in inputs.memberships if m.joined_on <= day and (m.left_on is None or day < m.left_on)]
    codes = _area_codes(inputs)
    out = []
    for area in list(codes) + ([None] if any(m.strength_area_id is None for m in active) else []):
        members = [m for m in active if m.strength_area_id == area]
        by_actor = {m.actor_id: m for m in members}
        by_helix = dict.fromkeys(HELIX_KEYS, 0) | Counter(m.helix for m in by_actor.values())
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
                steering_groups=len({m.group_id for m in members if m.group_kind == "steering_group"}),
                actors=len(by_actor),
                by_helix=by_helix,
                by_municipality=dict(
                    sorted(Counter(m.municipality for m in by_actor.values() if m.municipality).items())
                ),
                by_industry=dict(
                    sorted(
                        Counter(
                            m.nace[0] for m in by_actor.values() if m.helix == "business" and m.nace
                        ).items()
                    )
                ),
                missing_helix=missing,
            )
        )
    return out


# --------------------------------------------------------------------------- 4 portfolio


GRANTED = frozenset({"granted", "completed"})


def _add(cell: Cell, app: ApplicationIn) -> None:
    cell.count += 1
    _add_amount(cell.requested_amount, app.currency, app.requested_amount)
    if app.status in GRANTED:
        cell.granted += 1
        if app.granted_amount is not None:
            _add_amount(cell.granted_amount, app.currency, app.granted_amount)
    elif app.status == "rejected":
        cell.rejected += 1
    cell.decided = cell.granted + cell.rejected


def _level(app: ApplicationIn) -> LevelKey:
    for key in LEVEL_KEYS:
        if app.level == key:
            return key
    return "none"


def _source(app: ApplicationIn) -> str:
    return app.funding_source or "unspecified"


def _portfolio(inputs: ReportInputs, codes: dict[str, str]) -> Portfolio:
    areas: dict[str | None, StrengthAreaPortfolio] = {}
    total = Cell()
    by_level = {k: Cell() for k in LEVEL_KEYS}
    rows: dict[tuple[str | None, LevelKey, str, str], Cell] = defaultdict(Cell)
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
        level = _level(app)
        for cell in (
            area.levels[level],
            area.funding_sources.setdefault(_source(app), Cell()),
            area.total,
            total,
            by_level[level],
            rows[(area.strength_area_code, level, _source(app), app.currency)],
        ):
            _add(cell, app)
    ordered = sorted(
        areas.values(),
        key=lambda a: (a.strength_area_id is None, a.strength_area_code or "", str(a.strength_area_id)),
    )
    for a in ordered:
        a.funding_sources = dict(sorted(a.funding_sources.items()))
    return Portfolio(
        applications=total.count,
        requested_amount=total.requested_amount,
        total=total,
        by_level=by_level,
        by_strength_area=ordered,
        rows=[
            PortfolioRow(
                strength_area_code=code,
                level=level,
                funding_source=source,
                currency=currency,
                count=c.count,
                decided=c.decided,
                granted=c.granted,
                rejected=c.rejected,
                requested_amount=c.requested_amount.get(currency, 0.0),
                granted_amount=c.granted_amount.get(currency, 0.0),
            )
            for (code, level, source, currency), c in sorted(
                rows.items(),
                key=lambda kv: (kv[0][0] is None, kv[0][0] or "", LEVEL_KEYS.index(kv[0][1]), kv[0][2:]),
            )
        ],
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


def _reassessments(inputs: ReportInputs, keep: int = 3) -> list[ReassessmentLine]:
    return [
        ReassessmentLine(
            reassessment_id=UUID(r.reassessment_id),
            plan_key=r.plan_key,
            plan_versions=[PlanVersionRef.model_validate(v) for v in r.plan_versions],
            rubric_version=r.rubric_version,
            summary=r.summary,
            assessed=r.assessed,
            unchanged=r.unchanged,
            moved=r.moved,
            needs_review=r.needs_review,
            groups=[MoveGroupLine.model_validate(g) for g in r.groups],
            completed_at=r.completed_at,
        )
        for r in inputs.reassessments[:keep]
    ]


# --------------------------------------------------------------------------- 5 geography


def _per_inhabitant(amounts: Amounts, population: int | None) -> Amounts:
    if not population:
        return {}
    return {currency: round(value / population, 2) for currency, value in amounts.items()}


def _geography(inputs: ReportInputs) -> Geography:
    own = list(inputs.geography.municipalities) if inputs.geography else []
    cells: dict[str, Cell] = {}
    open_: Counter[str] = Counter()
    for app in inputs.applications:
        for code in set(app.municipalities):
            _add(cells.setdefault(code, Cell()), app)
            open_[code] += app.status in OPEN_STATUSES
    lines = []
    for code in own + sorted(set(cells) - set(own)):
        cell = cells.get(code, Cell())
        m = municipality_by_code(code)
        population = m.population if m else None
        lines.append(
            MunicipalityLine(
                code=code,
                name=m.name if m else code,
                population=population,
                in_region=code in own,
                applications=cell.count,
                open=open_[code],
                granted=cell.granted,
                requested_amount=cell.requested_amount,
                granted_amount=cell.granted_amount,
                granted_per_inhabitant=_per_inhabitant(cell.granted_amount, population),
            )
        )
    return Geography(
        municipalities=lines,
        reached=sum(1 for code in own if code in cells),
        unreached=[code for code in own if code not in cells],
        region_wide=sum(1 for a in inputs.applications if not a.municipalities),
    )


# --------------------------------------------------------------------------- 6 Agenda 2030


def _agenda2030(inputs: ReportInputs) -> Agenda2030:
    claimed: Counter[int] = Counter(g for a in inputs.applications for g in set(a.claimed_goals))
    supported: Counter[int] = Counter(g for a in inputs.applications for g in set(a.supported_goals))
    granted: Counter[int] = Counter(
        g for a in inputs.applications if a.status in GRANTED for g in set(a.supported_goals)
    )
    declared: dict[int, list[str]] = defaultdict(list)
    for sa in sorted(_areas(inputs).values(), key=lambda s: s.code):
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


# --------------------------------------------------------------------------- 7 indicators


def indicator_status(
    baseline: float | None,
    baseline_year: int | None,
    target: float | None,
    target_year: int | None,
    latest: float | None,
    latest_year: int | None,
) -> tuple[IndicatorStatus, float | None]:
    """Whether the latest value is on the straight line from baseline to target; and that line's value."""
    if target is None:
        return "no_target", None
    if latest is None or latest_year is None:
        return "no_data", None
    rising = baseline is None or target >= baseline
    if (latest >= target) if rising else (latest <= target):
        return "achieved", target
    if baseline is None or baseline_year is None or target_year is None or target_year <= baseline_year:
        return "behind", target
    share = min(max((latest_year - baseline_year) / (target_year - baseline_year), 0.0), 1.0)
    expected = round(baseline + (target - baseline) * share, 4)
    on_track = latest >= expected if rising else latest <= expected
    return ("on_track" if on_track else "behind"), expected


def _indicators(inputs: ReportInputs) -> list[IndicatorLine]:
    latest: dict[tuple[str, str], tuple[int, float]] = {}
    for m in inputs.measurements:
        key = (m.action_plan_id, m.sub_goal_id)
        if key not in latest or m.year >= latest[key][0]:
            latest[key] = (m.year, m.value)
    out = []
    for plan in sorted(inputs.plans, key=lambda p: p.strength_area_code):
        if plan.content is None:
            continue
        for sg in plan.content.sub_goals:
            year, value = latest.get((plan.action_plan_id, sg.id), (None, None))
            status, expected = indicator_status(
                sg.baseline, sg.baseline_year, sg.target, sg.target_year, value, year
            )
            out.append(
                IndicatorLine(
                    strength_area_code=plan.strength_area_code,
                    action_plan_id=UUID(plan.action_plan_id),
                    sub_goal_id=sg.id,
                    title=sg.title,
                    indicator=sg.indicator.name,
                    indicator_code=sg.indicator.code,
                    unit=sg.indicator.unit,
                    baseline=sg.baseline,
                    baseline_year=sg.baseline_year,
                    target=sg.target,
                    target_year=sg.target_year,
                    latest=value,
                    latest_year=year,
                    expected=expected,
                    status=status,
                )
            )
    return out


# --------------------------------------------------------------------------- 8 EU enabling condition 1.1


def _ev(key: str, **params: str | int | float) -> Evidence:
    return Evidence(key=key, params=params)


def _names(codes: Iterable[str]) -> str:
    return ", ".join(sorted(codes))


def _status(met: bool, partial: bool) -> CriterionStatus:
    return "met" if met else "partial" if partial else "missing"


def _initiatives(plans: Sequence[PlanIn], topic: str) -> int:
    return sum(
        1 for p in plans if p.content for i in p.content.policy_mix.initiatives if topic in i.addresses
    )


def _eu_criteria(
    inputs: ReportInputs,
    plans: list[PlanLine],
    activities: Activities,
    partnerships: list[AreaPartnership],
    indicators: list[IndicatorLine],
) -> list[CriterionLine]:
    published = [p for p in inputs.plans if p.content is not None]
    codes = {p.action_plan_id: p.strength_area_code for p in published}
    areas = _areas(inputs)
    total = len(plans)
    out = []

    # 1 Up-to-date analysis of challenges for innovation diffusion and digitalisation.
    analysed = [
        p
        for p in published
        if p.content and (p.content.analysis.current_state or p.content.analysis.challenges)
    ]
    documents = sum(len(p.content.analysis.evidence) for p in published if p.content)
    current = [line for line in plans if line.version is not None and not line.overdue]
    digital = _initiatives(published, "digitalisation")
    evidence = [_ev("plans_with_analysis", n=len(analysed), total=total)]
    if documents:
        evidence.append(_ev("evidence_documents", n=documents))
    evidence.append(_ev("plans_up_to_date", n=len(current), total=total))
    if digital:
        evidence.append(_ev("initiatives_digitalisation", n=digital))
    missing = []
    lacking = {line.strength_area_code for line in plans} - {codes[p.action_plan_id] for p in analysed}
    if lacking:
        missing.append(_ev("areas_without_analysis", areas=_names(lacking)))
    stale = [line.strength_area_code for line in plans if line.overdue]
    if stale:
        missing.append(_ev("areas_overdue", areas=_names(stale)))
    out.append(
        CriterionLine(
            number=1,
            key="analysis",
            status=_status(bool(total) and not missing, bool(analysed)),
            evidence=evidence,
            missing=missing,
        )
    )

    # 2 A competent institution or body responsible for managing the strategy.
    evidence, missing = [], []
    adopted = [p for p in inputs.programmes if (p.details.get("adoption") or {}).get("body")]
    for p in adopted:
        a = p.details["adoption"]
        evidence.append(
            _ev(
                "programme_adopted",
                title=p.title,
                body=a["body"],
                date=str(a.get("adopted_on", "")),
                paragraph=a.get("paragraph") or "",
            )
        )
    if not adopted:
        missing.append(_ev("programme_not_adopted"))
    led = [sa.code for sa in areas.values() if sa.process_leader_id]
    evidence.append(_ev("process_leaders", n=len(led), total=len(areas)))
    if len(led) < len(areas):
        unled = {sa.code for sa in areas.values()} - set(led)
        missing.append(_ev("areas_without_process_leader", areas=_names(unled)))
    steered = {
        p.strength_area_code
        for p in published
        if p.content and (p.content.governance.steering_group_id or p.content.governance.roles)
    } | {x.strength_area_code for x in partnerships if x.strength_area_code and x.steering_groups}
    evidence.append(_ev("areas_with_governance", n=len(steered), total=total))
    out.append(
        CriterionLine(
            number=2,
            key="institution",
            status=_status(not missing, bool(adopted or led or steered)),
            evidence=evidence,
            missing=missing,
        )
    )

    # 3 Monitoring and evaluation tools to measure performance towards the strategy's objectives.
    evidence, missing = [], []
    targeted = [i for i in indicators if i.target is not None]
    measured = [i for i in indicators if i.latest is not None]
    chains = [
        p
        for p in published
        if p.content
        and any(getattr(p.content.evaluation.effect_chain, step) for step in ("output", "outcome", "impact"))
    ]
    evidence.append(_ev("sub_goals_with_targets", n=len(targeted), total=len(indicators)))
    evidence.append(_ev("indicators_measured", n=len(measured), total=len(indicators)))
    evidence.append(_ev("effect_chains", n=len(chains), total=len(published)))
    without = {line.strength_area_code for line in plans} - {i.strength_area_code for i in targeted}
    if without:
        missing.append(_ev("areas_without_sub_goals", areas=_names(without)))
    if len(measured) < len(indicators):
        missing.append(_ev("indicators_without_values", n=len(indicators) - len(measured)))
    out.append(
        CriterionLine(
            number=3,
            key="monitoring",
            status=_status(bool(indicators) and not missing, bool(targeted or chains)),
            evidence=evidence,
            missing=missing,
        )
    )

    # 4 Functioning stakeholder cooperation (the entrepreneurial discovery process).
    evidence, missing = [], []
    evidence.append(
        _ev(
            "engagements",
            n=activities.engagements,
            people=activities.unique_people,
            actors=activities.unique_actors,
        )
    )
    whole = [p for p in partnerships if p.strength_area_code and not p.missing_helix]
    evidence.append(_ev("areas_with_all_helices", n=len(whole), total=len(areas)))
    planned = sum(c.planned for c in activities.cycles)
    held = sum(c.held for c in activities.cycles)
    if planned:
        evidence.append(_ev("cycle_meetings", held=held, planned=planned))
    if not activities.engagements:
        missing.append(_ev("no_engagements"))
    gaps = [p.strength_area_code for p in partnerships if p.strength_area_code and p.missing_helix]
    if gaps:
        missing.append(_ev("areas_missing_helix", areas=_names(gaps)))
    if held < planned:
        missing.append(_ev("cycle_meetings_missed", n=planned - held))
    out.append(
        CriterionLine(
            number=4,
            key="stakeholders",
            status=_status(
                not missing and bool(activities.engagements), bool(activities.engagements or whole)
            ),
            evidence=evidence,
            missing=missing,
        )
    )

    # 5–7 Actions (where relevant) and international cooperation, from the policy mix and portfolio.
    academia = sum(p.by_helix.get("academia", 0) for p in partnerships)
    for number, key, topic in (
        (5, "research_innovation", "innovation_system"),
        (6, "industrial_transition", "industrial_transition"),
        (7, "international", "international_cooperation"),
    ):
        n = _initiatives(published, topic)
        evidence = [_ev(f"initiatives_{topic}", n=n)]
        if number == 5 and academia:
            evidence.append(_ev("academia_in_partnerships", n=academia))
        extra = False
        if number == 7:
            interreg = sum(1 for a in inputs.applications if a.funding_source == "interreg")
            if interreg:
                evidence.append(_ev("interreg_applications", n=interreg))
            evidence.append(_ev("cooperation_view_in" if inputs.opted_in else "cooperation_view_out"))
            extra = bool(interreg) or inputs.opted_in
        missing = [] if n else [_ev(f"no_initiatives_{topic}")]
        out.append(
            CriterionLine(
                number=number,
                key=key,
                status=_status(bool(n), extra or (number == 5 and bool(academia))),
                evidence=evidence,
                missing=missing,
            )
        )
    return out


# --------------------------------------------------------------------------- 9 local plans


def _financing(content: LocalPlanContent) -> Amounts:
    amounts: Amounts = {}
    for f in content.financing:
        if f.amount is not None:
            _add_amount(amounts, f.currency, f.amount)
    return amounts


def _local_plans(inputs: ReportInputs, codes: dict[str, str]) -> LocalPlans:
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


# --------------------------------------------------------------------------- the report


def main_currency(inputs: ReportInputs) -> str:
    counts = Counter(a.currency for a in inputs.applications)
    if counts:
        return counts.most_common(1)[0][0]
    return "EUR" if inputs.geography and inputs.geography.country == "FI" else "SEK"


def year_of(day: date) -> Period:
    return Period(start=date(day.year, 1, 1), end=date(day.year, 12, 31))


def build_report(
    inputs: ReportInputs, generated_at: datetime, period: Period | None = None
) -> tuple[ReportContent, BuiltFrom]:
    """The region's report over ``period`` (the calendar year of ``generated_at`` by default), and
    what it was built from."""
    period = period or year_of(generated_at.date())
    refs = plan_refs(inputs.plans)
    key = plan_key(refs)
    plans = _plan_lines(inputs, generated_at)
    codes = _area_codes(inputs)
    activities = _activities(inputs, period, generated_at.date())
    partnerships = _partnerships(inputs, min(period.end, generated_at.date()))
    indicators = _indicators(inputs)
    country = inputs.geography.country if inputs.geography else None
    content = ReportContent(
        region=inputs.region,
        generated_at=generated_at,
        language=language_of(country),
        country=country,
        currency=main_currency(inputs),
        period=period,
        programmes=_programme_lines(inputs),
        plans=plans,
        activities=activities,
        partnerships=partnerships,
        portfolio=_portfolio(inputs, codes),
        assessments=_coverage(inputs, key),
        last_reassessments=_reassessments(inputs),
        geography=_geography(inputs),
        agenda2030=_agenda2030(inputs),
        indicators=indicators,
        eu_criteria=_eu_criteria(inputs, plans, activities, partnerships, indicators),
        local_plans=_local_plans(inputs, codes),
        actors=_actors(inputs),
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


def _actors(inputs: ReportInputs) -> ActorCounts:
    by_helix = dict.fromkeys(HELIX_KEYS, 0)
    for actor in inputs.actors:
        by_helix[actor.helix] = by_helix.get(actor.helix, 0) + 1
    return ActorCounts(total=len(inputs.actors), by_helix=by_helix)


# --------------------------------------------------------------------------- comparing two versions

_KEYS = ("strength_area_code", "code", "goal", "number", "sub_goal_id", "title", "level", "funding_source")
_SKIP = {"generated_at", "strength_area_id", "action_plan_id", "local_plan_id", "cycle_id", "programme_id"}
Scalar = str | int | float | bool | None


def _flatten(value: Any, path: str, out: dict[str, Scalar]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in _SKIP:
                _flatten(v, f"{path}/{k}" if path else str(k), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            key = next(
                (f"{item[k]}" for k in _KEYS if isinstance(item, dict) and item.get(k) is not None), str(i)
            )
            if isinstance(item, dict) and "currency" in item and "level" in item:
                key = f"{item.get('strength_area_code') or '-'}/{item['level']}/{item['funding_source']}/{item['currency']}"
            _flatten(item, f"{path}/{key}", out)
    else:
        out[path] = value


def compare(before: ReportContent, after: ReportContent) -> list[tuple[str, Scalar, Scalar]]:
    """Every figure or entry that differs between two versions: ``(path, before, after)``, e.g.
    ``("portfolio/by_level/spets/count", 12, 7)``. Reassessment history is compared by its latest."""
    a: dict[str, Scalar] = {}
    b: dict[str, Scalar] = {}
    _flatten(before.model_dump(mode="json", exclude={"last_reassessments"}), "", a)
    _flatten(after.model_dump(mode="json", exclude={"last_reassessments"}), "", b)
    changes = [
        (path, a.get(path), b.get(path)) for path in sorted(a.keys() | b.keys()) if a.get(path) != b.get(path)
    ]
    last_a = before.last_reassessments[0].summary if before.last_reassessments else None
    last_b = after.last_reassessments[0].summary if after.last_reassessments else None
    if last_a != last_b:
        changes.append(("last_reassessment", last_a, last_b))
    return changes


def compare_plans(
    before: BuiltFrom, after: BuiltFrom, codes: dict[str, str]
) -> list[tuple[str, Scalar, Scalar]]:
    """Action-plan versions that differ, by strength area code (or plan id): ``(area, "v3", "v4")``."""
    a = {str(r.action_plan_id): r for r in before.plan_versions}
    b = {str(r.action_plan_id): r for r in after.plan_versions}
    out: list[tuple[str, Scalar, Scalar]] = []
    for plan_id in sorted(a.keys() | b.keys()):
        va, vb = a.get(plan_id), b.get(plan_id)
        if (va and va.version) != (vb and vb.version):
            area = str((va or vb).strength_area_id)  # type: ignore[union-attr]
            out.append(
                (codes.get(area, plan_id), f"v{va.version}" if va else None, f"v{vb.version}" if vb else None)
            )
    return out


# --------------------------------------------------------------------------- across regions


@dataclass(frozen=True)
class RegionProfile:
    """A region's strength areas, as its programmes announce them."""

    region: str
    strength_areas: Sequence[StrengthAreaIn]


def nace_division(code: str) -> str:
    """``J62.01`` → ``J62``; a section alone (``C``) stays as it is."""
    return code.split(".", 1)[0]


def _features(profile: RegionProfile) -> dict[str, float]:
    """Economic domains weigh most (divisions, then their sections), then the Agenda 2030 goals."""
    features: dict[str, float] = {}
    for sa in profile.strength_areas:
        for code in sa.nace_codes:
            features[f"nace:{nace_division(code)}"] = 1.0
            features.setdefault(f"section:{code[0]}", 0.5)
        for goal in sa.sdgs:
            features[f"sdg:{goal}"] = 0.25
    return features


def similarity(a: RegionProfile, b: RegionProfile) -> float:
    """Cosine similarity of two regions' priorities, 0…1."""
    fa, fb = _features(a), _features(b)
    dot = sum(w * fb[k] for k, w in fa.items() if k in fb)
    norm = (sum(w * w for w in fa.values()) * sum(w * w for w in fb.values())) ** 0.5
    return round(dot / norm, 4) if norm else 0.0


def shared_domains(profiles: Sequence[RegionProfile]) -> dict[str, list[tuple[str, StrengthAreaIn]]]:
    """NACE divisions in which at least two regions have a strength area: ``{division: [(region, area)]}``."""
    by_division: dict[str, list[tuple[str, StrengthAreaIn]]] = defaultdict(list)
    for p in profiles:
        for sa in p.strength_areas:
            for division in sorted({nace_division(c) for c in sa.nace_codes}):
                by_division[division].append((p.region, sa))
    return {
        d: sorted(entries, key=lambda e: (e[0], e[1].code))
        for d, entries in sorted(by_division.items())
        if len({region for region, _ in entries}) >= 2
    }


def similar_regions(
    profile: RegionProfile, others: Sequence[RegionProfile], top: int = 5
) -> list[tuple[RegionProfile, float, list[str], list[int]]]:
    """The other regions with the most similar priorities, best first, with the codes they share."""
    mine_nace = {nace_division(c) for sa in profile.strength_areas for c in sa.nace_codes}
    mine_goals = {g for sa in profile.strength_areas for g in sa.sdgs}
    ranked = []
    for other in others:
        if other.region == profile.region:
            continue
        score = similarity(profile, other)
        if score <= 0:
            continue
        nace = sorted(mine_nace & {nace_division(c) for sa in other.strength_areas for c in sa.nace_codes})
        goals = sorted(mine_goals & {g for sa in other.strength_areas for g in sa.sdgs})
        ranked.append((other, score, nace, goals))
    ranked.sort(key=lambda r: (-r[1], r[0].region))
    return ranked[:top]
