"""Events the plans service listens to: actors announced by the actors service, so references
(process leaders, owners, groups) can be named without calling it."""

from __future__ import annotations

from typing import Any

from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.events import ActorRegistered, Envelope
from kraftsamla_common.messaging import UnitOfWork

from .models import KnownActor

subscriptions = Subscriptions()


@subscriptions.on(ActorRegistered)
async def on_actor_registered(event: Envelope[Any], uow: UnitOfWork) -> None:
    d: ActorRegistered = event.data
    known = await uow.session.get(KnownActor, str(d.actor_id))
    if known is None:
        uow.session.add(
            KnownActor(
                id=str(d.actor_id), region=event.region, kind="actor", name=d.name, updated_at=event.time
            )
        )
    elif known.region == event.region and known.updated_at <= event.time:
        known.name, known.updated_at = d.name, event.time
