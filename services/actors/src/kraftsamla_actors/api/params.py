"""What several routes of the actors API take: the dates and kinds of group asked about."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from kraftsamla_common.bounds import FIRST_DAY, LAST_DAY, MAX_PERIOD_YEARS
from kraftsamla_common.events import GroupKind

AtQuery = Annotated[
    date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="The date to ask about (default: today)")
]
FromQuery = Annotated[
    date | None,
    Query(alias="from", ge=FIRST_DAY, le=LAST_DAY, description="First day (default: 1 January this year)"),
]
ToQuery = Annotated[
    date | None,
    Query(
        alias="to",
        ge=FIRST_DAY,
        le=LAST_DAY,
        description=f"Last day (default: 31 December of that year); at most {MAX_PERIOD_YEARS} years after "
        "the first",
    ),
]
KindsQuery = Annotated[list[GroupKind] | None, Query(description="Only groups of these kinds")]
