"""Local plans: the region's local plans with the alignment both ways (local actions that serve no
regional priority, regional priorities no local plan serves), and one local plan with its actions,
financing commitments and links to the regional programme."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from kraftsamla_common.municipalities import municipality_by_code

from ..adapters import render as html
from ..domain.local_plans import action_titles, link_view, names, served_priorities, titles_of
from ..usecases.local_plans import load_local_plan, load_local_plans
from .context import Page, PageDep
from .pages import openable

router = APIRouter()


def _municipalities(codes: list[str]) -> str:
    """Municipalities by name (their codes where unknown), in the order given."""
    return ", ".join(m.name if (m := municipality_by_code(c)) else c for c in codes)


def _label(page: Page, settings: object) -> str:
    region = page.request.path_params.get("region", "")
    dumped = settings.model_dump() if settings is not None and hasattr(settings, "model_dump") else None
    return html.region_name(page.t, region, dumped)


@router.get("/regions/{region}/local-plans", name="local_plans")
async def local_plans(region: str, page: PageDep) -> Response:
    openable(page, region)
    found = await load_local_plans(page.services, region)
    areas = [a for p in found.programmes for a in p.strength_areas]
    known = names(areas, found.alignment.priorities)
    aligned = {str(lp.local_plan_id): lp for lp in found.alignment.local_plans}
    return page.render(
        "local_plans.html.j2",
        region=region,
        region_label=_label(page, found.settings),
        plans=found.plans,
        alignment=found.alignment,
        aligned=aligned,
        known=known,
        actions=action_titles(found.alignment.local_plans),
        titles_of=titles_of,
        municipalities=_municipalities,
    )


@router.get("/regions/{region}/local-plans/{local_plan_id}", name="local_plan")
async def local_plan(region: str, local_plan_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    found = await load_local_plan(page.services, region, local_plan_id)
    areas = [a for p in found.programmes for a in p.strength_areas]
    known = names(areas, found.region_alignment.priorities, found.indicators)
    stale = {a.action_id: a.stale_links for a in found.alignment.actions}
    plan = found.plan.draft
    links = [*plan.serves, *(link for a in plan.actions for link in a.serves)]
    return page.render(
        "local_plan.html.j2",
        region=region,
        region_label=_label(page, found.settings),
        lp=found.plan,
        plan=plan,
        alignment=found.alignment,
        served=served_priorities(found.alignment.priorities_served, links, known),
        link=lambda link, action_id=None: link_view(
            link, known, stale.get(action_id, []) if action_id else []
        ),
        titles_of=titles_of,
        municipalities=_municipalities,
    )
