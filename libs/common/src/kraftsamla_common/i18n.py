"""Messages in Swedish, English and Finnish from gettext catalogues, and numbers, amounts and dates
formatted for the reader's language by Babel.

Each package that shows text to people keeps its catalogues as
``<package>/locale/<language>/LC_MESSAGES/messages.po``. Message ids are stable keys
(``report_title``, ``reassessed``), so code and templates name a message, not its English wording,
and a finding stored with its key and parameters can be shown in any language later. The English
catalogue is a catalogue like the others; a message missing from a language falls back to English,
and ``check_catalogues`` (run by the tests) reports every key missing in any language, every empty
translation and every placeholder that differs between languages.

Texts take ``{name}`` placeholders (``str.format``); plurals use the language's plural forms
(``messages.plural("applications", n, n=n)``).
"""

from __future__ import annotations

import io
import string
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from importlib.resources import files
from typing import Literal, get_args

from babel.core import Locale, negotiate_locale
from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

Language = Literal["sv", "en", "fi"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
LOCALES: dict[Language, str] = {"sv": "sv_SE", "en": "en_GB", "fi": "fi_FI"}
DOMAIN = "messages"


def _po_path(package: str, language: str):  # type: ignore[no-untyped-def]
    return files(package).joinpath("locale", language, "LC_MESSAGES", f"{DOMAIN}.po")


@cache
def read_catalogue(package: str, language: Language) -> Catalog:
    """A package's catalogue of one language as Babel reads it (an empty one where it has none)."""
    path = _po_path(package, language)
    if not path.is_file():
        return Catalog(locale=LOCALES[language], domain=DOMAIN)
    with path.open("rb") as fp:
        return read_po(fp, locale=LOCALES[language], domain=DOMAIN)


@cache
def translations(packages: tuple[str, ...], language: Language) -> Translations:
    """The compiled messages of ``packages`` (first wins) in ``language``, falling back to English."""
    merged: Translations | None = None
    for lang in (language, "en") if language != "en" else ("en",):
        for package in packages:
            buffer = io.BytesIO()
            write_mo(buffer, read_catalogue(package, lang))
            buffer.seek(0)
            compiled = Translations(buffer, domain=DOMAIN)
            if merged is None:
                merged = compiled
            else:
                merged.add_fallback(compiled)
    assert merged is not None
    return merged


def negotiate(accept_language: str | None, default: Language = "en") -> Language:
    """The language to answer in from an ``Accept-Language`` header (``sv-SE,sv;q=0.9,en;q=0.8``)."""
    if not accept_language:
        return default
    wanted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            wanted.append((weight, tag.strip().replace("-", "_")))
    preferred = [tag for _, tag in sorted(wanted, key=lambda w: -w[0])]
    found = negotiate_locale(preferred, list(LANGUAGES), sep="_")
    if found is None:
        found = negotiate_locale([t.split("_")[0] for t in preferred], list(LANGUAGES), sep="_")
    return found if found in LANGUAGES else default  # type: ignore[return-value]


class Messages:
    """The messages of one language from the catalogues of one or more packages:
    ``m("report_title")``, ``m("reassessed_at", trigger=…)``, ``m.plural("applications", 3, n=3)``;
    with Babel's formats for the language (``m.number``, ``m.money``, ``m.day``)."""

    def __init__(self, language: Language, packages: Iterable[str] = ("kraftsamla_common",)) -> None:
        self.language: Language = language
        self.locale = LOCALES[language]
        self.packages = tuple(packages)
        self._t = translations(self.packages, language)

    def __call__(self, key: str, /, **params: object) -> str:
        text = self._t.gettext(key)
        return text.format_map(params).strip() if params else text

    def fill(self, key: str, params: Mapping[str, object]) -> str:
        return self(key, **dict(params))

    def plural(self, key: str, n: int, /, **params: object) -> str:
        """The form of ``key`` for ``n`` (``n`` is offered to the text as ``{n}``)."""
        text = self._t.ngettext(key, key, n)
        return text.format_map({"n": self.number(n), **params}).strip()

    def has(self, key: str) -> bool:
        """Whether a catalogue holds ``key`` (as a message or as one with plural forms)."""
        return self._t.gettext(key) != key or self._t.ngettext(key, key, 1) != key

    def number(self, value: float | int | Decimal | None, *, digits: int | None = None) -> str:
        if value is None:
            return "–"
        return _decimal(value, digits, self.locale)

    def money(self, value: float | int | Decimal, currency: str) -> str:
        """Whole units for sums, two decimals below a hundred (per inhabitant): ``1 250 000 SEK``."""
        digits = 0 if abs(float(value)) >= 100 else 2
        return f"{self.number(value, digits=digits)}\u00a0{currency}"

    def day(self, value: date | datetime | None) -> str:
        if value is None:
            return "–"
        if isinstance(value, datetime):
            return format_datetime(value, format="short", locale=self.locale)
        return format_date(value, format="medium", locale=self.locale)

    @property
    def decimal_symbol(self) -> str:
        return str(Locale.parse(self.locale).number_symbols["latn"]["decimal"])

    def text(self, texts: Mapping[str, str | None] | None) -> str:
        """A region's own text in the reader's language if it was written in it, else as written."""
        if not texts:
            return ""
        return texts.get(self.language) or next((t for t in texts.values() if t), "")


@lru_cache(maxsize=16384, typed=True)
def _decimal(value: float | int | Decimal, digits: int | None, locale: str) -> str:
    """A number in a language's format (kept: reports and rationales say the same figures often,
    and Babel takes tens of microseconds for each)."""
    try:
        if digits is not None:
            return format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=locale)
        return format_decimal(value, locale=locale)
    except (ArithmeticError, ValueError):
        # Beyond what a locale's pattern can carry (inf, nan, more digits than Decimal's precision):
        # shown as it is, never an error that would take the whole page with it.
        return str(value)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields a text fills."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def check_catalogues(package: str) -> list[str]:
    """What is wrong with a package's catalogues: keys missing in a language, empty translations,
    placeholders that differ from English, plural forms that are missing. Empty when all is well."""
    problems: list[str] = []
    catalogues = {lang: read_catalogue(package, lang) for lang in LANGUAGES}
    english = catalogues["en"]
    keys = {m.id for c in catalogues.values() for m in c if m.id}
    for lang, catalogue in catalogues.items():
        for key in sorted(keys, key=str):
            message = catalogue.get(key)  # type: ignore[arg-type]
            name = key if isinstance(key, str) else key[0]
            if message is None:
                problems.append(f"{package} {lang}: '{name}' is missing")
                continue
            texts = _texts(message.string)
            if not all(texts):
                problems.append(f"{package} {lang}: '{name}' has no text")
                continue
            if message.fuzzy:
                problems.append(f"{package} {lang}: '{name}' is marked fuzzy")
            source = english.get(key)  # type: ignore[arg-type]
            if source is not None and lang != "en":
                wanted = {p for t in _texts(source.string) for p in placeholders(t)}
                given = {p for t in texts for p in placeholders(t)}
                if wanted - {"n"} != given - {"n"}:
                    problems.append(
                        f"{package} {lang}: '{name}' fills {sorted(given)}, English {sorted(wanted)}"
                    )
    return problems


def _texts(text: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if isinstance(text, (tuple, list)):
        return tuple(text)
    return (text or "",)
