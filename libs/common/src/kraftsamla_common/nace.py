"""NACE Rev. 2, the EU's classification of economic activities, as every service reads it: the
English names of all its sections, divisions, groups and classes (Eurostat's, from python-stdnum's
copy), the official Swedish (SNI 2007) and Finnish (TOL 2008) names of the divisions the platform
has them for, and the everyday words people use for each such activity (``data/nace.json``; its
sources in ``data/nace.md``). Codes are written as the platform stores them: the section letter, then
the digits (``C``, ``C10``, ``C10.5``, ``C10.51``). Pure: it reads package files only.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

NaceLevel = Literal["section", "division", "group", "class"]
LEVELS: tuple[NaceLevel, ...] = ("section", "division", "group", "class")


@dataclass(frozen=True)
class NaceEntry:
    code: str
    """As the platform writes it: ``J``, ``J62``, ``J62.0``, ``J62.01``."""
    level: NaceLevel
    names: dict[str, str]
    """Its name by language: ``en`` always, ``sv``, ``fi`` (and ``no``) where the data has them."""
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Everyday words for the activity by language (divisions the platform has words for)."""

    def name(self, language: str) -> str:
        """Its name in ``language``, else in English."""
        return self.names.get(language) or self.names["en"]


@cache
def own_data() -> dict[str, dict[str, dict[str, object]]]:
    """``data/nace.json``: division (``C10``) → its names and everyday words by language."""
    text = resources.files("kraftsamla_common").joinpath("data/nace.json").read_text("utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def _stdnum_lines() -> list[str]:
    return resources.files("stdnum.eu").joinpath("nace20.dat").read_text("utf-8").splitlines()


@cache
def entries() -> tuple[NaceEntry, ...]:
    """Every section, division, group and class of NACE Rev. 2, in the classification's order."""
    out: list[NaceEntry] = []
    section = division = group = ""
    own = own_data()
    for raw in _stdnum_lines():
        if not raw.strip() or raw.startswith("#"):
            continue
        depth = len(raw) - len(raw.lstrip(" "))
        m = re.match(r"(\S+)(.*)", raw.strip())
        label = re.search(r'label="([^"]*)"', raw)
        if not m or not label:
            continue
        part, english = m.group(1), label.group(1).strip()
        if depth == 0 and part.isalpha():
            section = part
            out.append(NaceEntry(code=section, level="section", names={"en": english.capitalize()}))
        elif depth == 0:
            sec = re.search(r'section="([A-U])"', raw)
            section = sec.group(1) if sec else section
            division = f"{section}{part}"
            mine: dict[str, Any] = own.get(division, {})
            names: dict[str, str] = {"en": english}
            names.update({k: str(v) for k, v in dict(mine.get("name", {})).items()})
            terms = {k: tuple(str(t) for t in v) for k, v in dict(mine.get("terms", {})).items()}
            out.append(NaceEntry(code=division, level="division", names=names, terms=terms))
        elif depth == 1:
            group = f"{division}.{part}"
            out.append(NaceEntry(code=group, level="group", names={"en": english}))
        else:
            out.append(NaceEntry(code=f"{group}{part}", level="class", names={"en": english}))
    return tuple(out)


@cache
def by_code() -> dict[str, NaceEntry]:
    return {e.code: e for e in entries()}


def normalise_code(code: str) -> str | None:
    """A code as the platform writes it (``j62.01`` → ``J62.01``, ``62`` → ``J62``, ``6201`` →
    ``J62.01``), or None when it names nothing in NACE."""
    text = code.strip().upper().replace(" ", "")
    m = re.fullmatch(r"([A-U])?(\d{2})?\.?(\d{1,2})?", text)
    if not m or not (m.group(1) or m.group(2)):
        return None
    letter, digits, rest = m.group(1), m.group(2), m.group(3)
    if digits is None:
        return letter if letter in by_code() else None
    section = next((e.code[0] for e in entries() if e.level == "division" and e.code[1:] == digits), None)
    if section is None or (letter and letter != section):
        return None
    found = f"{section}{digits}" + (f".{rest}" if rest else "")
    return found if found in by_code() else None


def _fold(text: str) -> str:
    """Lower case without accents, for matching as people type (``näringsliv`` ~ ``naringsliv``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _haystacks() -> tuple[tuple[NaceEntry, str, str], ...]:
    """Each entry with its code without punctuation and every name of it, folded."""
    return tuple(
        (
            e,
            e.code.replace(".", "").lower(),
            " ".join(_fold(n) for n in e.names.values() if n),
        )
        for e in entries()
    )


def search(q: str, *, limit: int) -> list[NaceEntry]:
    """Entries whose code starts with ``q`` (with or without the section letter and the dot), else
    whose names hold every word of ``q`` as the start of a word, in any language; codes first, then
    the coarser levels, each in the classification's order."""
    q = q.strip()
    if not q:
        return [e for e in entries() if e.level in ("section", "division")][:limit]
    code = q.upper().replace(".", "").replace(" ", "")
    found: list[tuple[tuple[int, int, int], NaceEntry]] = []
    words = [_fold(w) for w in re.split(r"[\s,;/()]+", q) if w]
    for order, (e, plain, names) in enumerate(_haystacks()):
        bare = plain[1:] if e.level != "section" else plain
        if re.fullmatch(r"[A-Z]?\d{0,4}", code) and (
            plain.startswith(code.lower()) or (code[:1].isdigit() and bare.startswith(code.lower()))
        ):
            found.append(((0, LEVELS.index(e.level), order), e))
        elif words and all(re.search(rf"(^|[\s\-(/,]){re.escape(w)}", names) for w in words):
            found.append(((1, LEVELS.index(e.level), order), e))
    found.sort(key=lambda x: x[0])
    return [e for _, e in found[:limit]]
