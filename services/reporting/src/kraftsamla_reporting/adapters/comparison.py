"""The changes between two report versions in the reader's words: each section by its heading, each
subject by its name (a strength area in the reader's language, a level, a funding source, a
municipality, a goal…), each figure by its label and its values in Babel's formats for the language
(amounts with their currency, dates, counts), additions and removals said as such."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from ..domain.compare import Change, Figure, Part, Value, ValueKind
from ..domain.content import Period
from .labels import Labels

FIGURE_LABELS: dict[str, str] = {
    # figure key → catalogue key, where the report's own label is not the figure's key
    "count": "applications",
    "published_at": "published",
    "granted_per_inhabitant": "per_inhabitant",
    "strength_areas": "declared_by",
    "none": "no_dimension",
    "assessed": "assessed_applications",
    "local_plans": "s9",
    "title": "compare_figure_title",
    "reference": "compare_figure_reference",
    "period_start": "compare_figure_period_start",
    "period_end": "compare_figure_period_end",
    "adopted_on": "compare_figure_adopted_on",
    "adopted_by": "compare_figure_adopted_by",
    "paragraph": "compare_figure_paragraph",
    "meetings": "compare_figure_meetings",
    "registered_actors": "compare_figure_registered_actors",
    "current": "compare_figure_current",
    "outdated": "compare_figure_outdated",
    "not_assessed": "compare_figure_not_assessed",
    "last_reassessment": "compare_figure_last_reassessment",
    "baseline_year": "compare_figure_baseline_year",
    "target_year": "compare_figure_target_year",
    "latest_year": "compare_figure_latest_year",
    "actions_linked": "compare_figure_actions_linked",
    "municipalities": "compare_figure_municipalities",
}
"""Every other figure is labelled by the catalogue entry of its own key (``requested_amount``…)."""

SEPARATOR = " · "


def _is_id(key: str) -> bool:
    """Whether a key is an id (a strength area neither version names any more), not a code."""
    try:
        UUID(key)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ChangeWords:
    """One change as the reader reads it."""

    section: str
    subject: str
    figure: str
    change: str
    before: str
    after: str
    sentence: str


class ComparisonWords:
    """Words and formats of one language for the changes between two versions."""

    def __init__(self, t: Labels) -> None:
        self.t = t

    def heading(self, section: str) -> str:
        """A section's heading as the report has it (``s4`` → "Portfölj")."""
        return self.t({"report": "compare_report", "built_from": "plan_versions"}.get(section, section))

    def _vocabulary(self, prefix: str, key: str) -> str:
        return self.t(f"{prefix}{key}") if self.t.has(f"{prefix}{key}") else key

    def part(self, p: Part) -> str:
        """A thing by its name in the reader's language."""
        t, key = self.t, p.key or ""
        if isinstance(p.name, str) and p.name:
            return p.name
        match p.kind:
            case "strength_area":
                if p.key is None:
                    return t("no_strength_area")
                named = t.text(p.name.model_dump(exclude_none=True)) if p.name else ""
                return named or (t("compare_strength_area_unknown") if _is_id(key) else key)
            case "sub_goal":
                return (t.text(p.name.model_dump(exclude_none=True)) if p.name else "") or key
            case "level":
                return self._vocabulary("level_", key)
            case "funding_source":
                return self._vocabulary("source_", key)
            case "helix":
                return self._vocabulary("helix_", key)
            case "recommendation":
                said = self._vocabulary("recommendation_", key)  # inline in the report: lower case
                return said[:1].upper() + said[1:]
            case "dimension":
                return self._vocabulary("dimension_", key)
            case "criterion":
                return self._vocabulary("criterion_", key)
            case "municipality":
                return t.municipality(key)
            case "industry":
                return t.industry(key)
            case "goal":
                return f"{key}. {t.goal(int(key))}"
            case "finding":
                # As the report's section 8 says it: figures formatted, in the form the count asks for.
                return t.finding(key, dict(p.params)) if t.has(f"ev_{key}") else key
            case "slot":
                return t.slot(key)
            case _:
                return key

    def subject(self, parts: Sequence[Part]) -> str:
        return SEPARATOR.join(self.part(p) for p in parts)

    def figure(self, key: str | None) -> str:
        if key is None:
            return ""
        return self.t(FIGURE_LABELS.get(key, key))

    def value(self, kind: ValueKind, value: Value, unit: str | None = None) -> str:
        """A value in the language's format."""
        t = self.t
        if value is None:
            return t("none")
        match kind:
            case "count":
                return t.number(value)  # type: ignore[arg-type]
            case "number":
                return f"{t.number(value)}\u00a0{unit}" if unit else t.number(value)  # type: ignore[arg-type]
            case "money":
                if not value:
                    return f"{t.number(0)}\u00a0{unit}" if unit else t.number(0)
                return t.money(value, unit or "")  # type: ignore[arg-type]
            case "date":
                return t.day(value) if isinstance(value, date | datetime) else str(value)
            case "period":
                return (
                    f"{t.day(value.start)} – {t.day(value.end)}" if isinstance(value, Period) else str(value)
                )
            case "version":
                return f"v{value}"
            case "plan_status":
                return self._vocabulary("", str(value))
            case "indicator_status":
                return self._vocabulary("indicator_", str(value))
            case "criterion_status":
                return self._vocabulary("criterion_", str(value))
            case "frequency":
                return self._vocabulary("", str(value))
            case _:
                return str(value)

    def figures(self, figures: Sequence[Figure]) -> str:
        """An added or removed entry's figures: "Ansökningar 1 · Sökt belopp 1 500 000 SEK"."""
        return SEPARATOR.join(
            f"{self.figure(f.figure)} {self.value(f.kind, f.value, f.unit)}" for f in figures
        )

    def figure_value(self, f: Figure) -> str:
        return self.value(f.kind, f.value, f.unit)

    def change(self, ch: Change) -> ChangeWords:
        t = self.t
        subject, figure = self.subject(ch.subject), self.figure(ch.figure)
        said = t(f"compare_{ch.change}")
        head = SEPARATOR.join(x for x in (subject, figure) if x)
        if ch.kind == "entry":
            figures = self.figures(ch.figures)
            before, after = (
                (t("none"), figures or said) if ch.change == "added" else (figures or said, t("none"))
            )
            sentence = f"{head}: {said}" + (f" ({figures})" if figures else "")
        elif ch.kind == "item" and ch.item is not None:
            item = self.part(ch.item)
            before, after = (t("none"), item) if ch.change == "added" else (item, t("none"))
            sentence = f"{head}: {item} ({said})"
        else:
            before, after = self.value(ch.kind, ch.before, ch.unit), self.value(ch.kind, ch.after, ch.unit)
            sentence = f"{head}: {before} → {after}"
        return ChangeWords(self.heading(ch.section), subject, figure, said, before, after, sentence)

    def summary(self, changed: int, unchanged: int) -> str:
        """ "12 skillnader, 340 uppgifter oförändrade." """
        t = self.t
        return t(
            "compare_summary",
            changed=t.plural("compare_differences", changed),
            unchanged=t.plural("compare_unchanged_figures", unchanged),
        )
