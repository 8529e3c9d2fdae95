"""The region's own settings: its country, municipalities and dominance threshold."""

from __future__ import annotations

from kraftsamla_common.errors import NotFound, Unprocessable
from kraftsamla_common.events import RegionConfigured, utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..domain import codes
from ..persistence.tables import RegionSettings
from ..schemas import SettingsUpdate
from .shared import region_settings


async def get_settings(uow: UnitOfWork) -> RegionSettings:
    s = await region_settings(uow)
    if s is None:
        raise NotFound("Settings of region", uow.region)
    return s


async def configure_region(uow: UnitOfWork, body: SettingsUpdate) -> RegionSettings:
    """Set the region's municipalities (by county, or listed) and the dominance threshold;
    announced as ``RegionConfigured``."""
    municipalities, errors = codes.region_municipalities(body.country, body.county, body.municipalities)
    if errors:
        raise Unprocessable("The settings cannot be saved.", errors)
    s = await region_settings(uow)
    if s is None:
        s = RegionSettings(region=uow.region)
        uow.session.add(s)
    s.country, s.county, s.municipalities = body.country, body.county, municipalities
    s.dominance_threshold, s.updated_at = body.dominance_threshold, utcnow()
    uow.emit(
        RegionConfigured(country=body.country, county=body.county, municipalities=municipalities),
        subject=uow.region,
    )
    await uow.commit()
    return s
