"""What the plans service announces, kept as this service's read models: programmes, action plans
(the latest version and every publication), indicator values, local plans and the annual cycle.

Each use case keeps the newest state (an older event arriving late changes nothing) and marks the
region's report due (:func:`.due.record_change`)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import and_

from kraftsamla_common.events import (
    ActionPlanPublished,
    ChecklistEvaluated,
    CyclePlanned,
    Envelope,
    IndicatorMeasured,
    LocalPlanPublished,
    ProgrammeState,
    SelfAssessmentRecorded,
)
from kraftsamla_common.messaging import UnitOfWork

from ..persistence.queries import insert, keep_latest, upsert, utc
from ..persistence.tables import (
    KnownChecklist,
    KnownCycle,
    KnownLocalPlan,
    KnownMeasurement,
    KnownPlanPublication,
    KnownPlanVersion,
    KnownProgramme,
    KnownSelfAssessment,
)
from .due import record_change

log = logging.getLogger(__name__)


async def keep_programme(uow: UnitOfWork, event: Envelope[Any]) -> None:
    """Every programme event carries the whole programme: keep it as announced."""
    log.info(
        "programme %s: kept with %d strength areas", event.data.programme_id, len(event.data.strength_areas)
    )
    d: ProgrammeState = event.data
    stmt = insert(uow.session, KnownProgramme)
    areas = [
        {
            "id": str(sa.id),
            "code": sa.code,
            "name": sa.name.model_dump(exclude_none=True),
            "nace_codes": sa.nace_codes,
            "sdgs": sa.sdgs,
            "process_leader_id": str(sa.process_leader_id) if sa.process_leader_id else None,
        }
        for sa in d.strength_areas
    ]
    details = d.model_dump(
        mode="json", include={"reference", "period_start", "period_end", "vision", "adoption"}
    )
    await upsert(
        uow.session,
        KnownProgramme,
        ["programme_id"],
        {
            "programme_id": str(d.programme_id),
            "region": uow.region,
            "title": d.title,
            "strength_areas": areas,
            "details": details,
            "created_at": utc(event.time),
        },
        # An older state of the programme arriving late changes nothing.
        where=KnownProgramme.created_at <= stmt.excluded.created_at,
    )
    await record_change(event, uow)


async def keep_action_plan(uow: UnitOfWork, event: Envelope[ActionPlanPublished]) -> None:
    """Keep the latest version of each action plan; an older version arriving late changes nothing."""
    d = event.data
    stmt = insert(uow.session, KnownPlanVersion)
    await upsert(
        uow.session,
        KnownPlanVersion,
        ["action_plan_id"],
        {
            "action_plan_id": str(d.action_plan_id),
            "region": uow.region,
            "programme_id": str(d.programme_id),
            "strength_area_id": str(d.strength_area.id),
            "strength_area_code": d.strength_area.code,
            "strength_area_name": d.strength_area.name.model_dump(exclude_none=True),
            "version": d.version,
            "published_at": utc(d.published_at),
            "priorities": len(d.plan.priorities),
            "content": d.plan.model_dump(mode="json"),
            "review_due": utc(d.review_due) if d.review_due else None,
        },
        where=KnownPlanVersion.version < stmt.excluded.version,
    )
    await uow.session.execute(
        insert(uow.session, KnownPlanPublication)
        .values(
            action_plan_id=str(d.action_plan_id),
            version=d.version,
            region=uow.region,
            published_at=utc(d.published_at),
        )
        .on_conflict_do_nothing()
    )
    await record_change(event, uow)


async def keep_checklist(uow: UnitOfWork, event: Envelope[ChecklistEvaluated]) -> None:
    """Keep each programme's latest checklist: the report shows the plans service's verdicts as they are."""
    d = event.data
    stmt = insert(uow.session, KnownChecklist)
    await upsert(
        uow.session,
        KnownChecklist,
        ["programme_id"],
        {
            "programme_id": str(d.programme_id),
            "region": uow.region,
            "evaluated_at": utc(d.evaluated_at),
            "criteria": [c.model_dump(mode="json") for c in d.criteria],
        },
        where=KnownChecklist.evaluated_at <= stmt.excluded.evaluated_at,
    )
    await record_change(event, uow)


async def keep_measurement(uow: UnitOfWork, event: Envelope[IndicatorMeasured]) -> None:
    d = event.data
    values = {
        "measurement_id": str(d.measurement_id),
        "action_plan_id": str(d.action_plan_id),
        "sub_goal_id": d.sub_goal_id,
        "year": d.year,
        "value": d.value,
        "source": d.source,
    }
    await keep_latest(
        uow.session,
        KnownMeasurement,
        "measurement_id",
        values,
        region=uow.region,
        when=utc(event.time),
        gone=d.deleted,
    )
    await record_change(event, uow)


async def keep_local_plan(uow: UnitOfWork, event: Envelope[LocalPlanPublished]) -> None:
    """Keep the latest version of each local plan."""
    d = event.data
    stmt = insert(uow.session, KnownLocalPlan)
    await upsert(
        uow.session,
        KnownLocalPlan,
        ["local_plan_id"],
        {
            "local_plan_id": str(d.local_plan_id),
            "region": uow.region,
            "version": d.version,
            "published_at": utc(d.published_at),
            "content": d.plan.model_dump(mode="json"),
        },
        where=and_(KnownLocalPlan.region == uow.region, KnownLocalPlan.version < stmt.excluded.version),
    )
    await record_change(event, uow)


async def keep_cycle(uow: UnitOfWork, event: Envelope[CyclePlanned]) -> None:
    d = event.data
    values = {
        "cycle_id": str(d.cycle_id),
        "strength_area_id": str(d.strength_area_id) if d.strength_area_id else None,
        "kind": d.kind,
        "title": d.title,
        "frequency": d.frequency,
        "starts_on": d.starts_on,
        "ends_on": d.ends_on,
    }
    await keep_latest(
        uow.session, KnownCycle, "cycle_id", values, region=uow.region, when=utc(event.time), gone=False
    )
    await record_change(event, uow)


async def keep_self_assessment(uow: UnitOfWork, event: Envelope[SelfAssessmentRecorded]) -> None:
    """Keep each programme's self-assessment of each year as last recorded; an older recording
    arriving late changes nothing."""
    d = event.data
    stmt = insert(uow.session, KnownSelfAssessment)
    await upsert(
        uow.session,
        KnownSelfAssessment,
        ["programme_id", "year"],
        {
            "programme_id": str(d.programme_id),
            "year": d.year,
            "region": uow.region,
            "scores": {k: v.model_dump(mode="json") for k, v in d.scores.items()},
            "recorded_at": utc(d.recorded_at),
        },
        where=and_(
            KnownSelfAssessment.region == uow.region,
            KnownSelfAssessment.recorded_at <= stmt.excluded.recorded_at,
        ),
    )
    await record_change(event, uow)
