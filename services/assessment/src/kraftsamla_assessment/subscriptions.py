"""Events the assessment service listens to.

* A published action plan, or a new version of the region's own rubric, reassesses the region's
  open applications: it queues the reassessment's batches on the service's own stream, and every
  replica of the service takes batches from the one durable consumer.
* Programme events keep the region's strength areas (which claims are checked against); actor
  events keep the registered actors (applicants are linked to them); the region's settings give
  its municipalities (reach is measured against them).
* Its own application and reassessment events are fanned out to integrators' webhooks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.events import (
    ActionPlanPublished,
    ActorMerged,
    ActorRegistered,
    ActorState,
    ActorUpdated,
    ApplicationAssessed,
    ApplicationDecided,
    ApplicationStatusChanged,
    Envelope,
    ProgrammeAdopted,
    ProgrammeCreated,
    ProgrammeState,
    ProgrammeUpdated,
    ReassessmentBatch,
    ReassessmentCompleted,
    RegionConfigured,
    RubricPublished,
)
from kraftsamla_common.messaging import UnitOfWork

from .assessing import plans_of, profile_of, reassess_batch, start_reassessment
from .models import Application, KnownActor, KnownStrengthArea, PlanVersion, RegionGeography, current_plans
from .webhooks import fan_out

subscriptions = Subscriptions()


@subscriptions.on(ActionPlanPublished)
async def on_action_plan_published(event: Envelope[Any], uow: UnitOfWork) -> None:
    """Keep the newest version of the plan, then reassess every open application of the region."""
    data: ActionPlanPublished = event.data
    plan = await uow.session.get(PlanVersion, str(data.action_plan_id))
    if plan is not None and (plan.version >= data.version or plan.region != event.region):
        return  # an older or the same version arriving late changes nothing
    old_plans = plans_of(await current_plans(uow.session, event.region))
    priorities = [p.model_dump(mode="json") for p in data.plan.priorities]
    if plan is None:
        uow.session.add(
            PlanVersion(
                action_plan_id=str(data.action_plan_id),
                region=event.region,
                strength_area_id=str(data.strength_area.id),
                strength_area_code=data.strength_area.code,
                version=data.version,
                priorities=priorities,
                profile=profile_of(data),
                published_at=data.published_at,
            )
        )
    else:
        plan.version, plan.priorities, plan.published_at = data.version, priorities, data.published_at
        plan.profile = profile_of(data)
        plan.strength_area_code = data.strength_area.code
    await _strength_area(uow, event.region, str(data.strength_area.id), data.strength_area.code, event)
    await uow.session.flush()
    await start_reassessment(
        uow,
        event.region,
        trigger_event_id=event.id,
        trigger=f"{data.strength_area.code} v{data.version} was published",
        old_plans=old_plans,
        rubric_changed=False,
        batch_size=uow.settings.reassessment_batch_size,
    )


@subscriptions.on(RubricPublished)
async def on_rubric_published(event: Envelope[Any], uow: UnitOfWork) -> None:
    """The region's rubric changed: reassess its open applications with it."""
    data: RubricPublished = event.data
    await start_reassessment(
        uow,
        event.region,
        trigger_event_id=event.id,
        trigger=f"rubric v{data.version} was published",
        old_plans=plans_of(await current_plans(uow.session, event.region)),
        rubric_changed=True,
        batch_size=uow.settings.reassessment_batch_size,
    )


@subscriptions.on(ReassessmentBatch, fetch=1)
async def on_reassessment_batch(event: Envelope[Any], uow: UnitOfWork) -> None:
    """One share of a running reassessment (replicas of the service share the batches)."""
    await reassess_batch(uow, event.region, event.data)


# --------------------------------------------------------------------------- read models


async def _strength_area(uow: UnitOfWork, region: str, sa_id: str, code: str, event: Envelope[Any]) -> None:
    known = await uow.session.get(KnownStrengthArea, sa_id)
    if known is None:
        uow.session.add(KnownStrengthArea(id=sa_id, region=region, code=code, updated_at=event.time))
    elif known.region == region and known.updated_at <= event.time:
        known.code, known.updated_at = code, event.time


async def _programme(event: Envelope[Any], uow: UnitOfWork) -> None:
    d: ProgrammeState = event.data
    for sa in d.strength_areas:
        await _strength_area(uow, event.region, str(sa.id), sa.code, event)


@subscriptions.on(ProgrammeCreated)
async def on_programme_created(event: Envelope[ProgrammeCreated], uow: UnitOfWork) -> None:
    await _programme(event, uow)


@subscriptions.on(ProgrammeUpdated)
async def on_programme_updated(event: Envelope[ProgrammeUpdated], uow: UnitOfWork) -> None:
    await _programme(event, uow)


@subscriptions.on(ProgrammeAdopted)
async def on_programme_adopted(event: Envelope[ProgrammeAdopted], uow: UnitOfWork) -> None:
    await _programme(event, uow)


async def _actor(event: Envelope[Any], uow: UnitOfWork) -> None:
    """Keep the actor, and link the region's applications whose applicant it is."""
    d: ActorState = event.data
    known = await uow.session.get(KnownActor, str(d.actor_id))
    if known is not None and (known.region != event.region or known.updated_at > event.time):
        return
    if known is None:
        known = KnownActor(id=str(d.actor_id), region=event.region)
        uow.session.add(known)
    known.identifier_key, known.name, known.helix = d.identifier, d.name, d.helix
    known.municipality, known.updated_at = d.municipality, event.time
    await uow.session.execute(
        update(Application)
        .where(
            Application.region == event.region,
            Application.applicant_identifier == d.identifier,
            Application.applicant_actor_id.is_(None),
        )
        .values(applicant_actor_id=known.id)
    )


@subscriptions.on(ActorRegistered)
async def on_actor_registered(event: Envelope[ActorRegistered], uow: UnitOfWork) -> None:
    await _actor(event, uow)


@subscriptions.on(ActorUpdated)
async def on_actor_updated(event: Envelope[ActorUpdated], uow: UnitOfWork) -> None:
    await _actor(event, uow)


@subscriptions.on(ActorMerged)
async def on_actor_merged(event: Envelope[ActorMerged], uow: UnitOfWork) -> None:
    """References to a merged actor follow it into the actor it was merged into."""
    d: ActorMerged = event.data
    known = await uow.session.get(KnownActor, str(d.actor_id))
    if known is None or known.region != event.region:
        return
    known.merged_into_id = str(d.into_actor_id)
    await uow.session.execute(
        update(Application)
        .where(Application.region == event.region, Application.applicant_actor_id == str(d.actor_id))
        .values(applicant_actor_id=str(d.into_actor_id))
    )


@subscriptions.on(RegionConfigured)
async def on_region_configured(event: Envelope[RegionConfigured], uow: UnitOfWork) -> None:
    d: RegionConfigured = event.data
    geo = await uow.session.get(RegionGeography, event.region)
    if geo is None:
        uow.session.add(
            RegionGeography(
                region=event.region, country=d.country, municipalities=d.municipalities, updated_at=event.time
            )
        )
    elif geo.updated_at <= event.time:
        geo.country, geo.municipalities, geo.updated_at = d.country, d.municipalities, event.time


# --------------------------------------------------------------------------- webhooks


@subscriptions.on(ApplicationAssessed)
async def webhooks_assessed(event: Envelope[ApplicationAssessed], uow: UnitOfWork) -> None:
    await fan_out(event, uow)


@subscriptions.on(ApplicationDecided)
async def webhooks_decided(event: Envelope[ApplicationDecided], uow: UnitOfWork) -> None:
    await fan_out(event, uow)


@subscriptions.on(ApplicationStatusChanged)
async def webhooks_status_changed(event: Envelope[ApplicationStatusChanged], uow: UnitOfWork) -> None:
    await fan_out(event, uow)


@subscriptions.on(ReassessmentCompleted)
async def webhooks_reassessment(event: Envelope[ReassessmentCompleted], uow: UnitOfWork) -> None:
    await fan_out(event, uow)
