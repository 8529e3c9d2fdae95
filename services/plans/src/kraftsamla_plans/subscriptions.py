"""Events the plans service listens to, from the actors service: actors, groups and people, so
references (process leaders, owners, steering groups) can be named without calling it, and
engagements, as evidence of stakeholder involvement for the 1.1 checklist."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete

from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.events import (
    ActorRegistered,
    ActorState,
    ActorUpdated,
    EngagementRecorded,
    Envelope,
    GroupCreated,
    GroupState,
    GroupUpdated,
    PersonAdded,
)
from kraftsamla_common.messaging import UnitOfWork

from .models import KnownActor, KnownEngagement

subscriptions = Subscriptions()


async def _known(
    uow: UnitOfWork, region: str, ident: str, kind: str, name: str, at: datetime, **more: str | None
) -> None:
    known = await uow.session.get(KnownActor, ident)
    if known is None:
        uow.session.add(
            KnownActor(id=ident, region=region, kind=kind, name=name[:300], updated_at=at, **more)
        )
    elif known.region == region and known.updated_at <= at:
        known.name, known.updated_at = name[:300], at
        for field, value in more.items():
            setattr(known, field, value)


async def _actor(event: Envelope[Any], uow: UnitOfWork) -> None:
    d: ActorState = event.data
    await _known(uow, event.region, str(d.actor_id), "actor", d.name, event.time)


@subscriptions.on(ActorRegistered)
async def on_actor_registered(event: Envelope[ActorRegistered], uow: UnitOfWork) -> None:
    await _actor(event, uow)


@subscriptions.on(ActorUpdated)
async def on_actor_updated(event: Envelope[ActorUpdated], uow: UnitOfWork) -> None:
    await _actor(event, uow)


async def _group(event: Envelope[Any], uow: UnitOfWork) -> None:
    d: GroupState = event.data
    area = str(d.strength_area_id) if d.strength_area_id else None
    await _known(
        uow,
        event.region,
        str(d.group_id),
        "group",
        d.name,
        event.time,
        group_kind=d.kind,
        strength_area_id=area,
    )


@subscriptions.on(GroupCreated)
async def on_group_created(event: Envelope[GroupCreated], uow: UnitOfWork) -> None:
    await _group(event, uow)


@subscriptions.on(GroupUpdated)
async def on_group_updated(event: Envelope[GroupUpdated], uow: UnitOfWork) -> None:
    await _group(event, uow)


@subscriptions.on(PersonAdded)
async def on_person_added(event: Envelope[PersonAdded], uow: UnitOfWork) -> None:
    """A person is named by role and organisation; their name stays in the actors service."""
    d = event.data
    actor = await uow.session.get(KnownActor, str(d.actor_id))
    organisation = actor.name if actor is not None and actor.region == event.region else None
    label = ", ".join(x for x in (d.role, organisation) if x) or "contact person"
    await _known(uow, event.region, str(d.person_id), "person", label, event.time)


@subscriptions.on(EngagementRecorded)
async def on_engagement_recorded(event: Envelope[EngagementRecorded], uow: UnitOfWork) -> None:
    d = event.data
    known = await uow.session.get(KnownEngagement, str(d.engagement_id))
    if known is not None and (known.region != event.region or known.updated_at > event.time):
        return
    if d.deleted:
        await uow.session.execute(delete(KnownEngagement).where(KnownEngagement.id == str(d.engagement_id)))
        return
    if known is None:
        known = KnownEngagement(id=str(d.engagement_id), region=event.region)
        uow.session.add(known)
    known.held_on, known.participations, known.updated_at = d.held_on, d.participations, event.time
    known.strength_area_ids = [str(s) for s in d.strength_area_ids]
