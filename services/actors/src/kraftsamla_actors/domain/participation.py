"""Participation in engagements: participations, and unique people and actors reached."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attendance:
    """One engagement's participants: each listed person or actor, and a head count of others."""

    kind: str
    strength_area_ids: tuple[str, ...]
    people: tuple[str, ...]
    actors: tuple[str, ...]
    """Every actor reached: those listed, and the actors of the people listed."""
    listed: int
    """Participants listed by name of person or actor."""
    head_count: int


@dataclass
class Participation:
    engagements: int = 0
    participations: int = 0
    unique_people: int = 0
    unique_actors: int = 0
    head_count: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def participation(attendances: Iterable[Attendance]) -> Participation:
    """Participations (every time someone took part, head counts included) and unique participants
    (each person once; each actor reached once), as a follow-up report states them: "168
    participants (50 unique persons)"."""
    result = Participation()
    people: set[str] = set()
    actors: set[str] = set()
    kinds: Counter[str] = Counter()
    for a in attendances:
        result.engagements += 1
        result.participations += a.listed + a.head_count
        result.head_count += a.head_count
        people.update(a.people)
        actors.update(a.actors)
        kinds[a.kind] += 1
    result.unique_people, result.unique_actors = len(people), len(actors)
    result.by_kind = dict(sorted(kinds.items()))
    return result


@dataclass(frozen=True)
class AreaParticipation:
    """Participation in the engagements of one strength area (``None``: engagements of none)."""

    strength_area_id: str | None
    strength_area_code: str | None
    figures: Participation


def participation_by_area(
    attendances: Sequence[Attendance], areas: Mapping[str, str]
) -> list[AreaParticipation]:
    """Participation per strength area: every area of ``areas`` (id → code) and every area the
    engagements name, in order of code; then the engagements of no area, if there are any."""
    keys = sorted(
        {s for a in attendances for s in a.strength_area_ids} | set(areas), key=lambda s: areas.get(s, s)
    )
    per_area = [
        AreaParticipation(s, areas.get(s), participation(a for a in attendances if s in a.strength_area_ids))
        for s in keys
    ]
    unassigned = [a for a in attendances if not a.strength_area_ids]
    if unassigned:
        per_area.append(AreaParticipation(None, None, participation(unassigned)))
    return per_area
