"""The RIS3 self-assessment: what its page asks of the plans service (the programme, every year's
self-assessment) and the form's one call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..adapters.services import Sent, Services
from ..domain.programme import current_programme
from ..schemas import Programme, ProgrammeList, RegionSettings, SelfAssessment, SelfAssessmentList
from .programme import PROGRAMMES


def _base(region: str) -> str:
    return f"/plans/regions/{region}"


@dataclass
class SelfAssessmentPage:
    programme: Programme | None
    assessments: list[SelfAssessment]
    """Every year's, the latest first."""
    settings: RegionSettings | None


async def load_self_assessments(services: Services, region: str, year: int) -> SelfAssessmentPage:
    """The programme of ``year`` and every year's self-assessment of it, with the region's name: three
    calls, the self-assessments' once the programme is known."""
    found, settings = await services.gather(
        services.json("plans", f"{_base(region)}/programmes", {"limit": PROGRAMMES}),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    programme = current_programme(ProgrammeList.model_validate(found).data, year)
    known = RegionSettings.model_validate(settings) if settings else None
    if programme is None:
        return SelfAssessmentPage(None, [], known)
    listed = await services.json("plans", f"{_base(region)}/programmes/{programme.id}/self-assessments")
    return SelfAssessmentPage(programme, SelfAssessmentList.model_validate(listed).data, known)


async def record(
    services: Services, region: str, programme_id: str, year: int, body: Mapping[str, Any]
) -> Sent:
    """The year's self-assessment, recorded or replaced whole."""
    return await services.send(
        "PUT", "plans", f"{_base(region)}/programmes/{programme_id}/self-assessments/{year}", json=body
    )
