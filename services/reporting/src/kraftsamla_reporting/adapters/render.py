"""The report as people read it: HTML (with its charts) for the browser and the PDF, from the API's
view of a report version (its tables for spreadsheets are :mod:`.exports`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from kraftsamla_common.events import TextPart
from kraftsamla_common.wording import words

from ..domain import charts
from ..domain.content import LEVEL_KEYS, Amounts, Language
from ..schemas import BuiltFromPublic, ReportComparisonPublic, ReportContentPublic, ReportSummaryPublic
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

    def money(self, value: float, currency: str, digits: int | None = None) -> str:
        """Whole units for sums, two decimals below a hundred (per inhabitant): ``1 250 000 SEK``;
        ``digits`` fixes the precision (one for a whole column)."""
        if digits is None:
            return self.t.money(value, currency)
        return f"{self.t.number(value, digits=digits)}\u00a0{currency}"

    def amounts(self, amounts: Amounts, digits: int | None = None) -> str:
        if not amounts:
            return self.t("none")
        return ", ".join(self.money(v, c, digits) for c, v in sorted(amounts.items()))

    def day(self, value: date | datetime | None) -> str:
        return self.t.day(value)

    def per_inhabitant_digits(self, c: ReportContentPublic) -> int:
        """One precision for the amounts per inhabitant of the whole municipality table and chart."""
        lines = c.geography.municipalities if c.geography else []
        return column_digits(m.granted_per_inhabitant.get(c.currency, 0.0) for m in lines)


def column_digits(values: Iterable[float]) -> int:
    """One precision for a column of amounts, as ``Labels.money`` would give its smallest: two
    decimals where any (non-zero) amount is below a hundred, else whole units."""
    return 2 if any(0 < abs(v) < 100 for v in values) else 0


def area_names(content: ReportContentPublic, t: Labels) -> Callable[[str | None], str | None]:
    """Strength areas by their names in the reader's language (a code where the area has no name)."""
    names = {p.strength_area_code: p.strength_area_name for p in content.plans}

    def area_name(code: str | None) -> str | None:
        name = names.get(code) if code else None
        return (t.text(name.model_dump(exclude_none=True)) or code) if name else code

    return area_name


def sayer(t: Labels) -> Callable[[Sequence[TextPart], str], str]:
    """Texts another service sent as parts, in the reader's language (as sent, in English, where
    they came without parts)."""

    def say(parts: Sequence[TextPart], english: str) -> str:
        return (
            words((p.model_dump(mode="json", exclude_defaults=True) for p in parts), t) if parts else english
        )

    return say


def _charts(c: ReportContentPublic, t: Labels, f: Formats) -> dict[str, Markup]:
    cur = c.currency
    area_name = area_names(c, t)
    municipalities = t.by_name(c.geography.municipalities if c.geography else [])
    areas = c.portfolio.by_strength_area
    portfolio = charts.bars(
        t("s4"),
        [area_name(a.strength_area_code) or t("no_strength_area") for a in areas],
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
    if municipalities:
        rows = [m for m in municipalities if m.in_region] or list(municipalities)
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
            digits = f.per_inhabitant_digits(c)
            out["per_inhabitant"] = Markup(
                charts.bars(
                    t("per_inhabitant"),
                    [m.name for m in rows],
                    [
                        charts.Series(
                            t("per_inhabitant"), [m.granted_per_inhabitant.get(cur, 0.0) for m in rows]
                        )
                    ],
                    lambda v: f.money(v, cur, digits),
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
    wheel = c.self_assessment
    if wheel is not None:
        factors = [f for step in wheel.steps for f in step.factors]
        series = [charts.Series(str(wheel.year), [float(f.score) for f in factors])]
        if wheel.previous_year is not None:
            series.append(
                charts.Series(
                    str(wheel.previous_year),
                    [float(f.previous) if f.previous is not None else 0.0 for f in factors],
                )
            )
        out["wheel"] = Markup(
            charts.radar(t("self_assessment"), [t(f"wheel_factor_{f.key}") for f in factors], series)
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
    t = Labels(language, origin=content.language)
    f = Formats(t)
    return _env.get_template("report.html.j2").render(
        area_name=area_names(content, t),
        say=sayer(t),
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


def comparison_html(comparison: ReportComparisonPublic) -> str:
    """Two versions compared, as a page: section by section, in the comparison's language."""
    t = Labels(comparison.language)
    return _env.get_template("compare.html.j2").render(
        c=comparison,
        lang=comparison.language,
        languages=("sv", "en", "fi"),
        t=t,
        f=Formats(t),
    )


def follow_up_html(
    content: ReportContentPublic, built_from: BuiltFromPublic, *, language: Language, for_print: bool = False
) -> str:
    """The follow-up over any period as one self-contained page: the report's sections and look, under
    a header that names the period and offers its downloads (``follow_up.html.j2``)."""
    t = Labels(language)
    f = Formats(t)
    return _env.get_template("follow_up.html.j2").render(
        area_name=area_names(content, t),
        say=sayer(t),
        c=content,
        b=built_from,
        lang=language,
        languages=("sv", "en", "fi"),
        for_print=for_print,
        t=t,
        f=f,
        charts=_charts(content, t, f),
        levels=LEVEL_KEYS,
    )
