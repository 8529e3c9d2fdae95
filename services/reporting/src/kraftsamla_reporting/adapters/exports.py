"""The report's tables for spreadsheets: every table of a report version, with headers from the
report's catalogue in the reader's language and things by their names (strength areas,
municipalities, NACE sections, goals), never their codes. Written as XLSX or CSV by
:mod:`kraftsamla_common.exports`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal, get_args

from kraftsamla_common.exports import Amount, Column, Table

from ..domain.content import DIMENSION_KEYS, HELIX_KEYS, Language
from ..schemas import ReportContentPublic
from .labels import Labels

TableName = Literal[
    "plans",
    "activities",
    "annual-cycle",
    "partnerships",
    "members-by-municipality",
    "members-by-industry",
    "portfolio",
    "municipalities",
    "agenda2030",
    "sustainability",
    "indicators",
    "eu-criteria",
    "local-plans",
    "alignment",
]
"""The report's tables, in the order of its sections (each is also a download of its own)."""
TABLE_NAMES: tuple[TableName, ...] = get_args(TableName)


class ReportTables:
    """The tables of one report version in one language."""

    def __init__(self, content: ReportContentPublic, language: Language) -> None:
        self.c = content
        self.t = t = Labels(language)
        names = {p.strength_area_code: p.strength_area_name for p in content.plans}

        def area(code: str | None, none: str = "no_strength_area") -> str:
            if code is None:
                return t(none)
            name = names.get(code)
            return (t.text(name.model_dump(exclude_none=True)) or code) if name else code

        self.area = area

    def table(self, name: TableName) -> Table:
        return getattr(self, name.replace("-", "_"))()  # type: ignore[no-any-return]

    def all(self) -> list[Table]:
        return [self.table(name) for name in TABLE_NAMES]

    def _columns(self, *columns: Column | str) -> list[Column]:
        """Columns by catalogue key (text) or as given."""
        return [c if isinstance(c, Column) else Column(self.t(c)) for c in columns]

    def _count(self, key: str) -> Column:
        return Column(self.t(key), "integer")

    def _names(self, codes: Iterable[str], name: Callable[[str], str]) -> str:
        return ", ".join(name(code) for code in codes)

    # ------------------------------------------------------------------ 1 programme and plans

    def plans(self) -> Table:
        t = self.t
        return Table(
            t("sheet_plans"),
            self._columns(
                "strength_area",
                Column(t("version"), "integer"),
                Column(t("published"), "date"),
                self._count("priorities"),
                self._count("revisions_last_year"),
                Column(t("next_review"), "date"),
                "status",
            ),
            [
                [
                    self.area(p.strength_area_code),
                    p.version,
                    p.published_at,
                    p.priorities,
                    p.revisions_last_year,
                    p.next_review,
                    t("no_plan" if p.version is None else "overdue" if p.overdue else "up_to_date"),
                ]
                for p in self.c.plans
            ],
        )

    # ------------------------------------------------------------------ 2 activities

    def activities(self) -> Table:
        a = self.c.activities
        return Table(
            self.t("sheet_activities"),
            self._columns(
                "strength_area",
                *(
                    self._count(k)
                    for k in ("engagements", "participations", "unique_people", "unique_actors")
                ),
            ),
            [
                [
                    self.area(r.strength_area_code, "other"),
                    r.engagements,
                    r.participations,
                    r.unique_people,
                    r.unique_actors,
                ]
                for r in (a.by_strength_area if a else [])
            ],
        )

    def annual_cycle(self) -> Table:
        t = self.t
        a = self.c.activities
        return Table(
            t("sheet_annual_cycle"),
            self._columns(
                "meeting",
                "strength_area",
                "frequency",
                self._count("planned"),
                self._count("held"),
                "missed",
            ),
            [
                [
                    cy.title,
                    self.area(cy.strength_area_code, "none"),
                    t(cy.frequency) if t.has(cy.frequency) else cy.frequency,
                    cy.planned,
                    cy.held,
                    ", ".join(cy.missed),
                ]
                for cy in (a.cycles if a else [])
            ],
        )

    # ------------------------------------------------------------------ 3 partnerships

    def partnerships(self) -> Table:
        t = self.t
        return Table(
            t("sheet_partnerships"),
            self._columns(
                "strength_area",
                self._count("groups"),
                self._count("steering_groups"),
                self._count("actors"),
                *(self._count(f"helix_{h}") for h in HELIX_KEYS),
                "gaps",
            ),
            [
                [
                    self.area(p.strength_area_code, "other"),
                    p.groups,
                    p.steering_groups,
                    p.actors,
                    *(p.by_helix.get(h, 0) for h in HELIX_KEYS),
                    self._names(p.missing_helix, lambda h: t(f"helix_{h}")),
                ]
                for p in self.c.partnerships
            ],
        )

    def members_by_municipality(self) -> Table:
        t = self.t
        return Table(
            t("sheet_members_municipality"),
            self._columns("strength_area", "municipality", "municipality_code", self._count("actors")),
            [
                [self.area(p.strength_area_code, "other"), t.municipality(code), code, n]
                for p in self.c.partnerships
                for code, n in p.by_municipality.items()
            ],
        )

    def members_by_industry(self) -> Table:
        t = self.t
        return Table(
            t("sheet_members_industry"),
            self._columns("strength_area", "industry", "nace_section", self._count("actors")),
            [
                [self.area(p.strength_area_code, "other"), t.industry(section), section, n]
                for p in self.c.partnerships
                for section, n in p.by_industry.items()
            ],
        )

    # ------------------------------------------------------------------ 4 portfolio

    def portfolio(self) -> Table:
        """Strength area × level × funding source × currency: counts, decisions and amounts."""
        t = self.t
        return Table(
            t("sheet_portfolio"),
            self._columns(
                "strength_area",
                "level",
                "funding_source",
                "currency",
                *(self._count(k) for k in ("applications", "decided", "granted", "rejected")),
                Column(t("requested_amount"), "amount"),
                Column(t("granted_amount"), "amount"),
            ),
            [
                [
                    self.area(r.strength_area_code),
                    t(f"level_{r.level}"),
                    self._source(r.funding_source),
                    r.currency,
                    r.count,
                    r.decided,
                    r.granted,
                    r.rejected,
                    Amount(r.requested_amount, r.currency),
                    Amount(r.granted_amount, r.currency),
                ]
                for r in self.c.portfolio.rows
            ],
        )

    def _source(self, source: str) -> str:
        key = f"source_{source}"
        return self.t(key) if self.t.has(key) else source

    # ------------------------------------------------------------------ 5 geography

    def municipalities(self) -> Table:
        """One row per municipality: applications, decisions, amounts and per inhabitant (in the
        report's main currency)."""
        t = self.t
        cur = self.c.currency
        rows = self.c.geography.municipalities if self.c.geography else []
        return Table(
            t("sheet_municipalities"),
            self._columns(
                "municipality_code",
                "municipality",
                "in_region",
                self._count("population"),
                *(self._count(k) for k in ("applications", "open", "granted")),
                Column(f"{t('requested_amount')} ({cur})", "amount", currency=cur),
                Column(f"{t('granted_amount')} ({cur})", "amount", currency=cur),
                Column(f"{t('per_inhabitant')} ({cur})", "amount", digits=2, currency=cur),
            ),
            [
                [
                    m.code,
                    m.name,
                    t("yes" if m.in_region else "no"),
                    m.population,
                    m.applications,
                    m.open,
                    m.granted,
                    m.requested_amount.get(cur, 0.0),
                    m.granted_amount.get(cur, 0.0),
                    m.granted_per_inhabitant.get(cur),
                ]
                for m in rows
            ],
        )

    # ------------------------------------------------------------------ 6 Agenda 2030

    def agenda2030(self) -> Table:
        t = self.t
        ag = self.c.agenda2030
        return Table(
            t("sheet_goals"),
            self._columns(
                Column(t("goal"), "integer"),
                "name",
                *(self._count(k) for k in ("claimed", "supported", "granted")),
                "declared_by",
            ),
            [
                [
                    g.goal,
                    t.goal(g.goal),
                    g.claimed,
                    g.supported,
                    g.granted,
                    self._names(g.strength_areas, self.area),
                ]
                for g in (ag.goals if ag else [])
            ],
        )

    def sustainability(self) -> Table:
        t = self.t
        ag = self.c.agenda2030
        s = ag.sustainability if ag else None
        lines: list[tuple[str, int]] = (
            [
                *((f"dimension_{d}", s.dimensions.get(d, 0)) for d in DIMENSION_KEYS),
                ("all_three", s.all_three),
                ("no_dimension", s.none),
                ("with_conflicts", s.with_conflicts),
            ]
            if s
            else []
        )
        return Table(
            t("sheet_sustainability"),
            self._columns(
                "dimension", self._count("assessed_applications"), Column(t("share"), "percentage")
            ),
            [[t(key), n, n / s.assessed if s and s.assessed else None] for key, n in lines],
        )

    # ------------------------------------------------------------------ 7 indicators

    def indicators(self) -> Table:
        t = self.t

        def number(key: str) -> Column:
            return Column(t(key), "decimal")

        return Table(
            t("sheet_indicators"),
            self._columns(
                "strength_area",
                "sub_goal",
                "indicator",
                "indicator_code",
                "unit",
                number("baseline"),
                Column(t("baseline_year"), "integer", grouped=False),
                number("target"),
                Column(t("target_year"), "integer", grouped=False),
                number("latest"),
                Column(t("latest_year"), "integer", grouped=False),
                number("expected"),
                "status",
            ),
            [
                [
                    self.area(i.strength_area_code),
                    t.text(i.title.model_dump()),
                    i.indicator,
                    i.indicator_code,
                    i.unit,
                    i.baseline,
                    i.baseline_year,
                    i.target,
                    i.target_year,
                    i.latest,
                    i.latest_year,
                    i.expected,
                    t(f"indicator_{i.status}"),
                ]
                for i in self.c.indicators
            ],
        )

    # ------------------------------------------------------------------ 8 EU enabling condition 1.1

    def eu_criteria(self) -> Table:
        t = self.t
        return Table(
            t("sheet_criteria"),
            self._columns(Column(t("number"), "integer"), "criterion", "status", "evidence", "missing"),
            [
                [
                    cr.number,
                    t(f"criterion_{cr.key}"),
                    t(f"criterion_{cr.status}"),
                    "\n".join(t.fill(f"ev_{e.key}", e.params) for e in cr.evidence),
                    "\n".join(t.fill(f"ev_{e.key}", e.params) for e in cr.missing),
                ]
                for cr in self.c.eu_criteria
            ],
        )

    # ------------------------------------------------------------------ 9 local plans

    def local_plans(self) -> Table:
        t = self.t
        plans = self.c.local_plans.plans if self.c.local_plans else []
        currencies = sorted({cur for p in plans for cur in p.financing})
        return Table(
            t("sheet_local_plans"),
            self._columns(
                "local_plan",
                Column(t("version"), "integer"),
                Column(t("published"), "date"),
                "municipality",
                "serves",
                self._count("actions"),
                self._count("actions_linked"),
                *(Column(f"{t('financing')} ({cur})", "amount", currency=cur) for cur in currencies),
            ),
            [
                [
                    p.title,
                    p.version,
                    p.published_at,
                    self._names(p.municipalities, t.municipality),
                    self._names(p.strength_area_codes, self.area),
                    p.actions,
                    p.actions_linked,
                    *(p.financing.get(cur) for cur in currencies),
                ]
                for p in plans
            ],
        )

    def alignment(self) -> Table:
        t = self.t
        lp = self.c.local_plans
        return Table(
            t("sheet_alignment"),
            self._columns("strength_area", self._count("s9"), self._count("actions"), "municipality"),
            [
                [
                    self.area(a.strength_area_code),
                    a.local_plans,
                    a.actions,
                    self._names(a.municipalities, t.municipality),
                ]
                for a in (lp.by_strength_area if lp else [])
            ],
        )
