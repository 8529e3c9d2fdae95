"""A region's reassessments: the list, and one with every application it moved, by title."""

from __future__ import annotations

from uuid import UUID

from ..adapters.services import Services
from ..schemas import Reassessment, ReassessmentList

PAGE = 25


async def list_reassessments(services: Services, region: str, offset: int = 0) -> ReassessmentList:
    found = await services.json(
        "assessment", f"/assessment/regions/{region}/reassessments", {"limit": PAGE, "offset": offset}
    )
    return ReassessmentList.model_validate(found)


async def get_reassessment(services: Services, region: str, reassessment_id: UUID) -> Reassessment:
    """One call: the assessment service answers with the moved applications' titles."""
    found = await services.json("assessment", f"/assessment/regions/{region}/reassessments/{reassessment_id}")
    return Reassessment.model_validate(found)
