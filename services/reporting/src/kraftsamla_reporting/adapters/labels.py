"""The report's labels, headings and sentences in the reader's language, from the catalogues in
``kraftsamla_reporting/locale`` (``sv``, ``en``, ``fi``); the region's own texts are shown as written.
``{name}`` fields are filled from the figures an entry carries."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Protocol, TypeVar

from babel.dates import format_date

from kraftsamla_common.i18n import Language, Messages
from kraftsamla_common.municipalities import municipality_by_code

GOAL_COLOURS = {
    1: "#E5243B", 2: "#DDA63A", 3: "#4C9F38", 4: "#C5192D", 5: "#FF3A21", 6: "#26BDE2",
    7: "#FCC30B", 8: "#A21942", 9: "#FD6925", 10: "#DD1367", 11: "#FD9D24", 12: "#BF8B2E",
    13: "#3F7E44", 14: "#0A97D9", 15: "#56C02B", 16: "#00689D", 17: "#19486A",
}  # fmt: skip
"""The UN's colours of the 17 goals."""

PACKAGE = "kraftsamla_reporting"


class Named(Protocol):
    @property
    def name(self) -> str: ...


L = TypeVar("L", bound=Named)


# The alphabet's last letters where the reader's language has them of its own (Swedish and Finnish
# both end … X Y Z Å Ä Ö); other letters with marks sort as their base letter (é as e, ü as y).
_OWN_LETTERS: dict[str, str] = {"sv": "åäö", "fi": "åäö", "en": ""}
_AS_LETTER = {"æ": "ä", "ø": "ö", "ü": "y"}


class Labels(Messages):
    """The report's messages in one language: ``t("s4")``, ``t.goal(7)``, ``t.industry("M")``.

    ``origin`` is the language the region writes in: its own texts missing in the reader's language
    are shown in it (before English)."""

    def __init__(self, language: Language, origin: Language | None = None) -> None:
        super().__init__(language, (PACKAGE, "kraftsamla_common"))  # NACE sections are shared
        self.origin = origin

    def goal(self, number: int) -> str:
        return self(f"goal_{number}")

    def industry(self, section: str) -> str:
        """A NACE section by its name (``M`` → "Verksamhet inom juridik, ekonomi, vetenskap och teknik")."""
        key = f"nace_{section}"
        return self(key) if self.has(key) else section

    def municipality(self, code: str) -> str:
        """A municipality by its name (``2380`` → "Östersund"); the code where the register has none."""
        found = municipality_by_code(code)
        return found.name if found else code

    def municipalities(self, codes: Iterable[str]) -> list[str]:
        """Municipalities by name, in the reader's alphabetical order."""
        return self.sorted(self.municipality(code) for code in codes)

    def municipality_counts(self, counts: Mapping[str, int]) -> list[tuple[str, int]]:
        """Municipalities by name, each with its count, in the reader's alphabetical order."""
        named = [(self.municipality(code), n) for code, n in counts.items()]
        return sorted(named, key=lambda item: (self.sort_key(item[0]), item[0]))

    def by_name(self, lines: Iterable[L]) -> list[L]:
        """Lines of municipalities by name in the reader's order: the region's own first."""
        return sorted(lines, key=lambda m: (not getattr(m, "in_region", True), self.sort_key(m.name), m.name))

    def service(self, service: str) -> str:
        """One of the platform's services by its name (``actors`` → "Aktörer")."""
        key = f"service_{service}"
        return self(key) if self.has(key) else service

    def region(self, region: str, country: str | None, county: str | None) -> str:
        """A region by its name (the regional body of its county: ``SE``/``23`` → "Region Jämtland
        Härjedalen"); its id where its county is not known."""
        key = f"region_{country}_{county}"
        return self(key) if country and county and self.has(key) else region

    def text(self, texts: Mapping[str, str | None] | None) -> str:
        """A region's own text in the reader's language if it was written in it, else in the region's
        own language, else as written, English last."""
        if not texts:
            return ""
        order = [self.language, self.origin, *(k for k in texts if k != "en"), "en"]
        return next((t for k in order if k and (t := texts.get(k))), "") or next(
            (t for t in texts.values() if t), ""
        )

    def finding(self, key: str, params: Mapping[str, object]) -> str:
        """A checklist finding in words, its figures in the reader's format; in the form its count
        asks for where the language has one (``{n} of {total} …`` by the total, ``{n} …`` by ``n``)."""
        shown = {k: self.number(v) if type(v) is int else v for k, v in params.items()}
        count = params.get("total", params.get("n"))
        plural = f"evp_{key}"
        if type(count) is int and self.has_plural(plural):
            return self._t.ngettext(plural, plural, count).format_map(shown).strip()
        return self.fill(f"ev_{key}", shown)

    def count(self, key: str, n: int, /, **params: object) -> str:
        """``{n} …`` in the form ``n`` asks for: ``t.count("n_moved", 1)`` → "1 flyttad"."""
        return self.plural(key, n, **params)

    def has_plural(self, key: str) -> bool:
        return self._t.ngettext(key, key, 2) != key

    def slot(self, label: str) -> str:
        """A slot of the annual cycle in words: ``2026-06`` → "juni 2026", ``2026-Q2`` → "kvartal 2
        2026", ``2026-H1`` → "halvår 1 2026", ``2026-03/04`` → "mars–apr. 2026"."""
        found = re.fullmatch(r"(\d{4})-(?:(\d{2})(?:/(\d{2}))?|Q(\d)|H(\d))", label)
        if not found:
            return label
        year, first, last, quarter, half = found.groups()
        if quarter or half:
            key = "slot_quarter" if quarter else "slot_half"
            return self(key, n=quarter or half, year=year)
        start = format_date(date(int(year), int(first), 1), "LLLL", locale=self.locale)
        if not last:
            return f"{start} {year}"
        end = format_date(date(int(year), int(last), 1), "LLLL", locale=self.locale)
        return f"{start}–{end} {year}"

    def sort_key(self, text: str) -> tuple[tuple[int, str], ...]:
        """Alphabetical order in the reader's language: Å, Ä and Ö after Z in Swedish and Finnish,
        with their base letters in English."""
        own = _OWN_LETTERS.get(self.language, "")
        out = []
        for ch in text.casefold():
            ch = _AS_LETTER.get(ch, ch) if own else ch
            if ch in own:
                out.append((1, str(own.index(ch))))
            else:
                base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
                out.append((0, base or ch))
        return tuple(out)

    def sorted(self, texts: Iterable[str]) -> list[str]:
        return sorted(texts, key=lambda t: (self.sort_key(t), t))
