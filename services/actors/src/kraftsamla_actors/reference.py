"""Official registers the actors service checks against: municipalities of Sweden and Finland
(shipped with the package) and NACE Rev. 2 / SNI 2007 (from python-stdnum's copy of Eurostat's)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

from stdnum.eu import nace as stdnum_nace
from stdnum.exceptions import ValidationError

Country = Literal["SE", "FI"]
NACE_REVISION = "2.0"  # SNI 2007 is NACE Rev. 2 with a fifth digit


@dataclass(frozen=True)
class Municipality:
    country: Country
    code: str
    name: str
    county: str
    """Län (SE, two digits) or maakunta (FI, two digits)."""


@cache
def municipalities() -> dict[tuple[str, str], Municipality]:
    text = files("kraftsamla_actors").joinpath("data/municipalities.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {
        (r["country"], r["code"]): Municipality(r["country"], r["code"], r["name"], r["county"])  # type: ignore[arg-type]
        for r in rows
    }


def municipality(country: str, code: str) -> Municipality | None:
    return municipalities().get((country, code))


def municipality_by_code(code: str) -> Municipality | None:
    """The municipality with this code: four digits are Swedish, three Finnish."""
    return municipality("SE" if len(code) == 4 else "FI", code)


def municipalities_of(country: str, county: str | None = None) -> list[Municipality]:
    """The municipalities of a country, or of one of its counties (län, maakunta), by code."""
    return sorted(
        (m for m in municipalities().values() if m.country == country and county in (None, m.county)),
        key=lambda m: m.code,
    )


def nace_label(code: str) -> str | None:
    """The English label of a NACE code in its canonical form (``J``, ``62``, ``62.0``, ``62.01``);
    an SNI detailed group (``62.010``) is labelled by its NACE class."""
    digits = code.replace(".", "")[:4]
    try:
        label = str(stdnum_nace.get_label(digits, revision=NACE_REVISION))
    except ValidationError:
        return None
    return label.capitalize() if label.isupper() else label


def nace_known(digits: str) -> bool:
    """Whether a section letter or 2–4 NACE digits name an entry of NACE Rev. 2."""
    try:
        stdnum_nace.validate(digits, revision=NACE_REVISION)
    except ValidationError:
        return False
    return True


def nace_section(division: str) -> str | None:
    """The section letter of a two-digit NACE division (``62`` → ``J``)."""
    try:
        return stdnum_nace.info(division, revision=NACE_REVISION).get("section")
    except ValidationError:
        return None
