"""Texts built from parts, worded in the reader's language: a part is a message key and the values it
names (``{"key": "moved_group", "params": {"n": 12, "change": {...}, "reason": {...}}}``, the JSON
form of ``kraftsamla_common.events.TextPart``), so that a service can store what it said once and
show it in Swedish, English or Finnish later, each reader in theirs.

A value is worded by what it is: a nested part by its own key, a name given in several languages
(``{"sv": "Hållbar energi", "en": "Sustainable energy"}``) in the reader's language where it was given
in it (else as written), a list in the language's way of listing (``a, b och c``), a number in the
language's format; a part with ``n`` takes the plural form for ``n``. A key missing from the
catalogue (a newer producer's) falls back to the part's English ``text``, where it has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from babel.core import Locale

from .i18n import Messages

NAME_ORDER = ("sv", "fi", "en")
"""Where a name is not given in the reader's language: the first given of these."""


def name_in(name: Mapping[str, Any], language: str) -> str:
    """A name in ``language`` if it was given in it, else as written in another."""
    found = name.get(language)
    if found:
        return str(found)
    return next((str(name[k]) for k in NAME_ORDER if name.get(k)), "")


def word(part: Any, m: Messages) -> str:
    """One part in the language of ``m``: its JSON form (``{"key", "params", "text"}``) or any
    object with ``key`` and ``params``."""
    if type(part) is dict or isinstance(part, Mapping):
        key, params, text = str(part["key"]), part.get("params") or {}, part.get("text")
        if text and not m.has(key):
            return str(text)
    else:
        key, params = part.key, part.params
    values = {k: _value(v, m) for k, v in params.items() if k != "n"}
    if "n" in params:
        return m.plural(key, int(params["n"]), **values)
    return m(key, **values) if values else m(key)


def words(parts: Iterable[Any], m: Messages) -> str:
    """Parts that are sentences, as one paragraph."""
    return " ".join(t for t in (word(p, m) for p in parts) if t)


def worded(parts: Sequence[Mapping[str, Any]], m: Messages) -> list[dict[str, Any]]:
    """Parts with their ``text`` in the language of ``m`` (what an API answers with)."""
    return [{"key": p["key"], "params": p.get("params") or {}, "text": word(p, m)} for p in parts]


def _value(value: Any, m: Messages) -> str:
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is int or kind is float:
        return m.number(value)
    if kind is list or kind is tuple:
        return listed([_value(v, m) for v in value], m.locale)
    if kind is dict or isinstance(value, Mapping):
        return word(value, m) if "key" in value else name_in(value, m.language)
    if hasattr(value, "key") and hasattr(value, "params"):
        return word(value, m)
    return str(value)


@cache
def _list_patterns(locale: str) -> Mapping[str, str]:
    return Locale.parse(locale).list_patterns["standard"]  # type: ignore[no-any-return]


def listed(items: Sequence[str], locale: str) -> str:
    """Items in the language's way of listing them (``a, b och c``), as Babel's ``format_list``."""
    if len(items) < 2:
        return items[0] if items else ""
    patterns = _list_patterns(locale)
    if len(items) == 2:
        return patterns["2"].format(*items)
    text = patterns["end"].format(items[-2], items[-1])
    for item in reversed(items[1:-2]):
        text = patterns["middle"].format(item, text)
    return patterns["start"].format(items[0], text)
