"""Local plans and their alignment with the regional programme: what the two pages ask of the
plans service (and the region's name of the actors service, the sub-goals' names of the latest
report), the calls made at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ..adapters.services import Services, Unavailable
from ..schemas import (
    Alignment,
    LocalPlan,
    LocalPlanAlignment,
    LocalPlanList,
    Programme,
    ProgrammeList,
    RegionSettings,
)
from .programme import PROGRAMMES

LOCAL_PLANS = 500
"""Local plans listed (a region has a handful: one per destination or municipality that writes one)."""


def _base(region: str) -> str:
    return f"/plans/regions/{region}"


def _settings(found: Any) -> RegionSettings | None:
    return RegionSettings.model_validate(found) if found else None


@dataclass
class LocalPlansPage:
    plans: LocalPlanList
    alignment: Alignment
    programmes: list[Programme]
    settings: RegionSettings | None


async def load_local_plans(services: Services, region: str) -> LocalPlansPage:
    """The region's local plans, the alignment both ways (each plan by its latest published version,
    or by its draft where it has none), the programmes (the strength areas' names) and the region's
    name: four calls at once."""
    plans, alignment, programmes, settings = await services.gather(
        services.json("plans", f"{_base(region)}/local-plans", {"limit": LOCAL_PLANS}),
        services.json("plans", f"{_base(region)}/alignment", {"include_drafts": "true"}),
        services.json("plans", f"{_base(region)}/programmes", {"limit": PROGRAMMES}),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    return LocalPlansPage(
        plans=LocalPlanList.model_validate(plans),
        alignment=Alignment.model_validate(alignment),
        programmes=ProgrammeList.model_validate(programmes).data,
        settings=_settings(settings),
    )


@dataclass
class LocalPlanPage:
    plan: LocalPlan
    alignment: LocalPlanAlignment
    region_alignment: Alignment
    programmes: list[Programme]
    indicators: list[dict[str, Any]]
    """The latest report's indicator lines: the sub-goals' names (none before the first report)."""
    settings: RegionSettings | None


async def _indicators(services: Services, region: str) -> list[dict[str, Any]]:
    """The sub-goals the latest report follows up; none where there is no report or reporting does
    not answer (the page then shows the sub-goals' ids)."""
    try:
        report = await services.optional("reporting", f"/reporting/regions/{region}/reports/latest")
    except Unavailable:
        return []
    if not isinstance(report, dict):
        return []
    lines = (report.get("content") or {}).get("indicators") or []
    return [line for line in lines if isinstance(line, dict)]


async def load_local_plan(services: Services, region: str, local_plan_id: UUID) -> LocalPlanPage:
    """One local plan (its draft), its draft's alignment, the region's current priorities (their
    names), the programmes, the sub-goals' names and the region's name: six calls at once; 404
    where the plan is not the region's."""
    base = f"{_base(region)}/local-plans/{local_plan_id}"
    plan, alignment, region_alignment, programmes, indicators, settings = await services.gather(
        services.json("plans", base),
        services.json("plans", f"{base}/alignment", {"version": "draft"}),
        services.json("plans", f"{_base(region)}/alignment"),
        services.json("plans", f"{_base(region)}/programmes", {"limit": PROGRAMMES}),
        _indicators(services, region),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    return LocalPlanPage(
        plan=LocalPlan.model_validate(plan),
        alignment=LocalPlanAlignment.model_validate(alignment),
        region_alignment=Alignment.model_validate(region_alignment),
        programmes=ProgrammeList.model_validate(programmes).data,
        indicators=indicators,
        settings=_settings(settings),
    )
