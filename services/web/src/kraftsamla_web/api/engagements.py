"""The region's engagements and annual cycle: a year's calendar month by month (meetings held, and
the cycle's planned meetings held, missed or still to come), planned against held per cycle, and
participation per strength area."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from starlette.responses import Response

from ..adapters import render as html
from ..domain.engagements import (
    FIRST_YEAR,
    LAST_YEAR,
    calendar,
    month_name,
    slot_label_words,
    slot_words,
    unique_actors,
    unique_people,
    year_asked,
)
from ..usecases.engagements import load_engagements
from .context import PageDep
from .pages import openable

router = APIRouter()


@router.get("/regions/{region}/engagements", name="engagements")
async def engagements(region: str, page: PageDep) -> Response:
    openable(page, region)
    today = datetime.now(UTC).date()
    year = year_asked(page.request.query_params.get("year"), today)
    found = await load_engagements(page.services, region, year)
    t = page.t
    areas = found.areas
    cycles = found.follow_up.cycles

    def area_name(area_id: object) -> str:
        area = areas.get(str(area_id)) if area_id else None
        return (t.text(area.name) or area.code) if area else ""

    return page.render(
        "engagements.html.j2",
        region=region,
        region_label=html.region_name(t, region, found.settings.model_dump() if found.settings else None),
        year=year,
        previous_year=year - 1 if year > FIRST_YEAR else None,
        next_year=year + 1 if year < LAST_YEAR else None,
        this_year=today.year,
        months=calendar(year, found.engagements.data, cycles),
        held=found.engagements,
        cycles=cycles,
        participation=found.participation,
        unique_people=unique_people,
        unique_actors=unique_actors,
        area_name=area_name,
        month_name=lambda d: month_name(d, t.locale),
        slot_words=lambda cycle, label: slot_label_words(cycle, label, year, t.locale),
        slot_span=lambda p: slot_words(p.starts_on, p.ends_on, t.locale),
    )
