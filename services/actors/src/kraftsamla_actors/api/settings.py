"""The region's settings: its country, municipalities and dominance threshold."""

from __future__ import annotations

from kraftsamla_common.auth import EditScope, ReadScope
from kraftsamla_common.service import UowDep, region_router

from ..domain import reference
from ..persistence.tables import RegionSettings
from ..schemas import MunicipalityPublic, SettingsPublic, SettingsUpdate
from ..usecases import settings

router = region_router("actors")


def _settings_public(s: RegionSettings) -> SettingsPublic:
    names = {m.code: m.name for m in reference.municipalities_of(s.country)}
    return SettingsPublic(
        region=s.region,
        country=s.country,  # type: ignore[arg-type]
        county=s.county,
        municipalities=[MunicipalityPublic(code=c, name=names.get(c, c)) for c in s.municipalities],
        dominance_threshold=s.dominance_threshold,
        updated_at=s.updated_at,
    )


@router.get("/settings", response_model=SettingsPublic)
async def get_settings(scope: ReadScope, uow: UowDep) -> SettingsPublic:
    """The region's country, municipalities and dominance threshold used for composition gaps."""
    return _settings_public(await settings.get_settings(uow))


@router.put("/settings", response_model=SettingsPublic)
async def put_settings(body: SettingsUpdate, scope: EditScope, uow: UowDep) -> SettingsPublic:
    """Set the region's municipalities (by county, or listed) and the dominance threshold."""
    return _settings_public(await settings.configure_region(uow, body))
