"""What differs between two report versions, section by section (pure: the words are the adapters').

A change belongs to a section of the report (``s1`` … ``s9``, ``report`` for the period and currency,
``built_from`` for the plan versions) and names its **subject** as a path of parts, each a kind of
thing with its key and, where the content carries one, its name (a strength area by its code and
its names, a level, a funding source, a municipality…); the **figure** by a stable key (mostly the
field of the report's JSON) and its values **before** and **after**, with the ``kind`` that says how
to read them (a count, an amount in ``unit``'s currency, a date…).

An entry of a list or table (a strength area's row, a municipality, a goal, a portfolio row…) found
in only one version is one change, ``added`` or ``removed``, carrying its own figures; an item of a
list of names (a helix gap, a municipality not reached, a finding) likewise, as ``item``. Figures
equal in both versions are counted as ``unchanged``, not listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from kraftsamla_common.events import LocalizedText

from .content import (
    Activities,
    Agenda2030,
    AreaActivity,
    AreaAlignment,
    AreaPartnership,
    BuiltFrom,
    Cell,
    CriterionLine,
    CycleLine,
    Evidence,
    Geography,
    GoalLine,
    IndicatorLine,
    LocalPlanLine,
    LocalPlans,
    MunicipalityLine,
    Period,
    PlanLine,
    PortfolioRow,
    ProgrammeLine,
    ReportContent,
    StrengthAreaPortfolio,
    Sustainability,
)

T = TypeVar("T")

ChangeKind = Literal["changed", "added", "removed"]
ValueKind = Literal[
    "count",
    "number",
    "money",
    "date",
    "year",
    "version",
    "text",
    "period",
    "plan_status",
    "indicator_status",
    "criterion_status",
    "frequency",
    "entry",
    "item",
]
"""How to read a figure's values: ``money`` in the change's ``unit`` (a currency), ``number`` in its
``unit`` (an indicator's), ``*_status`` and ``frequency`` as vocabulary keys; ``entry`` for a whole
entry added or removed (its figures listed apart), ``item`` for an item added to or removed from a
list (the values are its key)."""
PartKind = Literal[
    "programme",
    "strength_area",
    "cycle",
    "slot",
    "level",
    "funding_source",
    "currency",
    "helix",
    "municipality",
    "industry",
    "recommendation",
    "goal",
    "dimension",
    "sub_goal",
    "indicator",
    "criterion",
    "finding",
    "local_plan",
]
SECTIONS = ("report", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9")
"""The sections a change belongs to, in the report's order (``built_from``: the plan versions)."""
Value = str | int | float | bool | date | datetime | Period | None


@dataclass(frozen=True)
class Part:
    """One step of a change's subject: a kind of thing, its key (code, id, vocabulary key; ``None``
    for "without a strength area") and the name the content gives it, if any."""

    kind: PartKind
    key: str | None
    name: LocalizedText | str | None = None
    params: tuple[tuple[str, str | int | float], ...] = ()
    """A finding's figures (its words take them), by name."""


@dataclass(frozen=True)
class Figure:
    """One figure of an entry that was added or removed."""

    figure: str
    kind: ValueKind
    value: Value
    unit: str | None = None


@dataclass(frozen=True)
class Change:
    """One figure, entry or item that differs between two report versions."""

    section: str
    subject: tuple[Part, ...]
    figure: str | None
    """``None`` for an entry added or removed as a whole."""
    change: ChangeKind
    kind: ValueKind
    before: Value
    after: Value
    unit: str | None = None
    item: Part | None = None
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Difference:
    changes: list[Change]
    unchanged: int
    """Figures (and items of lists) equal in both versions."""


Spec = tuple[tuple[str, ValueKind], ...]
"""Figures of an entry: attribute and how to read it; a ``money`` attribute may be amounts per
currency (a dict) or one amount in the entry's unit."""


@dataclass(frozen=True)
class _Entries(Generic[T]):
    """How to compare the entries of one list: what identifies an entry, what names it, which
    figures it has (read from ``figures_of`` the entry) and what it holds further down."""

    key: Callable[[T], object]
    parts: Callable[[_Diff, T], tuple[Part, ...]]
    spec: Spec = ()
    figures_of: Callable[[T], Any] = lambda entry: entry
    unit: Callable[[T], str | None] = lambda entry: None
    nested: Callable[[_Diff, tuple[Part, ...], T, T], None] | None = None


class _Diff:
    """Collects the changes of one comparison, section by section."""

    def __init__(self, names: Mapping[str, LocalizedText | None]) -> None:
        self.names = names
        self.section = ""
        self.changes: list[Change] = []
        self.unchanged = 0

    def area(self, code: str | None) -> Part:
        return Part("strength_area", code, self.names.get(code) if code else None)

    def value(
        self,
        subject: tuple[Part, ...],
        figure: str,
        kind: ValueKind,
        a: Value,
        b: Value,
        unit: str | None = None,
    ) -> None:
        if a == b:
            self.unchanged += 1
        else:
            self.changes.append(Change(self.section, subject, figure, "changed", kind, a, b, unit))

    def fields(self, subject: tuple[Part, ...], a: Any, b: Any, spec: Spec, unit: str | None = None) -> None:
        for name, kind in spec:
            x, y = getattr(a, name), getattr(b, name)
            if isinstance(x, dict) or isinstance(y, dict):
                self.amounts(subject, name, x or {}, y or {})
            else:
                self.value(subject, name, kind, x, y, unit if kind in ("money", "number") else None)

    def amounts(
        self, subject: tuple[Part, ...], figure: str, a: Mapping[str, float], b: Mapping[str, float]
    ) -> None:
        for currency in _union(a, b):
            self.value(subject, figure, "money", a.get(currency, 0.0), b.get(currency, 0.0), currency)

    def counts(
        self,
        subject: tuple[Part, ...],
        kind: PartKind,
        figure: str,
        a: Mapping[str, int],
        b: Mapping[str, int],
    ) -> None:
        """Counts by a vocabulary (helix, recommendation…): a key missing from one version counts 0."""
        for key in _union(a, b):
            self.value((*subject, Part(kind, key)), figure, "count", a.get(key, 0), b.get(key, 0))

    def items(self, subject: tuple[Part, ...], figure: str, a: Iterable[Part], b: Iterable[Part]) -> None:
        """Items of a list of names, each added or removed as such."""
        xs = {_identity(p): p for p in a}
        ys = {_identity(p): p for p in b}
        for k, p in xs.items():
            if k not in ys:
                self.changes.append(
                    Change(self.section, subject, figure, "removed", "item", p.key, None, item=p)
                )
        for k, p in ys.items():
            if k not in xs:
                self.changes.append(
                    Change(self.section, subject, figure, "added", "item", None, p.key, item=p)
                )
        self.unchanged += len(xs.keys() & ys.keys())

    def entries(self, subject: tuple[Part, ...], how: _Entries[T], a: Sequence[T], b: Sequence[T]) -> None:
        xs = {how.key(e): e for e in a}
        ys = {how.key(e): e for e in b}
        for key in _union(xs, ys):
            x, y = xs.get(key), ys.get(key)
            entry = y if y is not None else x
            assert entry is not None
            where = (*subject, *how.parts(self, entry))
            if x is None or y is None:
                self.changes.append(
                    Change(
                        self.section,
                        where,
                        None,
                        "added" if x is None else "removed",
                        "entry",
                        None,
                        None,
                        figures=_figures(how.figures_of(entry), how.spec, how.unit(entry)),
                    )
                )
                continue
            self.fields(where, how.figures_of(x), how.figures_of(y), how.spec, how.unit(y))
            if how.nested:
                how.nested(self, where, x, y)


def _union(a: Iterable[T], b: Iterable[T]) -> list[T]:
    """Keys of both, in the later version's order, then those only the earlier has."""
    later = list(b)
    seen = set(later)
    return later + [k for k in a if k not in seen]


def _identity(p: Part) -> tuple[object, ...]:
    return (p.kind, p.key, p.params)


def _figures(entry: Any, spec: Spec, unit: str | None) -> tuple[Figure, ...]:
    """An entry's figures that say something (not empty, not zero)."""
    out: list[Figure] = []
    for name, kind in spec:
        value = getattr(entry, name)
        if isinstance(value, dict):
            out.extend(Figure(name, "money", v, c) for c, v in sorted(value.items()) if v)
        elif value not in (None, "", 0) and value is not False:
            out.append(Figure(name, kind, value, unit if kind in ("money", "number") else None))
    return tuple(out)


# --------------------------------------------------------------------------- what each section holds

CELL: Spec = (
    ("count", "count"),
    ("decided", "count"),
    ("granted", "count"),
    ("rejected", "count"),
    ("requested_amount", "money"),
    ("granted_amount", "money"),
)
PROGRAMME: Spec = (
    ("title", "text"),
    ("reference", "text"),
    ("period_start", "year"),
    ("period_end", "year"),
    ("adopted_on", "date"),
    ("adopted_by", "text"),
    ("paragraph", "text"),
    ("strength_areas", "count"),
)
PLAN: Spec = (
    ("version", "version"),
    ("published_at", "date"),
    ("priorities", "count"),
    ("revisions_last_year", "count"),
    ("next_review", "date"),
)
ACTIVITY: Spec = (
    ("engagements", "count"),
    ("participations", "count"),
    ("unique_people", "count"),
    ("unique_actors", "count"),
)
CYCLE: Spec = (("frequency", "frequency"), ("planned", "count"), ("held", "count"), ("meetings", "count"))
PARTNERSHIP: Spec = (("groups", "count"), ("steering_groups", "count"), ("actors", "count"))
MUNICIPALITY: Spec = (
    ("population", "count"),
    ("applications", "count"),
    ("open", "count"),
    ("granted", "count"),
    ("requested_amount", "money"),
    ("granted_amount", "money"),
    ("granted_per_inhabitant", "money"),
)
GOAL: Spec = (("claimed", "count"), ("supported", "count"), ("granted", "count"))
INDICATOR: Spec = (
    ("baseline", "number"),
    ("baseline_year", "year"),
    ("target", "number"),
    ("target_year", "year"),
    ("latest", "number"),
    ("latest_year", "year"),
    ("expected", "number"),
    ("status", "indicator_status"),
)
LOCAL_PLAN: Spec = (
    ("version", "version"),
    ("published_at", "date"),
    ("actions", "count"),
    ("actions_linked", "count"),
    ("financing", "money"),
)
ALIGNMENT: Spec = (("local_plans", "count"), ("actions", "count"))


@dataclass(frozen=True)
class _PlanFigures:
    """A strength area's plan line with its status as one figure."""

    version: int | None
    published_at: datetime | None
    priorities: int
    revisions_last_year: int
    next_review: date | None
    status: str


def _plan_figures(line: PlanLine) -> _PlanFigures:
    status = "no_plan" if line.version is None else "overdue" if line.overdue else "up_to_date"
    return _PlanFigures(
        line.version, line.published_at, line.priorities, line.revisions_last_year, line.next_review, status
    )


def _level_cells(
    d: _Diff, where: tuple[Part, ...], a: StrengthAreaPortfolio, b: StrengthAreaPortfolio
) -> None:
    d.entries(where, _LEVEL_CELLS, list(a.levels.items()), list(b.levels.items()))
    d.entries(where, _SOURCE_CELLS, list(a.funding_sources.items()), list(b.funding_sources.items()))


_LEVEL_CELLS: _Entries[tuple[str, Cell]] = _Entries(
    key=lambda kv: kv[0], parts=lambda d, kv: (Part("level", kv[0]),), spec=CELL, figures_of=lambda kv: kv[1]
)
_SOURCE_CELLS: _Entries[tuple[str, Cell]] = _Entries(
    key=lambda kv: kv[0],
    parts=lambda d, kv: (Part("funding_source", kv[0]),),
    spec=CELL,
    figures_of=lambda kv: kv[1],
)
_PROGRAMMES: _Entries[ProgrammeLine] = _Entries(
    key=lambda p: p.programme_id,
    parts=lambda d, p: (Part("programme", str(p.programme_id), p.title),),
    spec=PROGRAMME,
)
_PLANS: _Entries[PlanLine] = _Entries(
    key=lambda line: line.strength_area_id,
    parts=lambda d, line: (d.area(line.strength_area_code),),
    spec=(*PLAN, ("status", "plan_status")),
    figures_of=_plan_figures,
)
_AREA_ACTIVITY: _Entries[AreaActivity] = _Entries(
    key=lambda r: r.strength_area_code, parts=lambda d, r: (d.area(r.strength_area_code),), spec=ACTIVITY
)
_CYCLES: _Entries[CycleLine] = _Entries(
    key=lambda c: c.cycle_id,
    parts=lambda d, c: (Part("cycle", str(c.cycle_id), c.title),),
    spec=CYCLE,
    nested=lambda d, where, a, b: d.items(
        where, "missed", [Part("slot", s) for s in a.missed], [Part("slot", s) for s in b.missed]
    ),
)


def _partnership(d: _Diff, where: tuple[Part, ...], a: AreaPartnership, b: AreaPartnership) -> None:
    d.counts(where, "helix", "actors", a.by_helix, b.by_helix)
    d.counts(where, "municipality", "actors", a.by_municipality, b.by_municipality)
    d.counts(where, "industry", "actors", a.by_industry, b.by_industry)
    d.items(
        where,
        "gaps",
        [Part("helix", h) for h in a.missing_helix],
        [Part("helix", h) for h in b.missing_helix],
    )


_PARTNERSHIPS: _Entries[AreaPartnership] = _Entries(
    key=lambda p: p.strength_area_code,
    parts=lambda d, p: (d.area(p.strength_area_code),),
    spec=PARTNERSHIP,
    nested=_partnership,
)
_AREA_PORTFOLIO: _Entries[StrengthAreaPortfolio] = _Entries(
    key=lambda a: a.strength_area_code,
    parts=lambda d, a: (d.area(a.strength_area_code),),
    spec=CELL,
    figures_of=lambda a: a.total,
    nested=_level_cells,
)
_ROWS: _Entries[PortfolioRow] = _Entries(
    key=lambda r: (r.strength_area_code, r.level, r.funding_source, r.currency),
    parts=lambda d, r: (
        d.area(r.strength_area_code),
        Part("level", r.level),
        Part("funding_source", r.funding_source),
        Part("currency", r.currency),
    ),
    spec=CELL,
    unit=lambda r: r.currency,
)
_MUNICIPALITIES: _Entries[MunicipalityLine] = _Entries(
    key=lambda m: m.code, parts=lambda d, m: (Part("municipality", m.code, m.name),), spec=MUNICIPALITY
)
_GOALS: _Entries[GoalLine] = _Entries(
    key=lambda g: g.goal,
    parts=lambda d, g: (Part("goal", str(g.goal)),),
    spec=GOAL,
    nested=lambda d, where, a, b: d.items(
        where, "strength_areas", [d.area(c) for c in a.strength_areas], [d.area(c) for c in b.strength_areas]
    ),
)
_INDICATORS: _Entries[IndicatorLine] = _Entries(
    key=lambda i: (i.strength_area_code, i.sub_goal_id),
    parts=lambda d, i: (
        d.area(i.strength_area_code),
        Part("sub_goal", i.sub_goal_id, i.title),
        Part("indicator", i.indicator_code or i.sub_goal_id, i.indicator),
    ),
    spec=INDICATOR,
    unit=lambda i: i.unit,
)


def _finding(e: Evidence) -> Part:
    return Part("finding", e.key, params=tuple(sorted(e.params.items())))


def _findings(d: _Diff, where: tuple[Part, ...], a: CriterionLine, b: CriterionLine) -> None:
    d.items(where, "evidence", map(_finding, a.evidence), map(_finding, b.evidence))
    d.items(where, "missing", map(_finding, a.missing), map(_finding, b.missing))


_CRITERIA: _Entries[CriterionLine] = _Entries(
    key=lambda c: c.number,
    parts=lambda d, c: (Part("criterion", c.key),),
    spec=(("status", "criterion_status"),),
    nested=_findings,
)


def _towns(codes: Iterable[str]) -> list[Part]:
    return [Part("municipality", c) for c in codes]


def _local_plan(d: _Diff, where: tuple[Part, ...], a: LocalPlanLine, b: LocalPlanLine) -> None:
    d.items(where, "municipalities", _towns(a.municipalities), _towns(b.municipalities))
    served = [d.area(c) for c in a.strength_area_codes], [d.area(c) for c in b.strength_area_codes]
    d.items(where, "serves", *served)


_LOCAL_PLANS: _Entries[LocalPlanLine] = _Entries(
    key=lambda p: p.local_plan_id,
    parts=lambda d, p: (Part("local_plan", str(p.local_plan_id), p.title),),
    spec=LOCAL_PLAN,
    nested=_local_plan,
)
_ALIGNMENT: _Entries[AreaAlignment] = _Entries(
    key=lambda a: a.strength_area_code,
    parts=lambda d, a: (d.area(a.strength_area_code),),
    spec=ALIGNMENT,
    nested=lambda d, where, a, b: d.items(
        where, "municipalities", _towns(a.municipalities), _towns(b.municipalities)
    ),
)

_NO_ACTIVITIES = Activities(
    year=0, engagements=0, participations=0, unique_people=0, unique_actors=0, by_strength_area=[]
)
_NO_GEOGRAPHY = Geography(municipalities=[], reached=0, unreached=[], region_wide=0)
_NO_AGENDA = Agenda2030(
    goals=[], sustainability=Sustainability(assessed=0, dimensions={}, all_three=0, none=0, with_conflicts=0)
)
_NO_LOCAL_PLANS = LocalPlans(plans=[], by_strength_area=[], unaligned=0)


def _report(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    d.value((), "period", "period", a.period, b.period)
    d.value((), "currency", "text", a.currency, b.currency)


def _programme_and_plans(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    d.entries((), _PROGRAMMES, a.programmes, b.programmes)
    d.entries((), _PLANS, a.plans, b.plans)


def _activities(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    x, y = a.activities or _NO_ACTIVITIES, b.activities or _NO_ACTIVITIES
    d.fields((), x, y, ACTIVITY)
    d.entries((), _AREA_ACTIVITY, x.by_strength_area, y.by_strength_area)
    d.entries((), _CYCLES, x.cycles, y.cycles)


def _partnerships(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    d.entries((), _PARTNERSHIPS, a.partnerships, b.partnerships)
    d.value((), "registered_actors", "count", a.actors.total, b.actors.total)
    d.counts((), "helix", "registered_actors", a.actors.by_helix, b.actors.by_helix)


def _portfolio(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    # The portfolio's ``applications`` and ``requested_amount`` are its total's: compared once, there.
    d.fields((), a.portfolio.total, b.portfolio.total, CELL)
    d.entries((), _LEVEL_CELLS, list(a.portfolio.by_level.items()), list(b.portfolio.by_level.items()))
    d.entries((), _AREA_PORTFOLIO, a.portfolio.by_strength_area, b.portfolio.by_strength_area)
    d.entries((), _ROWS, a.portfolio.rows, b.portfolio.rows)
    coverage: Spec = (("current", "count"), ("outdated", "count"), ("not_assessed", "count"))
    d.fields((), a.assessments, b.assessments, coverage)
    d.counts(
        (), "recommendation", "assessments", a.assessments.by_recommendation, b.assessments.by_recommendation
    )
    # The reassessment history is compared by its latest.
    la = a.last_reassessments[0] if a.last_reassessments else None
    lb = b.last_reassessments[0] if b.last_reassessments else None
    if (la and la.reassessment_id) == (lb and lb.reassessment_id):
        d.unchanged += 1
    else:
        d.changes.append(
            Change(
                d.section,
                (),
                "last_reassessment",
                "changed",
                "date",
                la.completed_at if la else None,
                lb.completed_at if lb else None,
            )
        )


def _geography(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    x, y = a.geography or _NO_GEOGRAPHY, b.geography or _NO_GEOGRAPHY
    names = {m.code: m.name for m in [*x.municipalities, *y.municipalities]}
    d.fields((), x, y, (("reached", "count"), ("region_wide", "count")))
    d.items(
        (),
        "unreached",
        [Part("municipality", c, names.get(c)) for c in x.unreached],
        [Part("municipality", c, names.get(c)) for c in y.unreached],
    )
    d.entries((), _MUNICIPALITIES, x.municipalities, y.municipalities)


def _agenda2030(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    x, y = a.agenda2030 or _NO_AGENDA, b.agenda2030 or _NO_AGENDA
    d.entries((), _GOALS, x.goals, y.goals)
    s, t = x.sustainability, y.sustainability
    d.value((), "assessed", "count", s.assessed, t.assessed)
    d.counts((), "dimension", "applications", s.dimensions, t.dimensions)
    d.fields((), s, t, (("all_three", "count"), ("none", "count"), ("with_conflicts", "count")))


def _indicators(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    d.entries((), _INDICATORS, a.indicators, b.indicators)


def _eu_criteria(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    d.entries((), _CRITERIA, a.eu_criteria, b.eu_criteria)


def _local_plans(d: _Diff, a: ReportContent, b: ReportContent) -> None:
    x, y = a.local_plans or _NO_LOCAL_PLANS, b.local_plans or _NO_LOCAL_PLANS
    d.entries((), _LOCAL_PLANS, x.plans, y.plans)
    d.entries((), _ALIGNMENT, x.by_strength_area, y.by_strength_area)
    d.value((), "unaligned", "count", x.unaligned, y.unaligned)


_SECTIONS: dict[str, Callable[[_Diff, ReportContent, ReportContent], None]] = {
    "report": _report,
    "s1": _programme_and_plans,
    "s2": _activities,
    "s3": _partnerships,
    "s4": _portfolio,
    "s5": _geography,
    "s6": _agenda2030,
    "s7": _indicators,
    "s8": _eu_criteria,
    "s9": _local_plans,
}


def area_names(*contents: ReportContent) -> dict[str, LocalizedText | None]:
    """Strength areas' names by code, as the contents name them (the later content's win)."""
    return {line.strength_area_code: line.strength_area_name for c in contents for line in c.plans}


def compare(before: ReportContent, after: ReportContent) -> Difference:
    """Every figure, entry and item that differs between two versions, section by section in the
    report's order, and how many figures are equal."""
    d = _Diff(area_names(before, after))
    for section, compare_section in _SECTIONS.items():
        d.section = section
        compare_section(d, before, after)
    return Difference(d.changes, d.unchanged)


def compare_plans(before: BuiltFrom, after: BuiltFrom, plans: Sequence[PlanLine]) -> list[Change]:
    """The action-plan versions two report versions were built from, where they differ: a strength
    area's plan ``before`` → ``after`` (``None`` where a version had none)."""
    areas = {line.strength_area_id: line for line in plans}
    a = {r.action_plan_id: r for r in before.plan_versions}
    b = {r.action_plan_id: r for r in after.plan_versions}
    out: list[Change] = []
    for plan_id in _union(a, b):
        x, y = a.get(plan_id), b.get(plan_id)
        if x is not None and y is not None and x.version == y.version:
            continue
        ref = y or x
        assert ref is not None
        line = areas.get(ref.strength_area_id)
        part = (
            Part("strength_area", line.strength_area_code, line.strength_area_name)
            if line
            else Part("strength_area", str(ref.strength_area_id))
        )
        out.append(
            Change(
                "built_from",
                (part,),
                "version",
                "changed",
                "version",
                x.version if x else None,
                y.version if y else None,
            )
        )
    return out
