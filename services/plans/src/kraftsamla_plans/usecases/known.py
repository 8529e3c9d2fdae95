"""What the actors service announces, kept as read models: actors, groups and people, so
references (process leaders, owners, steering groups) can be named without calling it, and
engagements, as evidence of stakeholder involvement for the 1.1 checklist (refreshed as they change)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from kraftsamla_common.events import ActorState, EngagementRecorded, GroupState, PersonAdded
from kraftsamla_common.messaging import UnitOfWork

from ..persistence.tables import KnownActor, KnownEngagement
from .checklist import refresh_checklists


async def _known(uow: UnitOfWork, ident: str, kind: str, name: str, at: datetime, **more: str | None) -> None:
    known = await uow.session.get(KnownActor, ident)
    if known is None:
        uow.session.add(
            KnownActor(id=ident, region=uow.region, kind=kind, name=name[:300], updated_at=at, **more)
        )
    elif known.region == uow.region and known.updated_at <= at:
        known.name, known.updated_at = name[:300], at
        for field, value in more.items():
            setattr(known, field, value)


async def remember_actor(uow: UnitOfWork, d: ActorState, at: datetime) -> None:
    await _known(uow, str(d.actor_id), "actor", d.name, at)


async def remember_group(uow: UnitOfWork, d: GroupState, at: datetime) -> None:
    area = str(d.strength_area_id) if d.strength_area_id else None
    await _known(uow, str(d.group_id), "group", d.name, at, group_kind=d.kind, strength_area_id=area)
    await refresh_checklists(uow)


async def remember_person(uow: UnitOfWork, d: PersonAdded, at: datetime) -> None:
    """A person is named by role and organisation; their name stays in the actors service."""
    actor = await uow.session.get(KnownActor, str(d.actor_id))
    organisation = actor.name if actor is not None and actor.region == uow.region else None
    label = ", ".join(x for x in (d.role, organisation) if x) or "contact person"
    await _known(uow, str(d.person_id), "person", label, at)


async def remember_engagement(uow: UnitOfWork, d: EngagementRecorded, at: datetime) -> None:
    known = await uow.session.get(KnownEngagement, str(d.engagement_id))
    if known is not None and (known.region != uow.region or known.updated_at > at):
        return
    if d.deleted:
        await uow.session.execute(delete(KnownEngagement).where(KnownEngagement.id == str(d.engagement_id)))
        await refresh_checklists(uow)
        return
    if known is None:
        known = KnownEngagement(id=str(d.engagement_id), region=uow.region)
        uow.session.add(known)
    known.held_on, known.participations, known.updated_at = d.held_on, d.participations, at
    known.strength_area_ids = [str(s) for s in d.strength_area_ids]
    await refresh_checklists(uow)
