"""Stored rows as the API's response bodies; texts people read in the language asked for."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson

from kraftsamla_common.auth import KeyRecord
from kraftsamla_common.i18n import Language, Messages
from kraftsamla_common.wording import word, worded

from ..domain.reassessment import Move, group_json
from ..domain.reviews import effective_of
from ..domain.wording import as_written, english, english_one, parts_json, stored
from ..persistence.tables import Application, Assessment, Delivery, Reassessment
from ..persistence.tables import Rubric as RubricRow
from ..schemas import (
    ApiKeyPublic,
    ApplicationPublic,
    AssessmentPublic,
    ConflictPublic,
    DeliveryPublic,
    EffectivePublic,
    PreviewPublic,
    ReassessmentPublic,
    ReviewPublic,
    RubricPublic,
    WebhookPublic,
)
from ..usecases.assignments import Staff
from ..usecases.preview import Preview
from ..usecases.webhooks import WebhookState


def assessment_public(a: Assessment, m: Messages) -> AssessmentPublic:
    d = a.details or {}
    return AssessmentPublic.model_validate(
        {
            "id": a.id,
            "application_id": a.application_id,
            "application_revision": a.application_revision,
            "trigger": a.trigger,
            "plan_key": a.plan_key,
            "plan_versions": a.plan_versions,
            "made_for": a.made_for or a.plan_key,
            "rubric_version": a.rubric_version,
            "strength_area_id": a.strength_area_id,
            "level": a.level,
            "score": a.score,
            "scale_max": d.get("scale_max"),
            "recommendation": a.recommendation,
            "language": a.language,
            "rationale": a.rationale,
            "rationale_parts": worded(stored(a.rationale_parts, a.rationale), m),
            "fits": a.fits,
            "placement": d.get("placement"),
            "sustainability": d.get("sustainability"),
            "agenda2030": d.get("agenda2030"),
            "geography": d.get("geography"),
            "claims": d.get("claims"),
            "criteria": [_criterion(c, m) for c in d.get("criteria", [])],
            "choice": d.get("choice"),
            "created_at": a.created_at,
        }
    )


def _criterion(c: Mapping[str, Any], m: Messages) -> dict[str, Any]:
    """A scored criterion with its reason worded: in English (``reason``) and in the language asked
    for (``reason_parts``). An assessment stored before reasons were kept as parts has the English
    sentence, shown as written."""
    reason = c.get("reason")
    part = dict(reason) if isinstance(reason, Mapping) else as_written(str(reason or "")).json()
    text, english_text = _reason(m.language, m.packages, orjson.dumps(part, option=orjson.OPT_SORT_KEYS))
    said = [{"key": part["key"], "params": part.get("params") or {}, "text": text}]
    return {**c, "reason": english_text, "reason_parts": said}


@lru_cache(maxsize=8192)
def _reason(language: Language, packages: tuple[str, ...], packed: bytes) -> tuple[str, str]:
    """A reason worded in ``language`` and in English. Kept: most reasons come back from one
    application to the next ("3 partners, 2 helix types known"), and a list of applications words
    six for each."""
    part = orjson.loads(packed)
    text = word(part, Messages(language, packages))
    return text, text if language == "en" else english([part])


def review_public(review: dict[str, Any] | None) -> ReviewPublic:
    if not review:
        return ReviewPublic(state="none")
    return ReviewPublic.model_validate({k: v for k, v in review.items() if k in ReviewPublic.model_fields})


def application_public(
    app: Application, assessment: Assessment | None, m: Messages, staff: Staff | None = None
) -> ApplicationPublic:
    """The application as the API shows it; ``staff``: its assignments and declared conflicts."""
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
        assessment=assessment_public(assessment, m) if assessment else None,
        review=review_public(app.review),
        effective=EffectivePublic.model_validate(eff.__dict__) if eff else None,
        assignees=staff.assignees if staff else [],
        conflicts=[ConflictPublic.model_validate(c.__dict__) for c in staff.conflicts] if staff else [],
    )


def rubric_public(version: int, rubric: Any, row: RubricRow | None) -> RubricPublic:
    return RubricPublic(
        version=version,
        rubric=rubric,
        published_at=row.published_at if row else None,
        published_by=row.published_by if row else None,
    )


def _moved(row: Mapping[str, Any], m: Messages, titles: Mapping[str, str] | None) -> dict[str, Any]:
    """A moved application, with why it moved in the language asked for (and its title, where the
    titles were read)."""
    reason = stored(row.get("reason_parts"), row.get("reason") or "")
    title = {"title": titles.get(str(row["application_id"]))} if titles is not None else {}
    return {**row, **title, "reason_parts": worded(reason, m)}


def _group(g: Mapping[str, Any], m: Messages) -> dict[str, Any]:
    return {**g, "sentence_parts": worded(stored(g.get("sentence_parts"), g["sentence"]), m)}


def reassessment_public(
    r: Reassessment, m: Messages, titles: Mapping[str, str] | None = None
) -> ReassessmentPublic:
    return ReassessmentPublic.model_validate(
        {
            "id": r.id,
            "status": r.status,
            "plan_key": r.plan_key,
            "rubric_version": r.rubric_version,
            "trigger": r.trigger,
            "trigger_parts": worded(stored(r.trigger_parts, r.trigger), m),
            "assessed": r.assessed,
            "unchanged": r.unchanged,
            "carried": r.carried or 0,
            "needs_review": r.needs_review,
            "moved": [_moved(x, m, titles) for x in r.moved],
            "groups": [_group(g, m) for g in r.groups],
            "summary": r.summary,
            "summary_parts": worded(stored(r.summary_parts, r.summary), m),
            "started_at": r.started_at,
            "completed_at": r.completed_at,
        }
    )


EXAMPLES = 50
"""Moved applications a preview shows."""


def preview_public(p: Preview, m: Messages) -> PreviewPublic:
    return PreviewPublic.model_validate(
        {
            "plan_key": p.plan_key,
            "rubric_version": p.rubric_version,
            "assessed": p.assessed,
            "unchanged": p.assessed - len(p.moves),
            "moved": len(p.moves),
            "groups": [_group(group_json(g), m) for g in p.groups],
            "levels_before": p.levels_before,
            "levels_after": p.levels_after,
            "summary": p.summary,
            "summary_parts": worded(parts_json(p.summary_parts), m),
            "examples": [_example(x, m, p.titles) for x in p.moves[:EXAMPLES]],
        }
    )


def _example(x: Move, m: Messages, titles: Mapping[str, str]) -> dict[str, Any]:
    b, a = x.before, x.after
    return {
        "application_id": str(x.application_id),
        "title": titles.get(str(x.application_id)),
        "from_level": b.level,
        "to_level": a.level,
        "from_strength_area_id": str(b.strength_area_id) if b.strength_area_id else None,
        "to_strength_area_id": str(a.strength_area_id) if a.strength_area_id else None,
        "from_recommendation": b.recommendation,
        "to_recommendation": a.recommendation,
        "reason": english_one(x.reason),
        "reason_parts": worded([x.reason.json()], m),
    }


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


def api_key_public(record: KeyRecord) -> ApiKeyPublic:
    return ApiKeyPublic(
        name=record.name,
        role=record.role.value,
        source=record.source,
        organisation=record.organisation,
        state=record.state(),
        expires=record.expires,
        revoked=record.revoked,
        revoked_at=record.revoked_at,
        revoked_by=record.revoked_by,
        created_at=record.created_at,
        created_by=record.created_by,
        ends_with=record.ends_with,
        origin=record.origin,
    )
