"""Strategic assessment of an application against a region's published action plans and rubric.

Plain Python, no I/O. The assessment is advice to a person and shows its reasons:

* **text matching**: every vocabulary (the region's priorities, Agenda 2030 goals, sustainability
  dimensions, goal conflicts, pyramid cues) is reduced to stems (Swedish, Finnish and English
  Snowball stemmers, keeping a stem only when it is a prefix of the word, so it can be found in
  running text) and searched for in one Aho-Corasick pass. Matching inside words handles
  inflection ("skogsbruket" → "skogsbruk") and compounds ("energiomställning" contains
  "omställning"). Every match is kept as evidence: which term, which passage, which language;
* **fit** to each strength area and its priorities, and **placement** on Bas – Bredd – Spets;
* **sustainability** (the three dimensions described; conflicts between goals flagged),
  **Agenda 2030** (claimed against supported), **geography** (reach against the portfolio);
* an overall **score and recommendation** from the region's rubric.

Reassessment compares an application's assessments before and after a plan or rubric change and
says why it moved; a reviewer's overrides survive a reassessment unless the change touches them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal, get_args
from uuid import UUID

import ahocorasick
import snowballstemmer
from stdnum.fi import ytunnus
from stdnum.se import orgnr

from kraftsamla_common.events import (
    Dimension,
    Level,
    PlanVersionRef,
    Priority,
    Recommendation,
    Rubric,
    RubricCriterion,
    plan_key,
)
from kraftsamla_common.municipalities import municipality_by_code

from . import vocabulary

Language = Literal["sv", "fi", "en"]
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
LEVELS: tuple[Level, ...] = ("bas", "bredd", "spets")

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
DESCRIBED_MIN_CHARS = 40
"""A sustainability dimension counts as described in its own field from this many characters."""


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


def _passage(text: str, start: int, end: int, width: int = 60) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


class Lexicon:
    """Terms grouped under owners (a priority, a goal, a dimension…), compiled into one automaton.

    ``find`` answers, per owner, each term found in the text with the passage it was found in.
    A term of several words is found when every word is.
    """

    def __init__(self, entries: Iterable[tuple[Hashable, str]]) -> None:
        by_needle: dict[str, list[tuple[Hashable, str]]] = {}
        self._needles: dict[str, frozenset[str]] = {}
        for owner, term in entries:
            term = term.lower().strip()
            needles = self._needles.setdefault(term, frozenset(needle(w) for w in term.split()))
            for n in needles:
                by_needle.setdefault(n, []).append((owner, term))
        self._automaton = ahocorasick.Automaton()
        for n, owners in by_needle.items():
            self._automaton.add_word(n, (n, owners))
        self._empty = not by_needle
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> dict[Hashable, dict[str, str]]:
        lowered = text.lower()
        seen: dict[tuple[Hashable, str], set[str]] = {}
        passages: dict[tuple[Hashable, str], str] = {}
        if self._empty:
            return {}
        for end, (n, owners) in self._automaton.iter(lowered):
            start = end - len(n) + 1
            head = 0  # letters of the same word before the match
            while head < start and lowered[start - head - 1].isalpha():
                head += 1
            if head and (len(n) < _MIN_INNER or head < _MIN_HEAD):
                continue
            for owner, term in owners:
                seen.setdefault((owner, term), set()).add(n)
                passages.setdefault((owner, term), _passage(text, start, end + 1))
        out: dict[Hashable, dict[str, str]] = {}
        for (owner, term), found in seen.items():
            if found >= self._needles[term]:
                out.setdefault(owner, {})[term] = passages[(owner, term)]
        return out


def normalise_identifier(value: str) -> str:
    """An applicant's organisation identifier in the form the actors service keeps it: a Swedish
    organisationsnummer as ``NNNNNN-NNNN`` (also from twelve digits with a century prefix) or a
    Finnish Y-tunnus as ``NNNNNNN-C``, check digits verified. A personnummer is refused: the
    platform keeps organisations, not people."""
    raw = value.strip().replace(" ", "")
    if len(raw) == 9 and raw[7] == "-" and ytunnus.is_valid(raw):
        return str(ytunnus.format(raw))
    digits = raw.replace("-", "")
    if len(digits) == 12 and digits[:2] in ("16", "19", "20"):
        digits = digits[2:]
    if orgnr.is_valid(digits):
        return f"{digits[:6]}-{digits[6:]}"
    raise ValueError(
        f"{value!r} is neither a Swedish organisationsnummer (NNNNNN-NNNN) nor a Finnish "
        "Y-tunnus (NNNNNNN-C) with a valid check digit"
    )


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class StrengthAreaPlan:
    """A strength area with the priorities of its current published action-plan version."""

    action_plan_id: UUID
    strength_area_id: UUID
    code: str
    version: int
    priorities: tuple[Priority, ...]


@dataclass(frozen=True)
class Facts:
    """An application as the assessment reads it."""

    title: str
    summary: str | None = None
    description: str | None = None
    sustainability: Mapping[str, str | None] = field(default_factory=dict)
    claimed_goals: tuple[int, ...] = ()
    claimed_areas: tuple[UUID, ...] = ()
    municipalities: tuple[str, ...] = ()
    partners: int = 0
    helix: frozenset[str] = frozenset()
    """Helix types of the applicant and partners, where they are registered actors."""
    applicant_known: bool = False

    @property
    def text(self) -> str:
        parts = [self.title, self.summary, self.description, *self.sustainability.values()]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Region:
    """The region as an assessment sees it: its municipalities and where its portfolio reaches."""

    municipalities: frozenset[str] = frozenset()
    """Empty when the region has not said which municipalities it has."""
    spread: Mapping[str, int] = field(default_factory=dict)
    """Open applications per municipality."""


DEFAULT_RUBRIC = Rubric.model_validate(
    {
        "criteria": [
            {"id": "fit", "label": {"sv": "Strategisk träffbild", "en": "Strategic fit", "fi": "Strateginen osuvuus"}, "measure": "strategic_fit", "weight": 40},
            {"id": "hallbarhet", "label": {"sv": "Hållbarhet", "en": "Sustainability", "fi": "Kestävyys"}, "measure": "sustainability", "weight": 20},
            {"id": "agenda2030", "label": {"sv": "Agenda 2030", "en": "Agenda 2030", "fi": "Agenda 2030"}, "measure": "agenda2030", "weight": 15},
            {"id": "geografi", "label": {"sv": "Geografisk spridning", "en": "Geographic reach", "fi": "Maantieteellinen kattavuus"}, "measure": "geography", "weight": 10},
            {"id": "partnerskap", "label": {"sv": "Partnerskap", "en": "Partnership", "fi": "Kumppanuus"}, "measure": "partnership", "weight": 10},
            {"id": "sokande", "label": {"sv": "Känd aktör", "en": "Known actor", "fi": "Tunnettu toimija"}, "measure": "applicant", "weight": 5},
        ]
    }
)  # fmt: skip
"""The rubric of a region that has not published its own (version 0)."""


# --------------------------------------------------------------------------- results


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
class Placement:
    level: Level | None
    votes: dict[str, float]
    cues: dict[str, list[str]]
    rationale: str


@dataclass(frozen=True)
class Conflict:
    intervention: str
    protected: str
    terms: list[str]
    passages: list[str]
    note: str


@dataclass(frozen=True)
class Sustainability:
    described: list[Dimension]
    dimensions: dict[str, dict[str, Any]]
    """Per dimension: ``described``, ``in_field`` (its own text given), ``terms`` found."""
    conflicts: list[Conflict]


@dataclass(frozen=True)
class Agenda2030:
    claimed: list[int]
    supported: dict[int, list[str]]
    """Goal → terms in the text that support it."""
    claimed_supported: list[int]
    claimed_unsupported: list[int]
    unclaimed_supported: list[int]


@dataclass(frozen=True)
class Geography:
    municipalities: list[dict[str, Any]]
    """``code``, ``name``, ``in_region``, ``open_applications`` (the portfolio already there)."""
    outside_region: list[str]
    note: str


@dataclass(frozen=True)
class Claims:
    claimed: list[str]
    confirmed: list[str]
    not_found: list[str]
    found_unclaimed: list[str]


@dataclass(frozen=True)
class CriterionScore:
    id: str
    measure: str
    weight: float
    value: float
    points: int
    reason: str


@dataclass(frozen=True)
class Result:
    plan_key: str
    plan_versions: list[PlanVersionRef]
    rubric_version: int
    strength_area_id: UUID | None
    level: Level | None
    score: float
    scale_max: int
    recommendation: Recommendation
    fits: list[Fit]
    placement: Placement
    sustainability: Sustainability
    agenda2030: Agenda2030
    geography: Geography
    claims: Claims
    criteria: list[CriterionScore]
    language: Language
    rationale: str


# --------------------------------------------------------------------------- the assessor


def _static_entries() -> list[tuple[Hashable, str]]:
    entries: list[tuple[Hashable, str]] = []
    entries += [(("sdg", goal), t) for goal, terms in vocabulary.SDG_TERMS.items() for t in terms]
    entries += [(("dim", d), t) for d, terms in vocabulary.DIMENSION_TERMS.items() for t in terms]
    entries += [(("intervention",), t) for t in vocabulary.INTERVENTION_TERMS]
    entries += [(("protected", k), t) for k, terms in vocabulary.PROTECTED_TERMS.items() for t in terms]
    entries += [(("cue", lvl), t) for lvl, terms in vocabulary.LEVEL_CUES.items() for t in terms]
    return entries


@dataclass
class Assessor:
    """The region's current plans and rubric compiled once, used for every application."""

    plans: list[StrengthAreaPlan]
    rubric: Rubric = DEFAULT_RUBRIC
    rubric_version: int = 0
    lexicon: Lexicon = field(init=False)
    key: str = field(init=False)
    _refs: tuple[PlanVersionRef, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._refs = tuple(
            PlanVersionRef(
                action_plan_id=p.action_plan_id, strength_area_id=p.strength_area_id, version=p.version
            )
            for p in self.plans
        )
        self.key = plan_key(self.refs)
        entries = _static_entries()
        for i, plan in enumerate(self.plans):
            entries += [(("prio", i, p.id), t) for p in plan.priorities for t in p.vocabulary]
        self.lexicon = Lexicon(entries)

    @property
    def refs(self) -> list[PlanVersionRef]:
        return list(self._refs)

    @property
    def codes(self) -> dict[UUID, str]:
        return {p.strength_area_id: p.code for p in self.plans}

    def assess(self, facts: Facts, region: Region | None = None) -> Result:
        region = region or Region()
        text = facts.text
        language = detect_language(text)
        found = self.lexicon.find(text)
        fits = self._fits(found, language)
        top = fits[0] if fits else None
        placement = self._placement(top, found)
        sustainability = _sustainability(facts, found)
        agenda = _agenda2030(facts, found)
        geography = _geography(facts, region)
        claims = _claims(facts, fits, self.codes)
        values = _measures(facts, top, sustainability, agenda, geography, region)
        criteria = [_score(c, self.rubric.scale_max, *values[c.measure]) for c in self.rubric.criteria]
        total_weight = sum(c.weight for c in criteria)
        score = round(sum(c.weight * c.points for c in criteria) / total_weight, 2)
        recommendation = recommend(score / self.rubric.scale_max, self.rubric)
        return Result(
            plan_key=self.key,
            plan_versions=self.refs,
            rubric_version=self.rubric_version,
            strength_area_id=top.strength_area_id if top else None,
            level=placement.level,
            score=score,
            scale_max=self.rubric.scale_max,
            recommendation=recommendation,
            fits=fits,
            placement=placement,
            sustainability=sustainability,
            agenda2030=agenda,
            geography=geography,
            claims=claims,
            criteria=criteria,
            language=language,
            rationale=_rationale(
                top, placement, score, self.rubric.scale_max, recommendation, sustainability
            ),
        )

    def _fits(self, found: Mapping[Hashable, dict[str, str]], language: Language) -> list[Fit]:
        fits: list[Fit] = []
        for i, plan in enumerate(self.plans):
            prio_ids: list[str] = []
            terms: set[str] = set()
            evidence: list[Evidence] = []
            best: tuple[int, Level] | None = None
            for prio in plan.priorities:
                hits = found.get(("prio", i, prio.id), {})
                if not hits:
                    continue
                prio_ids.append(prio.id)
                terms.update(hits)
                evidence.extend(Evidence(prio.id, t, p, language) for t, p in sorted(hits.items()))
                if best is None or len(hits) > best[0]:
                    best = (len(hits), prio.level)
            if terms:
                fits.append(
                    Fit(
                        plan.strength_area_id,
                        plan.code,
                        round(min(1.0, len(terms) / 4), 3),
                        prio_ids,
                        sorted(terms),
                        evidence,
                        best[1] if best else None,
                    )
                )
        fits.sort(key=lambda f: (-f.score, -len(f.priority_ids), f.code))
        return fits

    def _placement(self, top: Fit | None, found: Mapping[Hashable, dict[str, str]]) -> Placement:
        cues: dict[str, list[str]] = {
            lvl: sorted(found[("cue", lvl)]) for lvl in LEVELS if ("cue", lvl) in found
        }
        if top is None:
            return Placement(None, {}, cues, "Not placed: no strength area's priorities occur in the text.")
        plan = next(p for p in self.plans if p.strength_area_id == top.strength_area_id)
        by_id = {p.id: p for p in plan.priorities}
        votes: dict[str, float] = dict.fromkeys(LEVELS, 0.0)
        reasons: list[str] = []
        for pid in top.priority_ids:
            n = sum(e.priority_id == pid for e in top.evidence)
            prio = by_id[pid]
            votes[prio.level] += n
            reasons.append(f"priority '{prio.title.any()}' ({prio.level}) matched {n} term{'s' * (n != 1)}")
        for lvl, terms in cues.items():
            votes[lvl] += 0.5 * min(2, len(terms))
            reasons.append(f"the text speaks the language of {lvl} ({', '.join(terms[:3])})")
        order = {lvl: i for i, lvl in enumerate(LEVELS)}
        level: Level = max(LEVELS, key=lambda lvl: (votes[lvl], lvl == top.level, order[lvl]))
        return Placement(
            level,
            {k: v for k, v in votes.items() if v},
            cues,
            f"Placed at {level}: " + "; ".join(reasons) + ".",
        )


def _sustainability(facts: Facts, found: Mapping[Hashable, dict[str, str]]) -> Sustainability:
    dims: dict[str, dict[str, Any]] = {}
    for d in DIMENSIONS:
        own = (facts.sustainability.get(d) or "").strip()
        terms = sorted(found.get(("dim", d), {}))
        dims[d] = {
            "described": len(own) >= DESCRIBED_MIN_CHARS or bool(terms),
            "in_field": bool(own),
            "terms": terms,
        }
    conflicts: list[Conflict] = []
    intervention = found.get(("intervention",), {})
    if intervention:
        for label in vocabulary.PROTECTED_TERMS:
            protected = found.get(("protected", label), {})
            if protected:
                terms = sorted(intervention)[:3] + sorted(protected)[:3]
                conflicts.append(
                    Conflict(
                        intervention=", ".join(sorted(intervention)[:3]),
                        protected=label,
                        terms=terms,
                        passages=[intervention[t] for t in sorted(intervention)[:1]]
                        + [protected[t] for t in sorted(protected)[:1]],
                        note=f"Possible goal conflict: an intervention ({', '.join(sorted(intervention)[:3])}) "
                        f"in a context of {label} ({', '.join(sorted(protected)[:3])}). For the assessor to weigh.",
                    )
                )
    return Sustainability([d for d in DIMENSIONS if dims[d]["described"]], dims, conflicts)


def _agenda2030(facts: Facts, found: Mapping[Hashable, dict[str, str]]) -> Agenda2030:
    supported = {g: sorted(found[("sdg", g)]) for g in range(1, 18) if ("sdg", g) in found}
    claimed = sorted(set(facts.claimed_goals))
    return Agenda2030(
        claimed=claimed,
        supported=supported,
        claimed_supported=[g for g in claimed if g in supported],
        claimed_unsupported=[g for g in claimed if g not in supported],
        unclaimed_supported=[g for g in supported if g not in claimed],
    )


def _geography(facts: Facts, region: Region) -> Geography:
    rows = []
    outside = []
    for code in dict.fromkeys(facts.municipalities):
        m = municipality_by_code(code)
        in_region = not region.municipalities or code in region.municipalities
        if not in_region:
            outside.append(code)
        rows.append(
            {
                "code": code,
                "name": m.name if m else code,
                "in_region": in_region,
                "open_applications": region.spread.get(code, 0),
            }
        )
    if not rows:
        note = "The application names no municipality where it takes effect."
    else:
        least = min(rows, key=lambda r: (r["open_applications"], r["code"]))
        note = (
            f"Reaches {len(rows)} municipalit{'y' if len(rows) == 1 else 'ies'}; "
            f"{least['name']} has {least['open_applications']} other open application"
            f"{'s' * (least['open_applications'] != 1)} so far."
        )
        if outside:
            note += f" Outside the region: {', '.join(outside)}."
    return Geography(rows, outside, note)


def _claims(facts: Facts, fits: Sequence[Fit], codes: Mapping[UUID, str]) -> Claims:
    fitted = {f.strength_area_id for f in fits}
    claimed = list(dict.fromkeys(facts.claimed_areas))

    def name(area: UUID) -> str:
        return codes.get(area, str(area))

    return Claims(
        claimed=[name(a) for a in claimed],
        confirmed=[name(a) for a in claimed if a in fitted],
        not_found=[name(a) for a in claimed if a not in fitted],
        found_unclaimed=[f.code for f in fits if f.strength_area_id not in claimed],
    )


def _measures(
    facts: Facts,
    top: Fit | None,
    sus: Sustainability,
    agenda: Agenda2030,
    geo: Geography,
    region: Region,
) -> dict[str, tuple[float, str]]:
    """Each measure a rubric criterion can use, on 0–1, with its reason."""
    out: dict[str, tuple[float, str]] = {}
    out["strategic_fit"] = (
        (
            top.score,
            f"{len(top.matched_terms)} terms of '{top.code}' found ({', '.join(top.matched_terms[:5])})",
        )
        if top
        else (0.0, "no priority of the region's plans occurs in the text")
    )
    value = max(0.0, len(sus.described) / 3 - 0.2 * len(sus.conflicts))
    reason = f"{len(sus.described)} of 3 dimensions described" + (
        f"; {len(sus.conflicts)} possible goal conflict{'s' * (len(sus.conflicts) != 1)}"
        if sus.conflicts
        else ""
    )
    out["sustainability"] = (value, reason)
    if agenda.claimed:
        out["agenda2030"] = (
            len(agenda.claimed_supported) / len(agenda.claimed),
            f"{len(agenda.claimed_supported)} of {len(agenda.claimed)} claimed goals supported by the text",
        )
    else:
        out["agenda2030"] = (
            0.5 if agenda.supported else 0.0,
            f"no goals claimed; the text supports {len(agenda.supported)}",
        )
    inside = [r for r in geo.municipalities if r["in_region"]]
    if not inside:
        out["geography"] = (0.0, "no municipality of the region named")
    else:
        most = max(region.spread.values(), default=0)
        under = sum(1 - r["open_applications"] / most if most else 1.0 for r in inside) / len(inside)
        out["geography"] = (round(under, 3), geo.note)
    helix = len(facts.helix)
    out["partnership"] = (
        round(0.6 * min(1.0, helix / 3) + 0.4 * min(1.0, facts.partners / 3), 3),
        f"{facts.partners} partner{'s' * (facts.partners != 1)}, {helix} helix type{'s' * (helix != 1)} known",
    )
    out["applicant"] = (
        (1.0, "the applicant is a registered actor of the region")
        if facts.applicant_known
        else (0.0, "the applicant is not (yet) a registered actor of the region")
    )
    return out


def _score(criterion: RubricCriterion, scale_max: int, value: float, reason: str) -> CriterionScore:
    value = min(1.0, max(0.0, value))
    return CriterionScore(
        criterion.id,
        criterion.measure,
        criterion.weight,
        round(value, 3),
        math.floor(value * scale_max + 0.5),  # half up: 2.5 points are 3
        reason,
    )


def recommend(ratio: float, rubric: Rubric) -> Recommendation:
    t = rubric.thresholds
    if ratio >= t.strong:
        return "strong"
    if ratio >= t.moderate:
        return "moderate"
    if ratio >= t.weak:
        return "weak"
    return "none"


def _rationale(
    top: Fit | None,
    placement: Placement,
    score: float,
    scale_max: int,
    recommendation: Recommendation,
    sus: Sustainability,
) -> str:
    parts = []
    if top:
        parts.append(
            f"Best fit: strength area '{top.code}' (fit {top.score}) through "
            f"{len(top.priority_ids)} priorit{'y' if len(top.priority_ids) == 1 else 'ies'} "
            f"({', '.join(top.priority_ids)}); matched terms: {', '.join(top.matched_terms)}."
        )
    else:
        parts.append("No priority vocabulary of the region's current plans occurs in the application.")
    parts.append(placement.rationale)
    parts.append(f"Rubric score {score} of {scale_max}: {recommendation}.")
    if sus.conflicts:
        parts.append(" ".join(c.note for c in sus.conflicts))
    return " ".join(parts)


# --------------------------------------------------------------------------- reviews

OverridePart = Literal["strength_area", "level", "recommendation", "agenda2030", "sustainability"]
ReviewState = Literal["none", "confirmed", "overridden", "needs_review"]


@dataclass(frozen=True)
class Override:
    part: OverridePart
    value: Any
    reason: str
    by: str
    at: datetime
    basis: dict[str, int]
    """Plan version of each strength area the override rests on, when it was made."""
    rubric_version: int


def override_basis(
    part: OverridePart, value: Any, result_area: UUID | None, refs: Iterable[PlanVersionRef]
) -> dict[str, int]:
    """The plan versions an override rests on: the assessed area's, and the area overridden to."""
    areas = {str(result_area)} if result_area else set()
    if part == "strength_area" and value:
        areas.add(str(value))
    versions = {str(r.strength_area_id): r.version for r in refs}
    return {a: versions.get(a, 0) for a in sorted(areas)}


def touched(o: Override, refs: Iterable[PlanVersionRef], rubric_version: int) -> bool:
    """Whether a plan or rubric change touches what an override decided, so the reviewer is asked again.

    Agenda 2030 goals and sustainability are read from the application's own text: no plan change
    touches them. A strength area or level rests on the plans of the areas involved; a
    recommendation also on the rubric.
    """
    if o.part in ("agenda2030", "sustainability"):
        return False
    versions = {str(r.strength_area_id): r.version for r in refs}
    if any(versions.get(a, -1) != v for a, v in o.basis.items()):
        return True
    return o.part == "recommendation" and o.rubric_version != rubric_version


@dataclass(frozen=True)
class Effective:
    strength_area_id: UUID | None
    level: Level | None
    recommendation: Recommendation
    supported_goals: list[int]
    dimensions: list[Dimension]


def base_effective(result: Result) -> Effective:
    return Effective(
        result.strength_area_id,
        result.level,
        result.recommendation,
        sorted(result.agenda2030.supported),
        list(result.sustainability.described),
    )


def effective(base: Effective, overrides: Iterable[Override]) -> Effective:
    """The assessment as it stands after the overrides still in force."""
    values = dict(base.__dict__)
    for o in overrides:
        if o.part == "strength_area":
            values["strength_area_id"] = UUID(str(o.value)) if o.value else None
        elif o.part == "agenda2030":
            values["supported_goals"] = sorted(o.value)
        elif o.part == "sustainability":
            values["dimensions"] = list(o.value)
        else:
            values[o.part] = o.value
    return Effective(**values)


# --------------------------------------------------------------------------- reassessment

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
