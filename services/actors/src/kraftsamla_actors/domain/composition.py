"""Memberships of groups and the composition of a group's (or strength area's) members: counts
by helix type, municipality and industry, and the gaps a partnership should close."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .reference import Municipality

QUADRUPLE_HELIX = ("public", "business", "academia", "civil_society")
"""The four helices a partnership should hold; state agencies count as public sector here."""
HELIX_TYPES = (*QUADRUPLE_HELIX, "state_agency")


def membership_errors(joined_on: date, left_on: date | None) -> list[dict[str, Any]]:
    if left_on is not None and left_on < joined_on:
        return [
            {
                "pointer": "/left_on",
                "message": f"the membership ends ({left_on}) before it starts ({joined_on})",
            }
        ]
    return []


def active_on(joined_on: date, left_on: date | None, at: date) -> bool:
    """Whether a membership holds on ``at``: from the day joined up to, not including, the day left."""
    return joined_on <= at and (left_on is None or at < left_on)


def overlaps(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    a_end, b_end = a[1] or date.max, b[1] or date.max
    return a[0] < b_end and b[0] < a_end


@dataclass(frozen=True)
class Member:
    """An actor in a group, as composition needs it."""

    actor_id: str
    helix: str
    municipality: str | None
    nace: str | None


@dataclass(frozen=True)
class Gap:
    kind: Literal[
        "empty", "helix_missing", "helix_dominant", "municipality_uncovered", "municipalities_unknown"
    ]
    message: str
    helix: str | None = None
    municipality: str | None = None
    share: float | None = None


@dataclass
class Composition:
    actors: int
    by_helix: dict[str, int]
    by_municipality: list[tuple[str, int]]
    """(code, actors) for each municipality with members, most first."""
    by_industry: list[tuple[str, int]]
    """(NACE division, actors), most first; actors without an industry under ``none``."""
    gaps: list[Gap] = field(default_factory=list)


def composition(
    members: Iterable[Member],
    region_municipalities: Sequence[Municipality] | None,
    dominance_threshold: float,
) -> Composition:
    """Counts of a group's (or strength area's) distinct member actors by helix type, municipality
    and industry, and the gaps: a helix of the quadruple helix missing, one helix type holding more
    than ``dominance_threshold`` of the members, municipalities of the region with no member."""
    by_actor = {m.actor_id: m for m in members}
    actors = list(by_actor.values())
    helix = Counter(m.helix for m in actors)
    by_helix = {h: helix.get(h, 0) for h in HELIX_TYPES}
    places = Counter(m.municipality for m in actors if m.municipality)
    by_municipality = sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))
    industries = Counter(
        (m.nace[:2] if m.nace and m.nace[0].isdigit() else (m.nace or "none")) for m in actors
    )
    by_industry = sorted(industries.items(), key=lambda kv: (-kv[1], kv[0]))
    result = Composition(len(actors), by_helix, by_municipality, by_industry)
    if not actors:
        result.gaps.append(Gap("empty", "no members"))
        return result
    for h in QUADRUPLE_HELIX:
        present = by_helix[h] + (by_helix["state_agency"] if h == "public" else 0)
        if present == 0:
            result.gaps.append(Gap("helix_missing", f"no member from {h.replace('_', ' ')}", helix=h))
    for h, n in by_helix.items():
        share = n / len(actors)
        if share > dominance_threshold:
            result.gaps.append(
                Gap(
                    "helix_dominant",
                    f"{h.replace('_', ' ')} holds {share:.0%} of the members (threshold {dominance_threshold:.0%})",
                    helix=h,
                    share=round(share, 4),
                )
            )
    if region_municipalities is None:
        result.gaps.append(
            Gap("municipalities_unknown", "the region's municipalities are not set (PUT …/settings)")
        )
    else:
        for m in region_municipalities:
            if m.code not in places:
                result.gaps.append(
                    Gap("municipality_uncovered", f"no member in {m.name}", municipality=m.code)
                )
    return result
