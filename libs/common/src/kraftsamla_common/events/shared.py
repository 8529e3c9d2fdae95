"""Value types the events of several producers carry.

The plans and the assessment service both speak of codes, localized texts, pyramid levels and
funding sources; the assessment and the reporting service both name sets of action-plan versions.
They are defined once, here, so that no producer's module depends on another's.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

Level = Literal["bas", "bredd", "spets"]
"""Where something sits on the pyramid Bas – Bredd – Spets (base – breadth – spearhead)."""

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Short stable code")]


FundingSource = Literal[
    "erdf",
    "esf_plus",
    "jtf",
    "interreg",
    "eafrd",
    "horizon_europe",
    "vinnova",
    "energy_agency",
    "growth_agency",
    "business_finland",
    "regional",
    "municipal",
    "private",
    "other",
]
"""Where money comes from: ERDF/ERUF/EAKR, ESF+, Just Transition Fund, Interreg, the rural fund,
Horizon Europe, Vinnova, the Swedish Energy Agency, Tillväxtverket, Business Finland, regional and
municipal funds, private money."""


class Contract(BaseModel):
    """A part of the catalogue that is also an API body: unknown fields are refused on the way in."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(Contract):
    """A text in the languages a region writes in (sv, fi, en); at least one is present."""

    sv: Annotated[str, Field(max_length=5000)] | None = None
    en: Annotated[str, Field(max_length=5000)] | None = None
    fi: Annotated[str, Field(max_length=5000)] | None = None

    @model_validator(mode="after")
    def _some_language(self) -> LocalizedText:
        if not (self.sv or self.en or self.fi):
            raise ValueError("give the text in at least one language (sv, fi or en)")
        return self

    def any(self) -> str:
        return self.sv or self.fi or self.en or ""


class PlanVersionRef(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    action_plan_id: UUID
    strength_area_id: UUID
    version: int


def plan_key(refs: list[PlanVersionRef]) -> str:
    """One string naming a set of action-plan versions, the same in every service."""
    return ",".join(sorted(f"{r.action_plan_id}:{r.version}" for r in refs))
