"""The desk: a region's start page, from a handful of calls made at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..adapters.services import Services, Unavailable
from ..schemas import (
    ActionPlanList,
    ApplicationList,
    ApplicationsFound,
    Checklist,
    Composition,
    Desk,
    Gaps,
    ReassessmentList,
    RegionSettings,
    ReportLine,
)

ROWS = 10
"""Applications of each kind the desk lists (with the count of all)."""
REASSESSMENTS = 5
OVERDUE_PLANS = 10


async def load_desk(services: Services, region: str, *, queue: bool = False, overview: bool = False) -> Desk:
    """Applications waiting for review (those a reassessment marked ``needs_review``, and assessed
    ones no one has reviewed), the last reassessments, the latest report and the region's settings
    (its name), the action plans overdue for revision, the gaps of the 1.1 checklist and of the
    region's partnerships; with ``queue``, the applications assigned to the person; with
    ``overview``, the open applications waiting for a review counted per assessor (one call: the
    ``assigned_to`` facet of ``waiting=true``). Nine or ten calls to the four services, all at once
    (the checklist's follows its programme's, in the same wait); a region the person may not open
    answers :class:`~kraftsamla_web.adapters.services.NotFound`."""
    applications = f"/assessment/regions/{region}/applications"
    mine = (
        services.json("assessment", applications, {"assigned_to": "me", "limit": ROWS})
        if queue
        else _nothing()
    )
    per_assessor = (
        services.json("assessment", applications, {"waiting": "true", "facets": "assigned_to", "limit": 1})
        if overview
        else _nothing()
    )
    (
        assigned,
        waiting,
        needs,
        fresh,
        reassessments,
        report,
        settings,
        overdue,
        checklist,
        composition,
    ) = await services.gather(
        mine,
        per_assessor,
        services.json("assessment", applications, {"review": "needs_review", "limit": ROWS}),
        services.json("assessment", applications, {"review": "none", "status": "assessed", "limit": ROWS}),
        services.json("assessment", f"/assessment/regions/{region}/reassessments", {"limit": REASSESSMENTS}),
        services.optional("reporting", f"/reporting/regions/{region}/reports/latest"),
        services.optional("actors", f"/actors/regions/{region}/settings"),
        _answered(
            services.json(
                "plans", f"/plans/regions/{region}/action-plans", {"overdue": "true", "limit": OVERDUE_PLANS}
            )
        ),
        _answered(_checklist(services, region)),
        _answered(services.json("actors", f"/actors/regions/{region}/composition")),
    )
    return Desk(
        region=region,
        settings=RegionSettings.model_validate(settings) if settings else None,
        queue=ApplicationList.model_validate(assigned) if assigned is not None else None,
        needs_review=ApplicationList.model_validate(needs),
        not_reviewed=ApplicationList.model_validate(fresh),
        reassessments=ReassessmentList.model_validate(reassessments),
        report=ReportLine.model_validate(report) if report else None,
        gaps=Gaps(
            overdue_plans=ActionPlanList.model_validate(overdue) if overdue is not None else None,
            checklist=Checklist.model_validate(checklist) if checklist else None,
            no_programme=checklist == {},
            composition=Composition.model_validate(composition) if composition is not None else None,
        ),
        waiting=ApplicationsFound.model_validate(waiting) if waiting is not None else None,
    )


async def _answered(call: Any) -> Any:
    """The answer, or None where the service did not answer (the desk shows the rest, and says so)."""
    try:
        return await call
    except Unavailable:
        return None


async def _checklist(services: Services, region: str) -> dict[str, Any]:
    """The 1.1 checklist of the region's programme of this year (else its newest); ``{}`` where it
    has none."""
    found = await services.json(
        "plans", f"/plans/regions/{region}/programmes", {"year": date.today().year, "limit": 1}
    )
    if not found["data"]:
        found = await services.json("plans", f"/plans/regions/{region}/programmes", {"limit": 1})
    if not found["data"]:
        return {}
    programme = found["data"][0]["id"]
    return dict(await services.json("plans", f"/plans/regions/{region}/programmes/{programme}/checklist"))


async def _nothing() -> None:
    return None


async def region_settings(services: Services, region: str) -> RegionSettings | None:
    found = await services.optional("actors", f"/actors/regions/{region}/settings")
    return RegionSettings.model_validate(found) if found else None
