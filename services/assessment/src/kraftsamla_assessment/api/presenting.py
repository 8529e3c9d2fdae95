"""Stored rows as the API's response bodies."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..domain.reviews import effective_of
from ..persistence.tables import Application, Assessment, Delivery, Reassessment
from ..persistence.tables import Rubric as RubricRow
from ..schemas import (
    ApplicationPublic,
    AssessmentPublic,
    DeliveryPublic,
    EffectivePublic,
    ReassessmentPublic,
    ReviewPublic,
    RubricPublic,
    WebhookPublic,
)
from ..usecases.webhooks import WebhookState


def assessment_public(a: Assessment) -> AssessmentPublic:
    d = a.details or {}
    return AssessmentPublic.model_validate(
        {
            "id": a.id,
            "application_id": a.application_id,
            "application_revision": a.application_revision,
            "trigger": a.trigger,
            "plan_key": a.plan_key,
            "plan_versions": a.plan_versions,
            "rubric_version": a.rubric_version,
            "strength_area_id": a.strength_area_id,
            "level": a.level,
            "score": a.score,
            "scale_max": d.get("scale_max"),
            "recommendation": a.recommendation,
            "language": a.language,
            "rationale": a.rationale,
            "fits": a.fits,
            "placement": d.get("placement"),
            "sustainability": d.get("sustainability"),
            "agenda2030": d.get("agenda2030"),
            "geography": d.get("geography"),
            "claims": d.get("claims"),
            "criteria": d.get("criteria", []),
            "choice": d.get("choice"),
            "created_at": a.created_at,
        }
    )


def review_public(review: dict[str, Any] | None) -> ReviewPublic:
    if not review:
        return ReviewPublic(state="none")
    return ReviewPublic.model_validate({k: v for k, v in review.items() if k in ReviewPublic.model_fields})


def application_public(app: Application, assessment: Assessment | None) -> ApplicationPublic:
    eff = (
        effective_of(
            assessment.strength_area_id,
            assessment.level,
            assessment.recommendation,
            assessment.details,
            app.review,
        )
        if assessment
        else None
    )
    return ApplicationPublic(
        id=UUID(app.id),
        region=app.region,
        source=app.source,
        external_id=app.external_id,
        kind=app.kind,
        stage=app.stage,
        title=app.title,
        summary=app.summary,
        description=app.description,
        applicant_identifier=app.applicant_identifier,
        applicant_name=app.applicant_name,
        applicant_actor_id=UUID(app.applicant_actor_id) if app.applicant_actor_id else None,
        partners=app.partners,
        funding_programme=app.funding_programme,
        funding_source=app.funding_source,
        requested_amount=app.requested_amount,
        total_budget=app.total_budget,
        currency=app.currency,
        period_start=app.period_start,
        period_end=app.period_end,
        municipalities=app.municipalities,
        strength_areas=[UUID(a) for a in app.claimed_strength_areas],
        goals=app.claimed_goals,
        sustainability=app.sustainability,
        status=app.status,  # type: ignore[arg-type]
        granted_amount=app.granted_amount,
        decided_on=app.decided_on,
        revision=app.revision,
        received_at=app.received_at,
        updated_at=app.updated_at,
        assessment=assessment_public(assessment) if assessment else None,
        review=review_public(app.review),
        effective=EffectivePublic.model_validate(eff.__dict__) if eff else None,
    )


def rubric_public(version: int, rubric: Any, row: RubricRow | None) -> RubricPublic:
    return RubricPublic(
        version=version,
        rubric=rubric,
        published_at=row.published_at if row else None,
        published_by=row.published_by if row else None,
    )


def reassessment_public(r: Reassessment) -> ReassessmentPublic:
    return ReassessmentPublic.model_validate(r, from_attributes=True)


def webhook_public(w: WebhookState) -> WebhookPublic:
    hook = w.hook
    return WebhookPublic(
        id=UUID(hook.id),
        url=hook.url,
        event_types=hook.event_types,
        source=hook.source,
        description=hook.description,
        active=hook.active,
        created_at=hook.created_at,
        pending=w.pending,
        failed=w.failed,
    )


def delivery_public(d: Delivery) -> DeliveryPublic:
    return DeliveryPublic(
        id=UUID(d.id),
        event_id=UUID(d.event_id),
        event_type=d.event_type,
        state=d.state,  # type: ignore[arg-type]
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at if d.state == "pending" else None,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        log=d.log,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
    )
