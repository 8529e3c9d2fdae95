"""A reassessment's moves under the groups the assessment service made of them ("5 applications
fell from Spets to Bredd because …"): which application belongs to which group, and which moves
were decided on a tie or a near tie. Pure: the answer of ``GET …/reassessments/{id}`` in, groups
with their applications out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from uuid import UUID


class Part(Protocol):
    """A worded part as the services answer it (``kraftsamla_web.schemas.TextPart``)."""

    @property
    def key(self) -> str: ...
    @property
    def params(self) -> Mapping[str, Any]: ...


class MovedApplication(Protocol):
    """A moved application as the reassessment's answer names it (``schemas.MovedApplication``)."""

    @property
    def title(self) -> str | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def reason_parts(self) -> Sequence[Part]: ...
    @property
    def from_strength_area_id(self) -> UUID | None: ...
    @property
    def to_strength_area_id(self) -> UUID | None: ...
    @property
    def from_level(self) -> str | None: ...
    @property
    def to_level(self) -> str | None: ...
    @property
    def from_recommendation(self) -> str | None: ...
    @property
    def to_recommendation(self) -> str | None: ...


class MoveGroup(Protocol):
    """A group of moves as the reassessment's answer has it (``schemas.MoveGroup``)."""

    @property
    def count(self) -> int: ...
    @property
    def reason(self) -> str: ...
    @property
    def sentence_parts(self) -> Sequence[Part]: ...


Tie = Literal["tie", "near_tie", "level_tie"]

TIE_REASONS: dict[str, Tie] = {
    "reason_on_tie": "tie",
    "reason_on_near_tie": "near_tie",
    "reason_on_level_tie": "level_tie",
}
"""The reason's message key when the new outcome was decided on a tie (the assessment service's
``with_tie``)."""


def tie_of(move: MovedApplication) -> Tie | None:
    """Whether the move's new outcome was a tie between strength areas, a near tie, or a tie
    between levels; None when it was clear."""
    first = move.reason_parts[0].key if move.reason_parts else ""
    return TIE_REASONS.get(first)


def change_kind(move: MovedApplication) -> tuple[str, str | None, str | None]:
    """What moved, as the assessment service tells the kinds apart: the strength area first, then
    the level, then the recommendation; with the values from and to (the area's left out: the
    groups name areas by their names, not their ids)."""
    if move.from_strength_area_id != move.to_strength_area_id:
        return ("area", None, None)
    if move.from_level != move.to_level:
        return ("level", move.from_level, move.to_level)
    return ("recommendation", move.from_recommendation, move.to_recommendation)


def _value(part: Any, prefix: str) -> str | None:
    """``{"key": "level_spets"}`` → ``spets``; ``level_none`` → None."""
    if not isinstance(part, Mapping):
        return None
    key = str(part.get("key", ""))
    value = key.removeprefix(prefix)
    return None if value in ("none", key) else value


def group_kind(group: MoveGroup) -> tuple[str, str | None, str | None] | None:
    """The kind of change a group's sentence names (from its parts: ``moved_group`` with the change
    ``change_level_fell`` from ``level_spets`` to ``level_bredd``), or None where its parts do not say
    (a group stored before its sentence was kept as parts)."""
    sentence = group.sentence_parts[0] if group.sentence_parts else None
    if sentence is None or sentence.key != "moved_group":
        return None
    change = sentence.params.get("change")
    if not isinstance(change, Mapping):
        return None
    key = str(change.get("key", ""))
    params = change.get("params") or {}
    if key.startswith("change_area"):
        return ("area", None, None)
    if key.startswith("change_level"):
        return ("level", _value(params.get("old"), "level_"), _value(params.get("new"), "level_"))
    if key.startswith("change_recommendation"):
        return (
            "recommendation",
            _value(params.get("old"), "recommendation_"),
            _value(params.get("new"), "recommendation_"),
        )
    return None


@dataclass
class Grouped:
    """A group's sentence and the applications that moved so."""

    group: MoveGroup | None
    """None: the moves no group names (kept as they came)."""
    moves: list[MovedApplication] = field(default_factory=list)

    @property
    def ties(self) -> int:
        return sum(1 for m in self.moves if tie_of(m) is not None)


def group_moves(groups: Sequence[MoveGroup], moves: Sequence[MovedApplication]) -> list[Grouped]:
    """Each move under the group of its kind of change and its reason (the groups' order kept);
    where two groups fit a move (two strength areas left for the same reason), the first not yet
    full. Moves that fit no group come last, in a group of their own."""
    out = [Grouped(g) for g in groups]
    kinds = [group_kind(g) for g in groups]
    rest = Grouped(None)
    for move in moves:
        kind = change_kind(move)
        fitting = [
            i
            for i, g in enumerate(groups)
            if g.reason == move.reason and (kinds[i] is None or kinds[i] == kind)
        ]
        room = [i for i in fitting if len(out[i].moves) < groups[i].count]
        chosen = (room or fitting)[:1]
        (out[chosen[0]] if chosen else rest).moves.append(move)
    for g in out:
        g.moves.sort(key=lambda m: (m.title or "").casefold())
    return [g for g in out if g.moves or g.group is not None] + ([rest] if rest.moves else [])
