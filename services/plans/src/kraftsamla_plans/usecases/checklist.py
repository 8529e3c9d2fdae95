"""EU enabling condition 1.1: each programme's checklist, evaluated here where its evidence lives,
kept, and announced (``plans.programme.checklist_evaluated``) whenever it changes, so that the
follow-up report shows the very verdicts the API answers.

Every use case that changes the evidence (a programme, a strength area, a published action plan,
a measured value, an engagement or group the actors service announces) refreshes the region's
checklists in its own transaction; a background job refreshes those whose verdicts time alone
has changed (``valid_until``)."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import or_, select

from kraftsamla_common.db import ALL_REGIONS
from kraftsamla_common.events import (
    ChecklistEvaluated,
    LocalizedText,
    utcnow,
)
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import ServiceContext

from ..domain.checklist import ENGAGEMENT_WINDOW, AreaEvidence, ProgrammeEvidence, announced, evaluate
from ..domain.review import review_due
from ..persistence.queries import areas_with_plans, published_contents
from ..persistence.tables import (
    IndicatorMeasurement,
    KnownActor,
    KnownEngagement,
    Programme,
    ProgrammeChecklist,
)

log = logging.getLogger(__name__)

EXPIRY_POLL_SECONDS = 30.0
"""How often the background job looks for checklists whose verdicts time has changed."""


async def _evidence(uow: UnitOfWork, programme: Programme, now: datetime) -> ProgrammeEvidence:
    """What the platform holds for the programme's checklist."""
    rows = await areas_with_plans(uow.session, [programme.id])
    published = await published_contents(uow.session, [plan for _, plan in rows])
    engagements: dict[str, list[tuple[date, int]]] = defaultdict(list)
    since = now.date() - ENGAGEMENT_WINDOW
    for e in await uow.session.scalars(
        select(KnownEngagement).where(KnownEngagement.region == uow.region, KnownEngagement.held_on >= since)
    ):
        for area_id in e.strength_area_ids:
            engagements[area_id].append((e.held_on, e.participations))
    groups: dict[str, set[str]] = defaultdict(set)
    known_groups: set[str] = set()
    for g in await uow.session.scalars(
        select(KnownActor).where(KnownActor.region == uow.region, KnownActor.kind == "group")
    ):
        known_groups.add(g.id)
        if g.strength_area_id and g.group_kind:
            groups[g.strength_area_id].add(g.group_kind)
    measured: dict[str, set[str]] = defaultdict(set)
    for plan_id, sub_goal_id in (
        await uow.session.execute(
            select(IndicatorMeasurement.action_plan_id, IndicatorMeasurement.sub_goal_id).where(
                IndicatorMeasurement.region == uow.region
            )
        )
    ).tuples():
        measured[plan_id].add(sub_goal_id)
    return ProgrammeEvidence(
        programme_id=UUID(programme.id),
        title=programme.title,
        adopted_by=programme.adopted_by,
        adopted_on=programme.adopted_on,
        paragraph=programme.adoption_paragraph,
        areas=tuple(
            AreaEvidence(
                name=LocalizedText.model_validate(sa.name).any(),
                process_leader=sa.process_leader_id is not None,
                nace_codes=tuple(sa.nace_codes),
                published=published[plan.id][0] if plan.id in published else None,
                review_due=(
                    review_due(plan.last_published_at, plan.created_at, plan.next_review)
                    if plan.id in published
                    else None
                ),
                engagements=tuple(sorted(engagements.get(sa.id, []))),
                groups=frozenset(groups.get(sa.id, ())),
                measured=frozenset(measured.get(plan.id, ())),
            )
            for sa, plan in rows
        ),
        known_groups=frozenset(known_groups),
    )


async def evaluate_checklist(uow: UnitOfWork, programme: Programme, now: datetime) -> ChecklistEvaluated:
    """The programme's checklist as of ``now``, as its event carries it."""
    return announced(evaluate(await _evidence(uow, programme, now), now))


async def refresh_checklists(uow: UnitOfWork) -> None:
    """Evaluate every programme of the region again; keep and announce those that changed (a
    checklist whose verdicts stand only learns until when they hold)."""
    now = utcnow()
    programmes = (await uow.session.scalars(select(Programme).where(Programme.region == uow.region))).all()
    for programme in programmes:
        await uow.session.flush()
        evaluated = await evaluate_checklist(uow, programme, now)
        criteria = [c.model_dump(mode="json") for c in evaluated.criteria]
        kept = await uow.session.get(ProgrammeChecklist, programme.id)
        if kept is not None and kept.criteria == criteria:
            kept.valid_until = evaluated.valid_until
            continue
        if kept is None:
            kept = ProgrammeChecklist(programme_id=programme.id, region=uow.region)
            uow.session.add(kept)
        kept.evaluated_at, kept.valid_until, kept.criteria = now, evaluated.valid_until, criteria
        uow.emit(evaluated, subject=programme.id)


async def refresh_expired_checklists(ctx: ServiceContext) -> None:
    """Background job: the checklists whose verdicts time alone has changed (a plan fallen overdue,
    an engagement gone out of the past twelve months), and programmes never evaluated, are
    evaluated again and announced."""
    while True:
        now = utcnow()
        async with ctx.db.session(ALL_REGIONS) as session:
            regions = set(
                (
                    await session.scalars(
                        select(Programme.region)
                        .outerjoin(ProgrammeChecklist, ProgrammeChecklist.programme_id == Programme.id)
                        .where(
                            or_(
                                ProgrammeChecklist.programme_id.is_(None),
                                ProgrammeChecklist.valid_until <= now,
                            )
                        )
                    )
                ).all()
            )
        for region in sorted(regions):
            async with ctx.db.session(region) as session:
                uow = UnitOfWork(
                    session,
                    source=ctx.settings.service,
                    region=region,
                    on_commit=ctx.relay.wake,
                    settings=ctx.settings,
                )
                await refresh_checklists(uow)
                await uow.commit()
            log.info("checklists of %s evaluated again", region)
        await asyncio.sleep(EXPIRY_POLL_SECONDS)
