"""Events the reporting service listens to: each keeps a read model and marks the region's report
due (see :mod:`.usecases.due`); the background job :func:`.usecases.regeneration.regenerate_reports`
then builds the new report versions."""

from __future__ import annotations

from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.events import (
    ActionPlanPublished,
    ActorMerged,
    ActorRegistered,
    ActorUpdated,
    ApplicationAssessed,
    ApplicationDecided,
    ApplicationReceived,
    ApplicationsReassessed,
    ApplicationStatusChanged,
    ChecklistEvaluated,
    CyclePlanned,
    EngagementRecorded,
    Envelope,
    IndicatorMeasured,
    LocalPlanPublished,
    MembershipChanged,
    ProgrammeAdopted,
    ProgrammeCreated,
    ProgrammeUpdated,
    ReassessmentCompleted,
    RegionConfigured,
    SelfAssessmentRecorded,
)
from kraftsamla_common.messaging import UnitOfWork

from .usecases import known_actors, known_applications, known_plans

subscriptions = Subscriptions()

# --------------------------------------------------------------------------- from plans


@subscriptions.on(ProgrammeCreated)
async def on_programme_created(event: Envelope[ProgrammeCreated], uow: UnitOfWork) -> None:
    await known_plans.keep_programme(uow, event)


@subscriptions.on(ProgrammeUpdated)
async def on_programme_updated(event: Envelope[ProgrammeUpdated], uow: UnitOfWork) -> None:
    await known_plans.keep_programme(uow, event)


@subscriptions.on(ProgrammeAdopted)
async def on_programme_adopted(event: Envelope[ProgrammeAdopted], uow: UnitOfWork) -> None:
    await known_plans.keep_programme(uow, event)


@subscriptions.on(ChecklistEvaluated)
async def on_checklist_evaluated(event: Envelope[ChecklistEvaluated], uow: UnitOfWork) -> None:
    await known_plans.keep_checklist(uow, event)


@subscriptions.on(ActionPlanPublished)
async def on_action_plan_published(event: Envelope[ActionPlanPublished], uow: UnitOfWork) -> None:
    await known_plans.keep_action_plan(uow, event)


@subscriptions.on(IndicatorMeasured)
async def on_indicator_measured(event: Envelope[IndicatorMeasured], uow: UnitOfWork) -> None:
    await known_plans.keep_measurement(uow, event)


@subscriptions.on(SelfAssessmentRecorded)
async def on_self_assessment_recorded(event: Envelope[SelfAssessmentRecorded], uow: UnitOfWork) -> None:
    await known_plans.keep_self_assessment(uow, event)


@subscriptions.on(LocalPlanPublished)
async def on_local_plan_published(event: Envelope[LocalPlanPublished], uow: UnitOfWork) -> None:
    await known_plans.keep_local_plan(uow, event)


@subscriptions.on(CyclePlanned)
async def on_cycle_planned(event: Envelope[CyclePlanned], uow: UnitOfWork) -> None:
    await known_plans.keep_cycle(uow, event)


# --------------------------------------------------------------------------- from actors


@subscriptions.on(RegionConfigured)
async def on_region_configured(event: Envelope[RegionConfigured], uow: UnitOfWork) -> None:
    await known_actors.keep_region(uow, event)


@subscriptions.on(ActorRegistered)
async def on_actor_registered(event: Envelope[ActorRegistered], uow: UnitOfWork) -> None:
    await known_actors.keep_actor(uow, event)


@subscriptions.on(ActorUpdated)
async def on_actor_updated(event: Envelope[ActorUpdated], uow: UnitOfWork) -> None:
    await known_actors.keep_actor(uow, event)


@subscriptions.on(ActorMerged)
async def on_actor_merged(event: Envelope[ActorMerged], uow: UnitOfWork) -> None:
    await known_actors.merge_actor(uow, event)


@subscriptions.on(MembershipChanged)
async def on_membership_changed(event: Envelope[MembershipChanged], uow: UnitOfWork) -> None:
    await known_actors.keep_membership(uow, event)


@subscriptions.on(EngagementRecorded)
async def on_engagement_recorded(event: Envelope[EngagementRecorded], uow: UnitOfWork) -> None:
    await known_actors.keep_engagement(uow, event)


# --------------------------------------------------------------------------- from assessment


@subscriptions.on(ApplicationReceived)
async def on_application_received(event: Envelope[ApplicationReceived], uow: UnitOfWork) -> None:
    await known_applications.keep_application(uow, event)


@subscriptions.on(ApplicationAssessed)
async def on_application_assessed(event: Envelope[ApplicationAssessed], uow: UnitOfWork) -> None:
    await known_applications.keep_assessment(uow, event)


@subscriptions.on(ApplicationsReassessed)
async def on_applications_reassessed(event: Envelope[ApplicationsReassessed], uow: UnitOfWork) -> None:
    await known_applications.keep_reassessed(uow, event)


@subscriptions.on(ApplicationDecided)
async def on_application_decided(event: Envelope[ApplicationDecided], uow: UnitOfWork) -> None:
    await known_applications.keep_application(uow, event)


@subscriptions.on(ApplicationStatusChanged)
async def on_application_status_changed(event: Envelope[ApplicationStatusChanged], uow: UnitOfWork) -> None:
    await known_applications.keep_application(uow, event)


@subscriptions.on(ReassessmentCompleted)
async def on_reassessment_completed(event: Envelope[ReassessmentCompleted], uow: UnitOfWork) -> None:
    await known_applications.log_reassessment(uow, event)
