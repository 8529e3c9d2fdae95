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
says why it moved (``reassessment``); a reviewer's overrides survive a reassessment unless the
change touches them (``reviews``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal, get_args
from uuid import UUID

from stdnum.fi import ytunnus
from stdnum.se import orgnr

from kraftsamla_common.events import (
    Dimension,
    Level,
    PlanVersionRef,
    Recommendation,
    Rubric,
    RubricCriterion,
    plan_key,
)
from kraftsamla_common.municipalities import municipality_by_code

from . import nace, vocabulary
from .matching import Entry, Hit, Language, Lexicon, Signature, TextFeatures, analyse, content_words
from .plans import StrengthAreaPlan
from .wording import Name, Part, PartJson, as_written, english, english_one, in_every_language, name
from .wording import level as level_part
from .wording import recommendation as recommendation_part

DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
LEVELS: tuple[Level, ...] = ("bas", "bredd", "spets")
DESCRIBED_MIN_CHARS = 40
"""A sustainability dimension counts as described in its own field from this many characters."""


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
        if digits[2] in "01":  # a month: a personnummer, whose check digit is right too
            raise ValueError(
                f"{value!r} is a personnummer, not an organisationsnummer: the platform keeps "
                "organisations, not people"
            )
        return f"{digits[:6]}-{digits[6:]}"
    raise ValueError(
        f"{value!r} is neither a Swedish organisationsnummer (NNNNNN-NNNN) nor a Finnish "
        "Y-tunnus (NNNNNNN-C) with a valid check digit"
    )


# --------------------------------------------------------------------------- inputs


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
    features: TextFeatures | None = None
    """The text's language, sentences and words, as stored at intake (worked out when missing)."""

    @property
    def text(self) -> str:
        parts = [self.title, self.summary, self.description, *self.sustainability.values()]
        return "\n".join(p for p in parts if p)

    def read(self) -> TextFeatures:
        return self.features or analyse(self.text)


@dataclass(frozen=True)
class Region:
    """The region as an assessment sees it: its municipalities and where its portfolio reaches."""

    municipalities: frozenset[str] = frozenset()
    """Empty when the region has not said which municipalities it has."""
    spread: Mapping[str, int] = field(default_factory=dict)
    """Open applications per municipality."""


@dataclass(frozen=True)
class Precedent:
    """An application whose strength area a reviewer decided, with a reason: an example for the
    region's later applications that read like it."""

    application_id: UUID
    title: str
    strength_area_id: UUID | None
    """None: the reviewer placed it under no strength area."""
    reason: str
    signature: Signature


DEFAULT_CRITERIA = (
    ("fit", "strategic_fit", 40),
    ("hallbarhet", "sustainability", 20),
    ("agenda2030", "agenda2030", 15),
    ("geografi", "geography", 10),
    ("partnerskap", "partnership", 10),
    ("sokande", "applicant", 5),
)
"""The default rubric's criteria: id (its label is the catalogues' ``criterion_<id>``), measure, weight."""

DEFAULT_RUBRIC = Rubric.model_validate(
    {
        "criteria": [
            {"id": cid, "label": in_every_language(f"criterion_{cid}"), "measure": measure, "weight": weight}
            for cid, measure, weight in DEFAULT_CRITERIA
        ]
    }
)
"""The rubric of a region that has not published its own (version 0)."""


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class Evidence:
    priority_id: str
    """The priority whose text matched; empty when the match is in the area's other texts."""
    term: str
    passage: str
    language: Language
    source: str = ""
    """The plan text the term comes from ("vocabulary of priority …", "NACE C10 …", "analysis")."""


@dataclass(slots=True)
class Fit:
    strength_area_id: UUID
    code: str
    score: float
    """How well the text fits the area, 0 – 1 (``1 - exp(-points / FIT_SCALE)``)."""
    priority_ids: list[str]
    matched_terms: list[str]
    evidence: list[Evidence]
    level: Level | None
    points: float = 0.0
    """The weighted sum the score is made from: each term's weight × how rare it is among the areas."""


@dataclass(frozen=True)
class Choice:
    """How the strength area was chosen: with what confidence, against which runner-up, and
    whether it was a tie, a near tie, or a reviewer's earlier decision on a similar application."""

    confidence: float
    runner_up: str | None
    runner_up_id: UUID | None
    margin: float
    """The chosen area's points less the runner-up's."""
    tie: Literal["tie", "near_tie"] | None
    precedent: dict[str, Any] | None
    """The reviewed application it reads like: id, title, strength area, reason, similarity."""
    note: str


@dataclass(frozen=True)
class Placement:
    level: Level | None
    votes: dict[str, float]
    cues: dict[str, list[str]]
    rationale: str
    tie: list[str] = field(default_factory=list)
    """The levels that tied for first place, when they did."""


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
    passages: dict[int, str] = field(default_factory=dict)
    """Goal → the passage that supports it."""


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


@dataclass(slots=True)
class CriterionScore:
    id: str
    measure: str
    weight: float
    value: float
    points: int
    reason: PartJson
    """Why it has its value: a part in its JSON form (``{"key", "params"}``), worded in the reader's
    language when the assessment is read (an assessment stored before kept an English sentence)."""


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
    """Every area the text touches, best first; the first is the chosen one when it fits enough."""
    placement: Placement
    sustainability: Sustainability
    agenda2030: Agenda2030
    geography: Geography
    claims: Claims
    criteria: list[CriterionScore]
    language: Language
    rationale: str
    """In English; ``rationale_parts`` are its sentences for every language."""
    choice: Choice | None = None
    rationale_parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class TextReading:
    """What the rubric's measures read of an assessment's reading of the text: its chosen area
    (with its score and heaviest terms), the sustainability dimensions described and the goal
    conflicts found, the Agenda 2030 goals claimed, those of them supported and all supported."""

    area: UUID | None
    code: str
    fit: float
    terms: tuple[str, ...]
    described: int
    conflicts: int
    claimed: int
    claimed_supported: int
    supported: int

    @classmethod
    def of(cls, top: Fit | None, sus: Sustainability, agenda: Agenda2030) -> TextReading:
        return cls(
            top.strength_area_id if top else None,
            top.code if top else "",
            top.score if top else 0.0,
            tuple(top.matched_terms[:5]) if top else (),
            len(sus.described),
            len(sus.conflicts),
            len(agenda.claimed),
            len(agenda.claimed_supported),
            len(agenda.supported),
        )

    @classmethod
    def stored(cls, fits: Sequence[Mapping[str, Any]], details: Mapping[str, Any]) -> TextReading:
        """The same, from an assessment's stored form (its ``fits`` and ``details``)."""
        top = fits[0] if fits and fits[0].get("points", 0.0) >= MIN_POINTS else None
        sus, agenda = details["sustainability"], details["agenda2030"]
        return cls(
            UUID(str(top["strength_area_id"])) if top else None,
            str(top["code"]) if top else "",
            float(top["score"]) if top else 0.0,
            tuple(top["matched_terms"][:5]) if top else (),
            len(sus["described"]),
            len(sus["conflicts"]),
            len(agenda["claimed"]),
            len(agenda["claimed_supported"]),
            len(agenda["supported"]),
        )


@dataclass(frozen=True)
class Scored:
    """What an assessment reads of the portfolio and the actors, and what follows from it: the
    municipalities it reaches, each rubric criterion, the score, the recommendation, and the
    rationale's sentence that says them."""

    geography: Geography
    criteria: list[CriterionScore]
    score: float
    recommendation: Recommendation
    verdict: Part


# --------------------------------------------------------------------------- the assessor

WEIGHTS = {
    "vocabulary": 3.0,
    "priority": 2.0,
    "name": 2.5,
    "description": 1.4,
    "nace": 1.5,
    "nace_name": 1.0,
    "plan": 0.75,
}
"""How much a term counts by the plan text it comes from: a priority's own vocabulary most, the
area's name, its industries (NACE), its description, then the action plan's prose."""
STRONG = WEIGHTS["nace"]
"""A term at least this heavy names the area's business (its vocabulary, names, industries); an
area found only through the words of its description and plan prose counts half."""
MIN_POINTS = 2.0
"""Below this a text fits no strength area: one vocabulary term passes, or two of the area's
industry words; description and prose words alone need several."""
FIT_SCALE = 5.0
NEAR_TIE = 0.9
"""A runner-up with at least this share of the winner's points is a near tie."""
EVIDENCE = 5
"""Evidence the chosen area keeps: its heaviest terms, each with the sentence it was found in."""
TERMS = 6
"""Matched terms kept per area (its heaviest)."""
FITS = 3
"""Areas kept in a result: the chosen one and its closest runners-up."""
PRECEDENT_MIN = 0.3
"""Similarity from which a reviewed application counts as an example (cosine of content stems)."""
PRECEDENT_POINTS = 12.0
"""Points a fully similar example adds to the area its reviewer chose."""


def _static_entries() -> list[Entry]:
    entries: list[Entry] = []
    entries += [Entry(("sdg", goal), t) for goal, terms in vocabulary.SDG_TERMS.items() for t in terms]
    entries += [Entry(("dim", d), t) for d, terms in vocabulary.DIMENSION_TERMS.items() for t in terms]
    entries += [Entry(("intervention",), t) for t in vocabulary.INTERVENTION_TERMS]
    entries += [Entry(("protected", k), t) for k, terms in vocabulary.PROTECTED_TERMS.items() for t in terms]
    entries += [Entry(("cue", lvl), t) for lvl, terms in vocabulary.LEVEL_CUES.items() for t in terms]
    return entries


def _plan_text(part: str) -> Part:
    """A part of an action plan's prose as :func:`.plans.profile_of` names it."""
    if part in ("analysis", "challenges", "vision"):
        return Part(f"plan_{part}")
    if part.startswith("sub-goal '") and part.endswith("'"):
        return Part("plan_sub_goal", {"title": part[len("sub-goal '") : -1]})
    return as_written(part)


def _area_entries(i: int, plan: StrengthAreaPlan, sources: dict[str, Part]) -> list[Entry]:
    """Every plan text of one area as weighted terms, each saying where it comes from (in English;
    ``sources`` gets each of those texts' parts)."""
    area: tuple[Hashable, ...] = ("area", i)
    out: list[Entry] = []

    def source(part: Part) -> str:
        text = english_one(part)
        sources.setdefault(text, part)
        return text

    def words(owner: Hashable, text: str, weight: float, source: str, *, title: bool = False) -> None:
        out.extend(Entry(owner, w, weight, source) for w in content_words(text, title=title))

    for prio in plan.priorities:
        owner = ("prio", i, prio.id)
        title = name(prio.title.model_dump(), prio.id)
        vocabulary_of = source(Part("source_vocabulary", {"priority": title}))
        out += [Entry(owner, t, WEIGHTS["vocabulary"], vocabulary_of) for t in prio.vocabulary]
        priority = source(Part("source_priority", {"priority": title}))
        for text in (prio.title.sv, prio.title.en, prio.title.fi):
            if text:
                words(owner, text, WEIGHTS["priority"], priority, title=True)
        words(owner, prio.description, WEIGHTS["plan"], priority)
    for lang, text in plan.name.items():
        if text:
            area_name = source(Part("source_area_name", {"language": Part(f"language_{lang}")}))
            words(area, text, WEIGHTS["name"], area_name, title=True)
            out.append(Entry(area, text, WEIGHTS["name"], area_name))
    for lang, text in plan.description.items():
        if text:
            description = source(Part("source_area_description", {"language": Part(f"language_{lang}")}))
            words(area, text, WEIGHTS["description"], description)
    for code in plan.nace_codes:
        division = nace.division(code)
        if division is None:
            continue
        industry = source(Part("source_nace", {"code": code, "label": division.label}))
        out += [Entry(area, t, WEIGHTS["nace"], industry) for t in division.terms]
        for text in division.names:
            words(area, text, WEIGHTS["nace_name"], industry, title=True)
    for part, text in plan.prose:
        words(area, text, WEIGHTS["plan"], source(Part("source_plan", {"part": _plan_text(part)})))
    for ini in plan.initiatives:
        owners: list[Hashable] = [("prio", i, pid) for pid in ini.priority_ids] or [area]
        initiative = source(Part("source_initiative", {"title": ini.title}))
        for who in owners:
            words(who, ini.title, WEIGHTS["plan"], initiative, title=True)
            words(who, ini.description, WEIGHTS["plan"], initiative)
    return out


@dataclass(frozen=True)
class Difference:
    """What changing one assessor for another can change, application by application.

    An assessment reads the plans only through the plan terms its application's text holds (their
    owners, weights, points and the plan texts they come from), the levels of the priorities those
    terms belong to, the areas' codes (which break ties) and the names it words its reasons with;
    everything else it reads (the application, the portfolio) is the same under both. So an
    application whose text holds none of the ``changed`` terms comes out the same by both, to the
    last word of its reasons. ``everything`` where the change reaches every application: another
    rubric or reviewers' decisions, a strength area added or gone or its code changed (or renamed,
    where a reviewer's precedent names it)."""

    everything: bool
    changed: frozenset[str] = frozenset()
    """The terms whose owners, weights, points or plan texts differ, or that belong to a priority
    whose level differs."""

    @cached_property
    def terms(self) -> Lexicon | None:
        """The changed terms, to look for in a text (None: no such term)."""
        return Lexicon(Entry("changed", t) for t in sorted(self.changed)) if self.changed else None

    def touches(self, facts: Facts) -> bool:
        """Whether the application may come out differently."""
        if self.everything:
            return True
        return self.terms is not None and bool(self.terms.find(facts.text, facts.read()))

    def may_touch(self, facts: Facts) -> bool:
        """Whether the application's text could hold a changed term (read without its words: a
        term is found in a text only where one of its needles is in the text in lower case, so
        where this is False :meth:`touches` is too)."""
        if self.everything:
            return True
        return self.terms is not None and self.terms.may_find(facts.text.lower())


def _levels(assessor: Assessor) -> dict[tuple[UUID, str], Level]:
    """Each priority's level, by its strength area and id."""
    return {(p.strength_area_id, x.id): x.level for p in assessor.plans for x in p.priorities}


@dataclass
class Assessor:
    """The region's current plans and rubric compiled once, used for every application."""

    plans: list[StrengthAreaPlan]
    rubric: Rubric = DEFAULT_RUBRIC
    rubric_version: int = 0
    precedents: Sequence[Precedent] = ()
    lexicon: Lexicon = field(init=False)
    key: str = field(init=False)
    _refs: tuple[PlanVersionRef, ...] = field(init=False, repr=False)
    _levels: list[dict[str, Level]] = field(init=False, repr=False)
    _codes: dict[UUID, str] = field(init=False, repr=False)
    _labels: dict[UUID, str] = field(init=False, repr=False)
    _names: dict[UUID, Name] = field(init=False, repr=False)
    _sources: dict[str, Part] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._refs = tuple(
            PlanVersionRef(
                action_plan_id=p.action_plan_id, strength_area_id=p.strength_area_id, version=p.version
            )
            for p in self.plans
        )
        self.key = plan_key(self.refs)
        self._sources = {}
        plan_entries = [e for i, plan in enumerate(self.plans) for e in _area_entries(i, plan, self._sources)]
        areas_of: dict[str, set[int]] = {}
        for e in plan_entries:
            areas_of.setdefault(" ".join(e.term.lower().split()), set()).add(e.owner[1])  # type: ignore[index]
        n = max(1, len(self.plans))
        # A term found in the texts of fewer areas tells more about which area a text is about:
        # 1 for a term of one area, less the more areas share it (whatever the number of areas).
        rarity = {t: math.log(1 + n / len(a)) / math.log(1 + n) for t, a in areas_of.items()}
        self.lexicon = Lexicon(
            [
                *_static_entries(),
                *(
                    replace(e, points=e.weight * rarity[" ".join(e.term.lower().split())])
                    for e in plan_entries
                ),
            ]
        )
        self._levels = [{p.id: p.level for p in plan.priorities} for plan in self.plans]
        self._codes = {p.strength_area_id: p.code for p in self.plans}
        self._labels = {p.strength_area_id: p.label for p in self.plans}
        self._names = {p.strength_area_id: name(p.name, p.code) for p in self.plans}

    @property
    def refs(self) -> list[PlanVersionRef]:
        return list(self._refs)

    @property
    def codes(self) -> dict[UUID, str]:
        return self._codes

    @property
    def labels(self) -> dict[UUID, str]:
        return self._labels

    @property
    def names(self) -> dict[UUID, Name]:
        """Each strength area by its name in the languages the region gave it (its code where none)."""
        return self._names

    @cached_property
    def held(self) -> dict[str, frozenset[tuple[Hashable, float, float, str]]]:
        """Each term of the lexicon with its owners, weights, points and the plan texts it comes
        from, a plan's owner by its strength area's id instead of its place among the plans
        (worked out once)."""
        areas = [p.strength_area_id for p in self.plans]

        def owner(o: Hashable) -> Hashable:
            if isinstance(o, tuple) and o[0] in ("area", "prio"):
                return ("area", areas[o[1]]) if o[0] == "area" else ("prio", areas[o[1]], o[2])
            return o

        return {
            term: frozenset((owner(o), weight, points, source) for o, weight, source, points in held)
            for term, held in self.lexicon.owners().items()
        }

    @cached_property
    def titles(self) -> dict[tuple[UUID, str], Any]:
        """Each priority's title, by its strength area and id."""
        return {(p.strength_area_id, x.id): x.title for p in self.plans for x in p.priorities}

    @cached_property
    def fixed(self) -> str:
        """A digest of what every assessment by this assessor reads besides the plans and the
        application: the rubric and the reviewers' precedents."""
        precedents = [
            (str(p.application_id), p.title, str(p.strength_area_id), p.reason, sorted(p.signature.stems))
            for p in self.precedents
        ]
        held = repr((self.rubric_version, self.rubric.model_dump(mode="json"), precedents))
        return hashlib.blake2b(held.encode(), digest_size=16).hexdigest()

    def inputs(self, facts: Facts) -> str:
        """A digest of what an assessment of ``facts`` reads besides the plans, the portfolio and
        the actors: the application's texts and claims (its text's features are worked out from
        its texts), the municipalities it names, the rubric and the precedents. Of two assessors
        whose :meth:`difference` does not touch the application, the second makes of an
        assessment with the same inputs what :meth:`carried` says."""
        held = repr(
            (
                self.fixed,
                facts.title,
                facts.summary,
                facts.description,
                sorted(facts.sustainability.items()),
                facts.claimed_goals,
                [str(a) for a in facts.claimed_areas],
                tuple(facts.municipalities),
            )
        )
        return hashlib.blake2b(held.encode(), digest_size=16).hexdigest()

    def scoring_inputs(self, facts: Facts, region: Region) -> str:
        """A digest of what :meth:`scored` reads of the portfolio and the actors for ``facts``: each
        municipality it names, whether it is the region's and its open applications, the most open
        applications of any municipality, the partners, their helix types and whether the applicant
        is known. Of two assessments with the same reading of the text, the same rubric and the same
        scoring inputs, :meth:`scored` makes the same."""
        codes = tuple(dict.fromkeys(facts.municipalities))
        inside = [c for c in codes if not region.municipalities or c in region.municipalities]
        held = repr(
            (
                [(c, c in inside, region.spread.get(c, 0)) for c in codes],
                max(region.spread.values(), default=0) if inside else None,
                facts.partners,
                sorted(facts.helix),
                facts.applicant_known,
            )
        )
        return hashlib.blake2b(held.encode(), digest_size=16).hexdigest()

    def carried(self, result: Result, facts: Facts, region: Region) -> Result:
        """An assessment by an assessor whose :meth:`difference` from this one does not touch it,
        with the same :meth:`inputs`, as this one makes it: its reading of the text kept, what it
        reads of the portfolio and the actors worked out anew (:meth:`scored`)."""
        reading = TextReading.of(
            result.fits[0] if result.strength_area_id is not None else None,
            result.sustainability,
            result.agenda2030,
        )
        scored = self.scored(reading, facts, region)
        rationale = self.rescored_rationale(result.rationale, result.score, result.recommendation, scored)
        return replace(
            result,
            plan_key=self.key,
            plan_versions=self.refs,
            geography=scored.geography,
            criteria=scored.criteria,
            score=scored.score,
            recommendation=scored.recommendation,
            rationale=rationale,
            rationale_parts=tuple(
                scored.verdict if p.key == "rationale_score" else p for p in result.rationale_parts
            ),
        )

    def difference(self, before: Assessor) -> Difference:
        """What assessing by this assessor instead of ``before`` can change (:class:`Difference`)."""
        renamed = {a for a in self.names.keys() & before.names.keys() if self.names[a] != before.names[a]}
        if (
            self.rubric != before.rubric
            or self.codes != before.codes
            or tuple(self.precedents) != tuple(before.precedents)
            # A precedent's note names its area, whatever the text holds.
            or any(p.strength_area_id in renamed for p in self.precedents)
        ):
            return Difference(everything=True)
        now, then = self.held, before.held
        levels, levels_before = _levels(self), _levels(before)
        titles, titles_before = self.titles, before.titles
        # Priorities whose level or title differs; areas whose name does: every term they own.
        reworded = {k for k in levels.keys() & levels_before.keys() if levels[k] != levels_before[k]}
        reworded |= {k for k in titles.keys() & titles_before.keys() if titles[k] != titles_before[k]}

        def owned(o: Hashable) -> bool:
            if not isinstance(o, tuple):
                return False
            return (o[0] == "prio" and (o[1:] in reworded or o[1] in renamed)) or (
                o[0] == "area" and o[1] in renamed
            )

        changed = {t for t in now.keys() | then.keys() if now.get(t) != then.get(t)}
        changed |= {
            t for held in (now, then) for t, owners in held.items() if any(owned(o[0]) for o in owners)
        }
        return Difference(False, frozenset(changed))

    def assess(self, facts: Facts, region: Region | None = None) -> Result:
        region = region or Region()
        text = facts.text
        features = facts.read()
        found = self.lexicon.find(text, features)
        fits = self._fits(found, features.language)
        choice, fits, note = self._choose(fits, facts, features)
        top = fits[0] if fits and fits[0].points >= MIN_POINTS else None
        placement, placed = self._placement(top, found)
        sustainability, conflicts = _sustainability(facts, found)
        agenda = _agenda2030(facts, found)
        claims = _claims(facts, fits if top else [], self.codes)
        scored = self.scored(TextReading.of(top, sustainability, agenda), facts, region)
        geography, criteria, score, recommendation = (
            scored.geography,
            scored.criteria,
            scored.score,
            scored.recommendation,
        )
        rationale, said = self._rationale(
            top, choice, note, (placement, placed), scored.verdict, (sustainability, conflicts)
        )
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
            language=features.language,
            rationale=said,
            choice=choice,
            rationale_parts=tuple(rationale),
        )

    def scored(self, reading: TextReading, facts: Facts, region: Region) -> Scored:
        """The part of an assessment that reads the portfolio and the actors (the municipalities'
        open applications, the partners, the known actors), worked out from its reading of the text:
        what an assessment carried to a portfolio that has changed since is given anew."""
        geography, reach = _geography(facts, region)
        values = _measures(facts, reading, (geography, reach), region, self.names)
        criteria = [_score(c, self.rubric.scale_max, *values[c.measure]) for c in self.rubric.criteria]
        total_weight = sum(c.weight for c in criteria)
        score = round(sum(c.weight * c.points for c in criteria) / total_weight, 2)
        recommendation = recommend(score / self.rubric.scale_max, self.rubric)
        return Scored(geography, criteria, score, recommendation, self.verdict(score, recommendation))

    def rescored_rationale(
        self, rationale: str, score: float, recommendation: Recommendation, scored: Scored
    ) -> str:
        """An assessment's English rationale with its sentence on the score and recommendation
        (``score``, ``recommendation``) said as ``scored`` says it."""
        was = english([self.verdict(score, recommendation)])
        at = rationale.rfind(was)
        return rationale[:at] + english([scored.verdict]) + rationale[at + len(was) :]

    def verdict(self, score: float, recommendation: Recommendation) -> Part:
        """The rationale's sentence that gives the score and the recommendation."""
        return Part(
            "rationale_score",
            {
                "score": score,
                "scale_max": self.rubric.scale_max,
                "recommendation": recommendation_part(recommendation),
            },
        )

    def _fits(self, found: Mapping[Hashable, dict[str, Hit]], language: Language) -> list[Fit]:
        by_area: dict[int, list[tuple[str, dict[str, Hit]]]] = {}
        for owner, hits in found.items():
            if isinstance(owner, tuple) and owner[0] in ("area", "prio"):
                by_area.setdefault(owner[1], []).append((owner[2] if owner[0] == "prio" else "", hits))
        scored = []
        for i, owners in by_area.items():
            # Each term once per area, at its heaviest, with the priority it came from (if any).
            terms: dict[str, tuple[float, Hit, str]] = {}
            prio_hits: dict[str, float] = {}
            strong = False
            for pid, hits in owners:
                for term, hit in hits.items():
                    n = len(hit.sentences)
                    points = hit.points * (1 + 0.25 * min(n - 1, 4))
                    strong = strong or hit.weight >= STRONG
                    if pid:
                        prio_hits[pid] = prio_hits.get(pid, 0.0) + points
                    known = terms.get(term)
                    if known is None or known[0] < points:
                        terms[term] = (points, hit, pid)
            total = sum(p for p, _, _ in terms.values())
            scored.append((total if strong else total / 2, self.plans[i].code, i, terms, prio_hits))
        scored.sort(key=lambda x: (-x[0], x[1]))
        fits: list[Fit] = []
        for rank, (total, _, i, terms, prio_hits) in enumerate(scored[:FITS]):
            plan = self.plans[i]
            ranked = sorted(terms.items(), key=lambda x: (-x[1][0], x[0]))
            # The chosen area shows its heaviest terms with their sentences, the runner-up a few.
            shown = ranked[: EVIDENCE if rank == 0 else 2 if rank == 1 else 0]
            best = max(prio_hits, key=lambda pid: (prio_hits[pid], pid)) if prio_hits else None
            fits.append(
                Fit(
                    plan.strength_area_id,
                    plan.code,
                    round(1 - math.exp(-total / FIT_SCALE), 3),
                    sorted(prio_hits, key=lambda pid: -prio_hits[pid]),
                    [t for t, _ in ranked[:TERMS]],
                    [Evidence(pid, t, h.passage, language, h.source) for t, (_, h, pid) in shown],
                    self._levels[i][best] if best else None,
                    round(total, 3),
                )
            )
        return fits

    def _choose(
        self, fits: list[Fit], facts: Facts, features: TextFeatures
    ) -> tuple[Choice | None, list[Fit], list[Part]]:
        """Order the fits for the choice: a similar application a reviewer decided counts, and of
        areas that tie, the one the applicant claims (else the one with more priorities matched)
        goes first. Says how sure the choice is and what it was up against (the note's parts)."""
        precedent = self._precedent(features)
        if precedent is not None:
            p, sim = precedent
            bonus = PRECEDENT_POINTS * sim
            if p.strength_area_id is None:
                fits = [_with_points(f, f.points - bonus) for f in fits]
            elif all(f.strength_area_id != p.strength_area_id for f in fits):
                plan = next((x for x in self.plans if x.strength_area_id == p.strength_area_id), None)
                if plan is not None:
                    fits = [*fits, Fit(plan.strength_area_id, plan.code, 0.0, [], [], [], None, 0.0)]
            fits = [
                _with_points(f, f.points + bonus) if f.strength_area_id == p.strength_area_id else f
                for f in fits
            ]
        claimed = set(facts.claimed_areas)
        fits.sort(
            key=lambda f: (
                -round(f.points, 6),
                f.strength_area_id not in claimed,
                -len(f.priority_ids),
                f.code,
            )
        )
        if not fits:
            nothing = [Part("choice_no_texts")]
            return Choice(1.0, None, None, 0.0, None, None, english(nothing)), fits, nothing
        top, second = fits[0], (fits[1] if len(fits) > 1 else None)
        names = self.names
        s1, s2 = top.points, (second.points if second else 0.0)
        tie: Literal["tie", "near_tie"] | None = None
        note: list[Part] = []
        if s1 < MIN_POINTS:
            confidence = round(1 - s1 / MIN_POINTS / 2, 2)
            closest = {"area": names[top.strength_area_id], "points": round(s1, 1), "needed": MIN_POINTS}
            note = [Part("choice_not_enough", closest) if s1 > 0 else Part("choice_none_fits")]
        else:
            confidence = round(s1 / (s1 + s2 + MIN_POINTS), 2)
            if second is not None and abs(s1 - s2) < 1e-6:
                tie = "tie"
                why = (
                    "why_claimed"
                    if top.strength_area_id in claimed
                    else "why_more_priorities"
                    if len(top.priority_ids) > len(second.priority_ids)
                    else "why_code_order"
                )
                equal = {
                    "area": names[top.strength_area_id],
                    "other": names[second.strength_area_id],
                    "points": round(s1, 1),
                    "why": Part(why),
                }
                note = [Part("choice_tie", equal)]
            elif second is not None and s2 >= NEAR_TIE * s1 and s2 >= MIN_POINTS:
                tie = "near_tie"
                close = {
                    "other": names[second.strength_area_id],
                    "points": round(s2, 1),
                    "against": round(s1, 1),
                }
                note = [Part("choice_near_tie", close)]
        precedent_json = None
        if precedent is not None:
            p, sim = precedent
            where = (
                names.get(p.strength_area_id, Part("area_none")) if p.strength_area_id else Part("area_none")
            )
            precedent_json = {
                "application_id": str(p.application_id),
                "title": p.title,
                "strength_area_id": str(p.strength_area_id) if p.strength_area_id else None,
                "reason": p.reason,
                "similarity": round(sim, 3),
            }
            like = {"title": p.title, "area": where, "reason": p.reason, "similarity": round(sim, 2)}
            note = [Part("choice_precedent", like), *note]
        return (
            Choice(
                confidence=confidence,
                runner_up=second.code if second else None,
                runner_up_id=second.strength_area_id if second else None,
                margin=round(s1 - s2, 3),
                tie=tie,
                precedent=precedent_json,
                note=english(note),
            ),
            fits,
            note,
        )

    def _precedent(self, features: TextFeatures) -> tuple[Precedent, float] | None:
        if not self.precedents:
            return None
        signature = Signature.of(features)
        best: tuple[Precedent, float] | None = None
        for p in self.precedents:
            sim = signature.similarity(p.signature)
            if sim >= PRECEDENT_MIN and (best is None or sim > best[1]):
                best = (p, sim)
        return best

    def _placement(
        self, top: Fit | None, found: Mapping[Hashable, dict[str, Hit]]
    ) -> tuple[Placement, list[Part]]:
        cues: dict[str, list[str]] = {
            lvl: sorted(found[("cue", lvl)]) for lvl in LEVELS if ("cue", lvl) in found
        }
        if top is None:
            unplaced = [Part("placement_none")]
            return Placement(None, {}, cues, english(unplaced)), unplaced
        plan = next(p for p in self.plans if p.strength_area_id == top.strength_area_id)
        by_id = {p.id: p for p in plan.priorities}
        votes: dict[str, float] = dict.fromkeys(LEVELS, 0.0)
        reasons: list[Part] = []
        for pid in top.priority_ids:
            n = sum(e.priority_id == pid for e in top.evidence)
            prio = by_id[pid]
            votes[prio.level] += n
            title = name(prio.title.model_dump(), prio.id)
            reasons.append(
                Part("placement_priority", {"n": n, "priority": title, "level": level_part(prio.level)})
            )
        for lvl, terms in cues.items():
            votes[lvl] += min(2, len(terms))
            reasons.append(Part("placement_cues", {"level": level_part(lvl), "terms": terms[:3]}))
        if not any(votes.values()):
            breadth = [Part("placement_default")]
            return Placement("bredd", {}, cues, english(breadth)), breadth
        order = {lvl: i for i, lvl in enumerate(LEVELS)}
        level: Level = max(LEVELS, key=lambda lvl: (votes[lvl], lvl == top.level, order[lvl]))
        tied: list[str] = [lvl for lvl in LEVELS if votes[lvl] == votes[level]]
        parts = [Part("placement_at", {"level": level_part(level), "reasons": reasons})]
        if len(tied) > 1:
            why = "why_best_priority_level" if level == top.level else "why_higher_level"
            tie = {
                "levels": [level_part(x) for x in tied],
                "votes": votes[level],
                "level": level_part(level),
                "why": Part(why),
            }
            parts.append(Part("placement_tie", tie))
        placement = Placement(
            level, {k: v for k, v in votes.items() if v}, cues, english(parts), tied if len(tied) > 1 else []
        )
        return placement, parts

    def _rationale(
        self,
        top: Fit | None,
        choice: Choice | None,
        note: list[Part],
        placed: tuple[Placement, list[Part]],
        verdict: Part,
        conflicts: tuple[Sustainability, list[Part]],
    ) -> tuple[list[Part], str]:
        """Why the assessment came out as it did, sentence by sentence, and in English (made of
        the sentences its parts already said: the choice's note, the placement, the conflicts)."""
        head: list[Part] = []
        if top:
            sources = list(dict.fromkeys(e.source for e in top.evidence[:3] if e.source))
            fit: dict[str, Any] = {
                "area": self.names.get(top.strength_area_id, top.code),
                "fit": top.score,
                "confidence": choice.confidence if choice else 0,
                "terms": top.matched_terms[:6],
            }
            if sources:
                fit["sources"] = [self._sources.get(x) or as_written(x) for x in sources]
            head.append(Part("rationale_best_fit_from" if sources else "rationale_best_fit", fit))
            if choice and choice.runner_up and not choice.tie:
                other = self.names.get(choice.runner_up_id) if choice.runner_up_id else None
                head.append(Part("rationale_runner_up", {"area": other or choice.runner_up}))
        chosen = note or ([] if top else [Part("rationale_no_fit")])
        placement, placed_parts = placed
        sustainability, conflict_parts = conflicts
        parts = [*head, *chosen, *placed_parts, verdict, *conflict_parts]
        texts = [
            english(head),
            choice.note if choice is not None and note else english(chosen),
            placement.rationale,
            english([verdict]),
            *(c.note for c in sustainability.conflicts),
        ]
        return parts, " ".join(t for t in texts if t)


def _with_points(f: Fit, points: float) -> Fit:
    points = max(0.0, points)
    return replace(f, points=round(points, 3), score=round(1 - math.exp(-points / FIT_SCALE), 3))


PROTECTED_KEYS = {
    "reindeer husbandry": "protected_reindeer_husbandry",
    "Natura 2000 or protected nature": "protected_nature",
}
"""The catalogues' key of each context a goal conflict is flagged in (``vocabulary.PROTECTED_TERMS``)."""


def _sustainability(
    facts: Facts, found: Mapping[Hashable, dict[str, Hit]]
) -> tuple[Sustainability, list[Part]]:
    """The dimensions described and the goal conflicts flagged (with each conflict's note's part)."""
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
    notes: list[Part] = []
    intervention = found.get(("intervention",), {})
    if intervention:
        for label in vocabulary.PROTECTED_TERMS:
            protected = found.get(("protected", label), {})
            if protected:
                terms = sorted(intervention)[:3] + sorted(protected)[:3]
                note = Part(
                    "conflict",
                    {
                        "intervention": sorted(intervention)[:3],
                        "context": Part(PROTECTED_KEYS[label]),
                        "terms": sorted(protected)[:3],
                    },
                )
                notes.append(note)
                conflicts.append(
                    Conflict(
                        intervention=", ".join(sorted(intervention)[:3]),
                        protected=label,
                        terms=terms,
                        passages=[intervention[t].passage for t in sorted(intervention)[:1]]
                        + [protected[t].passage for t in sorted(protected)[:1]],
                        note=english_one(note),
                    )
                )
    return Sustainability([d for d in DIMENSIONS if dims[d]["described"]], dims, conflicts), notes


def supports(hits: Mapping[str, Hit], general: frozenset[str]) -> tuple[list[str], str] | None:
    """Whether a goal's terms found in a text support the goal: a term specific to the goal, or two
    of its terms in one sentence. A single common word ("samverkan", "tillväxt") is not enough."""
    specific = sorted(t for t in hits if t not in general)
    if specific:
        return specific, hits[specific[0]].passage
    by_sentence: dict[int, list[str]] = {}
    for term, hit in hits.items():
        for s in hit.sentences:
            by_sentence.setdefault(s, []).append(term)
    for _, terms in sorted(by_sentence.items()):
        if len(terms) >= 2:
            return sorted(terms), hits[terms[0]].passage
    return None


def _agenda2030(facts: Facts, found: Mapping[Hashable, dict[str, Hit]]) -> Agenda2030:
    supported: dict[int, list[str]] = {}
    passages: dict[int, str] = {}
    for g in range(1, 18):
        hits = found.get(("sdg", g))
        got = supports(hits, vocabulary.SDG_GENERAL) if hits else None
        if got:
            supported[g], passages[g] = got
    claimed = sorted(set(facts.claimed_goals))
    return Agenda2030(
        claimed=claimed,
        supported=supported,
        claimed_supported=[g for g in claimed if g in supported],
        claimed_unsupported=[g for g in claimed if g not in supported],
        unclaimed_supported=[g for g in supported if g not in claimed],
        passages=passages,
    )


def _geography(facts: Facts, region: Region) -> tuple[Geography, PartJson]:
    """The municipalities reached, each with the open applications already there, and the
    rubric's reason for the geography criterion (where a municipality is named)."""
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
        return Geography(rows, outside, note), {"key": "criterion_reason_no_municipality"}
    least = min(rows, key=lambda r: (r["open_applications"], r["code"]))
    note = (
        f"Reaches {len(rows)} municipalit{'y' if len(rows) == 1 else 'ies'}; "
        f"{least['name']} has {least['open_applications']} other open application"
        f"{'s' * (least['open_applications'] != 1)} so far."
    )
    reach: dict[str, Any] = {
        "reaches": {"key": "criterion_reason_municipalities", "params": {"n": len(rows)}},
        "least": {
            "key": "criterion_reason_open_elsewhere",
            "params": {"n": least["open_applications"], "municipality": least["name"]},
        },
    }
    reason: PartJson = {"key": "criterion_reason_geography", "params": reach}
    if outside:
        note += f" Outside the region: {', '.join(outside)}."
        reach["outside"] = [r["name"] for r in rows if not r["in_region"]]
        reason["key"] = "criterion_reason_geography_outside"
    return Geography(rows, outside, note), reason


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
    reading: TextReading,
    geo: tuple[Geography, PartJson],
    region: Region,
    names: Mapping[UUID, Name],
) -> dict[str, tuple[float, PartJson]]:
    """Each measure a rubric criterion can use, on 0–1, with its reason: a part each reader's
    language words when the assessment is read, in its JSON form (made for every assessment, so as
    dicts: a :class:`Part` costs several times as much to make, and nothing is worded here)."""
    out: dict[str, tuple[float, PartJson]] = {}
    r = reading
    if r.area is not None:
        area = names.get(r.area, r.code)
        fit = {"key": "criterion_reason_fit", "params": {"area": area, "terms": list(r.terms)}}
        out["strategic_fit"] = (r.fit, fit)
    else:
        out["strategic_fit"] = (0.0, {"key": "criterion_reason_no_fit"})
    value = max(0.0, r.described / 3 - 0.2 * r.conflicts)
    reason: PartJson = {"key": "criterion_reason_sustainability", "params": {"n": r.described}}
    if r.conflicts:
        conflicts = {"key": "criterion_reason_goal_conflicts", "params": {"n": r.conflicts}}
        reason = {
            "key": "criterion_reason_sustainability_conflicts",
            "params": {"described": reason, "conflicts": conflicts},
        }
    out["sustainability"] = (value, reason)
    if r.claimed:
        supported = {"n": r.claimed, "supported": r.claimed_supported}
        out["agenda2030"] = (
            r.claimed_supported / r.claimed,
            {"key": "criterion_reason_agenda2030", "params": supported},
        )
    else:
        out["agenda2030"] = (
            0.5 if r.supported else 0.0,
            {"key": "criterion_reason_agenda2030_unclaimed", "params": {"n": r.supported}},
        )
    geography, reach = geo
    inside = [r for r in geography.municipalities if r["in_region"]]
    if not inside:
        out["geography"] = (0.0, {"key": "criterion_reason_no_municipality"})
    else:
        most = max(region.spread.values(), default=0)
        under = sum(1 - r["open_applications"] / most if most else 1.0 for r in inside) / len(inside)
        out["geography"] = (round(under, 3), reach)
    helix = len(facts.helix)
    partnership = {
        "partners": {"key": "criterion_reason_partners", "params": {"n": facts.partners}},
        "helix": {"key": "criterion_reason_helix_types", "params": {"n": helix}},
    }
    out["partnership"] = (
        round(0.6 * min(1.0, helix / 3) + 0.4 * min(1.0, facts.partners / 3), 3),
        {"key": "criterion_reason_partnership", "params": partnership},
    )
    out["applicant"] = (
        (1.0, {"key": "criterion_reason_applicant_known"})
        if facts.applicant_known
        else (0.0, {"key": "criterion_reason_applicant_unknown"})
    )
    return out


def _score(criterion: RubricCriterion, scale_max: int, value: float, reason: PartJson) -> CriterionScore:
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
