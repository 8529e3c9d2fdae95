"""The region's partnerships and steering groups: the groups with the composition of all their
members, and one group with its members over time, its composition by helix (a chart with its
table), municipality and industry, and its gaps as sentences."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from ..adapters import render as html
from ..domain import gaps as said
from ..domain.actors import industry_name
from ..domain.charts import bar_chart
from ..domain.partnerships import by_kind, changes, helix_shares, shares
from ..schemas import ActorSettings, GroupComposition, StrengthAreaName
from ..usecases.partnerships import load_group, load_partnerships
from .context import Page, PageDep
from .pages import openable

router = APIRouter()


def _region_label(page: Page, region: str, settings: ActorSettings | None) -> str:
    return html.region_name(page.t, region, settings.model_dump() if settings else None)


def _area_name(page: Page, areas: dict[str, StrengthAreaName]):  # type: ignore[no-untyped-def]
    def name(area_id: object) -> str:
        found = areas.get(str(area_id)) if area_id else None
        return (page.t.text(found.name) or found.code) if found else ""

    return name


def _composition(
    page: Page, composition: GroupComposition, chart_id: str, empty: str = "gap_empty"
) -> dict[str, object]:
    """The composition's helix chart (SVG) with the figures of its table, the municipalities' and
    industries' shares, and the gaps as sentences."""
    t = page.t
    helix = helix_shares(composition.by_helix)
    chart = bar_chart(
        t("actors_helix_chart_title", count=t.number(composition.actors)),
        [(t(f"actors_helix_{s.key}"), float(s.actors)) for s in helix],
        number=lambda v: t.number(int(v)),
        chart_id=chart_id,
    )
    return {
        "helix": helix,
        "chart": chart,
        "municipalities": shares(composition.by_municipality, composition.actors),
        "industries": shares(composition.by_industry, composition.actors),
        "names": {line.code: line.name for line in composition.by_municipality},
        "gaps": said.partnership_gaps(t, composition, empty),
    }


@router.get("/regions/{region}/partnerships", name="partnerships")
async def partnerships(region: str, page: PageDep) -> Response:
    openable(page, region)
    found = await load_partnerships(page.services, region)
    return page.render(
        "partnerships.html.j2",
        region=region,
        region_label=_region_label(page, region, found.settings),
        grouped=by_kind(found.groups.data),
        composition=found.composition,
        shown=_composition(page, found.composition, "region-helix"),
        area_name=_area_name(page, found.areas),
        industry_name=lambda code: industry_name(code, page.language),
    )


@router.get("/regions/{region}/partnerships/{group_id}", name="partnership")
async def partnership(region: str, group_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    found = await load_group(page.services, region, group_id)
    members = found.members.data
    return page.render(
        "partnership.html.j2",
        region=region,
        region_label=_region_label(page, region, found.settings),
        group=found.group,
        members=sorted(members, key=lambda m: (not m.active, m.actor_name.casefold())),
        changes=changes(members),
        composition=found.composition,
        shown=_composition(page, found.composition, "group-helix", "actors_gap_group_empty"),
        area_name=_area_name(page, found.areas),
        industry_name=lambda code: industry_name(code, page.language),
    )
