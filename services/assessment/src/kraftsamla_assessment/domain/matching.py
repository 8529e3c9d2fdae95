"""Reading an application's text and finding a region's plan texts in it. Plain Python, no I/O.

* :func:`analyse` reads what depends on the application alone — its language (sv, fi, en, no),
  its sentences and their words — once, at intake; the result is stored with the application
  (:class:`TextFeatures`) and reused by every later assessment.
* :class:`Lexicon` holds terms grouped under owners (a strength area, a priority, an Agenda 2030
  goal…), each with a weight and the plan text it comes from. A term is found through its
  *needle*: the shortest Snowball stem (Swedish, Finnish, Norwegian, English) that is still a
  prefix of the word, so inflected forms and compounds are found ("skogsbruket",
  "vätgasproduktionen", "matkailun"). Which needles a word holds is worked out once per word and
  lexicon and kept, so a reassessment of thousands of applications looks up each distinct word once.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import ahocorasick
import snowballstemmer

Language = Literal["sv", "fi", "en", "no"]
LANGUAGES: tuple[Language, ...] = ("sv", "fi", "en", "no")
FEATURES_VERSION = 3
"""Bumped when :func:`analyse` changes, so stored features are read again."""

_STEMMERS = {
    lang: snowballstemmer.stemmer(name)
    for lang, name in (("sv", "swedish"), ("fi", "finnish"), ("en", "english"), ("no", "norwegian"))
}
_MIN_STEM = 5  # shorter stems find too many other words ("vätg", "mets")
_MIN_INNER = 6  # a needle this long may match inside a word (a compound's later part) …
_MIN_HEAD = 3  # … after a first element at least this long ("naturturism", not "naturism")
_SHORT = 4  # a needle this short matches a word only inflected, or as the head of a long compound
_MIN_TAIL = 4
_INFLECTIONS = frozenset(
    [
        "s",
        "e",
        "a",
        "n",
        "t",
        "r",
        "en",
        "et",
        "er",
        "ar",
        "or",
        "na",
        "ne",
        "ns",
        "ts",
        "es",
        "rs",
        "ers",
        "ens",
        "ets",
        "arna",
        "erna",
        "orna",
        "ens",
        "ets",
        "ene",
        "ane",
        "ta",
        "tä",
        "n",
        "a",
        "ä",
        "an",
        "än",
        "ssa",
        "ssä",
        "sta",
        "stä",
        "lla",
        "llä",
        "lta",
        "ltä",
        "lle",
        "ksi",
        "na",
        "nä",
        "ja",
        "jä",
        "ine",
        "in",
        "ien",
        "iin",
        "issa",
        "istä",
        "ista",
        "illa",
        "ille",
        "ed",
        "ing",
        "ings",
    ]
)
_DERIVATIONS = ("ning", "ande", "ende", "else", "het", "lig", "isk", "ism", "ist", "ttu", "tty", "ute", "uta")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?;:](?=\s|$)|\n|\s[–•]\s")

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
            "från",
            "kan",
            "ska",
            "vi",
            "vår",
            "våra",
            "detta",
            "denna",
            "dessa",
            "också",
            "samt",
            "eller",
            "genom",
            "inom",
            "under",
            "mellan",
            "efter",
            "hur",
            "vad",
            "sin",
            "sina",
            "sitt",
        ]
    ),
    "no": frozenset(
        [
            "og",
            "å",
            "for",
            "med",
            "som",
            "det",
            "er",
            "av",
            "på",
            "en",
            "et",
            "til",
            "den",
            "har",
            "ikke",
            "om",
            "de",
            "fra",
            "kan",
            "skal",
            "vi",
            "vår",
            "våre",
            "dette",
            "denne",
            "disse",
            "også",
            "samt",
            "eller",
            "gjennom",
            "innen",
            "under",
            "mellom",
            "etter",
            "hvordan",
            "hva",
            "sin",
            "sine",
            "sitt",
            "blir",
            "bli",
            "vil",
            "ble",
            "være",
        ]
    ),
    "fi": frozenset(
        [
            "ja",
            "on",
            "että",
            "ovat",
            "sekä",
            "se",
            "ei",
            "myös",
            "kuin",
            "tai",
            "joka",
            "mutta",
            "ole",
            "hän",
            "jotka",
            "sen",
            "niin",
            "kanssa",
            "jossa",
            "tämä",
            "nämä",
            "siitä",
            "mukaan",
            "kautta",
            "voi",
            "lisäksi",
            "ovat",
            "olla",
        ]
    ),
    "en": frozenset(
        [
            "and",
            "the",
            "of",
            "to",
            "in",
            "is",
            "for",
            "that",
            "with",
            "on",
            "are",
            "as",
            "be",
            "by",
            "this",
            "from",
            "a",
            "an",
            "its",
            "their",
            "will",
            "which",
            "at",
            "or",
            "it",
            "has",
            "have",
            "was",
            "were",
            "into",
            "also",
            "these",
            "our",
            "we",
        ]
    ),
}
# Words of the region's prose that say nothing of what an area is about: every project and plan
# uses them. Plan prose is read without them (a priority's own vocabulary is kept as written).
_GENERIC = frozenset(
    [
        "projekt",
        "projektet",
        "projektets",
        "projekten",
        "förstudie",
        "förstudien",
        "genomförande",
        "region",
        "regionen",
        "regional",
        "regionala",
        "regionens",
        "län",
        "länet",
        "länets",
        "kommun",
        "kommuner",
        "kommunen",
        "kommunerna",
        "företag",
        "företagen",
        "företagens",
        "aktör",
        "aktörer",
        "aktörerna",
        "samverkan",
        "samarbete",
        "hållbar",
        "hållbara",
        "hållbart",
        "hållbarhet",
        "utveckla",
        "utvecklar",
        "utveckling",
        "utvecklingen",
        "insats",
        "insatser",
        "insatsen",
        "arbete",
        "arbetet",
        "öka",
        "ökad",
        "ökade",
        "stärka",
        "stärker",
        "stärkt",
        "nya",
        "nytt",
        "ny",
        "genom",
        "inom",
        "både",
        "även",
        "mer",
        "fler",
        "många",
        "andra",
        "olika",
        "stor",
        "stora",
        "viktig",
        "viktiga",
        "hela",
        "bland",
        "vara",
        "finns",
        "skapa",
        "skapar",
        "bättre",
        "goda",
        "framtid",
        "framtida",
        "mål",
        "målet",
        "målen",
        "strategi",
        "strategin",
        "plan",
        "planen",
        "process",
        "processen",
        "område",
        "området",
        "områden",
        "styrkeområde",
        "styrkeområdet",
        "näringsliv",
        "näringslivet",
        "offentlig",
        "offentliga",
        "sektor",
        "sektorn",
        "akademi",
        "organisationer",
        "behov",
        "behovet",
        "möjlighet",
        "möjligheter",
        "resultat",
        "målgrupp",
        "målgruppen",
        "syfte",
        "syftet",
        "år",
        "året",
        "ökat",
        "lokal",
        "lokala",
        "lokalt",
        "regionalt",
        "nationell",
        "nationella",
        "internationell",
        "internationella",
        "hanke",
        "hankkeen",
        "hankkeessa",
        "hankkeet",
        "esiselvitys",
        "alue",
        "alueen",
        "alueella",
        "maakunta",
        "maakunnan",
        "yritys",
        "yritykset",
        "yritysten",
        "yrityksille",
        "toimija",
        "toimijat",
        "toimijoiden",
        "yhteistyö",
        "yhteistyössä",
        "kestävä",
        "kestävän",
        "kestävästi",
        "kehittää",
        "kehittäminen",
        "kehittämisen",
        "kehitys",
        "vahvistaa",
        "vahvistetaan",
        "uusi",
        "uusia",
        "uuden",
        "tavoite",
        "tavoitteena",
        "strategia",
        "suunnitelma",
        "prosessi",
        "osaaminen",
        "tulos",
        "tulokset",
        "tarve",
        "vuosi",
        "vuonna",
        "paikallinen",
        "alueellinen",
        "kansallinen",
        "kansainvälinen",
        "activities",
        "activity",
        "services",
        "service",
        "other",
        "manufacture",
        "manufacturing",
        "production",
        "products",
        "related",
        "support",
        "operation",
        "general",
        "except",
        "including",
        "arctic",
        "arktinen",
        "arktiset",
        "arktisen",
        "arktisk",
        "arktiska",
        "arktiske",
        "northern",
        "nordic",
        "pohjoinen",
        "norra",
        "economy",
        "economic",
        "technology",
        "technologies",
        "natural",
        "resources",
        "förstudier",
        "produkter",
        "interreg",
        "kapacitet",
        "kommunernas",
        "project",
        "projects",
        "development",
        "develop",
        "region",
        "regional",
        "municipality",
        "municipalities",
        "companies",
        "company",
        "business",
        "businesses",
        "actors",
        "cooperation",
        "collaboration",
        "sustainable",
        "sustainability",
        "new",
        "strengthen",
        "increase",
        "goal",
        "goals",
        "strategy",
        "plan",
        "process",
        "area",
        "areas",
        "aim",
        "needs",
        "results",
        "local",
        "national",
        "international",
        "year",
        "years",
        "prosjekt",
        "prosjektet",
        "utvikling",
        "utvikle",
        "regionen",
        "kommune",
        "kommuner",
        "bedrifter",
        "bedrift",
        "aktører",
        "samarbeid",
        "bærekraftig",
        "nye",
        "styrke",
        "økt",
        "mål",
        "strategi",
        "område",
        "lokal",
        "nasjonal",
        "internasjonal",
    ]
)


_FUNCTION_WORDS = frozenset().union(*_STOPWORDS.values())
_TELLING: dict[Language, frozenset[str]] = {
    "sv": frozenset({"och", "är", "inte", "också", "från", "för"}),
    "no": frozenset({"og", "er", "ikke", "også", "fra", "å", "blir", "skal"}),
}
"""Swedish and Norwegian share many function words; these tell them apart (they count twice)."""
_VOTES: dict[str, list[tuple[Language, int]]] = {}
for _lang in LANGUAGES:
    for _w in _STOPWORDS[_lang]:
        _VOTES.setdefault(_w, []).append((_lang, 1))
    for _w in _TELLING.get(_lang, frozenset()):
        _VOTES.setdefault(_w, []).append((_lang, 2))


def _language(words: Iterable[str]) -> Language:
    scores = dict.fromkeys(LANGUAGES, 0)
    for w in words:
        for lang, n in _VOTES.get(w, ()):
            scores[lang] += n
    best = max(LANGUAGES, key=lambda k: scores[k])
    return best if scores[best] else "sv"


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """What an assessment needs of an application's text, worked out once at intake."""

    language: Language
    bounds: Sequence[int]
    """Each sentence's start and end in the text, one after the other."""
    words: Sequence[Sequence[str]]
    """Each sentence's words, lower case, without function words ("och", "ja", "the")."""

    def span(self, i: int) -> tuple[int, int]:
        return self.bounds[2 * i], self.bounds[2 * i + 1]

    def to_json(self) -> dict[str, Any]:
        """Compact: each sentence's words as one string (quick to decode)."""
        return {
            "v": FEATURES_VERSION,
            "language": self.language,
            "spans": list(self.bounds),
            "words": [" ".join(w) for w in self.words],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> TextFeatures | None:
        """The stored features, or None when they are missing or from an older :func:`analyse`."""
        if not data or data.get("v") != FEATURES_VERSION:
            return None
        return cls(data["language"], data["spans"], [w.split(" ") for w in data["words"]])


def analyse(text: str) -> TextFeatures:
    """The text's sentences (ended by . ! ? ; : before a space, a line break, or a dash or bullet
    between spaces), their words in lower case, and its language."""
    bounds: list[int] = []
    words: list[list[str]] = []
    votes: list[str] = []
    start = 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.end() if m is not None and m.group()[0] in ".!?;:" else m.start() if m else len(text)
        chunk = text[start:end]
        found = _WORD.findall(chunk.lower())
        if found:
            stripped = chunk.strip()
            lead = chunk.find(stripped[:1]) if stripped else 0
            bounds += (start + lead, start + lead + len(stripped))
            words.append(found)
            votes.extend(found)
        start = m.end() if m else len(text)
    # The language is told by the function words; the words kept are those that can mean something.
    language = _language(votes)
    return TextFeatures(language, bounds, [[w for w in ws if w not in _FUNCTION_WORDS] for ws in words])


def content_words(text: str, *, title: bool = False) -> list[str]:
    """The words of a plan text that can say what it is about: no function or generic words, no
    short words, and in prose no names (capitalised words: "Jämtland", "Lapin"); a ``title`` (a name,
    a heading) keeps its capitalised words."""
    out = []
    for w in _WORD.findall(text):
        if not title and w[:1].isupper():
            continue
        w = w.lower()
        if len(w) < 5 or w.isdigit() or w in _GENERIC or any(w in stop for stop in _STOPWORDS.values()):
            continue
        out.append(w)
    return out


@lru_cache(maxsize=50000)
def needle(term: str) -> str:
    """The shortest stem of ``term`` that is still a prefix of it (so it occurs in running text)."""
    term = term.lower().strip()
    best = term
    for stemmer in _STEMMERS.values():
        stem = stemmer.stemWord(term)
        if len(stem) >= _MIN_STEM and term.startswith(stem) and len(stem) < len(best):
            best = stem
    return best


def _counts(word: str, start: int, n: str) -> bool:
    """Whether the needle ``n`` found at ``start`` of ``word`` stands for the word (or a part of it)."""
    head = 0  # letters of the same word part before the match
    while head < start and word[start - head - 1].isalpha():
        head += 1
    if head:
        return len(n) >= _MIN_INNER and head >= _MIN_HEAD
    tail = word[start + len(n) :].split("-", 1)[0]
    if len(n) > _SHORT or not tail or tail in _INFLECTIONS:
        return True
    if len(n) < _SHORT:  # "mat", "trä", "öl": the word itself, inflected, and nothing longer
        return False
    # A short needle heads a compound ("träindustri", "skogsbruk") but not a derived word ("träning").
    body = tail[1:] if tail[0] == "s" else tail
    return len(body) >= _MIN_TAIL and not body.startswith(_DERIVATIONS) and not tail.startswith(_DERIVATIONS)


class Hit(NamedTuple):
    """A term found in a text: where first, how often (sentences), its weight and plan text."""

    passage: str
    sentences: tuple[int, ...]
    weight: float
    source: str
    points: float = 0.0


@dataclass(frozen=True)
class Entry:
    owner: Hashable
    term: str
    weight: float = 1.0
    source: str = ""
    points: float | None = None
    """What the term counts for its owner when found (its weight unless said otherwise)."""


class Lexicon:
    """Terms grouped under owners, compiled into one automaton of needles.

    A term of several words is found when all of its words are in one sentence. An owner may hold
    a term from several plan texts: the heaviest counts.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._terms: dict[str, frozenset[str]] = {}
        by_owner: dict[tuple[Hashable, str], tuple[float, str, float]] = {}
        for e in entries:
            term = " ".join(e.term.lower().split())
            if not term:
                continue
            if term not in self._terms:
                meaningful = [w for w in term.split() if w not in _FUNCTION_WORDS] or term.split()
                self._terms[term] = frozenset(needle(w) for w in meaningful)
            key = (e.owner, term)
            if key not in by_owner or by_owner[key][0] < e.weight:
                by_owner[key] = (e.weight, e.source, e.weight if e.points is None else e.points)
        self._owners: dict[str, list[tuple[Hashable, float, str, float]]] = {}
        for (owner, term), (weight, source, points) in by_owner.items():
            self._owners.setdefault(term, []).append((owner, weight, source, points))
        self._by_needle: dict[str, list[str]] = {}
        for term, needles in self._terms.items():
            for n in needles:
                self._by_needle.setdefault(n, []).append(term)
        # Terms of one word are found with their needle; terms of several words need them all.
        self._single: dict[str, list[str]] = {}
        self._multi: dict[str, list[str]] = {}
        for n, ts in self._by_needle.items():
            for t in ts:
                (self._single if len(self._terms[t]) == 1 else self._multi).setdefault(n, []).append(t)
        self._automaton = ahocorasick.Automaton()
        for n in self._by_needle:
            self._automaton.add_word(n, n)
        if self._by_needle:
            self._automaton.make_automaton()
        self._words: dict[str, frozenset[str]] = {}

    def owners(self) -> Mapping[str, Sequence[tuple[Hashable, float, str, float]]]:
        """Each term (as matched: lower case, single spaces) with its owners: (owner, weight,
        plan text, points)."""
        return self._owners

    def needles_in(self, word: str) -> frozenset[str]:
        """The needles a word holds (worked out once per word)."""
        found = self._words.get(word)
        if found is None:
            found = frozenset(
                n
                for end, n in (self._automaton.iter(word) if self._by_needle else ())
                if _counts(word, end - len(n) + 1, n)
            )
            if len(self._words) < 500_000:
                self._words[word] = found
        return found

    def may_find(self, lowered: str) -> bool:
        """Whether a text (in lower case) holds any needle: where it holds none, :meth:`find` finds
        nothing in it (its words are the text's, in lower case)."""
        return bool(self._by_needle) and next(self._automaton.iter(lowered), None) is not None

    def find(self, text: str, features: TextFeatures) -> dict[Hashable, dict[str, Hit]]:
        """Per owner, each of its terms found in the text, with the sentence it was found in."""
        sentences: dict[str, list[int]] = {}
        known, single, multi, terms = self._words, self._single, self._multi, self._terms
        for i, words in enumerate(features.words):
            present: set[str] = set()
            for w in words:
                needles = known.get(w)
                if needles is None:
                    needles = self.needles_in(w)
                if needles:
                    present.update(needles)
            if not present:
                continue
            for n in present:
                for term in single.get(n, ()):
                    found = sentences.get(term)
                    if found is None:
                        sentences[term] = [i]
                    elif found[-1] != i:
                        found.append(i)
            for term in {t for n in present for t in multi.get(n, ())}:
                if terms[term] <= present:
                    sentences.setdefault(term, []).append(i)
        out: dict[Hashable, dict[str, Hit]] = {}
        passages: dict[int, str] = {}
        for term, where in sentences.items():
            first = where[0]
            passage = passages.get(first)
            if passage is None:
                passage = passages[first] = _passage(text, *features.span(first))
            at = tuple(where)
            for owner, weight, source, points in self._owners[term]:
                out.setdefault(owner, {})[term] = Hit(passage, at, weight, source, points)
        return out


def _passage(text: str, start: int, end: int, width: int = 140) -> str:
    """The sentence, shortened at its end when it is long."""
    s = text[start:end].replace("\n", " ").strip()
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


@dataclass(frozen=True)
class Signature:
    """An application's content words as a set of stems, for comparing applications."""

    stems: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, features: TextFeatures) -> Signature:
        stem = _STEMMERS[features.language].stemWord
        return cls(
            frozenset(
                stem(w)
                for words in features.words
                for w in words
                if len(w) >= 4 and w not in _GENERIC and w not in _STOPWORDS[features.language]
            )
        )

    def similarity(self, other: Signature) -> float:
        """Cosine of the two stem sets (0 – 1)."""
        if not self.stems or not other.stems:
            return 0.0
        return float(len(self.stems & other.stems) / (len(self.stems) * len(other.stems)) ** 0.5)
