"""The region's settings: its country, municipalities and dominance threshold."""

from __future__ import annotations

from fastapi import Response

from kraftsamla_common.auth import EditScope, ReadScope
from kraftsamla_common.preconditions import NEEDS_MATCH, IfMatch
from kraftsamla_common.service import UowDep, region_router

from ..domain import reference
from ..persistence.tables import RegionSettings
from ..schemas import MunicipalityPublic, SettingsPublic, SettingsUpdate
from ..usecases import settings

router = region_router("actors")


def _settings_public(s: RegionSettings, response: Response) -> SettingsPublic:
    names = {m.code: m.name for m in reference.municipalities_of(s.country)}
    response.headers["ETag"] = settings.etag(s)
    return SettingsPublic(
        region=s.region,
        country=s.country,  # type: ignore[arg-type]
        county=s.county,
        municipalities=[MunicipalityPublic(code=c, name=names.get(c, c)) for c in s.municipalities],
        dominance_threshold=s.dominance_threshold,
        updated_at=s.updated_at,
    )


@router.get("/settings", response_model=SettingsPublic)
async def get_settings(scope: ReadScope, uow: UowDep, response: Response) -> SettingsPublic:
    """The region's country, municipalities and dominance threshold used for composition gaps; the
    ETag (its revision) to send back in If-Match with a change."""
    return _settings_public(await settings.get_settings(uow), response)


@router.put("/settings", response_model=SettingsPublic, responses=NEEDS_MATCH)
async def put_settings(
    body: SettingsUpdate, scope: EditScope, uow: UowDep, response: Response, if_match: IfMatch = None
) -> SettingsPublic:
    """Set the region's municipalities (by county, or listed) and the dominance threshold.

    Once the region has settings, send their ETag (from ``GET …/settings``) in If-Match: without
    it the answer is 428, and 412 when someone saved them since it was read: nothing is changed,
    never overwritten unseen. The region's first settings need no If-Match. The answer carries the
    new ETag."""
    return _settings_public(await settings.configure_region(uow, body, if_match=if_match), response)
