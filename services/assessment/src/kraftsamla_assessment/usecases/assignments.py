"""Review assignment and conflicts of interest: an administrator assigns applications to assessors
and takes them back; an assessor declares a conflict of interest with an application, which ends
their assignment to it and bars them from reviewing it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select

from kraftsamla_common.errors import Kind, Problem
from kraftsamla_common.events import ApplicationAssigned, ApplicationUnassigned, ConflictDeclared, utcnow
from kraftsamla_common.messaging import UnitOfWork, insert_ignore

from ..persistence.tables import Application, Assignment, ConflictOfInterest
from ..schemas import AssignmentRequest
from .applications import find_application
from .references import check_applications
from .refusals import said, titles


@dataclass(frozen=True)
class Declared:
    declared_by: str
    reason: str
    declared_at: datetime


@dataclass(frozen=True)
class Staff:
    """Who an application is assigned to, and who declared a conflict of interest with it."""

    assignees: list[str] = field(default_factory=list)
    conflicts: list[Declared] = field(default_factory=list)


async def staff_of(uow: UnitOfWork, application_ids: Iterable[str]) -> dict[str, Staff]:
    """The assignments and conflicts of these applications (one query each)."""
    ids = list(application_ids)
    assignees: dict[str, list[str]] = defaultdict(list)
    conflicts: dict[str, list[Declared]] = defaultdict(list)
    if ids:
        for app_id, who in await uow.session.execute(
            select(Assignment.application_id, Assignment.assignee)
            .where(Assignment.application_id.in_(ids))
            .order_by(Assignment.assignee)
        ):
            assignees[app_id].append(who)
        for c in await uow.session.scalars(
            select(ConflictOfInterest)
            .where(ConflictOfInterest.application_id.in_(ids))
            .order_by(ConflictOfInterest.declared_at, ConflictOfInterest.declared_by)
        ):
            conflicts[c.application_id].append(Declared(c.declared_by, c.reason, c.declared_at))
    return {i: Staff(assignees.get(i, []), conflicts.get(i, [])) for i in ids}


async def _applications(uow: UnitOfWork, body: AssignmentRequest) -> list[Application]:
    """The body's applications, every one of the region (else 422 naming each that is not)."""
    await check_applications(uow, body)
    ids = [str(i) for i in body.application_ids]
    found = {a.id: a for a in await uow.session.scalars(select(Application).where(Application.id.in_(ids)))}
    return [found[i] for i in ids]


async def assign(uow: UnitOfWork, body: AssignmentRequest, *, by: str) -> tuple[list[UUID], list[UUID]]:
    """Assign the applications to ``body.assignee``: those assigned now, and those that were."""
    apps = await _applications(uow, body)
    ids = [a.id for a in apps]
    already = set(
        await uow.session.scalars(
            select(Assignment.application_id).where(
                Assignment.application_id.in_(ids), Assignment.assignee == body.assignee
            )
        )
    )
    barred = set(
        await uow.session.scalars(
            select(ConflictOfInterest.application_id).where(
                ConflictOfInterest.application_id.in_(ids), ConflictOfInterest.declared_by == body.assignee
            )
        )
    )
    if barred:
        raise Problem(
            Kind.CONFLICT,
            said(
                "refused_assign_conflict_of_interest",
                n=len(barred),
                who=body.assignee,
                applications=titles(a.title for a in apps if a.id in barred),
            ),
            errors=[
                {
                    "pointer": f"/application_ids/{i}",
                    "message": said("refused_conflict_declared", who=body.assignee),
                    "type": "conflict_of_interest",
                }
                for i, a in enumerate(apps)
                if a.id in barred
            ],
        )
    now = utcnow()
    changed: list[UUID] = []
    for app in apps:
        if app.id in already:
            continue
        # Another administrator's assignment of the same, at the same moment, is not a second one.
        added = await uow.session.execute(
            insert_ignore(uow.session, Assignment.__table__).values(  # type: ignore[arg-type]
                application_id=app.id,
                assignee=body.assignee,
                region=uow.region,
                assigned_by=by,
                assigned_at=now,
            )
        )
        if not getattr(added, "rowcount", 1):
            already.add(app.id)
            continue
        app.updated_at = now
        uow.emit(
            ApplicationAssigned(application_id=UUID(app.id), assignee=body.assignee, assigned_by=by),
            subject=app.id,
        )
        changed.append(UUID(app.id))
    await uow.commit()
    return changed, [UUID(i) for i in ids if i in already]


async def unassign(uow: UnitOfWork, body: AssignmentRequest, *, by: str) -> tuple[list[UUID], list[UUID]]:
    """Take the applications back from ``body.assignee``: those unassigned now, and those that
    were not assigned to them."""
    apps = await _applications(uow, body)
    now = utcnow()
    changed: list[UUID] = []
    for app in apps:
        if await _end_assignment(uow, app, body.assignee, by=by, at=now):
            changed.append(UUID(app.id))
    await uow.commit()
    return changed, [UUID(a.id) for a in apps if UUID(a.id) not in changed]


async def _end_assignment(uow: UnitOfWork, app: Application, assignee: str, *, by: str, at: datetime) -> bool:
    gone = await uow.session.execute(
        delete(Assignment).where(Assignment.application_id == app.id, Assignment.assignee == assignee)
    )
    if not getattr(gone, "rowcount", 0):
        return False
    app.updated_at = at
    uow.emit(
        ApplicationUnassigned(application_id=UUID(app.id), assignee=assignee, unassigned_by=by),
        subject=app.id,
    )
    return True


async def declare_conflict(uow: UnitOfWork, application_id: UUID, reason: str, *, by: str) -> Application:
    """The caller declares a conflict of interest with the application: they may not review it,
    and their assignment to it, if any, ends. Declaring it again with the same reason changes
    nothing; with another reason, the reason is replaced (and announced again)."""
    app = await find_application(uow, application_id, only_source=None)
    row = await uow.session.get(ConflictOfInterest, (app.id, by))
    if row is not None and row.reason == reason:
        return app
    now = utcnow()
    if row is None:
        uow.session.add(
            ConflictOfInterest(
                application_id=app.id, declared_by=by, region=uow.region, reason=reason, declared_at=now
            )
        )
    else:
        row.reason, row.declared_at = reason, now
    app.updated_at = now
    uow.emit(ConflictDeclared(application_id=UUID(app.id), declared_by=by, reason=reason), subject=app.id)
    await _end_assignment(uow, app, by, by=by, at=now)
    await uow.commit()
    return app


async def has_conflict(uow: UnitOfWork, app: Application, who: str) -> bool:
    """Whether ``who`` declared a conflict of interest with the application."""
    return await uow.session.get(ConflictOfInterest, (app.id, who)) is not None
