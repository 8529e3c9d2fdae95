"""Look-ups that several sections of the report share."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from kraftsamla_common.events import (
    LocalizedText,
    PlanVersionRef,
)

from .content import Amounts, Language
from .inputs import PlanIn, ReportInputs, StrengthAreaIn


def plan_refs(plans: Sequence[PlanIn]) -> list[PlanVersionRef]:
    refs = [
        PlanVersionRef(
            action_plan_id=UUID(p.action_plan_id),
            strength_area_id=UUID(p.strength_area_id),
            version=p.version,
        )
        for p in plans
    ]
    return sorted(refs, key=lambda r: str(r.action_plan_id))


def localized(name: dict[str, Any]) -> LocalizedText | None:
    texts = {k: v for k, v in name.items() if k in ("sv", "en", "fi") and v}
    return LocalizedText(**texts) if texts else None


def language_of(country: str | None) -> Language:
    """The language a region's report is written in by default."""
    return {"SE": "sv", "FI": "fi"}.get(country or "", "en")  # type: ignore[return-value]


def strength_areas(inputs: ReportInputs) -> dict[str, StrengthAreaIn]:
    return {sa.id: sa for p in inputs.programmes for sa in p.strength_areas}


def area_codes(inputs: ReportInputs) -> dict[str, str]:
    codes = {sa_id: sa.code for sa_id, sa in strength_areas(inputs).items()}
    for plan in inputs.plans:
        codes.setdefault(plan.strength_area_id, plan.strength_area_code)
    return codes


def add_amount(amounts: Amounts, currency: str, value: float) -> None:
    """Add ``value`` to the sum in ``currency``; a sum beyond what a float holds stays at the largest
    one (only values stored before amounts were bounded can get there)."""
    total = amounts.get(currency, 0.0) + value
    amounts[currency] = round(min(max(total, -sys.float_info.max), sys.float_info.max), 2)
