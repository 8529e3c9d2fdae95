"""The RIS3 self-assessment (the JRC's RIS3 Assessment Wheel) as a form, a chart and a table, pure:
the form's fields and the JSON they make for the plans service, the service's JSON pointers back at
the fields, and the figures of the years to draw.

The chart has six spokes, one per step of the wheel, each at the mean of its three factors as the
service reckons it: eighteen spokes with the factors' names do not fit a chart of a page's width
legibly, and the six steps are what the wheel is drawn around. The eighteen scores stand in the
table beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kraftsamla_common.events import WHEEL, WHEEL_FACTORS

from .charts import Series

SCALE = tuple(range(6))
"""0 no information available on the specific element, 1 poor, 2 to be improved, 3 fair,
4 strong, 5 excellent: the wheel's own words (``WHEEL`` names the source)."""

YEARS_DRAWN = 4
"""The year of the form and at most three earlier ones drawn on the chart (the table shows all)."""


def score_field(factor: str) -> str:
    return f"score_{factor}"


def comment_field(factor: str) -> str:
    return f"comment_{factor}"


FIELDS: tuple[str, ...] = tuple(
    f for factor in WHEEL_FACTORS for f in (score_field(factor), comment_field(factor))
)


class Factor(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def score(self) -> int: ...
    @property
    def comment(self) -> str: ...


class Step(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def mean(self) -> float: ...
    @property
    def factors(self) -> Sequence[Factor]: ...


class Assessment(Protocol):
    @property
    def year(self) -> int: ...
    @property
    def steps(self) -> Sequence[Step]: ...


def values_of(assessment: Assessment | None) -> dict[str, str]:
    """The form's fields as a recorded year holds them (empty without one)."""
    values = {f: "" for f in FIELDS}
    if assessment is not None:
        for step in assessment.steps:
            for factor in step.factors:
                values[score_field(factor.key)] = str(factor.score)
                values[comment_field(factor.key)] = factor.comment
    return values


def body(values: Mapping[str, str]) -> dict[str, Any]:
    """``PUT …/self-assessments/{year}``: every factor scored, with its comment; a factor without a
    score is left out (the service refuses the whole, and the page marks it)."""
    scores: dict[str, Any] = {}
    for factor in WHEEL_FACTORS:
        score = values.get(score_field(factor), "").strip()
        if not score:
            continue
        scores[factor] = {
            "score": int(score) if score.isdigit() else score,
            "comment": values.get(comment_field(factor), "").strip(),
        }
    return {"scores": scores}


def unscored(values: Mapping[str, str]) -> list[str]:
    """The score fields left without a score."""
    return [score_field(f) for f in WHEEL_FACTORS if not values.get(score_field(f), "").strip()]


def field_at(pointer: str) -> str:
    """The field a service's JSON pointer names: ``/scores/roadmap/score`` → ``score_roadmap``,
    ``/scores/roadmap/comment`` → ``comment_roadmap``, ``/scores/roadmap`` → its score; "" for
    the form as a whole."""
    steps = [s for s in pointer.split("/") if s] if pointer.startswith("/") else []
    if len(steps) < 2 or steps[0] != "scores" or steps[1] not in WHEEL_FACTORS:
        return ""
    return comment_field(steps[1]) if steps[2:3] == ["comment"] else score_field(steps[1])


def field_kind(field: str) -> str:
    """The message every score (or every comment) shares."""
    return field.partition("_")[0]


@dataclass(frozen=True)
class Drawn:
    """The chart's spokes (the steps' keys, in the wheel's order) and a line per year, the year of
    the form first (on top), then the earlier ones, newest first."""

    steps: tuple[str, ...]
    series: tuple[Series, ...]


def drawn(assessments: Sequence[Assessment], year: int) -> Drawn:
    """The years to draw: ``year`` where it is recorded and up to :data:`YEARS_DRAWN` in all of it
    and the years before it, each at its steps' means."""
    steps = tuple(key for key, _ in WHEEL)
    chosen = sorted((a for a in assessments if a.year <= year), key=lambda a: -a.year)[:YEARS_DRAWN]
    series = []
    for a in chosen:
        means = {s.key: s.mean for s in a.steps}
        series.append(Series(str(a.year), [means.get(k) for k in steps]))
    return Drawn(steps, tuple(series))


def by_year(assessments: Sequence[Assessment]) -> dict[int, dict[str, int]]:
    """Every year's scores by factor (the table's columns)."""
    return {a.year: {f.key: f.score for s in a.steps for f in s.factors} for a in assessments}


def means_by_year(assessments: Sequence[Assessment]) -> dict[int, dict[str, float]]:
    """Every year's step means by step."""
    return {a.year: {s.key: s.mean for s in a.steps} for a in assessments}
