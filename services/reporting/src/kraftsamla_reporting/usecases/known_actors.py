"""What the actors service announces, kept as this service's read models: the region's geography,
its actors, their memberships of groups and the engagements they took part in.

Each use case keeps the newest state (an older event arriving late changes nothing) and marks the
region's report due (:func:`.due.record_change`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, update

from kraftsamla_common.events import (
    ActorMerged,
    ActorState,
    EngagementRecorded,
    Envelope,
    MembershipChanged,
    RegionConfigured,
)
from kraftsamla_common.messaging import UnitOfWork

from ..persistence.queries import insert, keep_latest, upsert, utc
from ..persistence.tables import KnownActor, KnownEngagement, KnownMembership, KnownRegion
from .due import record_change


async def keep_region(uow: UnitOfWork, event: Envelope[RegionConfigured]) -> None:
    d = event.data
    stmt = insert(uow.session, KnownRegion)
    await upsert(
        uow.session,
        KnownRegion,
        ["region"],
        {
            "region": uow.region,
            "country": d.country,
            "county": d.county,
            "municipalities": list(d.municipalities),
            "at": utc(event.time),
        },
        where=KnownRegion.at <= stmt.excluded.at,
    )
    await record_change(event, uow)


async def keep_actor(uow: UnitOfWork, event: Envelope[Any]) -> None:
    """An actor as registered or last updated."""
    d: ActorState = event.data
    stmt = insert(uow.session, KnownActor)
    await upsert(
        uow.session,
        KnownActor,
        ["actor_id"],
        {
            "actor_id": str(d.actor_id),
            "region": uow.region,
            "helix": d.helix,
            "municipality": d.municipality,
            "at": utc(event.time),
        },
        where=or_(KnownActor.at.is_(None), KnownActor.at <= stmt.excluded.at),
    )
    await record_change(event, uow)


async def merge_actor(uow: UnitOfWork, event: Envelope[ActorMerged]) -> None:
    """A merged duplicate no longer counts; its memberships and engagements arrive re-announced."""
    d = event.data
    await uow.session.execute(
        update(KnownActor)
        .where(KnownActor.actor_id == str(d.actor_id), KnownActor.region == uow.region)
        .values(merged_into=str(d.into_actor_id))
    )
    await record_change(event, uow)


async def keep_membership(uow: UnitOfWork, event: Envelope[MembershipChanged]) -> None:
    d = event.data
    values = {
        "membership_id": str(d.membership_id),
        "group_id": str(d.group_id),
        "strength_area_id": str(d.strength_area_id) if d.strength_area_id else None,
        "actor_id": str(d.actor_id),
        "helix": d.helix,
        "group_kind": d.group_kind,
        "municipality": d.municipality,
        "nace": d.nace,
        "joined_on": d.joined_on,
        "left_on": d.left_on,
    }
    await keep_latest(
        uow.session,
        KnownMembership,
        "membership_id",
        values,
        region=uow.region,
        when=utc(event.time),
        gone=d.removed,
    )
    await record_change(event, uow)


async def keep_engagement(uow: UnitOfWork, event: Envelope[EngagementRecorded]) -> None:
    d = event.data
    values = {
        "engagement_id": str(d.engagement_id),
        "held_on": d.held_on,
        "cycle_id": str(d.cycle_id) if d.cycle_id else None,
        "strength_area_ids": [str(x) for x in d.strength_area_ids],
        "person_ids": [str(x) for x in d.person_ids],
        "actor_ids": [str(x) for x in d.actor_ids],
        "participations": d.participations,
    }
    await keep_latest(
        uow.session,
        KnownEngagement,
        "engagement_id",
        values,
        region=uow.region,
        when=utc(event.time),
        gone=d.deleted,
    )
    await record_change(event, uow)
