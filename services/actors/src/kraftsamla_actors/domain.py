"""Rules of actors: identifiers and codes of organisations. Plain Python, no I/O."""

from __future__ import annotations

import re
from typing import Any, Literal

Country = Literal["SE", "FI"]

NACE_PATTERN = r"^(?:[A-U]|[A-U]?\d{2}(?:\.\d{1,3})?)$"
"""A NACE Rev. 2 / SNI 2007 code: a section (``J``), optionally followed by a division (``J62``),
or a division, group, class or SNI detailed group on its own (``62``, ``62.0``, ``62.01``, ``62.010``)."""

_NACE_RE = re.compile(NACE_PATTERN)
_SE_ORGNR_RE = re.compile(r"^(?:(16|19|20)?)(\d{6})-?(\d{4})$")
_FI_YTUNNUS_RE = re.compile(r"^(\d{7})-(\d)$")
_MUNICIPALITY_RE: dict[str, re.Pattern[str]] = {
    "SE": re.compile(r"^\d{4}$"),  # kommunkod, e.g. 2380 Östersund
    "FI": re.compile(r"^\d{3}$"),  # kuntanumero, e.g. 091 Helsinki
}
_YTUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


class InvalidIdentifier(ValueError):
    """An organisation identifier that is malformed or fails its check digit."""


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check over a string of digits, the last of which is the check digit."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def normalise_se_orgnr(value: str) -> str:
    """A Swedish organisationsnummer as ``NNNNNN-NNNN``.

    Accepts ten digits with or without the hyphen, and the twelve-digit form with a century
    prefix (``16``, ``19`` or ``20``). The last digit is a Luhn check digit over the ten digits.
    """
    m = _SE_ORGNR_RE.fullmatch(value.strip().replace(" ", ""))
    if m is None:
        raise InvalidIdentifier(
            "a Swedish organisationsnummer has ten digits (NNNNNN-NNNN), "
            "optionally with a century prefix 16, 19 or 20"
        )
    head, tail = m.group(2), m.group(3)
    if not luhn_valid(head + tail):
        raise InvalidIdentifier("the check digit of the organisationsnummer is wrong")
    return f"{head}-{tail}"


def ytunnus_check_digit(body: str) -> int | None:
    """The check digit of the seven-digit body of a Finnish Y-tunnus; None if no digit is possible."""
    if len(body) != 7 or not body.isdigit():
        raise ValueError("the body of a Y-tunnus has seven digits")
    remainder = sum(int(d) * w for d, w in zip(body, _YTUNNUS_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalise_fi_ytunnus(value: str) -> str:
    """A Finnish business ID (Y-tunnus) as ``NNNNNNN-C``, its check digit verified."""
    m = _FI_YTUNNUS_RE.fullmatch(value.strip())
    if m is None:
        raise InvalidIdentifier("a Finnish Y-tunnus has seven digits, a hyphen and a check digit (NNNNNNN-C)")
    check = ytunnus_check_digit(m.group(1))
    if check is None or check != int(m.group(2)):
        raise InvalidIdentifier("the check digit of the Y-tunnus is wrong")
    return f"{m.group(1)}-{m.group(2)}"


def normalise_identifier(country: Country, value: str) -> str:
    """The organisation identifier of ``country`` in its canonical form; InvalidIdentifier if not valid."""
    if country == "SE":
        return normalise_se_orgnr(value)
    return normalise_fi_ytunnus(value)


def municipality_valid(country: Country, code: str) -> bool:
    """Whether ``code`` has the form of a municipality code of ``country`` (not whether it exists)."""
    return bool(_MUNICIPALITY_RE[country].fullmatch(code))


def nace_valid(code: str) -> bool:
    return bool(_NACE_RE.fullmatch(code))


def registration_errors(
    country: Country, identifier: str, municipality: str | None, nace: str | None
) -> tuple[str | None, list[dict[str, Any]]]:
    """The normalised identifier (None if invalid) and what is wrong, each with a JSON pointer to where."""
    errors: list[dict[str, Any]] = []
    normalised: str | None = None
    try:
        normalised = normalise_identifier(country, identifier)
    except InvalidIdentifier as exc:
        errors.append({"pointer": "/identifier", "message": str(exc)})
    if municipality is not None and not municipality_valid(country, municipality):
        form = "four digits (kommunkod)" if country == "SE" else "three digits (kuntanumero)"
        errors.append({"pointer": "/municipality", "message": f"a municipality code of {country} has {form}"})
    if nace is not None and not nace_valid(nace):
        errors.append({"pointer": "/nace", "message": "not a NACE Rev. 2 / SNI code, e.g. 62.01, J62 or 62"})
    return normalised, errors
