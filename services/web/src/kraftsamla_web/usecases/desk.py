"""The desk: a region's start page, from a handful of calls made at once."""

from __future__ import annotations

from ..adapters.services import Services
from ..schemas import ApplicationList, Desk, ReassessmentList, RegionSettings, ReportLine

ROWS = 10
"""Applications of each kind the desk lists (with the count of all)."""
REASSESSMENTS = 5


async def load_desk(services: Services, region: str, *, queue: bool = False) -> Desk:
    """Applications waiting for review (those a reassessment marked ``needs_review``, and assessed
    ones no one has reviewed), the last reassessments, the latest report and the region's settings
    (its name); with ``queue``, the applications assigned to the person. Five or six calls to three
    services, together; a region the person may not open answers
    :class:`~kraftsamla_web.adapters.services.NotFound`."""
    applications = f"/assessment/regions/{region}/applications"
    mine = (
        services.json("assessment", applications, {"assigned_to": "me", "limit": ROWS})
        if queue
        else _nothing()
    )
    assigned, needs, fresh, reassessments, report, settings = await services.gather(
        mine,
        services.json("assessment", applications, {"review": "needs_review", "limit": ROWS}),
        services.json("assessment", applications, {"review": "none", "status": "assessed", "limit": ROWS}),
        services.json("assessment", f"/assessment/regions/{region}/reassessments", {"limit": REASSESSMENTS}),
        services.optional("reporting", f"/reporting/regions/{region}/reports/latest"),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    return Desk(
        region=region,
        settings=RegionSettings.model_validate(settings) if settings else None,
        queue=ApplicationList.model_validate(assigned) if assigned is not None else None,
        needs_review=ApplicationList.model_validate(needs),
        not_reviewed=ApplicationList.model_validate(fresh),
        reassessments=ReassessmentList.model_validate(reassessments),
        report=ReportLine.model_validate(report) if report else None,
    )


async def _nothing() -> None:
    return None


async def region_settings(services: Services, region: str) -> RegionSettings | None:
    found = await services.optional("actors", f"/actors/regions/{region}/settings")
    return RegionSettings.model_validate(found) if found else None
