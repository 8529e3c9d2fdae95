"""The RIS3 self-assessment (the JRC's RIS3 Assessment Wheel): six steps of designing the strategy,
three critical factors each, scored 0–5. Pure: how the eighteen scores read as the wheel's steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kraftsamla_common.events import WHEEL


@dataclass(frozen=True)
class FactorLine:
    key: str
    score: int
    comment: str


@dataclass(frozen=True)
class StepLine:
    step: int
    key: str
    mean: float
    factors: list[FactorLine]


def wheel_steps(scores: dict[str, Any]) -> list[StepLine]:
    """The six steps in the wheel's order, each with its three factors and their mean (rounded to
    two decimals); ``scores`` as stored: ``{factor: {"score", "comment"}}``."""
    out = []
    for number, (step, factors) in enumerate(WHEEL, start=1):
        lines = [
            FactorLine(key=f, score=int(scores[f]["score"]), comment=str(scores[f].get("comment", "")))
            for f in factors
        ]
        out.append(
            StepLine(step=number, key=step, mean=round(sum(x.score for x in lines) / 3, 2), factors=lines)
        )
    return out
