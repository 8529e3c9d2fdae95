"""The platform's regions, for the operator to choose one."""

from __future__ import annotations

from ..adapters.services import Services
from ..schemas import RegionList


async def list_regions(services: Services) -> list[str]:
    found = RegionList.model_validate(await services.json("assessment", "/assessment/regions"))
    return [r["id"] for r in found.data]
