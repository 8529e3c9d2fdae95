"""Strategic assessment of an application against a region's published action plans.

Plain Python, no I/O. The rule is simple and explainable: each priority's vocabulary is
reduced to stems (Swedish, Finnish and English Snowball stemmers, keeping a stem only when it
is a prefix of the word, so it can be found in running text), and the application's text is
searched for them with one Aho-Corasick pass. Matching inside words handles inflection
("skogsbruket" → "skogsbruk") and compounds ("energiomställning" contains "omställning").
Every match is kept as evidence: which term, which passage, which language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal
from uuid import UUID

import ahocorasick
import snowballstemmer

from kraftsamla_common.events import Level, PlanVersionRef, Priority, plan_key

Recommendation = Literal["strong", "moderate", "weak", "none"]
Language = Literal["sv", "fi", "en"]

_STEMMERS = {
    lang: snowballstemmer.stemmer(name)
    for lang, name in (("sv", "swedish"), ("fi", "finnish"), ("en", "english"))
}
_MIN_STEM = 4
_MIN_INNER = 6  # a needle this long may match inside a word (a compound part) …
_MIN_HEAD = 3  # … after a first element at least this long ("naturturism", not "naturism")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_STOPWORDS: dict[Language, frozenset[str]] = {
    "sv": frozenset(
        [
            "och",
            "att",
            "för",
            "med",
            "som",
            "det",
            "är",
            "av",
            "på",
            "en",
            "till",
            "den",
            "har",
            "inte",
            "om",
            "ett",
            "de",
        ]
    ),
    "fi": frozenset(
        ["ja", "on", "että", "ovat", "sekä", "se", "ei", "myös", "kuin", "tai", "joka", "mutta", "ole", "hän"]
    ),
    "en": frozenset(
        ["and", "the", "of", "to", "in", "is", "for", "that", "with", "on", "are", "as", "be", "by", "this"]
    ),
}


def detect_language(text: str) -> Language:
    words = [w.lower() for w in _WORD.findall(text[:5000])]
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] else "sv"


@lru_cache(maxsize=20000)
def needle(term: str) -> str:
    """The shortest stem of ``term`` that is still a prefix of it (so it occurs in running text)."""
    term = term.lower().strip()
    best = term
    for stemmer in _STEMMERS.values():
        stem = stemmer.stemWord(term)
        if len(stem) >= _MIN_STEM and term.startswith(stem) and len(stem) < len(best):
            best = stem
    return best


@dataclass(frozen=True)
class StrengthAreaPlan:
    """A strength area with the priorities of its current published action-plan version."""

    action_plan_id: UUID
    strength_area_id: UUID
    code: str
    version: int
    priorities: tuple[Priority, ...]


@dataclass(frozen=True)
class Evidence:
    priority_id: str
    term: str
    passage: str
    language: Language


@dataclass(frozen=True)
class Fit:
    strength_area_id: UUID
    code: str
    score: float
    priority_ids: list[str]
    matched_terms: list[str]
    evidence: list[Evidence]
    level: Level | None


@dataclass(frozen=True)
class Result:
    plan_key: str
    plan_versions: list[PlanVersionRef]
    strength_area_id: UUID | None
    level: Level | None
    score: float
    recommendation: Recommendation
    fits: list[Fit]
    language: Language
    rationale: str


@dataclass
class Matcher:
    """The region's current plans compiled once, used for every application of a reassessment."""

    plans: list[StrengthAreaPlan]
    automaton: ahocorasick.Automaton = field(init=False)
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.key = plan_key(self.refs)
        by_needle: dict[str, list[tuple[int, str, str]]] = {}
        for i, plan in enumerate(self.plans):
            for prio in plan.priorities:
                for term in prio.vocabulary:
                    for word in term.split():
                        by_needle.setdefault(needle(word), []).append((i, prio.id, term))
        self.automaton = ahocorasick.Automaton()
        for n, owners in by_needle.items():
            self.automaton.add_word(n, (n, owners))
        if by_needle:
            self.automaton.make_automaton()
        self._empty = not by_needle

    @property
    def refs(self) -> list[PlanVersionRef]:
        return [
            PlanVersionRef(
                action_plan_id=p.action_plan_id, strength_area_id=p.strength_area_id, version=p.version
            )
            for p in self.plans
        ]

    def assess(self, text: str) -> Result:
        lowered = text.lower()
        language = detect_language(text)
        # (plan index, priority id) -> term -> evidence; a multi-word term needs every word found.
        found: dict[tuple[int, str], dict[str, set[str]]] = {}
        passages: dict[tuple[int, str, str], str] = {}
        if not self._empty:
            for end, (n, owners) in self.automaton.iter(lowered):
                start = end - len(n) + 1
                head = 0  # letters of the same word before the match
                while head < start and lowered[start - head - 1].isalpha():
                    head += 1
                if head and (len(n) < _MIN_INNER or head < _MIN_HEAD):
                    continue
                for i, prio_id, term in owners:
                    found.setdefault((i, prio_id), {}).setdefault(term, set()).add(n)
                    passages.setdefault((i, prio_id, term), _passage(text, start, end + 1))
        fits: list[Fit] = []
        for i, plan in enumerate(self.plans):
            prio_ids: list[str] = []
            terms: list[str] = []
            evidence: list[Evidence] = []
            best_level: tuple[int, Level] | None = None
            for prio in plan.priorities:
                hits = found.get((i, prio.id), {})
                matched = [t for t, ns in hits.items() if ns >= {needle(w) for w in t.split()}]
                if not matched:
                    continue
                prio_ids.append(prio.id)
                terms.extend(matched)
                evidence.extend(Evidence(prio.id, t, passages[(i, prio.id, t)], language) for t in matched)
                if best_level is None or len(matched) > best_level[0]:
                    best_level = (len(matched), prio.level)
            if terms:
                score = round(min(1.0, len(set(terms)) / 4), 3)
                fits.append(
                    Fit(
                        plan.strength_area_id,
                        plan.code,
                        score,
                        prio_ids,
                        sorted(set(terms)),
                        evidence,
                        best_level[1] if best_level else None,
                    )
                )
        fits.sort(key=lambda f: (-f.score, f.code))
        top = fits[0] if fits else None
        score = top.score if top else 0.0
        recommendation = _recommend(score)
        if top:
            rationale = (
                f"Best fit: strength area '{top.code}' (score {top.score}) through "
                f"{len(top.priority_ids)} priorit{'y' if len(top.priority_ids) == 1 else 'ies'} "
                f"({', '.join(top.priority_ids)}); matched terms: {', '.join(top.matched_terms)}. "
                f"Placed at {top.level} as the level of the best-matching priority."
            )
        else:
            rationale = "No priority vocabulary of the region's current plans occurs in the application."
        return Result(
            self.key,
            self.refs,
            top.strength_area_id if top else None,
            top.level if top else None,
            score,
            recommendation,
            fits,
            language,
            rationale,
        )


def _passage(text: str, start: int, end: int, width: int = 60) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def _recommend(score: float) -> Recommendation:
    if score >= 0.75:
        return "strong"
    if score >= 0.5:
        return "moderate"
    if score > 0:
        return "weak"
    return "none"


def application_text(parts: Iterable[str | None]) -> str:
    return "\n".join(p for p in parts if p)


OPEN_STATUSES = ("received", "under_assessment", "assessed")
"""Applications in these states are reassessed when the region's plans change."""


@dataclass(frozen=True)
class Move:
    application_id: UUID
    from_level: Level | None
    to_level: Level | None
    from_area: UUID | None
    to_area: UUID | None


def summarize(assessed: int, moves: list[Move], codes: dict[UUID, str], trigger: str) -> str:
    """A sentence a person can read: how many were reassessed and what moved where."""
    if not assessed:
        return f"No open applications to reassess after {trigger}."
    groups: dict[str, int] = {}
    for m in moves:
        if m.from_area != m.to_area:
            a = codes.get(m.from_area, "none") if m.from_area else "none"
            b = codes.get(m.to_area, "none") if m.to_area else "none"
            label = f"from strength area {a} to {b}"
        else:
            label = f"from {m.from_level or 'no level'} to {m.to_level or 'no level'}"
        groups[label] = groups.get(label, 0) + 1
    moved = "; ".join(f"{n} moved {label}" for label, n in sorted(groups.items(), key=lambda x: -x[1]))
    return (
        f"{assessed} open application{'s' if assessed != 1 else ''} reassessed after {trigger}: "
        + (moved if moved else "none moved")
        + f"; {assessed - len(moves)} unchanged."
    )
