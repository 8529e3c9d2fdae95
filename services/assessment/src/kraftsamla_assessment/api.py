"""HTTP routes of the assessment service: /assessment/regions/{region}/…

Integrators (funding systems) push applications in, one by one, in bulk, or as 360Giving
grants, record decisions and status, read assessments and subscribe to webhooks. Process
leaders review assessments, configure the rubric and preview draft plans' effect.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import func, select, update

from kraftsamla_common.auth import READERS, Role, Scope, region_scope
from kraftsamla_common.errors import NotFound, Problem, Unprocessable
from kraftsamla_common.events import ActionPlanContent, Level, PlanVersionRef, RubricPublished, new_id, utcnow
from kraftsamla_common.service import MAX_OFFSET, PageDep, UowDep

from . import domain
from .assessing import (
    current_rubric,
    effective_of,
    emit_assessed,
    overrides_of,
    plans_of,
    preview,
    record_precedent,
)
from .intake import Intake, change_status, decide, from_360giving, item_errors
from .models import (
    Application,
    Assessment,
    Delivery,
    IdempotencyRecord,
    Reassessment,
    Review,
    Webhook,
    current_plans,
)
from .models import Rubric as RubricRow
from .schemas import (
    MAX_BULK,
    ApplicationIn,
    ApplicationPublic,
    ApplicationsPublic,
    AssessmentPublic,
    AssessmentsPublic,
    BulkItem,
    BulkResult,
    DecisionIn,
    DeliveriesPublic,
    DeliveryPublic,
    EffectivePublic,
    MoveGroupPublic,
    PreviewIn,
    PreviewPublic,
    ReassessmentPublic,
    ReassessmentsPublic,
    ReassessmentStatus,
    ReviewIn,
    ReviewPublic,
    RubricIn,
    RubricPublic,
    RubricsPublic,
    StatusIn,
    WebhookCreated,
    WebhookIn,
    WebhookPublic,
    WebhooksPublic,
)
from .webhooks import new_secret

router = APIRouter(prefix="/assessment/regions/{region}", tags=["assessment"])

IntakeScope = Annotated[Scope, Depends(region_scope(Role.OPERATOR, Role.ADMIN, Role.INTEGRATOR))]
ApplicationScope = Annotated[Scope, Depends(region_scope(*READERS, Role.INTEGRATOR))]
"""Applications and their assessments: an integrator sees only its own funding system's."""
ReadScope = Annotated[Scope, Depends(region_scope(*READERS))]
ReviewScope = Annotated[Scope, Depends(region_scope(Role.ADMIN, Role.ASSESSOR))]
RubricScope = Annotated[Scope, Depends(region_scope(Role.ADMIN))]
WebhookScope = Annotated[Scope, Depends(region_scope(Role.ADMIN, Role.INTEGRATOR))]

MAX_BULK_BYTES = 16 * 1024 * 1024
"""Largest bulk request body accepted (413 above)."""
IDEMPOTENCY_TTL = timedelta(hours=24)
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Any unique string (e.g. a UUID); a retry with the same key and body gets the first "
        "answer again, for 24 hours",
    ),
]


# --------------------------------------------------------------------------- presentation


def _assessment_public(a: Assessment) -> AssessmentPublic:
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


def _review_public(review: dict[str, Any] | None) -> ReviewPublic:
    if not review:
        return ReviewPublic(state="none")
    return ReviewPublic.model_validate({k: v for k, v in review.items() if k in ReviewPublic.model_fields})


def _public(app: Application, assessment: Assessment | None) -> ApplicationPublic:
    eff = effective_of(assessment, app.review) if assessment else None
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
        assessment=_assessment_public(assessment) if assessment else None,
        review=_review_public(app.review),
        effective=EffectivePublic.model_validate(eff.__dict__) if eff else None,
    )


async def _current(uow: UowDep, app: Application) -> Assessment | None:
    return await uow.session.get(Assessment, app.current_assessment_id) if app.current_assessment_id else None


def own_source(scope: Scope) -> str | None:
    """The funding system an integrator is bound to (None: the caller sees every source)."""
    return scope.principal.source if scope.principal.role is Role.INTEGRATOR else None


async def _get(uow: UowDep, scope: Scope, application_id: UUID) -> Application:
    app = await uow.session.get(Application, str(application_id))
    if app is None or app.region != scope.region or own_source(scope) not in (None, app.source):
        raise NotFound("Application", application_id)
    return app


def _check_source(scope: Scope, source: str) -> None:
    bound = own_source(scope)
    if bound is not None and source != bound:
        raise Problem(
            403,
            "Forbidden",
            f"This key pushes applications of the funding system '{bound}' only, not '{source}'.",
        )


# --------------------------------------------------------------------------- idempotency


async def _replay(uow: UowDep, scope: Scope, key: str | None, body: bytes) -> JSONResponse | None:
    """The stored answer to an earlier request with this Idempotency-Key, if there is one."""
    if key is None:
        return None
    rec = await uow.session.get(IdempotencyRecord, (scope.region, key))
    if rec is None or rec.created_at < utcnow() - IDEMPOTENCY_TTL:
        return None
    if rec.request_hash != hashlib.sha256(body).hexdigest() or rec.principal != scope.principal.name:
        raise Unprocessable(
            "This Idempotency-Key was used for a different request; use a new key for a new request.",
            [{"pointer": "", "location": "header", "message": "Idempotency-Key reused with another body"}],
        )
    return JSONResponse(rec.response, status_code=rec.status_code, headers={"Idempotent-Replayed": "true"})


async def _remember(
    uow: UowDep, scope: Scope, key: str | None, body: bytes, status_code: int, payload: Any
) -> None:
    if key is None:
        return
    rec = await uow.session.get(IdempotencyRecord, (scope.region, key))
    if rec is None:
        rec = IdempotencyRecord(region=scope.region, key=key)
        uow.session.add(rec)
    rec.principal, rec.request_hash = scope.principal.name, hashlib.sha256(body).hexdigest()
    rec.status_code, rec.response, rec.created_at = status_code, payload, utcnow()


# --------------------------------------------------------------------------- intake


@router.post(
    "/applications",
    response_model=ApplicationPublic,
    status_code=status.HTTP_200_OK,
    responses={
        200: {"description": "Updated (or unchanged) existing application"},
        201: {"description": "Created"},
    },
)
async def submit_application(
    body: ApplicationIn,
    scope: IntakeScope,
    uow: UowDep,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Create or update an application by the funding system's id (``source``, ``external_id``):
    safe to retry. Re-sending identical content changes nothing and announces nothing; with an
    ``Idempotency-Key`` a retry gets the first answer again, byte for byte.

    It is assessed at once against the region's current published plans, if it has any.
    """
    raw = await request.body()
    if (replayed := await _replay(uow, scope, idempotency_key, raw)) is not None:
        return replayed
    _check_source(scope, body.source)
    intake = await Intake.load(uow, scope.region)
    app, outcome = await intake.upsert(body)
    public = _public(app, await _current(uow, app))
    code = status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK
    await _remember(uow, scope, idempotency_key, raw, code, public.model_dump(mode="json"))
    await uow.commit()
    response.status_code = code
    return public


def _bulk_items(raw: bytes, content_type: str) -> list[Any]:
    if len(raw) > MAX_BULK_BYTES:
        raise Problem(413, "Content Too Large", f"A bulk request may be at most {MAX_BULK_BYTES} bytes.")
    items: Any
    try:
        if "ndjson" in content_type or "jsonl" in content_type:
            items = [json.loads(line) for line in raw.decode().splitlines() if line.strip()]
        else:
            doc = json.loads(raw)
            items = doc.get("applications", doc.get("grants")) if isinstance(doc, dict) else doc
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "Bad Request", f"The body is not valid JSON or NDJSON: {exc}") from None
    if not isinstance(items, list):
        raise Unprocessable(
            'Send a JSON array of applications, {"applications": [...]}, or NDJSON (one per line).',
            [{"pointer": "", "message": "not a list of applications"}],
        )
    if len(items) > MAX_BULK:
        raise Problem(
            413,
            "Content Too Large",
            f"A bulk request may hold at most {MAX_BULK} applications; this one holds {len(items)}.",
        )
    return items


async def _bulk(
    uow: UowDep, scope: Scope, items: list[tuple[dict[str, Any], dict[str, Any] | None]]
) -> BulkResult:
    """Each item validated on its own; valid items upserted together, rejected ones store nothing."""
    intake = await Intake.load(uow, scope.region)
    results: list[BulkItem] = []
    seen: dict[tuple[str, str], int] = {}
    for i, (item, decision_raw) in enumerate(items):
        external_id = item.get("external_id") if isinstance(item, dict) else None
        try:
            body = ApplicationIn.model_validate(item)
            decision = DecisionIn.model_validate(decision_raw) if decision_raw else None
            intake.claimed_areas(body)
        except ValidationError as exc:
            results.append(
                BulkItem(
                    index=i, external_id=_str(external_id), status="rejected", errors=item_errors(exc, i)
                )
            )
            continue
        except Unprocessable as exc:
            errors = [{**e, "pointer": f"/{i}{e['pointer']}"} for e in exc.errors or []]
            results.append(BulkItem(index=i, external_id=_str(external_id), status="rejected", errors=errors))
            continue
        if (bound := own_source(scope)) is not None and body.source != bound:
            message = f"this key pushes applications of the funding system '{bound}' only"
            results.append(_rejected(i, body.external_id, "source", message, "forbidden_source"))
            continue
        key = (body.source, body.external_id)
        if key in seen:
            message = f"the same application as item {seen[key]}"
            results.append(_rejected(i, body.external_id, "external_id", message))
            continue
        seen[key] = i
        app, outcome = await intake.upsert(body)
        decided = (
            decision is not None and app.status not in ("granted", "rejected") and decide(uow, app, decision)
        )
        if decided and outcome == "unchanged":
            outcome = "updated"
        results.append(BulkItem(index=i, external_id=body.external_id, status=outcome, id=UUID(app.id)))
    counts = {s: sum(r.status == s for r in results) for s in ("created", "updated", "unchanged", "rejected")}
    return BulkResult(results=results, **counts)


def _rejected(index: int, external_id: str, field: str, message: str, type_: str | None = None) -> BulkItem:
    """A bulk item refused for one field."""
    error: dict[str, Any] = {"pointer": f"/{index}/{field}", "message": message}
    if type_ is not None:
        error["type"] = type_
    return BulkItem(index=index, external_id=external_id, status="rejected", errors=[error])


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None


BULK_BODY = {
    "requestBody": {
        "required": True,
        "description": f"Up to {MAX_BULK} applications ({MAX_BULK_BYTES} bytes): a JSON array, "
        '{"applications": [...]}, or NDJSON (application/x-ndjson), each item an ApplicationIn.',
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "maxItems": MAX_BULK,
                    "items": {"$ref": "#/components/schemas/ApplicationIn"},
                }
            },
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


@router.post("/applications/bulk", response_model=BulkResult, openapi_extra=BULK_BODY)
async def submit_bulk(
    scope: IntakeScope,
    uow: UowDep,
    request: Request,
    source: Annotated[
        str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Default source of every item")
    ] = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Many applications at once, each upserted as by ``POST /applications``. Answers per item
    (``created``, ``updated``, ``unchanged`` or ``rejected`` with its errors); a rejected item stores
    nothing and does not stop the others."""
    raw = await request.body()
    if (replayed := await _replay(uow, scope, idempotency_key, raw)) is not None:
        return replayed
    items = _bulk_items(raw, request.headers.get("content-type", ""))
    if source:
        items = [{"source": source, **x} if isinstance(x, dict) else x for x in items]
    result = await _bulk(uow, scope, [(x, None) for x in items])
    await _remember(uow, scope, idempotency_key, raw, 200, result.model_dump(mode="json"))
    await uow.commit()
    return result


@router.post("/applications/360giving", response_model=BulkResult, openapi_extra={
    "requestBody": {
        "required": True,
        "description": "One 360Giving grant, or a 360Giving package {\"grants\": [...]}",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
})  # fmt: skip
async def submit_360giving(
    scope: IntakeScope,
    uow: UowDep,
    request: Request,
    source: Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="The funding system")],
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Grants in the 360Giving Data Standard, mapped onto applications (see the README for the
    mapping); an awarded grant (``amountAwarded`` with ``awardDate``) is recorded as granted."""
    raw = await request.body()
    if (replayed := await _replay(uow, scope, idempotency_key, raw)) is not None:
        return replayed
    items = _bulk_items(raw, "application/json") if raw.lstrip().startswith(b"[") else None
    if items is None:
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise Problem(400, "Bad Request", f"The body is not valid JSON: {exc}") from None
        grants = doc.get("grants", [doc]) if isinstance(doc, dict) else None
        if grants is None:
            raise Unprocessable(
                'Send a grant or a package {"grants": [...]}.', [{"pointer": "", "message": "not a grant"}]
            )
        items = _bulk_items(json.dumps(grants).encode(), "application/json")
    result = await _bulk(uow, scope, [from_360giving(g, source) for g in items])
    await _remember(uow, scope, idempotency_key, raw, 200, result.model_dump(mode="json"))
    await uow.commit()
    return result


@router.post("/applications/{application_id}/decision", response_model=ApplicationPublic)
async def record_decision(
    application_id: UUID, body: DecisionIn, scope: IntakeScope, uow: UowDep
) -> ApplicationPublic:
    """The funding body's decision: granted (with the amount) or rejected. Sending the same decision
    again changes nothing; a different one for a decided application is a conflict (409)."""
    app = await _get(uow, scope, application_id)
    decide(uow, app, body)
    await uow.commit()
    return _public(app, await _current(uow, app))


@router.post("/applications/{application_id}/status", response_model=ApplicationPublic)
async def set_status(
    application_id: UUID, body: StatusIn, scope: IntakeScope, uow: UowDep
) -> ApplicationPublic:
    """Take an application under assessment, withdraw it, or complete a granted one."""
    app = await _get(uow, scope, application_id)
    change_status(uow, app, body.status)
    await uow.commit()
    return _public(app, await _current(uow, app))


# --------------------------------------------------------------------------- reading


@router.get("/applications", response_model=ApplicationsPublic)
async def list_applications(
    scope: ApplicationScope,
    uow: UowDep,
    page: PageDep,
    status_: Annotated[str | None, Query(alias="status", pattern=r"^[a-z_]+$")] = None,
    source: Annotated[str | None, Query(max_length=64)] = None,
    external_id: Annotated[str | None, Query(max_length=128)] = None,
    strength_area: Annotated[UUID | None, Query(description="Current assessment's strength area")] = None,
    level: Level | None = None,
    review: Annotated[str | None, Query(pattern=r"^(none|confirmed|overridden|needs_review)$")] = None,
) -> ApplicationsPublic:
    """The region's applications, oldest first; find one by its funding system's id with
    ``source`` and ``external_id``."""
    where: list[Any] = [Application.region == scope.region]
    if (bound := own_source(scope)) is not None:
        where.append(Application.source == bound)
    if status_:
        where.append(Application.status == status_)
    if source:
        where.append(Application.source == source)
    if external_id:
        where.append(Application.external_id == external_id)
    if strength_area:
        where.append(Assessment.strength_area_id == str(strength_area))
    if level:
        where.append(Assessment.level == level)
    if review:
        where.append(func.coalesce(Application.review["state"].as_string(), "none") == review)
    current = Assessment.id == Application.current_assessment_id
    count = await uow.session.scalar(
        select(func.count(Application.id))
        .select_from(Application)
        .outerjoin(Assessment, current)
        .where(*where)
    )
    # The page's ids first (walking the region's index in order), then only those rows whole.
    ids = (
        select(Application.id)
        .outerjoin(Assessment, current)
        .where(*where)
        .order_by(Application.received_at, Application.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    rows = await uow.session.execute(
        select(Application, Assessment)
        .outerjoin(Assessment, current)
        .where(Application.id.in_(ids.scalar_subquery()))
        .order_by(Application.received_at, Application.id)
    )
    return ApplicationsPublic(data=[_public(a, s) for a, s in rows], count=int(count or 0))


@router.get("/applications/{application_id}", response_model=ApplicationPublic)
async def get_application(application_id: UUID, scope: ApplicationScope, uow: UowDep) -> ApplicationPublic:
    """The application with its current assessment, its review and the effective outcome."""
    app = await _get(uow, scope, application_id)
    return _public(app, await _current(uow, app))


@router.get("/applications/{application_id}/assessments", response_model=AssessmentsPublic)
async def assessment_history(application_id: UUID, scope: ApplicationScope, uow: UowDep) -> AssessmentsPublic:
    """Every assessment the application has had, newest first, each naming the plan and rubric
    versions it used."""
    app = await _get(uow, scope, application_id)
    rows = (
        await uow.session.scalars(
            select(Assessment)
            .where(Assessment.application_id == app.id)
            .order_by(Assessment.created_at.desc())
        )
    ).all()
    return AssessmentsPublic(data=[_assessment_public(a) for a in rows], count=len(rows))


# --------------------------------------------------------------------------- review


@router.post("/applications/{application_id}/review", response_model=ApplicationPublic)
async def review_application(
    application_id: UUID, body: ReviewIn, scope: ReviewScope, uow: UowDep
) -> ApplicationPublic:
    """Confirm the current assessment, or override parts of it (strength area, level,
    recommendation, Agenda 2030 goals, sustainability dimensions), each with a written reason.

    An override survives reassessment unless the plan change touches what it rests on (the plan of
    the strength area involved; for a recommendation, also the rubric): then it is set aside and
    the review asks for the reviewer again (``needs_review``)."""
    app = await _get(uow, scope, application_id)
    current = await _current(uow, app)
    if current is None:
        raise Problem(409, "Conflict", "The application has no assessment to review yet.")
    refs = [PlanVersionRef.model_validate(r) for r in current.plan_versions]
    errors = []
    for i, o in enumerate(body.overrides):
        if (
            o.part == "strength_area"
            and o.value
            and all(str(r.strength_area_id) != str(o.value) for r in refs)
        ):
            errors.append(
                {
                    "pointer": f"/overrides/{i}/value",
                    "message": "not a strength area with a published plan in this region",
                }
            )
    if errors:
        raise Unprocessable("The review cannot be saved.", errors)
    now, who = utcnow(), scope.principal.name
    previous = {o["part"]: o for o in (app.review or {}).get("overrides", [])}
    result_area = UUID(current.strength_area_id) if current.strength_area_id else None
    overrides = [
        {
            "part": o.part,
            "value": o.value,
            "reason": o.reason,
            "by": who,
            "at": now.isoformat(),
            "in_force": True,
            "basis": domain.override_basis(o.part, o.value, result_area, refs),
            "rubric_version": current.rubric_version,
        }
        for o in body.overrides
    ]
    # Overrides of other parts stay as they were; re-reviewing a part replaces it.
    kept = [o for part, o in previous.items() if part not in {x["part"] for x in overrides} and o["in_force"]]
    app.review = {
        "state": "overridden" if overrides or kept else "confirmed",
        "by": who,
        "at": now.isoformat(),
        "comment": body.comment,
        "revision": app.revision,
        "confirmed": None
        if body.action == "override"
        else {
            "strength_area_id": current.strength_area_id,
            "level": current.level,
            "recommendation": current.recommendation,
        },
        "overrides": kept + overrides,
        "parts_to_review": [],
    }
    uow.session.add(
        Review(
            id=str(new_id()),
            region=scope.region,
            application_id=app.id,
            assessment_id=current.id,
            action=body.action,
            overrides=overrides,
            comment=body.comment,
            reviewed_by=who,
            reviewed_at=now,
        )
    )
    await record_precedent(uow.session, app, overrides, who, now)
    emit_assessed(uow, app, current, "review")
    await uow.commit()
    return _public(app, current)


@router.get("/applications/{application_id}/reviews")
async def review_history(application_id: UUID, scope: ApplicationScope, uow: UowDep) -> dict[str, Any]:
    """Every review of the application, newest first: who, when, what was overridden and why."""
    app = await _get(uow, scope, application_id)
    rows = (
        await uow.session.scalars(
            select(Review).where(Review.application_id == app.id).order_by(Review.reviewed_at.desc())
        )
    ).all()
    data = [
        {
            "id": r.id,
            "assessment_id": r.assessment_id,
            "action": r.action,
            "overrides": r.overrides,
            "comment": r.comment,
            "reviewed_by": r.reviewed_by,
            "reviewed_at": r.reviewed_at.isoformat(),
        }
        for r in rows
    ]
    return {
        "data": data,
        "count": len(data),
        "overrides_set_aside": [
            o.__dict__ | {"at": o.at.isoformat()}
            for o in overrides_of(app.review, in_force=False)
            if not _in_force(app.review, o.part)
        ],
    }


def _in_force(review: dict[str, Any] | None, part: str) -> bool:
    return any(o["part"] == part and o["in_force"] for o in (review or {}).get("overrides", []))


# --------------------------------------------------------------------------- rubric


def _rubric_public(version: int, rubric: Any, row: RubricRow | None) -> RubricPublic:
    return RubricPublic(
        version=version,
        rubric=rubric,
        published_at=row.published_at if row else None,
        published_by=row.published_by if row else None,
    )


@router.get("/rubric", response_model=RubricPublic)
async def get_rubric(scope: ReadScope, uow: UowDep, response: Response) -> RubricPublic:
    """The region's current rubric; version 0 is the platform's default until the region publishes its own."""
    version, rubric, row = await current_rubric(uow.session, scope.region)
    response.headers["ETag"] = f'"{version}"'
    return _rubric_public(version, rubric, row)


@router.get("/rubric/versions", response_model=RubricsPublic)
async def list_rubrics(scope: ReadScope, uow: UowDep) -> RubricsPublic:
    rows = (
        await uow.session.scalars(
            select(RubricRow).where(RubricRow.region == scope.region).order_by(RubricRow.version.desc())
        )
    ).all()
    return RubricsPublic(data=[_rubric_public(r.version, r.content, r) for r in rows], count=len(rows))


@router.get("/rubric/versions/{version}", response_model=RubricPublic)
async def get_rubric_version(
    version: Annotated[int, Path(ge=0, le=MAX_OFFSET)], scope: ReadScope, uow: UowDep
) -> RubricPublic:
    if version == 0:
        return _rubric_public(0, domain.DEFAULT_RUBRIC, None)
    row = await uow.session.get(RubricRow, (scope.region, version))
    if row is None:
        raise NotFound("Rubric version", version)
    return _rubric_public(row.version, row.content, row)


@router.post("/rubric/versions", response_model=RubricPublic, status_code=status.HTTP_201_CREATED)
async def publish_rubric(
    body: RubricIn,
    scope: RubricScope,
    uow: UowDep,
    response: Response,
    if_match: Annotated[
        str | None, Header(alias="If-Match", description="ETag of the current rubric")
    ] = None,
) -> RubricPublic:
    """Publish a new version of the region's rubric (criteria, weights, scale, thresholds). Every
    open application is then reassessed with it. Send the current rubric's ETag in If-Match to be
    sure nobody published in between (412 if someone did)."""
    version, _, _ = await current_rubric(uow.session, scope.region)
    if if_match is not None and if_match.strip('W/"') != str(version):
        raise Problem(412, "Precondition Failed", f"The rubric is at version {version} now; read it again.")
    row = RubricRow(
        region=scope.region,
        version=version + 1,
        content=body.rubric.model_dump(mode="json"),
        published_at=utcnow(),
        published_by=scope.principal.name,
    )
    uow.session.add(row)
    uow.emit(
        RubricPublished(
            version=row.version,
            published_at=row.published_at,
            published_by=row.published_by,
            rubric=body.rubric,
        ),
        region=scope.region,
        subject=f"rubric:{scope.region}",
    )
    await uow.commit()
    response.headers["ETag"] = f'"{row.version}"'
    return _rubric_public(row.version, body.rubric, row)


# --------------------------------------------------------------------------- preview and reassessments


@router.post("/previews", response_model=PreviewPublic)
async def preview_change(body: PreviewIn, scope: ReviewScope, uow: UowDep) -> PreviewPublic:
    """What publishing draft action plans (the content of a plan draft, as the plans service holds
    it) and/or a draft rubric would do to the region's open portfolio: what would move, and why.
    Stores nothing."""
    current = {p.action_plan_id: p for p in plans_of(await current_plans(uow.session, scope.region))}
    drafts: list[domain.StrengthAreaPlan] = []
    errors = []
    for i, d in enumerate(body.action_plans):
        now = current.get(d.action_plan_id)
        area = d.strength_area_id or (now.strength_area_id if now else None)
        if area is None:
            errors.append(
                {
                    "pointer": f"/action_plans/{i}/strength_area_id",
                    "message": "needed for a plan not yet published",
                }
            )
            continue
        drafts.append(
            domain.StrengthAreaPlan(
                d.action_plan_id,
                area,
                d.code or (now.code if now else str(area)[:8]),
                (now.version if now else 0) + 1,
                tuple(ActionPlanContent.model_validate(d.plan).priorities),
            )
        )
    if errors:
        raise Unprocessable("The preview cannot be made.", errors)
    p = await preview(uow.session, scope.region, drafts, body.rubric)
    return PreviewPublic(
        plan_key=p.plan_key,
        rubric_version=p.rubric_version,
        assessed=p.assessed,
        unchanged=p.assessed - len(p.moves),
        moved=len(p.moves),
        groups=[MoveGroupPublic.model_validate(g.__dict__) for g in p.groups],
        levels_before=p.levels_before,
        levels_after=p.levels_after,
        summary=p.summary,
        examples=[
            {
                "application_id": str(m.application_id),
                "from_level": m.before.level,
                "to_level": m.after.level,
                "from_strength_area_id": str(m.before.strength_area_id)
                if m.before.strength_area_id
                else None,
                "to_strength_area_id": str(m.after.strength_area_id) if m.after.strength_area_id else None,
                "from_recommendation": m.before.recommendation,
                "to_recommendation": m.after.recommendation,
                "reason": m.reason,
            }
            for m in p.moves[:50]
        ],
    )


def _reassessment_public(r: Reassessment) -> ReassessmentPublic:
    return ReassessmentPublic.model_validate(r, from_attributes=True)


@router.get("/reassessments", response_model=ReassessmentsPublic)
async def list_reassessments(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    status_: Annotated[
        ReassessmentStatus | None, Query(alias="status", description="Only reassessments in this state")
    ] = None,
) -> ReassessmentsPublic:
    """Reassessments of the region's open portfolio, newest first, each with what moved and why
    (``status``: running while its batches are being assessed, then completed; superseded when
    newer plans or a newer rubric arrived before it finished)."""
    where = [Reassessment.region == scope.region]
    if status_ is not None:
        where.append(Reassessment.status == status_)
    total = await uow.session.scalar(select(func.count()).select_from(Reassessment).where(*where)) or 0
    rows = (
        await uow.session.scalars(
            select(Reassessment)
            .where(*where)
            .order_by(Reassessment.started_at.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    return ReassessmentsPublic(data=[_reassessment_public(r) for r in rows], count=total)


@router.get("/reassessments/{reassessment_id}", response_model=ReassessmentPublic)
async def get_reassessment(reassessment_id: UUID, scope: ReadScope, uow: UowDep) -> ReassessmentPublic:
    r = await uow.session.get(Reassessment, str(reassessment_id))
    if r is None or r.region != scope.region:
        raise NotFound("Reassessment", reassessment_id)
    return _reassessment_public(r)


# --------------------------------------------------------------------------- webhooks


def _own_hooks(scope: Scope) -> list[Any]:
    bound = own_source(scope)
    return [] if bound is None else [Webhook.source == bound]


async def _webhook(uow: UowDep, scope: Scope, webhook_id: UUID) -> Webhook:
    hook = await uow.session.get(Webhook, str(webhook_id))
    if hook is None or hook.region != scope.region or not hook.active:
        raise NotFound("Webhook", webhook_id)
    if own_source(scope) not in (None, hook.source):
        raise NotFound("Webhook", webhook_id)
    return hook


async def _webhook_public(uow: UowDep, hook: Webhook) -> WebhookPublic:
    counts = dict(
        (
            await uow.session.execute(
                select(Delivery.state, func.count())
                .where(Delivery.webhook_id == hook.id)
                .group_by(Delivery.state)
            )
        ).all()
    )
    return WebhookPublic(
        id=UUID(hook.id),
        url=hook.url,
        event_types=hook.event_types,
        source=hook.source,
        description=hook.description,
        active=hook.active,
        created_at=hook.created_at,
        pending=counts.get("pending", 0),
        failed=counts.get("failed", 0),
    )


@router.post("/webhooks", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED)
async def create_webhook(body: WebhookIn, scope: WebhookScope, uow: UowDep) -> WebhookCreated:
    """Subscribe a URL to events: ``application.assessed``, ``application.reassessed``,
    ``application.decided``, ``application.status_changed``, ``reassessment.completed``.

    Deliveries are POSTed as JSON and signed after the Standard Webhooks specification: verify the
    ``webhook-signature`` header (HMAC-SHA256 over ``webhook-id.webhook-timestamp.body``) with the
    secret answered here, shown this once. Failed deliveries are retried with growing delays.
    An integrator's subscription is for its own funding system's applications only."""
    source = body.source
    if (bound := own_source(scope)) is not None:
        _check_source(scope, source or bound)
        if "reassessment.completed" in body.event_types:
            raise Problem(
                403,
                "Forbidden",
                "A reassessment covers every funding system: this key may not subscribe to it.",
            )
        source = bound
    hook = Webhook(
        id=str(new_id()),
        region=scope.region,
        url=body.url,
        event_types=list(dict.fromkeys(body.event_types)),
        source=source,
        description=body.description,
        secret=new_secret(),
        active=True,
        created_by=scope.principal.name,
        created_at=utcnow(),
    )
    uow.session.add(hook)
    await uow.commit()
    public = await _webhook_public(uow, hook)
    return WebhookCreated(**public.model_dump(), secret=hook.secret)


@router.get("/webhooks", response_model=WebhooksPublic)
async def list_webhooks(scope: WebhookScope, uow: UowDep) -> WebhooksPublic:
    hooks = (
        await uow.session.scalars(
            select(Webhook)
            .where(Webhook.region == scope.region, Webhook.active.is_(True), *_own_hooks(scope))
            .order_by(Webhook.created_at)
        )
    ).all()
    return WebhooksPublic(data=[await _webhook_public(uow, h) for h in hooks], count=len(hooks))


@router.get("/webhooks/{webhook_id}", response_model=WebhookPublic)
async def get_webhook(webhook_id: UUID, scope: WebhookScope, uow: UowDep) -> WebhookPublic:
    return await _webhook_public(uow, await _webhook(uow, scope, webhook_id))


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_webhook(webhook_id: UUID, scope: WebhookScope, uow: UowDep) -> Response:
    """Stop the subscription; nothing more is queued or sent to it. Its delivery log is kept."""
    hook = await _webhook(uow, scope, webhook_id)
    hook.active = False
    await uow.session.execute(
        update(Delivery)
        .where(Delivery.webhook_id == hook.id, Delivery.state == "pending")
        .values(state="failed", last_error="subscription deleted")
    )
    await uow.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _delivery_public(d: Delivery) -> DeliveryPublic:
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


@router.get("/webhooks/{webhook_id}/deliveries", response_model=DeliveriesPublic)
async def list_deliveries(
    webhook_id: UUID,
    scope: WebhookScope,
    uow: UowDep,
    page: PageDep,
    state: Annotated[str | None, Query(pattern=r"^(pending|delivered|failed)$")] = None,
) -> DeliveriesPublic:
    """The delivery log: every event queued for the webhook, its attempts and status codes, newest first."""
    hook = await _webhook(uow, scope, webhook_id)
    where = [Delivery.webhook_id == hook.id] + ([Delivery.state == state] if state else [])
    total = await uow.session.scalar(select(func.count()).select_from(Delivery).where(*where)) or 0
    rows = (
        await uow.session.scalars(
            select(Delivery)
            .where(*where)
            .order_by(Delivery.created_at.desc(), Delivery.id.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    return DeliveriesPublic(data=[_delivery_public(d) for d in rows], count=total)


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", response_model=DeliveryPublic)
async def retry_delivery(
    webhook_id: UUID, delivery_id: UUID, scope: WebhookScope, uow: UowDep
) -> DeliveryPublic:
    """Send a failed delivery again now (and retry it as a new one if it fails again)."""
    hook = await _webhook(uow, scope, webhook_id)
    d = await uow.session.get(Delivery, str(delivery_id))
    if d is None or d.webhook_id != hook.id:
        raise NotFound("Delivery", delivery_id)
    if d.state != "delivered":
        d.state, d.attempts, d.next_attempt_at = "pending", 0, utcnow()
    await uow.commit()
    return _delivery_public(d)
