"""What the review, assignment and conflict forms ask of the assessment service (one call each);
its refusals come as :class:`~kraftsamla_web.adapters.services.Refused`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from ..adapters.services import Services
from ..domain.review import assignment_body


def _base(region: str) -> str:
    return f"/assessment/regions/{region}/applications"


async def review(services: Services, region: str, application_id: UUID, body: Mapping[str, Any]) -> Any:
    return await services.post("assessment", f"{_base(region)}/{application_id}/review", body)


async def declare_conflict(services: Services, region: str, application_id: UUID, reason: str) -> Any:
    return await services.post(
        "assessment", f"{_base(region)}/{application_id}/conflicts", {"reason": reason}
    )


async def assign(
    services: Services, region: str, ids: Iterable[str], assignee: str, *, take_back: bool = False
) -> Any:
    """Assign the applications to the assessor (or, ``take_back``, end those assignments)."""
    what = "unassignments" if take_back else "assignments"
    return await services.post("assessment", f"{_base(region)}/{what}", assignment_body(ids, assignee))


async def known_assessors(services: Services, region: str) -> list[str]:
    """The assessors the region's applications were assigned to so far, among the 100 changed
    last (there is no directory of staff: an administrator may also type a name in)."""
    found = await services.json("assessment", _base(region), {"limit": 100, "sort": "-updated_at"})
    names = {name for a in found.get("data") or [] for name in a.get("assignees") or []}
    return sorted(names)
