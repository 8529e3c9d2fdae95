"""The region's own settings: its country, municipalities and dominance threshold."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from kraftsamla_common.errors import NotFound, PreconditionFailed, Unprocessable, said
from kraftsamla_common.events import RegionConfigured, utcnow
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.preconditions import require_match

from ..domain import codes
from ..persistence.tables import RegionSettings
from ..schemas import SettingsUpdate
from .shared import region_settings


def etag(s: RegionSettings) -> str:
    """The settings' ETag: their region and revision (one more at every save)."""
    return f'"{s.region}-r{s.revision}"'


async def get_settings(uow: UnitOfWork) -> RegionSettings:
    s = await region_settings(uow)
    if s is None:
        raise NotFound("Settings of region", uow.region)
    return s


async def configure_region(uow: UnitOfWork, body: SettingsUpdate, *, if_match: str | None) -> RegionSettings:
    """Set the region's municipalities (by county, or listed) and the dominance threshold;
    announced as ``RegionConfigured``.

    Once the settings exist, a change names the revision it was based on: ``if_match``, their
    ETag as read (428 without it, 412 when someone saved in between; nothing is changed). The
    first settings of a region need none (an ``If-Match`` then matches nothing: 412)."""
    s = await region_settings(uow)
    require_match(if_match, etag(s) if s is not None else None, required=s is not None)
    municipalities, errors = codes.region_municipalities(body.country, body.county, body.municipalities)
    if errors:
        raise Unprocessable("The settings cannot be saved.", errors)
    if s is None:
        s = RegionSettings(region=uow.region)
        uow.session.add(s)
    s.country, s.county, s.municipalities = body.country, body.county, municipalities
    s.dominance_threshold, s.updated_at = body.dominance_threshold, utcnow()
    uow.emit(
        RegionConfigured(country=body.country, county=body.county, municipalities=municipalities),
        subject=uow.region,
    )
    try:
        await uow.commit()
    except (StaleDataError, IntegrityError):
        # Another save of the same revision (or the region's first settings) committed first.
        await uow.session.rollback()
        raise PreconditionFailed(said("problem_detail_changed_since")) from None
    return s
