"""The actors pages' pure rules: the list's query in the URL, the NACE divisions to filter by, the
registration form and the service's JSON pointers back at its fields, an uploaded file kept
between the import's check and the import itself (sealed), the import's report as bad rows by
line, and who sees which of the forms (the actors service decides again)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, get_args
from urllib.parse import urlencode

from kraftsamla_common import imports, nace
from kraftsamla_common.events.actors import Helix, SizeClass
from kraftsamla_common.municipalities import municipalities_of, municipality

from .review import field_of

HELIXES: tuple[str, ...] = get_args(Helix)
"""The quadruple helix, state agencies apart, in the order the pages show them."""
SIZE_CLASSES: tuple[str, ...] = get_args(SizeClass)
COUNTRIES = ("SE", "FI")
PAGE_SIZE = 25
MAX_QUERY = 100
MAX_OFFSET = 100_000

LEADS = frozenset({"operator", "admin", "assessor"})
"""Roles the actors service lets register and import actors (its ``LeadScope``)."""
EDITORS = frozenset({"operator", "admin"})
"""Roles it lets merge actors and erase a person's data (its ``EditScope``)."""


def may_register(role: str) -> bool:
    return role in LEADS


def may_merge(role: str) -> bool:
    return role in EDITORS


def may_erase(role: str) -> bool:
    return role in EDITORS


# --------------------------------------------------------------------------- industries (NACE)


@dataclass(frozen=True)
class Named:
    """A name and the language it is written in (a NACE name the classification has only in
    English is marked so on a Swedish or Finnish page)."""

    text: str
    language: str


@dataclass(frozen=True)
class Industry:
    code: str
    """A NACE Rev. 2 division's digits (``62``), as the actors service filters by prefix."""
    name: Named


@dataclass(frozen=True)
class Section:
    code: str
    name: Named
    divisions: tuple[Industry, ...]


def _named(entry: nace.NaceEntry, language: str) -> Named:
    text = entry.names.get(language)
    return Named(text, language) if text else Named(entry.names["en"], "en")


@cache
def sections(language: str) -> tuple[Section, ...]:
    """NACE Rev. 2's sections, each with its divisions, in the classification's order, by their
    names in ``language`` where the platform has them (``kraftsamla_common.nace``), else in English."""
    found: list[Section] = []
    divisions: list[Industry] = []
    for entry in reversed(nace.entries()):
        if entry.level == "division":
            divisions.append(Industry(entry.code[1:], _named(entry, language)))
        elif entry.level == "section":
            found.append(Section(entry.code, _named(entry, language), tuple(reversed(divisions))))
            divisions = []
    return tuple(reversed(found))


def industry_name(code: str | None, language: str) -> Named | None:
    """An actor's industry by name: its NACE class (group, division) as the actors service stores
    it (``62.01``, ``62.010``, ``62``, ``J``), named in ``language`` where the classification has it
    there, else by its division's name in ``language``, else in English; None for what NACE does
    not hold."""
    if not code:
        return None
    digits = code.replace(".", "")
    if digits.isdigit():
        digits = digits[:4]
        code = digits if len(digits) <= 2 else f"{digits[:2]}.{digits[2:]}"
    found = nace.normalise_code(code)
    if found is None:
        return None
    entry = nace.by_code()[found]
    if language in entry.names or entry.level in ("section", "division"):
        return _named(entry, language)
    division = nace.by_code().get(found[:3])
    if division is not None and language in division.names:
        return _named(division, language)
    return _named(entry, language)


# --------------------------------------------------------------------------- the list's query

_INDUSTRY = re.compile(r"^\d{2}$")
_MUNICIPALITY = re.compile(r"^\d{3,4}$")


@dataclass(frozen=True)
class ActorQuery:
    """The actor list's filters (helix, municipality, industry), the name searched for and the
    first row, from the page's URL; values the service would refuse are left out."""

    q: str = ""
    helix: str = ""
    municipality: str = ""
    industry: str = ""
    offset: int = 0

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ActorQuery:
        helix = (params.get("helix") or "").strip()
        place = (params.get("municipality") or "").strip()
        industry = (params.get("industry") or "").strip()
        try:
            offset = max(0, min(int(params.get("offset") or 0), MAX_OFFSET))
        except ValueError:
            offset = 0
        return cls(
            q=" ".join((params.get("q") or "").split())[:MAX_QUERY],
            helix=helix if helix in HELIXES else "",
            municipality=place if _MUNICIPALITY.fullmatch(place) else "",
            industry=industry if _INDUSTRY.fullmatch(industry) and industry_name(industry, "en") else "",
            offset=offset,
        )

    def service_params(self) -> dict[str, Any]:
        """``GET /actors/regions/{r}/actors``'s parameters for one page."""
        return {
            "q": self.q or None,
            "helix": self.helix or None,
            "municipality": self.municipality or None,
            "industry": self.industry or None,
            "limit": PAGE_SIZE,
            "offset": self.offset,
        }

    def url(self, path: str, **changes: Any) -> str:
        query = replace(self, **changes) if changes else self
        params = {
            k: v
            for k, v in (
                ("q", query.q),
                ("helix", query.helix),
                ("municipality", query.municipality),
                ("industry", query.industry),
                ("offset", query.offset or ""),
            )
            if v
        }
        return path + ("?" + urlencode(params) if params else "")

    @property
    def narrowed(self) -> bool:
        return bool(self.q or self.helix or self.municipality or self.industry)


# --------------------------------------------------------------------------- registration

ACTOR_FIELDS = ("name", "country", "identifier", "helix", "municipality", "nace", "size_class")
CHECKED_AS_TYPED = ("identifier", "municipality", "nace")
"""The registration form's fields the actors service checks against registers, and the page
checks as the person types them (where script runs)."""
STAND_INS = {"name": "–", "helix": HELIXES[0]}
"""What the check as one types gives the actors service's dry run for the name and helix type
while they are not filled in yet: the dry run takes a whole registration, and nothing checks those
two but that they are given (which the form's post says)."""


def municipality_code(country: str, typed: str) -> str:
    """A municipality as the person named it, as the actors service takes it: its official code
    where the name (any case) is one of ``country``'s municipalities, else what was typed (a code,
    or a name the service will refuse at the field)."""
    typed = " ".join(typed.split())
    if not typed or typed.isdigit():
        return typed
    wanted = typed.casefold()
    for m in municipalities_of(country):
        if m.name.casefold() == wanted:
            return m.code
    return typed


def municipality_label(country: str, code: str | None) -> str:
    """A municipality code as the form shows it back: its name where known."""
    if not code:
        return ""
    found = municipality(country, code)
    return found.name if found else code


@dataclass
class ActorForm:
    """The registration form as the person filled it in."""

    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: Mapping[str, str], default_country: str = "SE") -> ActorForm:
        values = {name: " ".join(str(form.get(name, "")).split()) for name in ACTOR_FIELDS}
        country = values["country"].upper()
        values["country"] = country if country in COUNTRIES else default_country
        return cls(values)

    @property
    def country(self) -> str:
        return self.values.get("country") or "SE"

    def body(self) -> dict[str, Any]:
        """``POST /actors/regions/{r}/actors``: what was typed, the municipality by its code; the
        service checks the identifier (check digit), the municipality and the NACE code."""
        v = self.values
        body: dict[str, Any] = {
            "name": v["name"],
            "country": self.country,
            "identifier": v["identifier"],
            "helix": v["helix"] or None,
        }
        if v["municipality"]:
            body["municipality"] = municipality_code(self.country, v["municipality"])
        if v["nace"]:
            body["nace"] = v["nace"]
        if v["size_class"]:
            body["size_class"] = v["size_class"]
        return body

    def check_body(self) -> dict[str, Any] | None:
        """``POST …/actors?dry_run=true`` for the form as far as it is filled in: :meth:`body`,
        with :data:`STAND_INS` for a name and helix type not given yet; None while no identifier
        is typed (the codes are checked with it: the service checks a whole registration)."""
        if not self.values["identifier"]:
            return None
        body = self.body()
        for name, stand_in in STAND_INS.items():
            if not body.get(name):
                body[name] = stand_in
        return body

    @property
    def typed(self) -> list[str]:
        """The fields checked as one types that hold something."""
        return [name for name in CHECKED_AS_TYPED if self.values.get(name)]


def actor_errors(
    errors: Iterable[Mapping[str, Any]],
    country: str,
    has: Callable[[str], bool],
    say: Callable[[str], str],
) -> dict[str, str]:
    """The service's 422 errors at the registration form's fields, worded by the catalogue
    (``actors_error_<field>``; the identifier's by country, ``actors_error_identifier_se``), else
    as the service words them; errors of no field under ""."""
    found: dict[str, str] = {}
    for error in errors:
        name = field_of(str(error.get("pointer") or ""))
        name = name if name in ACTOR_FIELDS else ""
        keys = [f"actors_error_{name}_{country.lower()}", f"actors_error_{name}"] if name else []
        key = next((k for k in keys if has(k)), None)
        found.setdefault(name, say(key) if key else str(error.get("message") or ""))
    return found


def typed_errors(
    errors: Iterable[Mapping[str, Any]],
    form: ActorForm,
    has: Callable[[str], bool],
    say: Callable[[str], str],
) -> dict[str, str | None]:
    """What the check as one types says at each field of :data:`CHECKED_AS_TYPED` that holds
    something: the message a post would get there (:func:`actor_errors`), or None where the
    service found it right. Where it refused a field that is not checked as one types (a name too
    long: the request's schema), it checked no code, and only what it said is said."""
    found = actor_errors(errors, form.country, has, say)
    judged = not set(found) - set(CHECKED_AS_TYPED)
    out: dict[str, str | None] = {}
    for name in form.typed:
        if name in found:
            out[name] = found[name]
        elif judged:
            out[name] = None
    return out


# --------------------------------------------------------------------------- imports

IMPORT_MAX_BYTES = imports.MAX_BYTES
"""The largest file an import takes (the services' own bound)."""
CSV = imports.CSV
XLSX = imports.XLSX
SEALED_MAX_CHARS = (IMPORT_MAX_BYTES + IMPORT_MAX_BYTES // 100 + 64) * 4 // 3 + 8
"""The largest sealed file (compressed, base64): what the form's field may hold."""


def media_type(filename: str, declared: str | None) -> str | None:
    """The media type to send an uploaded file with: by its extension (browsers declare a CSV
    file as many things), else as declared; None for a file that is neither CSV nor XLSX."""
    name = filename.lower()
    if name.endswith((".csv", ".txt")):
        return CSV
    if name.endswith(".xlsx"):
        return XLSX
    declared = (declared or "").split(";")[0].strip().lower()
    return declared if declared in (CSV, XLSX) else None


def _mac(secret: str, context: Sequence[str], payload: str) -> str:
    key = hmac.new(secret.encode(), b"kraftsamla-web actors import", hashlib.sha256).digest()
    message = "\x1f".join([*context, payload]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal(secret: str, context: Sequence[str], data: bytes) -> tuple[str, str]:
    """A file's bytes for a hidden form field between the import's check and the import:
    compressed, base64, and an HMAC-SHA256 (a key derived from ``secret``) over them and
    ``context`` (the session's CSRF token, the region, the media type, the file's name), so that
    what is imported is the very file checked, from this session, for this region."""
    payload = base64.b64encode(zlib.compress(data, 6)).decode("ascii")
    return payload, _mac(secret, context, payload)


def unseal(secret: str, context: Sequence[str], payload: str, mac: str) -> bytes | None:
    """The bytes :func:`seal` sealed; None where the seal does not match (another session, region
    or file, or a field changed) or they exceed the import's bound."""
    if len(payload) > SEALED_MAX_CHARS or not hmac.compare_digest(_mac(secret, context, payload), mac):
        return None
    try:
        packed = base64.b64decode(payload, validate=True)
        inflate = zlib.decompressobj()
        data = inflate.decompress(packed, IMPORT_MAX_BYTES + 1)
    except (ValueError, zlib.error):
        return None
    if len(data) > IMPORT_MAX_BYTES or inflate.unconsumed_tail:
        return None
    return data


@dataclass(frozen=True)
class RowError:
    field: str | None
    message: str


@dataclass(frozen=True)
class BadRow:
    line: int
    errors: tuple[RowError, ...]


@dataclass(frozen=True)
class ImportCheck:
    """What the actors service said of a file: its bad rows by line and field; and, from a dry
    run, how many rows there are and what an import would make of the good ones. ``written``:
    the service imported the file already (it took no dry run and found no bad row)."""

    bad: tuple[BadRow, ...]
    rows: int | None = None
    created: int | None = None
    existing: int | None = None
    written: bool = False

    @property
    def good(self) -> int | None:
        return None if self.rows is None else self.rows - len(self.bad)


def _bad_rows(errors: Iterable[Mapping[str, Any]]) -> tuple[BadRow, ...]:
    lines: dict[int, list[RowError]] = {}
    for e in errors:
        line = e.get("line")
        if isinstance(line, int):
            name = e.get("field")
            lines.setdefault(line, []).append(
                RowError(str(name) if name else None, str(e.get("message") or ""))
            )
    return tuple(BadRow(line, tuple(found)) for line, found in sorted(lines.items()))


def import_answered(report: Mapping[str, Any]) -> ImportCheck:
    """An import's 200 answer: a dry run's report, or (a service without dry runs) an import done."""
    return ImportCheck(
        bad=_bad_rows(report.get("errors") or []),
        rows=int(report.get("rows") or 0),
        created=int(report.get("created") or 0),
        existing=int(report.get("existing") or 0),
        written=report.get("dry_run") is not True,
    )


def import_refused(problem: Mapping[str, Any]) -> ImportCheck | None:
    """An all-or-nothing import's 422 (nothing written): its bad rows by line; None where the
    refusal names no row (a file that cannot be read as a list of actors)."""
    bad = _bad_rows(problem.get("errors") or [])
    return ImportCheck(bad=bad) if bad else None
