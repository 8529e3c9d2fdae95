"""What the assessment keeps of other services' data: the region's strength areas (from the
programme's and plans' events; claims are checked against them), its registered actors (from the
actors service; applicants are linked to them) and its municipalities (from the region's
settings; reach is measured against them)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update

from kraftsamla_common.db import lock_region
from kraftsamla_common.events import ActorMerged, ActorState, ProgrammeState, RegionConfigured, utcnow
from kraftsamla_common.i18n import Language
from kraftsamla_common.messaging import UnitOfWork

from ..domain.wording import language_of
from ..persistence.tables import Application, KnownActor, KnownRegionGeography, KnownStrengthArea

log = logging.getLogger(__name__)

ACTOR_LINKS = 0x4B53_414C
"""The lock (:func:`~kraftsamla_common.db.lock_region`) between linking a region's applications to
its actors as the actors' events arrive (exclusive) and taking in applications linked to the actors
their request read (shared). Without it, on PostgreSQL an application taken in while an actor's
registration is kept would stay unlinked for good: its request read the actors before the
registration was committed, and the registration's update of the region's applications ran
before the application was committed, so neither saw the other."""


async def keep_strength_area(uow: UnitOfWork, sa_id: str, code: str, *, at: datetime) -> None:
    """Keep a strength area of the region (the newest news of it wins)."""
    known = await uow.session.get(KnownStrengthArea, sa_id)
    if known is None:
        uow.session.add(KnownStrengthArea(id=sa_id, region=uow.region, code=code, updated_at=at))
    elif known.region == uow.region and known.updated_at <= at:
        known.code, known.updated_at = code, at


async def keep_programme_areas(uow: UnitOfWork, d: ProgrammeState, *, at: datetime) -> None:
    """Keep the strength areas of a created, updated or adopted programme."""
    log.info("programme %s: %d strength areas known", d.programme_id, len(d.strength_areas))
    for sa in d.strength_areas:
        await keep_strength_area(uow, str(sa.id), sa.code, at=at)


async def keep_actor(uow: UnitOfWork, d: ActorState, *, at: datetime) -> None:
    """Keep the actor, and link the region's applications whose applicant it is."""
    await lock_region(uow.session, ACTOR_LINKS, uow.region)
    known = await uow.session.get(KnownActor, str(d.actor_id))
    if known is not None and (known.region != uow.region or known.updated_at > at):
        return
    if known is None:
        known = KnownActor(id=str(d.actor_id), region=uow.region)
        uow.session.add(known)
    known.identifier_key, known.name, known.helix = d.identifier, d.name, d.helix
    known.municipality, known.updated_at = d.municipality, at
    await uow.session.execute(
        update(Application)
        .where(
            Application.region == uow.region,
            Application.applicant_identifier == d.identifier,
            Application.applicant_actor_id.is_(None),
        )
        .values(applicant_actor_id=known.id, updated_at=utcnow())
    )


async def merge_actor(uow: UnitOfWork, d: ActorMerged) -> None:
    """References to a merged actor follow it into the actor it was merged into."""
    await lock_region(uow.session, ACTOR_LINKS, uow.region)
    known = await uow.session.get(KnownActor, str(d.actor_id))
    if known is None or known.region != uow.region:
        return
    known.merged_into_id = str(d.into_actor_id)
    await uow.session.execute(
        update(Application)
        .where(Application.region == uow.region, Application.applicant_actor_id == str(d.actor_id))
        .values(applicant_actor_id=str(d.into_actor_id), updated_at=utcnow())
    )


async def keep_region_geography(uow: UnitOfWork, d: RegionConfigured, *, at: datetime) -> None:
    """Keep the region's country and municipalities (the newest settings win)."""
    geo = await uow.session.get(KnownRegionGeography, uow.region)
    if geo is None:
        uow.session.add(
            KnownRegionGeography(
                region=uow.region, country=d.country, municipalities=d.municipalities, updated_at=at
            )
        )
    elif geo.updated_at <= at:
        geo.country, geo.municipalities, geo.updated_at = d.country, d.municipalities, at


async def region_language(uow: UnitOfWork) -> Language | None:
    """The language the region reads by default, from its country (None while it is not known)."""
    geo = await uow.session.get(KnownRegionGeography, uow.region)
    return language_of(geo.country) if geo is not None and geo.region == uow.region else None
