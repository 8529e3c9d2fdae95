"""Reassessment: comparing an application's outcome before and after a plan or rubric change,
saying why it moved, and summing the moves up in sentences a person can read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from kraftsamla_common.events import Level, Priority, Recommendation

from .assessor import LEVELS, Result
from .plans import StrengthAreaPlan

OPEN_STATUSES = ("received", "under_assessment", "assessed")
"""Applications in these states are reassessed when the region's plans or rubric change."""


@dataclass(frozen=True)
class Outcome:
    """What a reassessment compares: where an application stood, by the plans it was assessed on."""

    strength_area_id: UUID | None
    level: Level | None
    recommendation: Recommendation | None
    priority_ids: tuple[str, ...]
    """Priorities of the outcome's strength area that matched."""


@dataclass(frozen=True)
class Move:
    application_id: UUID
    before: Outcome
    after: Outcome
    reason: str

    @property
    def change(self) -> str:
        b, a = self.before, self.after
        if b.strength_area_id != a.strength_area_id:
            return "area"
        if b.level != a.level:
            return "level"
        return "recommendation"


def moved(before: Outcome, after: Outcome) -> bool:
    return (before.strength_area_id, before.level, before.recommendation) != (
        after.strength_area_id,
        after.level,
        after.recommendation,
    )


PriorityIndex = Mapping[tuple[str, str], Priority]
"""(strength area id, priority id) → priority, for one set of plan versions."""


def index_priorities(plans: Iterable[StrengthAreaPlan]) -> dict[tuple[str, str], Priority]:
    return {(str(p.strength_area_id), prio.id): prio for p in plans for prio in p.priorities}


def explain(
    before: Outcome,
    after: Outcome,
    old: PriorityIndex,
    new: PriorityIndex,
    *,
    rubric_changed: bool,
    text_changed: bool,
) -> str:
    """Why an application moved, in the words of the plan change: the first reason that holds."""
    for area, pids in ((before.strength_area_id, before.priority_ids),):
        for pid in pids:
            key = (str(area), pid)
            title = old[key].title.any() if key in old else pid
            if key not in new:
                return f"priority '{title}' was removed"
            if key in old and old[key].level != new[key].level:
                return f"priority '{title}' moved from {old[key].level} to {new[key].level}"
    for pid in after.priority_ids:
        key = (str(after.strength_area_id), pid)
        if key not in old and key in new:
            return f"priority '{new[key].title.any()}' was added"
    for pid in before.priority_ids:
        key = (str(before.strength_area_id), pid)
        lost = pid not in after.priority_ids or before.strength_area_id != after.strength_area_id
        if lost and key in new and key in old and old[key].vocabulary != new[key].vocabulary:
            return f"the vocabulary of priority '{new[key].title.any()}' changed"
    for pid in after.priority_ids:
        key = (str(after.strength_area_id), pid)
        if key in new and key in old and old[key].vocabulary != new[key].vocabulary:
            return f"the vocabulary of priority '{new[key].title.any()}' changed"
    if rubric_changed:
        return "the rubric changed"
    if text_changed:
        return "the application itself changed"
    return "other strength areas' plans changed"


def tie_clause(result: Result) -> str:
    """What a "why it moved" sentence adds when the new outcome was decided on a tie or a near tie."""
    c = result.choice
    if result.strength_area_id is not None and c is not None and c.tie == "tie":
        return f" (decided on a tie with {c.runner_up})"
    if result.strength_area_id is not None and c is not None and c.tie == "near_tie":
        return f" (a near tie with {c.runner_up})"
    if result.placement.tie:
        tied = result.placement.tie
        return f" (a tie between {', '.join(tied[:-1])} and {tied[-1]} on the pyramid)"
    return ""


def _rank(level: Level | None) -> int:
    return -1 if level is None else LEVELS.index(level)


_RECOMMENDATION_RANK = {"none": 0, "weak": 1, "moderate": 2, "strong": 3}


_CONDITIONAL = {"moved": "would move", "fell": "would fall", "rose": "would rise"}


def describe_change(m: Move, codes: Mapping[UUID, str], *, conditional: bool = False) -> str:
    text = _describe_change(m, codes)
    if conditional:
        verb, rest = text.split(" ", 1)
        text = f"{_CONDITIONAL[verb]} {rest}"
    return text


def _describe_change(m: Move, codes: Mapping[UUID, str]) -> str:
    b, a = m.before, m.after
    if m.change == "area":
        src = codes.get(b.strength_area_id, "none") if b.strength_area_id else "none"
        dst = codes.get(a.strength_area_id, "none") if a.strength_area_id else "none"
        if b.strength_area_id is None:
            return f"moved into strength area {dst}"
        if a.strength_area_id is None:
            return f"moved out of strength area {src}"
        return f"moved from strength area {src} to {dst}"
    if m.change == "level":
        verb = "fell" if _rank(a.level) < _rank(b.level) else "rose"
        return f"{verb} from {(b.level or 'no level').capitalize()} to {(a.level or 'no level').capitalize()}"
    verb = (
        "fell"
        if _RECOMMENDATION_RANK[a.recommendation or "none"] < _RECOMMENDATION_RANK[b.recommendation or "none"]
        else "rose"
    )
    return f"{verb} from a {b.recommendation} to a {a.recommendation} recommendation"


@dataclass(frozen=True)
class MoveGroup:
    count: int
    change: str
    reason: str
    sentence: str


def group_moves(
    moves: Iterable[Move], codes: Mapping[UUID, str], *, conditional: bool = False
) -> list[MoveGroup]:
    """Moves of the same kind for the same reason, largest group first."""
    counts = Counter((describe_change(m, codes, conditional=conditional), m.reason) for m in moves)
    return [
        MoveGroup(n, change, reason, f"{n} application{'s' * (n != 1)} {change} because {reason}")
        for (change, reason), n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    ]


def summarize(
    assessed: int, unchanged: int, groups: Sequence[MoveGroup], needs_review: int, trigger: str
) -> str:
    """A paragraph a person can read: how many were reassessed, what moved where, and why."""
    if not assessed:
        return f"No open applications to reassess after {trigger}."
    text = f"{assessed} open application{'s' * (assessed != 1)} reassessed after {trigger}: "
    text += "; ".join(g.sentence for g in groups) if groups else "none moved"
    text += f"; {unchanged} unchanged."
    if needs_review:
        text += f" {needs_review} reviewed assessment{'s' * (needs_review != 1)} to confirm again."
    return text


def summarize_preview(assessed: int, unchanged: int, groups: Sequence[MoveGroup], what: str) -> str:
    """The same paragraph for a change not yet made (groups made with ``conditional=True``)."""
    if not assessed:
        return f"Publishing {what} would reassess no open applications."
    text = f"Publishing {what} would reassess {assessed} open application{'s' * (assessed != 1)}: "
    text += "; ".join(g.sentence for g in groups) if groups else "none would move"
    return text + f"; {unchanged} would stay as they are."


def outcome(
    strength_area_id: str | UUID | None, level: str | None, recommendation: str | None, fits: list[Any]
) -> Outcome:
    """A stored assessment's outcome (its strength area, level, recommendation and the area's
    matched priorities from its fits)."""
    area = str(strength_area_id) if strength_area_id else None
    fit = next((f for f in fits if str(f["strength_area_id"]) == area), None)
    return Outcome(
        UUID(area) if area else None,
        cast("Level | None", level),
        cast("Recommendation | None", recommendation),
        tuple(fit["priority_ids"]) if fit else (),
    )


def result_outcome(r: Result) -> Outcome:
    """A new assessment's outcome."""
    top = r.fits[0] if r.fits else None
    return Outcome(r.strength_area_id, r.level, r.recommendation, tuple(top.priority_ids) if top else ())
