"""The report as people read it: HTML (with its charts) for the browser and the PDF, from the API's
view of a report version (its tables for spreadsheets are :mod:`.exports`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..domain import charts
from ..domain.content import LEVEL_KEYS, Amounts, Language
from ..schemas import BuiltFromPublic, ChangePublic, ReportContentPublic, ReportSummaryPublic
from .labels import GOAL_COLOURS, Labels

_env = Environment(
    loader=PackageLoader("kraftsamla_reporting", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class Formats:
    """Numbers, amounts and dates in the reader's locale (Babel's formats of the language)."""

    def __init__(self, t: Labels) -> None:
        self.locale = t.locale
        self.t = t

    def num(self, value: float | int | None) -> str:
        return self.t.number(value)

    def money(self, value: float, currency: str) -> str:
        """Whole units for sums, two decimals below a hundred (per inhabitant): ``1 250 000 SEK``."""
        return self.t.money(value, currency)

    def amounts(self, amounts: Amounts) -> str:
        if not amounts:
            return self.t("none")
        return ", ".join(self.money(v, c) for c, v in sorted(amounts.items()))

    def day(self, value: date | datetime | None) -> str:
        return self.t.day(value)


def _charts(c: ReportContentPublic, t: Labels, f: Formats) -> dict[str, Markup]:
    cur = c.currency
    areas = c.portfolio.by_strength_area
    portfolio = charts.bars(
        t("s4"),
        [a.strength_area_code or t("no_strength_area") for a in areas],
        [
            charts.Series(t("requested_amount"), [a.total.requested_amount.get(cur, 0.0) for a in areas]),
            charts.Series(t("granted_amount"), [a.total.granted_amount.get(cur, 0.0) for a in areas]),
        ],
        lambda v: f.money(v, cur),
    )
    by_level = c.portfolio.by_level
    pyramid = charts.pyramid(
        t("pyramid"),
        [(t(f"level_{k}"), by_level[k].count if k in by_level else 0) for k in ("bas", "bredd", "spets")],
    )
    out = {"portfolio": Markup(portfolio), "pyramid": Markup(pyramid)}
    if c.geography and c.geography.municipalities:
        rows = [m for m in c.geography.municipalities if m.in_region] or c.geography.municipalities
        out["municipalities"] = Markup(
            charts.bars(
                t("s5"),
                [m.name for m in rows],
                [
                    charts.Series(t("applications"), [float(m.applications) for m in rows]),
                    charts.Series(t("granted"), [float(m.granted) for m in rows]),
                ],
                f.num,
            )
        )
        if any(m.granted_per_inhabitant for m in rows):
            out["per_inhabitant"] = Markup(
                charts.bars(
                    t("per_inhabitant"),
                    [m.name for m in rows],
                    [
                        charts.Series(
                            t("per_inhabitant"), [m.granted_per_inhabitant.get(cur, 0.0) for m in rows]
                        )
                    ],
                    lambda v: f.money(v, cur),
                )
            )
    if c.agenda2030:
        out["goals"] = Markup(
            charts.goal_grid(
                t("s6"),
                [
                    (g.goal, t.goal(g.goal), GOAL_COLOURS[g.goal], g.supported, g.claimed)
                    for g in c.agenda2030.goals
                ],
            )
        )
    return out


def html(
    content: ReportContentPublic,
    built_from: BuiltFromPublic,
    *,
    number: int,
    language: Language,
    versions: Sequence[ReportSummaryPublic] = (),
    for_print: bool = False,
) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG; no scripts)."""
    t = Labels(language)
    f = Formats(t)
    names = {p.strength_area_code: p.strength_area_name for p in content.plans}

    def area_name(code: str | None) -> str | None:
        """A strength area by its name in the reader's language (its code where it has none)."""
        name = names.get(code) if code else None
        return (t.text(name.model_dump(exclude_none=True)) or code) if name else code

    return _env.get_template("report.html.j2").render(
        area_name=area_name,
        c=content,
        b=built_from,
        number=number,
        lang=language,
        languages=("sv", "en", "fi"),
        versions=versions,
        for_print=for_print,
        t=t,
        f=f,
        charts=_charts(content, t, f),
        levels=LEVEL_KEYS,
    )


def comparison_html(
    region: str,
    before: ReportSummaryPublic,
    after: ReportSummaryPublic,
    plan_versions: Sequence[ChangePublic],
    changes: Sequence[ChangePublic],
    *,
    language: Language,
) -> str:
    t = Labels(language)
    return _env.get_template("compare.html.j2").render(
        region=region,
        before=before,
        after=after,
        plan_versions=plan_versions,
        changes=changes,
        lang=language,
        languages=("sv", "en", "fi"),
        t=t,
        f=Formats(t),
    )
