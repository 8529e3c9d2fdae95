"""Applications: reading them (a caller bound to a funding system sees only its own), and the
funding body's decisions and status changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from kraftsamla_common.errors import Conflict, Forbidden, NotFound
from kraftsamla_common.events import ApplicationDecided, ApplicationStatusChanged, utcnow
from kraftsamla_common.exports import EXPORT_PAGE, within_bound
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain.reassessment import OPEN_STATUSES
from ..persistence.tables import Application, Assessment, KnownActionPlan, KnownStrengthArea
from ..schemas import DecisionRequest
from .assessing import application_facts

Current = tuple[Application, Assessment | None]
"""An application with its current assessment (None before its first)."""


def check_source(source: str, only_source: str | None) -> None:
    """403 unless a caller bound to a funding system (``only_source``) acts on its own."""
    if only_source is not None and source != only_source:
        raise Forbidden(
            f"This key pushes applications of the funding system '{only_source}' only, not '{source}'.",
        )


async def current_assessment(uow: UnitOfWork, app: Application) -> Assessment | None:
    return await uow.session.get(Assessment, app.current_assessment_id) if app.current_assessment_id else None


async def find_application(uow: UnitOfWork, application_id: UUID, *, only_source: str | None) -> Application:
    """The region's application (of the caller's funding system, when bound to one); else NotFound."""
    app = await uow.session.get(Application, str(application_id))
    if app is None or app.region != uow.region or only_source not in (None, app.source):
        raise NotFound("Application", application_id)
    return app


async def get_application(uow: UnitOfWork, application_id: UUID, *, only_source: str | None) -> Current:
    """The application with its current assessment."""
    app = await find_application(uow, application_id, only_source=only_source)
    return app, await current_assessment(uow, app)


async def list_applications(
    uow: UnitOfWork,
    page: Page,
    *,
    only_source: str | None,
    status: str | None = None,
    source: str | None = None,
    external_id: str | None = None,
    strength_area: UUID | None = None,
    level: str | None = None,
    review: str | None = None,
) -> tuple[list[Current], int]:
    """The region's applications with their current assessments, oldest first (a page of them,
    and how many match)."""
    where: list[Any] = [Application.region == uow.region]
    if only_source is not None:
        where.append(Application.source == only_source)
    if status:
        where.append(Application.status == status)
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
    return [(a, s) for a, s in rows], int(count or 0)


@dataclass(frozen=True)
class StrengthAreaName:
    code: str
    name: Mapping[str, str]
    """Per language, as the programme gave it (empty before its first published plan)."""


@dataclass(frozen=True)
class ApplicationList:
    """Every application that matches a list's filters, with its current assessment, and the
    region's strength areas by id (to name them)."""

    rows: list[Current]
    strength_areas: dict[str, StrengthAreaName]


async def export_applications(uow: UnitOfWork, *, only_source: str | None, **filters: Any) -> ApplicationList:
    """The applications :func:`list_applications` finds with ``filters``, all of them (at most
    :data:`~kraftsamla_common.exports.MAX_ROWS`: 422 above), for a download."""
    rows, count = await list_applications(uow, EXPORT_PAGE, only_source=only_source, **filters)
    within_bound(count)
    areas = {
        sa: StrengthAreaName(code, {})
        for sa, code in (
            await uow.session.execute(
                select(KnownStrengthArea.id, KnownStrengthArea.code).where(
                    KnownStrengthArea.region == uow.region
                )
            )
        ).all()
    }
    for sa, code, profile in (
        await uow.session.execute(
            select(
                KnownActionPlan.strength_area_id, KnownActionPlan.strength_area_code, KnownActionPlan.profile
            ).where(KnownActionPlan.region == uow.region)
        )
    ).all():
        areas[sa] = StrengthAreaName(code, (profile or {}).get("name") or {})
    return ApplicationList(rows, areas)


async def assessment_history(
    uow: UnitOfWork, application_id: UUID, *, only_source: str | None
) -> Sequence[Assessment]:
    """Every assessment the application has had, newest first."""
    app = await find_application(uow, application_id, only_source=only_source)
    return (
        await uow.session.scalars(
            select(Assessment)
            .where(Assessment.application_id == app.id)
            .order_by(Assessment.created_at.desc())
        )
    ).all()


async def record_decision(
    uow: UnitOfWork, application_id: UUID, body: DecisionRequest, *, only_source: str | None
) -> Current:
    """Record the funding body's decision (see :func:`decide`)."""
    app = await find_application(uow, application_id, only_source=only_source)
    decide(uow, app, body)
    await uow.commit()
    return app, await current_assessment(uow, app)


async def set_status(
    uow: UnitOfWork, application_id: UUID, status: str, *, only_source: str | None
) -> Current:
    """Move the application to ``status`` (see :func:`change_status`)."""
    app = await find_application(uow, application_id, only_source=only_source)
    change_status(uow, app, status)
    await uow.commit()
    return app, await current_assessment(uow, app)


def decide(uow: UnitOfWork, app: Application, d: DecisionRequest) -> bool:
    """Record the funding body's decision; False when it is the decision already recorded."""
    if app.status in ("granted", "rejected"):
        if app.status == d.outcome and (app.granted_amount or 0) == (d.granted_amount or 0):
            return False
        raise Conflict(f"The application was already decided ({app.status}); a decision is final.")
    if app.status not in OPEN_STATUSES:
        raise Conflict(f"A {app.status} application cannot be decided.")
    app.status = d.outcome
    app.granted_amount = d.granted_amount if d.outcome == "granted" else None
    app.decided_on = d.decided_on or utcnow().date()
    app.decision_note = d.note
    app.updated_at = utcnow()
    uow.emit(
        ApplicationDecided(**application_facts(app), decided_on=app.decided_on),
        region=app.region,
        subject=app.id,
    )
    return True


TRANSITIONS: dict[str, tuple[str, ...]] = {
    "under_assessment": ("received", "assessed"),
    "withdrawn": ("received", "under_assessment", "assessed", "granted"),
    "completed": ("granted",),
}
"""Which statuses each status can be reached from (decisions have their own route)."""


def change_status(uow: UnitOfWork, app: Application, status: str) -> bool:
    """Move the application to ``status``; False when it is there already."""
    if app.status == status:
        return False
    if app.status not in TRANSITIONS[status]:
        allowed = ", ".join(TRANSITIONS[status])
        raise Conflict(f"A {app.status} application cannot become {status} (only from {allowed}).")
    previous = app.status
    app.status = status
    app.updated_at = utcnow()
    uow.emit(
        ApplicationStatusChanged(**application_facts(app), previous_status=previous),  # type: ignore[arg-type]
        region=app.region,
        subject=app.id,
    )
    return True
