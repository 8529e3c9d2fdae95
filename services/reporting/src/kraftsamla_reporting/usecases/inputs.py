"""The read models of one region, as the pure report builder takes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kraftsamla_common.bounds import STORED
from kraftsamla_common.events import ActionPlanContent, ChecklistCriterion, LocalPlanContent

from ..domain.inputs import (
    ActorIn,
    ApplicationIn,
    ChecklistIn,
    CycleIn,
    EngagementIn,
    LocalPlanIn,
    MeasurementIn,
    MembershipIn,
    PlanIn,
    ProgrammeIn,
    ReassessmentIn,
    RegionIn,
    ReportInputs,
    SelfAssessmentIn,
    SourceIn,
    StrengthAreaIn,
)
from ..persistence.queries import utc
from ..persistence.tables import (
    KnownActor,
    KnownApplication,
    KnownChecklist,
    KnownCycle,
    KnownEngagement,
    KnownLocalPlan,
    KnownMeasurement,
    KnownMembership,
    KnownPlanPublication,
    KnownPlanVersion,
    KnownProgramme,
    KnownReassessment,
    KnownRegion,
    KnownSelfAssessment,
    Sharing,
    SourceMark,
)


async def _all(session: AsyncSession, model: Any, region: str, *where: Any) -> Sequence[Any]:
    return (await session.scalars(select(model).where(model.region == region, *where))).all()


def strength_areas_of(programme: KnownProgramme) -> list[StrengthAreaIn]:
    return [
        StrengthAreaIn(
            id=sa["id"],
            code=sa["code"],
            name=sa["name"],
            nace_codes=sa.get("nace_codes") or (),
            sdgs=sa.get("sdgs") or (),
            process_leader_id=sa.get("process_leader_id"),
        )
        for sa in programme.strength_areas
    ]


async def load_inputs(session: AsyncSession, region: str) -> ReportInputs:
    """The read models of one region, as the pure report builder takes them."""
    programmes = (
        await session.scalars(
            select(KnownProgramme).where(KnownProgramme.region == region).order_by(KnownProgramme.created_at)
        )
    ).all()
    revisions: dict[str, list[datetime]] = {}
    for pub in await _all(session, KnownPlanPublication, region):
        revisions.setdefault(pub.action_plan_id, []).append(utc(pub.published_at))
    reassessments = (
        await session.scalars(
            select(KnownReassessment)
            .where(KnownReassessment.region == region)
            .order_by(KnownReassessment.completed_at.desc(), KnownReassessment.reassessment_id.desc())
            .limit(3)
        )
    ).all()
    geography = await session.get(KnownRegion, region)
    sharing = await session.get(Sharing, region)
    return ReportInputs(
        region=region,
        programmes=[
            ProgrammeIn(
                programme_id=p.programme_id,
                title=p.title,
                strength_areas=strength_areas_of(p),
                details=p.details or {},
            )
            for p in programmes
        ],
        plans=[
            PlanIn(
                action_plan_id=p.action_plan_id,
                strength_area_id=p.strength_area_id,
                strength_area_code=p.strength_area_code,
                strength_area_name=p.strength_area_name,
                version=p.version,
                published_at=utc(p.published_at),
                priorities=p.priorities,
                content=ActionPlanContent.model_validate(p.content, context=STORED) if p.content else None,
                revisions=sorted(revisions.get(p.action_plan_id, [])),
                review_due=utc(p.review_due) if p.review_due else None,
            )
            for p in await _all(session, KnownPlanVersion, region)
        ],
        applications=[
            ApplicationIn(
                application_id=a.application_id,
                status=a.status,
                requested_amount=a.requested_amount,
                currency=a.currency,
                municipalities=a.municipalities,
                plan_key=a.plan_key,
                strength_area_id=a.strength_area_id,
                level=a.level,
                recommendation=a.recommendation,
                funding_source=a.funding_source,
                granted_amount=a.granted_amount,
                claimed_goals=a.claimed_goals or (),
                supported_goals=a.supported_goals or (),
                dimensions=a.dimensions or (),
                conflicts=a.conflicts or 0,
            )
            for a in await _all(session, KnownApplication, region)
        ],
        actors=[
            ActorIn(helix=a.helix, municipality=a.municipality)
            for a in await _all(session, KnownActor, region, KnownActor.merged_into.is_(None))
        ],
        memberships=[
            MembershipIn(
                group_id=m.group_id,
                strength_area_id=m.strength_area_id,
                actor_id=m.actor_id,
                helix=m.helix,
                joined_on=m.joined_on,
                left_on=m.left_on,
                group_kind=m.group_kind,
                municipality=m.municipality,
                nace=m.nace,
            )
            for m in await _all(session, KnownMembership, region)
        ],
        engagements=[
            EngagementIn(
                held_on=e.held_on,
                strength_area_ids=e.strength_area_ids,
                person_ids=e.person_ids,
                actor_ids=e.actor_ids,
                participations=e.participations,
                cycle_id=e.cycle_id,
            )
            for e in await _all(session, KnownEngagement, region)
        ],
        reassessments=[
            ReassessmentIn(
                reassessment_id=r.reassessment_id,
                plan_key=r.plan_key,
                summary=r.summary,
                assessed=r.assessed,
                unchanged=r.unchanged,
                moved=r.moved,
                completed_at=utc(r.completed_at),
                plan_versions=r.plan_versions,
                rubric_version=r.rubric_version,
                needs_review=r.needs_review,
                groups=r.groups,
                summary_parts=r.summary_parts or (),
            )
            for r in reassessments
        ],
        sources={
            s.service: SourceIn(last_event_id=s.last_event_id, last_event_time=utc(s.last_event_time))
            for s in await _all(session, SourceMark, region)
        },
        geography=RegionIn(
            country=geography.country, municipalities=geography.municipalities, county=geography.county
        )
        if geography
        else None,
        cycles=[
            CycleIn(
                cycle_id=c.cycle_id,
                title=c.title,
                kind=c.kind,
                frequency=c.frequency,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                strength_area_id=c.strength_area_id,
            )
            for c in await _all(session, KnownCycle, region)
        ],
        measurements=[
            MeasurementIn(
                action_plan_id=m.action_plan_id, sub_goal_id=m.sub_goal_id, year=m.year, value=m.value
            )
            for m in await _all(session, KnownMeasurement, region)
        ],
        local_plans=[
            LocalPlanIn(
                local_plan_id=lp.local_plan_id,
                version=lp.version,
                published_at=utc(lp.published_at),
                content=LocalPlanContent.model_validate(lp.content, context=STORED),
            )
            for lp in await _all(session, KnownLocalPlan, region)
        ],
        opted_in=bool(sharing and sharing.opted_in),
        checklists=[
            ChecklistIn(
                programme_id=c.programme_id,
                evaluated_at=utc(c.evaluated_at),
                criteria=[ChecklistCriterion.model_validate(x) for x in c.criteria],
            )
            for c in await _all(session, KnownChecklist, region)
        ],
        self_assessments=[
            SelfAssessmentIn(programme_id=a.programme_id, year=a.year, scores=a.scores)
            for a in await _all(session, KnownSelfAssessment, region)
        ],
    )
