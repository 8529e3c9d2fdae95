"""Across regions: the regions' strength-area profiles, their similarity and shared economic domains."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kraftsamla_common.events import LocalizedText

from .common import localized
from .inputs import StrengthAreaIn


@dataclass(frozen=True)
class RegionProfile:
    """A region's strength areas, as its programmes announce them."""

    region: str
    strength_areas: Sequence[StrengthAreaIn]


def nace_division(code: str) -> str:
    """``J62.01`` → ``J62``; a section alone (``C``) stays as it is."""
    return code.split(".", 1)[0]


def _features(profile: RegionProfile) -> dict[str, float]:
    """Economic domains weigh most (divisions, then their sections), then the Agenda 2030 goals."""
    features: dict[str, float] = {}
    for sa in profile.strength_areas:
        for code in sa.nace_codes:
            features[f"nace:{nace_division(code)}"] = 1.0
            features.setdefault(f"section:{code[0]}", 0.5)
        for goal in sa.sdgs:
            features[f"sdg:{goal}"] = 0.25
    return features


def similarity(a: RegionProfile, b: RegionProfile) -> float:
    """Cosine similarity of two regions' priorities, 0…1."""
    fa, fb = _features(a), _features(b)
    dot = sum(w * fb[k] for k, w in fa.items() if k in fb)
    norm = (sum(w * w for w in fa.values()) * sum(w * w for w in fb.values())) ** 0.5
    return round(dot / norm, 4) if norm else 0.0


def shared_domains(profiles: Sequence[RegionProfile]) -> dict[str, list[tuple[str, StrengthAreaIn]]]:
    """NACE divisions in which at least two regions have a strength area: ``{division: [(region, area)]}``."""
    by_division: dict[str, list[tuple[str, StrengthAreaIn]]] = defaultdict(list)
    for p in profiles:
        for sa in p.strength_areas:
            for division in sorted({nace_division(c) for c in sa.nace_codes}):
                by_division[division].append((p.region, sa))
    return {
        d: sorted(entries, key=lambda e: (e[0], e[1].code))
        for d, entries in sorted(by_division.items())
        if len({region for region, _ in entries}) >= 2
    }


def similar_regions(
    profile: RegionProfile, others: Sequence[RegionProfile], top: int = 5
) -> list[tuple[RegionProfile, float, list[str], list[int]]]:
    """The other regions with the most similar priorities, best first, with the codes they share."""
    mine_nace = {nace_division(c) for sa in profile.strength_areas for c in sa.nace_codes}
    mine_goals = {g for sa in profile.strength_areas for g in sa.sdgs}
    ranked = []
    for other in others:
        if other.region == profile.region:
            continue
        score = similarity(profile, other)
        if score <= 0:
            continue
        nace = sorted(mine_nace & {nace_division(c) for sa in other.strength_areas for c in sa.nace_codes})
        goals = sorted(mine_goals & {g for sa in other.strength_areas for g in sa.sdgs})
        ranked.append((other, score, nace, goals))
    ranked.sort(key=lambda r: (-r[1], r[0].region))
    return ranked[:top]


@dataclass(frozen=True)
class SharedArea:
    region: str
    strength_area_code: str
    strength_area_name: LocalizedText | None


@dataclass(frozen=True)
class SharedDomain:
    """An economic domain (NACE division) and the opted-in regions' strength areas in it."""

    nace: str
    strength_areas: list[SharedArea]


@dataclass(frozen=True)
class SimilarRegion:
    region: str
    similarity: float
    shared_nace: list[str]
    shared_goals: list[int]


@dataclass(frozen=True)
class Cooperation:
    """Candidates for interregional cooperation (EU criterion 7) among regions that opted in."""

    region: str
    opted_in: bool
    regions: list[str]
    domains: list[SharedDomain]
    similar: list[SimilarRegion]


def cooperation(region: str, profiles: Sequence[RegionProfile]) -> Cooperation:
    """The view of ``region`` (which opted in) over the ``profiles`` of every region that opted in:
    their strength areas side by side by shared economic domain, and the most similar regions."""
    mine = next(p for p in profiles if p.region == region)
    return Cooperation(
        region=region,
        opted_in=True,
        regions=sorted(p.region for p in profiles),
        domains=[
            SharedDomain(
                nace=nace,
                strength_areas=[
                    SharedArea(region=r, strength_area_code=sa.code, strength_area_name=localized(sa.name))
                    for r, sa in entries
                ],
            )
            for nace, entries in shared_domains(profiles).items()
        ],
        similar=[
            SimilarRegion(region=other.region, similarity=score, shared_nace=nace, shared_goals=goals)
            for other, score, nace, goals in similar_regions(mine, profiles)
        ],
    )


def not_sharing(region: str) -> Cooperation:
    """The view of a region that has not opted in: empty."""
    return Cooperation(region=region, opted_in=False, regions=[], domains=[], similar=[])
