"""Assessing applications and reassessing a region: the domain rules applied to stored data."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from sqlalchemy import select

from kraftsamla_common.events import (
    ApplicationAssessed,
    AssessmentTrigger,
    Level,
    MovedApplication,
    Priority,
    ReassessmentCompleted,
    StrengthAreaFit,
    new_id,
    utcnow,
)
from kraftsamla_common.messaging import UnitOfWork

from . import domain
from .models import Application, Assessment, Reassessment, current_plans


async def load_matcher(uow: UnitOfWork, region: str) -> domain.Matcher | None:
    plans = await current_plans(uow.session, region)
    if not plans:
        return None
    return domain.Matcher(
        [
            domain.StrengthAreaPlan(
                action_plan_id=UUID(p.action_plan_id),
                strength_area_id=UUID(p.strength_area_id),
                code=p.strength_area_code,
                version=p.version,
                priorities=tuple(Priority.model_validate(x) for x in p.priorities),
            )
            for p in plans
        ]
    )


def assess(
    uow: UnitOfWork, app: Application, matcher: domain.Matcher, trigger: AssessmentTrigger
) -> Assessment:
    """Assess one application, store the assessment as its current one, and announce it."""
    result = matcher.assess(domain.application_text([app.title, app.summary, app.description]))
    assessment = Assessment(
        id=str(new_id()),
        region=app.region,
        application_id=app.id,
        application_revision=app.revision,
        plan_key=result.plan_key,
        plan_versions=[r.model_dump(mode="json") for r in result.plan_versions],
        trigger=trigger,
        strength_area_id=str(result.strength_area_id) if result.strength_area_id else None,
        level=result.level,
        score=result.score,
        recommendation=result.recommendation,
        fits=[
            {
                "strength_area_id": str(f.strength_area_id),
                "code": f.code,
                "score": f.score,
                "level": f.level,
                "priority_ids": f.priority_ids,
                "matched_terms": f.matched_terms,
                "evidence": [e.__dict__ for e in f.evidence],
            }
            for f in result.fits
        ],
        language=result.language,
        rationale=result.rationale,
        created_at=utcnow(),
    )
    uow.session.add(assessment)
    app.current_assessment_id = assessment.id
    if app.status in ("received", "under_assessment"):
        app.status = "assessed"
    uow.emit(
        ApplicationAssessed(
            application_id=UUID(app.id),
            assessment_id=UUID(assessment.id),
            trigger=trigger,
            plan_key=result.plan_key,
            plan_versions=result.plan_versions,
            strength_area_id=result.strength_area_id,
            level=result.level,
            score=result.score,
            recommendation=result.recommendation,
            fits=[
                StrengthAreaFit(
                    strength_area_id=f.strength_area_id,
                    score=f.score,
                    priority_ids=f.priority_ids,
                    matched_terms=f.matched_terms,
                )
                for f in result.fits
            ],
            status=app.status,
            funding_programme=app.funding_programme,
            requested_amount=app.requested_amount,
            currency=app.currency,
            municipalities=app.municipalities,
        ),
        region=app.region,
        subject=app.id,
    )
    return assessment


async def reassess_region(
    uow: UnitOfWork, region: str, *, trigger_event_id: UUID, trigger: str
) -> Reassessment:
    """Reassess every open application of the region against its current plans, once per plan set.

    Runs inside the consumer's transaction with its inbox row: a crash half-way rolls everything
    back and the redelivered event starts again; an application already assessed for this plan
    set and revision is skipped, so none is assessed twice for the same version.
    """
    matcher = await load_matcher(uow, region)
    assert matcher is not None, "called after storing a plan version"
    apps = (
        await uow.session.scalars(
            select(Application)
            .where(Application.region == region, Application.status.in_(domain.OPEN_STATUSES))
            .order_by(Application.id)
        )
    ).all()
    previous = (
        {
            a.id: a
            for a in (
                await uow.session.scalars(
                    select(Assessment).where(
                        Assessment.id.in_([x.current_assessment_id for x in apps if x.current_assessment_id])
                    )
                )
            ).all()
        }
        if apps
        else {}
    )
    moves: list[domain.Move] = []
    assessed = 0
    for app in apps:
        before = previous.get(app.current_assessment_id or "")
        if (
            before is not None
            and before.plan_key == matcher.key
            and before.application_revision == app.revision
        ):
            continue
        after = assess(uow, app, matcher, "reassessment")
        assessed += 1
        if before is not None and (before.level, before.strength_area_id) != (
            after.level,
            after.strength_area_id,
        ):
            moves.append(
                domain.Move(
                    UUID(app.id),
                    cast("Level | None", before.level),
                    cast("Level | None", after.level),
                    UUID(before.strength_area_id) if before.strength_area_id else None,
                    UUID(after.strength_area_id) if after.strength_area_id else None,
                )
            )
    codes = {p.strength_area_id: p.code for p in matcher.plans}
    summary = domain.summarize(assessed, moves, codes, trigger)
    record = Reassessment(
        id=str(new_id()),
        region=region,
        plan_key=matcher.key,
        trigger_event_id=str(trigger_event_id),
        assessed=assessed,
        unchanged=assessed - len(moves),
        moved=[
            {
                "application_id": str(m.application_id),
                "from_level": m.from_level,
                "to_level": m.to_level,
                "from_strength_area_id": str(m.from_area) if m.from_area else None,
                "to_strength_area_id": str(m.to_area) if m.to_area else None,
            }
            for m in moves
        ],
        summary=summary,
        completed_at=utcnow(),
    )
    uow.session.add(record)
    uow.emit(
        ReassessmentCompleted(
            reassessment_id=UUID(record.id),
            plan_key=matcher.key,
            plan_versions=matcher.refs,
            assessed=assessed,
            unchanged=record.unchanged,
            moved=[
                MovedApplication(
                    application_id=m.application_id,
                    from_level=m.from_level,
                    to_level=m.to_level,
                    from_strength_area_id=m.from_area,
                    to_strength_area_id=m.to_area,
                )
                for m in moves
            ],
            summary=summary,
        ),
        region=region,
        subject=record.id,
    )
    return record
