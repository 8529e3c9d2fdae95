"""Rules of actors: identifiers and codes of organisations, composition of groups and its gaps,
and participation in engagements. Plain Python, no I/O (the registers it checks against are read
once from the package, see ``reference``). The annual cycle's slots and follow-up are shared with
reporting: ``kraftsamla_common.annual_cycle``."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fi import ytunnus as stdnum_ytunnus
from stdnum.se import orgnr as stdnum_orgnr

from . import reference
from .reference import Country, Municipality

QUADRUPLE_HELIX = ("public", "business", "academia", "civil_society")
"""The four helices a partnership should hold; state agencies count as public sector here."""
HELIX_TYPES = (*QUADRUPLE_HELIX, "state_agency")


class InvalidIdentifier(ValueError):
    """An organisation identifier that is malformed or fails its check digit."""


class InvalidCode(ValueError):
    """A municipality or NACE code that is malformed or not in its register."""


# --------------------------------------------------------------------------- identifiers and codes


def normalise_se_orgnr(value: str) -> str:
    """A Swedish organisationsnummer as ``NNNNNN-NNNN``.

    Accepts ten digits with or without the hyphen, and the twelve-digit form with a century
    prefix (``16``, ``19`` or ``20``). The last digit is a Luhn check digit over the ten digits.
    """
    digits = value.strip().replace(" ", "").replace("-", "")
    if len(digits) == 12 and digits[:2] in ("16", "19", "20"):
        digits = digits[2:]
    try:
        compact = stdnum_orgnr.validate(digits)
    except InvalidChecksum:
        raise InvalidIdentifier("the check digit of the organisationsnummer is wrong") from None
    except ValidationError:
        raise InvalidIdentifier(
            "a Swedish organisationsnummer has ten digits (NNNNNN-NNNN), "
            "optionally with a century prefix 16, 19 or 20"
        ) from None
    return f"{compact[:6]}-{compact[6:]}"


def normalise_fi_ytunnus(value: str) -> str:
    """A Finnish business ID (Y-tunnus) as ``NNNNNNN-C``, its check digit verified."""
    raw = value.strip()
    if len(raw) != 9 or raw[7] != "-":
        raise InvalidIdentifier("a Finnish Y-tunnus has seven digits, a hyphen and a check digit (NNNNNNN-C)")
    try:
        return str(stdnum_ytunnus.format(stdnum_ytunnus.validate(raw)))
    except InvalidChecksum:
        raise InvalidIdentifier("the check digit of the Y-tunnus is wrong") from None
    except ValidationError:
        raise InvalidIdentifier(
            "a Finnish Y-tunnus has seven digits, a hyphen and a check digit (NNNNNNN-C)"
        ) from None


def normalise_identifier(country: Country, value: str) -> str:
    """The organisation identifier of ``country`` in its canonical form; InvalidIdentifier if not valid."""
    if country == "SE":
        return normalise_se_orgnr(value)
    return normalise_fi_ytunnus(value)


def check_municipality(country: Country, code: str) -> Municipality:
    """The municipality with this official code in ``country``; InvalidCode if there is none."""
    found = reference.municipality(country, code)
    if found is not None:
        return found
    form = "a four-digit kommunkod, e.g. 2380" if country == "SE" else "a three-digit kuntanumero, e.g. 698"
    raise InvalidCode(f"{code!r} is not a municipality of {country}: give {form}")


def normalise_nace(code: str) -> str:
    """A NACE Rev. 2 / SNI 2007 code in canonical form, checked against the register.

    Accepted: a section (``J``); a division, group or class with or without dots (``62``,
    ``62.0``, ``62.01``, ``6201``), optionally prefixed by its section (``J62.01``); an SNI 2007
    detailed group (``62.010``), whose first four digits must be a NACE class. Answers ``J``,
    ``62``, ``62.0``, ``62.01`` or ``62.010``.
    """
    raw = code.strip().upper()
    malformed = InvalidCode(f"{code!r} is not a NACE Rev. 2 / SNI 2007 code, e.g. 62.01, 62.010, J62 or J")
    if len(raw) == 1 and raw.isalpha():
        if reference.nace_known(raw):
            return raw
        raise malformed
    section = None
    if raw[:1].isalpha():
        section, raw = raw[0], raw[1:]
    digits = raw.replace(".", "")
    if not digits.isdigit() or not 2 <= len(digits) <= 5:
        raise malformed
    if "." in raw and raw.index(".") != 2:
        raise malformed
    if not reference.nace_known(digits[:4]):
        raise InvalidCode(f"{code!r} is not in NACE Rev. 2 (SNI 2007)")
    if section is not None and reference.nace_section(digits[:2]) != section:
        raise InvalidCode(f"{code!r}: division {digits[:2]} is not in section {section}")
    return digits if len(digits) == 2 else f"{digits[:2]}.{digits[2:]}"


def registration_errors(
    country: Country, identifier: str | None, municipality: str | None, nace: str | None
) -> tuple[str | None, str | None, list[dict[str, Any]]]:
    """The normalised identifier and NACE code (None where invalid) and what is wrong, each with
    a JSON pointer to where. ``identifier`` None means it is not being changed."""
    errors: list[dict[str, Any]] = []
    normalised: str | None = None
    nace_code: str | None = None
    if identifier is not None:
        try:
            normalised = normalise_identifier(country, identifier)
        except InvalidIdentifier as exc:
            errors.append({"pointer": "/identifier", "message": str(exc)})
    if municipality is not None:
        try:
            check_municipality(country, municipality)
        except InvalidCode as exc:
            errors.append({"pointer": "/municipality", "message": str(exc)})
    if nace is not None:
        try:
            nace_code = normalise_nace(nace)
        except InvalidCode as exc:
            errors.append({"pointer": "/nace", "message": str(exc)})
    return normalised, nace_code, errors


# --------------------------------------------------------------------------- CSV import

CSV_COLUMNS = ("name", "country", "identifier", "helix", "municipality", "nace", "size_class")
CSV_ALIASES = {
    "namn": "name",
    "nimi": "name",
    "land": "country",
    "maa": "country",
    "organisationsnummer": "identifier",
    "orgnr": "identifier",
    "y-tunnus": "identifier",
    "ytunnus": "identifier",
    "kommun": "municipality",
    "kommunkod": "municipality",
    "kunta": "municipality",
    "kuntanumero": "municipality",
    "sni": "nace",
    "toimiala": "nace",
    "storlek": "size_class",
    "size": "size_class",
}


class CsvFormatError(ValueError):
    """A file that cannot be read as the actors CSV at all (no header, unknown columns)."""


def read_actors_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of an actors CSV as ``(line number, {column: value})``, empty cells left out.

    The first line is the header (column names in English, or the Swedish and Finnish aliases);
    the delimiter is a comma, semicolon or tab, whichever the header uses.
    """
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise CsvFormatError("the file is empty: the first line must name the columns")
    header = lines[0]
    delimiter = max(",;\t", key=header.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    names = [CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
    unknown = [n for n in names if n and n not in CSV_COLUMNS]
    if unknown:
        raise CsvFormatError(
            f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(CSV_COLUMNS)}"
        )
    for required in ("name", "country", "identifier", "helix"):
        if required not in names:
            raise CsvFormatError(f"the column {required!r} is missing")
    rows: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        row = {n: c.strip() for n, c in zip(names, cells, strict=False) if n and c.strip()}
        if len(cells) > len(names):
            row["__extra__"] = "1"
        rows.append((reader.line_num, row))
    return rows


# --------------------------------------------------------------------------- membership and composition


def membership_errors(joined_on: date, left_on: date | None) -> list[dict[str, Any]]:
    if left_on is not None and left_on < joined_on:
        return [
            {
                "pointer": "/left_on",
                "message": f"the membership ends ({left_on}) before it starts ({joined_on})",
            }
        ]
    return []


def active_on(joined_on: date, left_on: date | None, at: date) -> bool:
    """Whether a membership holds on ``at``: from the day joined up to, not including, the day left."""
    return joined_on <= at and (left_on is None or at < left_on)


def overlaps(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    a_end, b_end = a[1] or date.max, b[1] or date.max
    return a[0] < b_end and b[0] < a_end


@dataclass(frozen=True)
class Member:
    """An actor in a group, as composition needs it."""

    actor_id: str
    helix: str
    municipality: str | None
    nace: str | None


@dataclass(frozen=True)
class Gap:
    kind: Literal[
        "empty", "helix_missing", "helix_dominant", "municipality_uncovered", "municipalities_unknown"
    ]
    message: str
    helix: str | None = None
    municipality: str | None = None
    share: float | None = None


@dataclass
class Composition:
    actors: int
    by_helix: dict[str, int]
    by_municipality: list[tuple[str, int]]
    """(code, actors) for each municipality with members, most first."""
    by_industry: list[tuple[str, int]]
    """(NACE division, actors), most first; actors without an industry under ``none``."""
    gaps: list[Gap] = field(default_factory=list)


def composition(
    members: Iterable[Member],
    region_municipalities: Sequence[Municipality] | None,
    dominance_threshold: float,
) -> Composition:
    """Counts of a group's (or strength area's) distinct member actors by helix type, municipality
    and industry, and the gaps: a helix of the quadruple helix missing, one helix type holding more
    than ``dominance_threshold`` of the members, municipalities of the region with no member."""
    by_actor = {m.actor_id: m for m in members}
    actors = list(by_actor.values())
    helix = Counter(m.helix for m in actors)
    by_helix = {h: helix.get(h, 0) for h in HELIX_TYPES}
    places = Counter(m.municipality for m in actors if m.municipality)
    by_municipality = sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))
    industries = Counter(
        (m.nace[:2] if m.nace and m.nace[0].isdigit() else (m.nace or "none")) for m in actors
    )
    by_industry = sorted(industries.items(), key=lambda kv: (-kv[1], kv[0]))
    result = Composition(len(actors), by_helix, by_municipality, by_industry)
    if not actors:
        result.gaps.append(Gap("empty", "no members"))
        return result
    for h in QUADRUPLE_HELIX:
        present = by_helix[h] + (by_helix["state_agency"] if h == "public" else 0)
        if present == 0:
            result.gaps.append(Gap("helix_missing", f"no member from {h.replace('_', ' ')}", helix=h))
    for h, n in by_helix.items():
        share = n / len(actors)
        if share > dominance_threshold:
            result.gaps.append(
                Gap(
                    "helix_dominant",
                    f"{h.replace('_', ' ')} holds {share:.0%} of the members (threshold {dominance_threshold:.0%})",
                    helix=h,
                    share=round(share, 4),
                )
            )
    if region_municipalities is None:
        result.gaps.append(
            Gap("municipalities_unknown", "the region's municipalities are not set (PUT …/settings)")
        )
    else:
        for m in region_municipalities:
            if m.code not in places:
                result.gaps.append(
                    Gap("municipality_uncovered", f"no member in {m.name}", municipality=m.code)
                )
    return result


# --------------------------------------------------------------------------- participation


@dataclass(frozen=True)
class Attendance:
    """One engagement's participants: each listed person or actor, and a head count of others."""

    kind: str
    strength_area_ids: tuple[str, ...]
    people: tuple[str, ...]
    actors: tuple[str, ...]
    """Every actor reached: those listed, and the actors of the people listed."""
    listed: int
    """Participants listed by name of person or actor."""
    head_count: int


@dataclass
class Participation:
    engagements: int = 0
    participations: int = 0
    unique_people: int = 0
    unique_actors: int = 0
    head_count: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def participation(attendances: Iterable[Attendance]) -> Participation:
    """Participations (every time someone took part, head counts included) and unique participants
    (each person once; each actor reached once), as a follow-up report states them: "168
    participants (50 unique persons)"."""
    result = Participation()
    people: set[str] = set()
    actors: set[str] = set()
    kinds: Counter[str] = Counter()
    for a in attendances:
        result.engagements += 1
        result.participations += a.listed + a.head_count
        result.head_count += a.head_count
        people.update(a.people)
        actors.update(a.actors)
        kinds[a.kind] += 1
    result.unique_people, result.unique_actors = len(people), len(actors)
    result.by_kind = dict(sorted(kinds.items()))
    return result
