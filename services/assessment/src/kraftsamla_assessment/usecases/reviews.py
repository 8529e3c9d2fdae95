"""Reviews: a process leader confirms an application's current assessment or overrides parts of
it, each with a written reason; a strength-area override becomes a precedent for the region's later
applications that read like it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select

from kraftsamla_common.errors import Conflict, Unprocessable
from kraftsamla_common.events import PlanVersionRef, new_id, utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..domain.assessor import normalise_identifier
from ..domain.matching import Signature
from ..domain.reviews import Override, override_basis, overrides_of
from ..persistence.tables import Application, Review
from ..persistence.tables import Precedent as PrecedentRow
from ..schemas import ReviewRequest
from .applications import Current, current_assessment, find_application
from .assessing import emit_assessed, features_of
from .assignments import has_conflict
from .refusals import said


def own_organisation(app: Application, organisation: str | None) -> bool:
    """Whether ``organisation`` (an identifier) is the application's applicant or one of its partners."""
    if not organisation:
        return False
    try:
        mine = normalise_identifier(organisation)
    except ValueError:
        return False
    named = {app.applicant_identifier, *(p.get("identifier") for p in app.partners or [])}
    return mine in named


async def review_application(
    uow: UnitOfWork, application_id: UUID, body: ReviewRequest, *, by: str, organisation: str | None = None
) -> Current:
    """Confirm the current assessment, or override parts of it. Re-reviewing a part replaces its
    override; overrides of other parts stay as they were. Announced as ``application.assessed``
    (trigger ``review``)."""
    app = await find_application(uow, application_id, only_source=None)
    if await has_conflict(uow, app, by):
        raise Conflict(said("refused_review_conflict_of_interest", who=by))
    if own_organisation(app, organisation):
        raise Conflict(said("refused_review_own_organisation"))
    current = await current_assessment(uow, app)
    if current is None:
        raise Conflict(said("refused_review_not_assessed"))
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
                    "message": said("refused_review_not_a_strength_area"),
                }
            )
    if errors:
        raise Unprocessable(said("refused_review"), errors)
    now = utcnow()
    previous = {o["part"]: o for o in (app.review or {}).get("overrides", [])}
    result_area = UUID(current.strength_area_id) if current.strength_area_id else None
    overrides = [
        {
            "part": o.part,
            "value": o.value,
            "reason": o.reason,
            "by": by,
            "at": now.isoformat(),
            "in_force": True,
            "basis": override_basis(o.part, o.value, result_area, refs),
            "rubric_version": current.rubric_version,
        }
        for o in body.overrides
    ]
    # Overrides of other parts stay as they were; re-reviewing a part replaces it.
    kept = [o for part, o in previous.items() if part not in {x["part"] for x in overrides} and o["in_force"]]
    app.review = {
        "state": "overridden" if overrides or kept else "confirmed",
        "by": by,
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
    app.updated_at = now
    uow.session.add(
        Review(
            id=str(new_id()),
            region=uow.region,
            application_id=app.id,
            assessment_id=current.id,
            action=body.action,
            overrides=overrides,
            comment=body.comment,
            reviewed_by=by,
            reviewed_at=now,
        )
    )
    await record_precedent(uow, app, overrides, by, now)
    emit_assessed(uow, app, current, "review")
    await uow.commit()
    return app, current


async def review_history(
    uow: UnitOfWork, application_id: UUID, *, only_source: str | None
) -> tuple[Sequence[Review], list[Override]]:
    """Every review of the application, newest first, and the overrides set aside since (by a
    plan or rubric change) that no newer override of the same part replaced."""
    app = await find_application(uow, application_id, only_source=only_source)
    rows = (
        await uow.session.scalars(
            select(Review).where(Review.application_id == app.id).order_by(Review.reviewed_at.desc())
        )
    ).all()
    set_aside = [o for o in overrides_of(app.review, in_force=False) if not _in_force(app.review, o.part)]
    return rows, set_aside


def _in_force(review: dict[str, Any] | None, part: str) -> bool:
    return any(o["part"] == part and o["in_force"] for o in (review or {}).get("overrides", []))


async def record_precedent(
    uow: UnitOfWork, app: Application, overrides: Sequence[dict[str, Any]], by: str, at: datetime
) -> None:
    """A reviewer's strength-area override becomes an example for the region's later applications
    that read like this one (kept while the override is in force; see ``assessing.load_precedents``)."""
    override = next((o for o in overrides if o["part"] == "strength_area"), None)
    if override is None:
        return
    row = await uow.session.get(PrecedentRow, app.id)
    if row is None:
        row = PrecedentRow(application_id=app.id, region=app.region)
        uow.session.add(row)
    row.title = app.title[:500]
    row.strength_area_id = str(override["value"]) if override["value"] else None
    row.reason = override["reason"]
    row.stems = sorted(Signature.of(features_of(app)).stems)
    row.decided_by, row.decided_at = by, at
