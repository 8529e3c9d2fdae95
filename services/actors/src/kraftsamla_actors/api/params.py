"""What several routes of the actors API take: who may lead the partnerships, and the dates and
kinds of group asked about."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from kraftsamla_common.auth import EDITORS, Role, Scope, region_scope
from kraftsamla_common.bounds import FIRST_DAY, LAST_DAY, MAX_PERIOD_YEARS
from kraftsamla_common.events import GroupKind

LeadScope = Annotated[Scope, Depends(region_scope(*EDITORS, Role.ASSESSOR))]
"""Region administrators and process leaders (assessors), who run the partnerships day to day."""

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
