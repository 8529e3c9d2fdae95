"""Official registers the actors service checks against: municipalities of Sweden and Finland
(the platform's shared register) and NACE Rev. 2 / SNI 2007 (from python-stdnum's copy of Eurostat's)."""

from __future__ import annotations

from stdnum.eu import nace as stdnum_nace
from stdnum.exceptions import ValidationError

from kraftsamla_common.municipalities import (
    Country,
    Municipality,
    municipalities,
    municipalities_of,
    municipality,
    municipality_by_code,
)

__all__ = [
    "Country",
    "Municipality",
    "municipalities",
    "municipalities_of",
    "municipality",
    "municipality_by_code",
    "nace_known",
    "nace_label",
    "nace_section",
]

NACE_REVISION = "2.0"  # SNI 2007 is NACE Rev. 2 with a fifth digit


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
