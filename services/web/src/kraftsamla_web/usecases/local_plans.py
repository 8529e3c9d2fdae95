"""Local plans and their alignment with the regional programme: what the pages ask of the plans
service (and the region's name and municipalities of the actors service, the sub-goals' names of
the latest report), the calls made at once; a new local plan, its draft saved with the ETag it was
read at, and its publishing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ..adapters.services import Sent, Services, Unavailable
from ..schemas import (
    ActorSettings,
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


def _municipal(found: Any) -> ActorSettings | None:
    """The region's settings with its municipalities by name (the new plan's choice)."""
    return ActorSettings.model_validate(found) if found else None


@dataclass
class LocalPlansPage:
    plans: LocalPlanList
    alignment: Alignment
    programmes: list[Programme]
    settings: ActorSettings | None


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
        settings=_municipal(settings),
    )


@dataclass
class LocalPlanPage:
    plan: LocalPlan
    etag: str | None
    """The draft's ETag, which the publish form sends back: what is published is what was read."""
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
    """One local plan (its draft, with its ETag), its draft's alignment, the region's current
    priorities (their names), the programmes, the sub-goals' names and the region's name: six calls
    at once; 404 where the plan is not the region's."""
    base = f"{_base(region)}/local-plans/{local_plan_id}"
    (plan, etag), alignment, region_alignment, programmes, indicators, settings = await services.gather(
        services.with_etag("plans", base),
        services.json("plans", f"{base}/alignment", {"version": "draft"}),
        services.json("plans", f"{_base(region)}/alignment"),
        services.json("plans", f"{_base(region)}/programmes", {"limit": PROGRAMMES}),
        _indicators(services, region),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    return LocalPlanPage(
        plan=LocalPlan.model_validate(plan),
        etag=etag,
        alignment=LocalPlanAlignment.model_validate(alignment),
        region_alignment=Alignment.model_validate(region_alignment),
        programmes=ProgrammeList.model_validate(programmes).data,
        indicators=indicators,
        settings=_settings(settings),
    )


# ----------------------------------------------------------------------------- changes


def plan_path(region: str, local_plan_id: UUID | str) -> str:
    return f"{_base(region)}/local-plans/{local_plan_id}"


async def create_local_plan(services: Services, region: str, body: dict[str, Any]) -> str:
    """A new local plan (its draft); its id."""
    sent = await services.send("POST", "plans", f"{_base(region)}/local-plans", json=body)
    return str((sent.body or {})["id"])


@dataclass
class EditPage:
    plan: LocalPlan
    draft: dict[str, Any]
    """The draft as the plans service answers it (every field, those the form does not show too)."""
    etag: str | None
    region_alignment: Alignment
    """The region's current published priorities (what a link may serve, by name)."""
    programmes: list[Programme]
    indicators: list[dict[str, Any]]
    settings: ActorSettings | None


async def load_edit(services: Services, region: str, local_plan_id: UUID) -> EditPage:
    """The draft with its ETag, the region's current published priorities, the programmes (the
    strength areas' names), the sub-goals' names (the latest report's) and the region's settings
    (its name and municipalities): five calls at once."""
    (found, etag), region_alignment, programmes, indicators, settings = await services.gather(
        services.with_etag("plans", plan_path(region, local_plan_id)),
        services.json("plans", f"{_base(region)}/alignment"),
        services.json("plans", f"{_base(region)}/programmes", {"limit": PROGRAMMES}),
        _indicators(services, region),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    return EditPage(
        plan=LocalPlan.model_validate(found),
        draft=dict(found.get("draft") or {}),
        etag=etag,
        region_alignment=Alignment.model_validate(region_alignment),
        programmes=ProgrammeList.model_validate(programmes).data,
        indicators=indicators,
        settings=_municipal(settings),
    )


async def current_draft(services: Services, region: str, local_plan_id: UUID) -> dict[str, Any]:
    """The draft as it is now (what the form does not hold is kept from it when saving)."""
    found = await services.json("plans", plan_path(region, local_plan_id))
    return dict(found.get("draft") or {})


async def save_draft(
    services: Services, region: str, local_plan_id: UUID, content: dict[str, Any], etag: str
) -> Sent:
    """Replace the draft, as read at ``etag``: someone else's save in between is refused (412),
    never overwritten."""
    return await services.send(
        "PUT", "plans", f"{plan_path(region, local_plan_id)}/draft", json=content, if_match=etag or None
    )


async def publish(services: Services, region: str, local_plan_id: UUID, note: str, etag: str | None) -> int:
    """Publish the draft as read at ``etag`` (the one the page showed), with the note; its number."""
    sent = await services.send(
        "POST",
        "plans",
        f"{plan_path(region, local_plan_id)}/publish",
        json={"note": note or None},
        if_match=etag or None,
    )
    return int((sent.body or {}).get("number") or 0)
