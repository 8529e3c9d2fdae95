"""NACE Rev. 2 divisions as the assessment reads them: official names in Swedish (SNI 2007),
Finnish (TOL 2008), Norwegian (SN2007) and English, the English names of their groups (Eurostat's,
from python-stdnum), and the everyday words for each activity (the platform's one copy of them,
``kraftsamla_common/data/nace.json``, read through :mod:`kraftsamla_common.nace`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb

from kraftsamla_common.nace import own_data


@dataclass(frozen=True)
class Division:
    code: str
    label: str
    """Its name in Swedish, else English."""
    names: tuple[str, ...]
    """Its name in every language there is."""
    terms: tuple[str, ...]
    """Everyday words for the activity, in sv, fi, en and no."""


@cache
def _english() -> dict[str, str]:
    """Division (two digits) → its English name."""
    db = numdb.get("eu/nace20")
    out: dict[str, str] = {}
    for prefix in (f"{d:02d}" for d in range(1, 100)):
        found = db.info(prefix)
        if found and found[0][0] == prefix and found[0][1].get("label"):
            out[prefix] = str(found[0][1]["label"]).strip()
    return out


@cache
def division(code: str) -> Division | None:
    """A division by its code (``C10``, ``10``, ``10.51``…), or None when NACE has no such division."""
    m = re.match(r"^[A-Za-z]?(\d{2})", code.strip())
    if not m:
        return None
    digits = m.group(1)
    english = _english().get(digits)
    if english is None:
        return None
    own = next((v for k, v in own_data().items() if k[1:] == digits), {})
    names = dict(own.get("name", {}))  # type: ignore[call-overload]
    terms = own.get("terms", {})
    return Division(
        code=code,
        label=str(names.get("sv") or english),
        names=(*[str(n) for n in names.values()], english[0]),
        terms=tuple(str(t) for ts in terms.values() for t in ts),  # type: ignore[attr-defined]
    )
