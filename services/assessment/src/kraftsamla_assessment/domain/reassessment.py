"""Reassessment: comparing an application's outcome before and after a plan or rubric change,
saying why it moved, and summing the moves up in sentences a person can read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

import orjson

from kraftsamla_common.events import Level, Priority, Recommendation

from .assessor import LEVELS, Result
from .plans import StrengthAreaPlan
from .wording import Name, Part, english_one, level, name, recommendation

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
    reason: Part
    """Why it moved (:func:`explain`, with :func:`with_tie`)."""

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

Names = Mapping[UUID, Name]
"""Strength areas by their names (:attr:`.assessor.Assessor.names`)."""


def index_priorities(plans: Iterable[StrengthAreaPlan]) -> dict[tuple[str, str], Priority]:
    return {(str(p.strength_area_id), prio.id): prio for p in plans for prio in p.priorities}


def _title(prio: Priority) -> Name:
    return name(prio.title.model_dump(), prio.id)


def explain(
    before: Outcome,
    after: Outcome,
    old: PriorityIndex,
    new: PriorityIndex,
    *,
    rubric_changed: bool,
    text_changed: bool,
) -> Part:
    """Why an application moved, in the words of the plan change: the first reason that holds."""
    for pid in before.priority_ids:
        key = (str(before.strength_area_id), pid)
        title = _title(old[key]) if key in old else pid
        if key not in new:
            return Part("reason_priority_removed", {"priority": title})
        if key in old and old[key].level != new[key].level:
            return Part(
                "reason_priority_level",
                {"priority": title, "old": level(old[key].level), "new": level(new[key].level)},
            )
    for pid in after.priority_ids:
        key = (str(after.strength_area_id), pid)
        if key not in old and key in new:
            return Part("reason_priority_added", {"priority": _title(new[key])})
    for pid in before.priority_ids:
        key = (str(before.strength_area_id), pid)
        lost = pid not in after.priority_ids or before.strength_area_id != after.strength_area_id
        if lost and key in new and key in old and old[key].vocabulary != new[key].vocabulary:
            return Part("reason_vocabulary", {"priority": _title(new[key])})
    for pid in after.priority_ids:
        key = (str(after.strength_area_id), pid)
        if key in new and key in old and old[key].vocabulary != new[key].vocabulary:
            return Part("reason_vocabulary", {"priority": _title(new[key])})
    if rubric_changed:
        return Part("reason_rubric")
    if text_changed:
        return Part("reason_application")
    return Part("reason_other_areas")


def with_tie(reason: Part, result: Result, names: Names) -> Part:
    """The reason, saying so when the new outcome was decided on a tie or a near tie."""
    c = result.choice
    if result.strength_area_id is not None and c is not None and c.tie in ("tie", "near_tie"):
        other = names.get(c.runner_up_id, c.runner_up or "") if c.runner_up_id else (c.runner_up or "")
        key = "reason_on_tie" if c.tie == "tie" else "reason_on_near_tie"
        return Part(key, {"reason": reason, "other": other})
    if result.placement.tie:
        return Part(
            "reason_on_level_tie", {"reason": reason, "levels": [level(x) for x in result.placement.tie]}
        )
    return reason


def _rank(level: Level | None) -> int:
    return -1 if level is None else LEVELS.index(level)


_RECOMMENDATION_RANK = {"none": 0, "weak": 1, "moderate": 2, "strong": 3}


def describe_change(m: Move, names: Names, *, conditional: bool = False) -> Part:
    """How an application moved ("fell from Spets to Bredd"); ``conditional``: how it would move."""
    b, a = m.before, m.after
    would = "_would" if conditional else ""

    def area(area_id: UUID | None) -> Name | Part:
        return names.get(area_id, Part("area_unnamed")) if area_id else Part("area_none")

    if m.change == "area":
        if b.strength_area_id is None:
            return Part(f"change_area_into{would}", {"new": area(a.strength_area_id)})
        if a.strength_area_id is None:
            return Part(f"change_area_out{would}", {"old": area(b.strength_area_id)})
        return Part(f"change_area{would}", {"old": area(b.strength_area_id), "new": area(a.strength_area_id)})
    if m.change == "level":
        verb = "fell" if _rank(a.level) < _rank(b.level) else "rose"
        return Part(f"change_level_{verb}{would}", {"old": level(b.level), "new": level(a.level)})
    verb = (
        "fell"
        if _RECOMMENDATION_RANK[a.recommendation or "none"] < _RECOMMENDATION_RANK[b.recommendation or "none"]
        else "rose"
    )
    return Part(
        f"change_recommendation_{verb}{would}",
        {"old": recommendation(b.recommendation), "new": recommendation(a.recommendation)},
    )


@dataclass(frozen=True)
class MoveGroup:
    count: int
    change: str
    reason: str
    sentence: str
    """The group's sentence in English (its parts are ``sentence_parts``)."""
    sentence_parts: tuple[Part, ...] = ()


def group_moves(moves: Iterable[Move], names: Names, *, conditional: bool = False) -> list[MoveGroup]:
    """Moves of the same kind for the same reason, largest group first."""
    counts: Counter[bytes] = Counter()
    parts: dict[bytes, tuple[Part, Part]] = {}
    for m in moves:
        change = describe_change(m, names, conditional=conditional)
        key = orjson.dumps([change.json(), m.reason.json()], option=orjson.OPT_SORT_KEYS)
        counts[key] += 1
        parts.setdefault(key, (change, m.reason))
    groups = []
    for key, n in counts.items():
        change, reason = parts[key]
        sentence = Part("moved_group", {"n": n, "change": change, "reason": reason})
        groups.append(
            MoveGroup(n, english_one(change), english_one(reason), english_one(sentence), (sentence,))
        )
    return sorted(groups, key=lambda g: (-g.count, g.change, g.reason, g.sentence))


def group_json(g: MoveGroup) -> dict[str, Any]:
    """A group as it is stored and carried (``kraftsamla_common.events.MoveGroup``)."""
    return {
        "count": g.count,
        "change": g.change,
        "reason": g.reason,
        "sentence": g.sentence,
        "sentence_parts": [p.json() | {"text": english_one(p)} for p in g.sentence_parts],
    }


def summarize(
    assessed: int, unchanged: int, groups: Sequence[MoveGroup], needs_review: int, trigger: Part
) -> list[Part]:
    """Sentences a person can read: how many were reassessed, what moved where, and why."""
    if not assessed:
        return [Part("summary_nothing_to_reassess", {"trigger": trigger})]
    parts = [Part("summary_reassessed", {"n": assessed, "trigger": trigger})]
    parts += [p for g in groups for p in g.sentence_parts] or [Part("summary_none_moved")]
    parts.append(Part("summary_unchanged", {"n": unchanged}))
    if needs_review:
        parts.append(Part("summary_to_confirm", {"n": needs_review}))
    return parts


def summarize_preview(assessed: int, unchanged: int, groups: Sequence[MoveGroup], what: Part) -> list[Part]:
    """The same sentences for a change not yet made (groups made with ``conditional=True``)."""
    if not assessed:
        return [Part("preview_nothing", {"what": what})]
    parts = [Part("preview_reassess", {"n": assessed, "what": what})]
    parts += [p for g in groups for p in g.sentence_parts] or [Part("preview_none_moves")]
    parts.append(Part("preview_unchanged", {"n": unchanged}))
    return parts


def trigger_plan(area: Name, version: int) -> Part:
    """What started a reassessment: a strength area's action plan published in a new version."""
    return Part("trigger_plan", {"area": area, "version": version})


def trigger_rubric(version: int) -> Part:
    return Part("trigger_rubric", {"version": version})


def preview_of(plans: bool, rubric: bool) -> Part:
    """What a preview is of: draft plans, a draft rubric, or both."""
    return Part("what_plans_and_rubric" if plans and rubric else "what_plans" if plans else "what_rubric")


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
