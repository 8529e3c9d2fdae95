"""Request and response models of the actors API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from kraftsamla_common.events import Helix

from .domain import Country

SizeClass = Literal["micro", "small", "medium", "large"]
"""Enterprise size class after the EU SME definition."""


class Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActorCreate(Write):
    """An organisation to register. ``identifier`` is an organisationsnummer (SE) or a Y-tunnus (FI);
    ``municipality`` a kommunkod (SE, 4 digits) or kuntanumero (FI, 3 digits); ``nace`` a NACE Rev. 2 /
    SNI 2007 code. Codes are checked against the country by the service (422 naming the field)."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    country: Country
    identifier: Annotated[str, Field(min_length=1, max_length=20, examples=["202100-5752", "0112038-9"])]
    helix: Helix
    municipality: Annotated[str, Field(max_length=4, examples=["2380"])] | None = None
    nace: Annotated[str, Field(max_length=10, examples=["62.01"])] | None = None
    size_class: SizeClass | None = None


class ActorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    region: str
    name: str
    country: Country
    identifier: str
    helix: Helix
    municipality: str | None
    nace: str | None
    size_class: SizeClass | None
    created_at: datetime

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # SQLite hands timestamps back without their zone; they were written in UTC.
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class ActorsPublic(BaseModel):
    data: list[ActorPublic]
    count: int
