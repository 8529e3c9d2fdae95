"""Identifiers and codes of organisations: organisationsnummer and Y-tunnus, municipality and
NACE codes, checked against the registers of ``reference``."""

from __future__ import annotations

from typing import Any

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fi import ytunnus as stdnum_ytunnus
from stdnum.se import orgnr as stdnum_orgnr

from . import reference
from .reference import Country, Municipality


class InvalidIdentifier(ValueError):
    """An organisation identifier that is malformed or fails its check digit."""


class InvalidCode(ValueError):
    """A municipality or NACE code that is malformed or not in its register."""


def normalise_se_orgnr(value: str) -> str:
    """A Swedish organisationsnummer as ``NNNNNN-NNNN``.

    Accepts ten digits with or without the hyphen, and the twelve-digit form with a century
    prefix (``16``, ``19`` or ``20``). The last digit is a Luhn check digit over the ten digits. A
    personnummer (the third digit 0 or 1: a month) is refused, although its check digit is right.
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
    if compact[2] in "01":
        raise InvalidIdentifier(
            "this is a personnummer (its third digit is 0 or 1), not an organisationsnummer: the "
            "platform keeps organisations, not people"
        )
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


def region_municipalities(
    country: Country, county: str | None, listed: list[str] | None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The municipalities a region's settings name: those ``listed`` (each once, in order), or
    else all of ``county``; and what is wrong, each with a JSON pointer to where."""
    errors: list[dict[str, Any]] = []
    if listed:
        codes = list(dict.fromkeys(listed))
        for i, code in enumerate(listed):
            if reference.municipality(country, code) is None:
                errors.append(
                    {"pointer": f"/municipalities/{i}", "message": f"no municipality {code} in {country}"}
                )
    else:
        assert county is not None
        codes = [m.code for m in reference.municipalities_of(country, county)]
        if not codes:
            errors.append({"pointer": "/county", "message": f"no county {county} in {country}"})
    return codes, errors
