"""The follow-up over any period, built live from the read models."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.service import UowDep

from ..schemas import ReportContentPublic
from ..usecases import reports
from .routing import resource_router

router = resource_router()


@router.get("/follow-up", response_model=ReportContentPublic)
async def follow_up(
    scope: ReadScope,
    uow: UowDep,
    start: Annotated[date, Query(description="First day of the period")],
    end: Annotated[date, Query(description="Last day of the period")],
) -> ReportContentPublic:
    """The follow-up over any period, built now from the read models (not stored as a version)."""
    content = await reports.follow_up(uow, start, end)
    return ReportContentPublic.model_validate(content, from_attributes=True)
