"""The report in the formats people use: HTML (with its charts) for the browser and the PDF, and CSV
of the portfolio and of the municipality table, from the API's view of a report version."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

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


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def portfolio_csv(content: ReportContentPublic, language: Language) -> str:
    """Strength area × level × funding source × currency: counts, decisions and amounts."""
    t = Labels(language)
    return _csv(
        [
            t(k)
            for k in (
                "strength_area",
                "level",
                "funding_source",
                "currency",
                "applications",
                "decided",
                "granted",
                "rejected",
                "requested_amount",
                "granted_amount",
            )
        ],
        [
            [
                r.strength_area_code or "",
                t(f"level_{r.level}"),
                t(f"source_{r.funding_source}"),
                r.currency,
                r.count,
                r.decided,
                r.granted,
                r.rejected,
                f"{r.requested_amount:.2f}",
                f"{r.granted_amount:.2f}",
            ]
            for r in content.portfolio.rows
        ],
    )


def municipalities_csv(content: ReportContentPublic, language: Language) -> str:
    """One row per municipality: applications, decisions, amounts and per inhabitant (main currency)."""
    t = Labels(language)
    cur = content.currency
    rows = content.geography.municipalities if content.geography else []
    return _csv(
        [
            "code",
            t("municipality"),
            t("population"),
            t("applications"),
            t("open"),
            t("granted"),
            f"{t('requested_amount')} ({cur})",
            f"{t('granted_amount')} ({cur})",
            f"{t('per_inhabitant')} ({cur})",
        ],
        [
            [
                m.code,
                m.name,
                m.population if m.population is not None else "",
                m.applications,
                m.open,
                m.granted,
                f"{m.requested_amount.get(cur, 0.0):.2f}",
                f"{m.granted_amount.get(cur, 0.0):.2f}",
                f"{m.granted_per_inhabitant[cur]:.2f}" if cur in m.granted_per_inhabitant else "",
            ]
            for m in rows
        ],
    )
