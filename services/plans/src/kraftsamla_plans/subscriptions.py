"""Events the plans service listens to, from the actors service: actors, groups and people, so
references (process leaders, owners, steering groups) can be named without calling it, and
engagements, as evidence of stakeholder involvement for the 1.1 checklist."""

from __future__ import annotations

from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.events import (
    ActorRegistered,
    ActorUpdated,
    EngagementRecorded,
    Envelope,
    GroupCreated,
    GroupUpdated,
    PersonAdded,
)
from kraftsamla_common.messaging import UnitOfWork

from .usecases import known

subscriptions = Subscriptions()


@subscriptions.on(ActorRegistered)
async def on_actor_registered(event: Envelope[ActorRegistered], uow: UnitOfWork) -> None:
    await known.remember_actor(uow, event.data, event.time)


@subscriptions.on(ActorUpdated)
async def on_actor_updated(event: Envelope[ActorUpdated], uow: UnitOfWork) -> None:
    await known.remember_actor(uow, event.data, event.time)


@subscriptions.on(GroupCreated)
async def on_group_created(event: Envelope[GroupCreated], uow: UnitOfWork) -> None:
    await known.remember_group(uow, event.data, event.time)


@subscriptions.on(GroupUpdated)
async def on_group_updated(event: Envelope[GroupUpdated], uow: UnitOfWork) -> None:
    await known.remember_group(uow, event.data, event.time)


@subscriptions.on(PersonAdded)
async def on_person_added(event: Envelope[PersonAdded], uow: UnitOfWork) -> None:
    await known.remember_person(uow, event.data, event.time)


@subscriptions.on(EngagementRecorded)
async def on_engagement_recorded(event: Envelope[EngagementRecorded], uow: UnitOfWork) -> None:
    await known.remember_engagement(uow, event.data, event.time)
