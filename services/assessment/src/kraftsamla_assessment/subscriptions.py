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

from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.events import (
    ActionPlanPublished,
    ActorMerged,
    ActorRegistered,
    ActorUpdated,
    ApplicationAssessed,
    ApplicationDecided,
    ApplicationStatusChanged,
    Envelope,
    ProgrammeAdopted,
    ProgrammeCreated,
    ProgrammeUpdated,
    ReassessmentBatch,
    ReassessmentCompleted,
    RegionConfigured,
    RubricPublished,
)
from kraftsamla_common.messaging import UnitOfWork

from .usecases import read_models, reassessment
from .usecases.webhook_delivery import fan_out

subscriptions = Subscriptions()


@subscriptions.on(ActionPlanPublished)
async def on_action_plan_published(event: Envelope[ActionPlanPublished], uow: UnitOfWork) -> None:
    await reassessment.reassess_for_plan(uow, event)


@subscriptions.on(RubricPublished)
async def on_rubric_published(event: Envelope[RubricPublished], uow: UnitOfWork) -> None:
    await reassessment.reassess_for_rubric(uow, event)


@subscriptions.on(ReassessmentBatch, fetch=1)
async def on_reassessment_batch(event: Envelope[ReassessmentBatch], uow: UnitOfWork) -> None:
    """One share of a running reassessment (replicas of the service share the batches)."""
    await reassessment.reassess_batch(uow, event.data)


# --------------------------------------------------------------------------- read models


@subscriptions.on(ProgrammeCreated)
async def on_programme_created(event: Envelope[ProgrammeCreated], uow: UnitOfWork) -> None:
    await read_models.keep_programme_areas(uow, event.data, at=event.time)


@subscriptions.on(ProgrammeUpdated)
async def on_programme_updated(event: Envelope[ProgrammeUpdated], uow: UnitOfWork) -> None:
    await read_models.keep_programme_areas(uow, event.data, at=event.time)


@subscriptions.on(ProgrammeAdopted)
async def on_programme_adopted(event: Envelope[ProgrammeAdopted], uow: UnitOfWork) -> None:
    await read_models.keep_programme_areas(uow, event.data, at=event.time)


@subscriptions.on(ActorRegistered)
async def on_actor_registered(event: Envelope[ActorRegistered], uow: UnitOfWork) -> None:
    await read_models.keep_actor(uow, event.data, at=event.time)


@subscriptions.on(ActorUpdated)
async def on_actor_updated(event: Envelope[ActorUpdated], uow: UnitOfWork) -> None:
    await read_models.keep_actor(uow, event.data, at=event.time)


@subscriptions.on(ActorMerged)
async def on_actor_merged(event: Envelope[ActorMerged], uow: UnitOfWork) -> None:
    await read_models.merge_actor(uow, event.data)


@subscriptions.on(RegionConfigured)
async def on_region_configured(event: Envelope[RegionConfigured], uow: UnitOfWork) -> None:
    await read_models.keep_region_geography(uow, event.data, at=event.time)


# --------------------------------------------------------------------------- webhooks


@subscriptions.on(ApplicationAssessed)
async def webhooks_assessed(event: Envelope[ApplicationAssessed], uow: UnitOfWork) -> None:
    await fan_out(uow, event)


@subscriptions.on(ApplicationDecided)
async def webhooks_decided(event: Envelope[ApplicationDecided], uow: UnitOfWork) -> None:
    await fan_out(uow, event)


@subscriptions.on(ApplicationStatusChanged)
async def webhooks_status_changed(event: Envelope[ApplicationStatusChanged], uow: UnitOfWork) -> None:
    await fan_out(uow, event)


@subscriptions.on(ReassessmentCompleted)
async def webhooks_reassessment(event: Envelope[ReassessmentCompleted], uow: UnitOfWork) -> None:
    await fan_out(uow, event)
