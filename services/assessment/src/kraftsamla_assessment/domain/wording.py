"""What the assessment says, as parts each reader's language words: a rationale, why an application
moved, a reassessment's summary. A part is a message key of the catalogues in
``kraftsamla_assessment/locale`` (``sv``, ``en``, ``fi``) and the values it names: figures, texts as
written, names in the languages a region gave them (strength areas, priorities), nested parts
(levels, recommendations, reasons). Parts are stored with what they describe, so a stored text can
be shown in any language later; its English wording is what the ``rationale`` and ``summary``
fields have always held.

The catalogues are data of the package, read once; wording a part does no other I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kraftsamla_common.i18n import LANGUAGES, Language, Messages
from kraftsamla_common.wording import listed, word, words

PACKAGE = "kraftsamla_assessment"

Name = dict[str, str] | str
"""A name in the languages it was given in (``{"sv": "Hållbar energi"}``), or a code where it has none."""

PartJson = dict[str, Any]
"""A part in its JSON form (``{"key": …, "params": {…}}``), as it is stored and as
``kraftsamla_common.wording`` words it; what is made for every assessment is made in this form."""


@dataclass(frozen=True)
class Part:
    """A message key and the values it names: figures, texts, names, nested parts or lists of them."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        """The part as ``kraftsamla_common.events.TextPart`` carries it (without its ``text``)."""
        if not self.params:
            return {"key": self.key}
        return {"key": self.key, "params": {k: _json(v) for k, v in self.params.items()}}


def part_of(data: Mapping[str, Any]) -> Part:
    """A part from its JSON form (its nested parts stay JSON: they are worded the same)."""
    return Part(str(data["key"]), dict(data.get("params") or {}))


def _json(value: Any) -> Any:
    if isinstance(value, Part):
        return value.json()
    if isinstance(value, Mapping):
        return {k: _json(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


def name(names: Mapping[str, str | None] | None, fallback: str) -> Name:
    """A name in every language it was given in; ``fallback`` (a code) where it was given in none."""
    given = {k: v for k, v in (names or {}).items() if v}
    return given or fallback


def level(value: str | None) -> Part:
    """A level of the pyramid by its name (Bas, Bredd, Spets), or no level."""
    return Part(f"level_{value or 'none'}")


def recommendation(value: str | None) -> Part:
    return Part(f"recommendation_{value or 'none'}")


def as_written(text: str) -> Part:
    """A text kept in the words it was stored in (from before texts were kept as parts)."""
    return Part("as_written", {"text": text})


def parts_json(parts: Iterable[Part]) -> list[dict[str, Any]]:
    return [p.json() for p in parts]


@cache
def messages(language: Language) -> Messages:
    """The catalogue of ``language``, with its locale's formats loaded (once, not while wording)."""
    m = Messages(language, (PACKAGE,))
    m.number(0.5), listed(["a", "b", "c"], m.locale)
    return m


def english(parts: Iterable[Part | Mapping[str, Any]]) -> str:
    """Parts that are sentences, as one English paragraph."""
    return words(parts, messages("en"))


def english_one(part: Part) -> str:
    return word(part, messages("en"))


def in_every_language(key: str) -> dict[str, str]:
    """A message in every language (``{"sv": …, "en": …, "fi": …}``)."""
    return {lang: messages(lang)(key) for lang in LANGUAGES}


def language_of(country: str | None) -> Language | None:
    """The language a region of this country reads by default (None: none known)."""
    return {"SE": "sv", "FI": "fi"}.get(country or "")  # type: ignore[return-value]


def stored(parts: Sequence[Mapping[str, Any]] | None, text: str) -> list[Mapping[str, Any]]:
    """Stored parts, or the stored English text as one part where none were kept."""
    return list(parts) if parts else ([as_written(text).json()] if text else [])
