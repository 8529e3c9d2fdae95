"""The municipality register of Sweden (kommunkod, SCB; county = län) and Finland (kuntanumero,
Statistics Finland; county = maakunta), shipped with the package. Every service checks codes
against it: actors' and applications' municipalities, local plans, the geography of reports.

Each municipality carries its official population, for figures per inhabitant: which statistic and
which year is said in the CSV's leading comment line and in data/municipalities_population.md."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

Country = Literal["SE", "FI"]


@dataclass(frozen=True)
class Municipality:
    country: Country
    code: str
    name: str
    county: str
    """Län (SE, two digits) or maakunta (FI, two digits)."""
    population: int | None = None
    """Official population (SE: SCB folkmängd, FI: Statistics Finland), or None where the source has
    no figure. The statistic and its date are named in the CSV's leading comment line."""


@cache
def municipalities() -> dict[tuple[str, str], Municipality]:
    text = files("kraftsamla_common").joinpath("data/municipalities.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {
        (r["country"], r["code"]): Municipality(
            r["country"],  # type: ignore[arg-type]
            r["code"],
            r["name"],
            r["county"],
            int(r["population"]) if r.get("population") else None,
        )
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
