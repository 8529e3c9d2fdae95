"""Section 3: the actors in each strength area's groups, by helix, municipality and industry."""

from __future__ import annotations

from collections import Counter
from datetime import date
from uuid import UUID

from .common import area_codes
from .content import HELIX_KEYS, AreaPartnership
from .inputs import ReportInputs

SECTIONS: tuple[tuple[str, int, int], ...] = (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
    ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
    ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
    ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
)  # fmt: skip
"""The sections of NACE Rev. 2 (SNI 2007, TOL 2008) and the divisions each holds."""


def nace_section(code: str) -> str | None:
    """The section letter of a NACE code (``70.22`` → ``M``, ``J62`` → ``J``, ``C`` → ``C``)."""
    code = code.strip().upper()
    if code[:1].isalpha():
        return code[0] if any(code[0] == s for s, _, _ in SECTIONS) else None
    digits = code.replace(".", "")[:2]
    if not digits.isdigit():
        return None
    division = int(digits)
    return next((s for s, lo, hi in SECTIONS if lo <= division <= hi), None)


def partnerships_on(inputs: ReportInputs, day: date) -> list[AreaPartnership]:
    active = [m for m in inputs.memberships if m.joined_on <= day and (m.left_on is None or day < m.left_on)]
    codes = area_codes(inputs)
    out = []
    for area in list(codes) + ([None] if any(m.strength_area_id is None for m in active) else []):
        members = [m for m in active if m.strength_area_id == area]
        by_actor = {m.actor_id: m for m in members}
        by_helix = dict.fromkeys(HELIX_KEYS, 0) | Counter(m.helix for m in by_actor.values())
        public = by_helix.get("public", 0) + by_helix.get("state_agency", 0)
        missing = [
            h
            for h in ("public", "business", "academia", "civil_society")
            if not (public if h == "public" else by_helix.get(h, 0))
        ]
        out.append(
            AreaPartnership(
                strength_area_id=UUID(area) if area else None,
                strength_area_code=codes.get(area) if area else None,
                groups=len({m.group_id for m in members}),
                steering_groups=len({m.group_id for m in members if m.group_kind == "steering_group"}),
                actors=len(by_actor),
                by_helix=by_helix,
                by_municipality=dict(
                    sorted(Counter(m.municipality for m in by_actor.values() if m.municipality).items())
                ),
                by_industry=dict(
                    sorted(
                        Counter(
                            section
                            for m in by_actor.values()
                            if m.helix == "business" and m.nace and (section := nace_section(m.nace))
                        ).items()
                    )
                ),
                missing_helix=missing,
            )
        )
    return out
