"""The audit log: one row for every write a caller makes, in the same transaction as the write.

Who (the identity's name, role and, for an integrator, its funding system), what (method, route,
path and the events the write raised), when, and from which request (its trace id and
correlation id). Request bodies are not kept: they may hold people's names and addresses, and the
events say what changed. Region administrators read their region's log at
``GET /<service>/regions/{region}/audit``; on PostgreSQL the service's role may add to the log and
read it, never change it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import Request
from opentelemetry import trace
from pydantic import BaseModel, Field
from sqlalchemy import JSON, Column, Index, MetaData, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .db import UtcDateTime
from .events import new_id, utcnow

if TYPE_CHECKING:
    from .messaging import UnitOfWork

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

metadata = MetaData()

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("region", String(64), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("source", String(64)),
    Column("method", String(10), nullable=False),
    Column("route", String(300), nullable=False),
    Column("path", String(2000), nullable=False),
    Column("events", JSON, nullable=False),
    Column("trace_id", String(32)),
    Column("correlation_id", String(36), nullable=False),
)
Index("ix_audit_log_region_at", audit_log.c.region, audit_log.c.at)


def recorder(request: Request) -> Callable[[UnitOfWork], Awaitable[None]]:
    """What a write request's unit of work runs before each commit: the audit row of the write."""
    recorded = 0

    async def record(uow: UnitOfWork) -> None:
        nonlocal recorded
        events = uow.emitted[recorded:]
        recorded = len(uow.emitted)
        principal = getattr(request.state, "principal", None)
        route = request.scope.get("route")
        span = trace.get_current_span().get_span_context()
        await uow.session.execute(
            audit_log.insert().values(
                id=str(new_id()),
                region=uow.region or request.path_params.get("region", ""),
                at=utcnow(),
                actor=principal.name if principal else "anonymous",
                role=principal.role.value if principal else "",
                source=principal.source if principal else None,
                method=request.method,
                route=getattr(route, "path", request.url.path),
                path=request.url.path,
                events=[{"type": e.type, "subject": e.subject} for e in events],
                trace_id=format(span.trace_id, "032x") if span.is_valid else None,
                correlation_id=str(uow.correlation_id),
            )
        )

    return record


class AuditEvent(BaseModel):
    type: str = Field(description="Event type the write raised")
    subject: str = Field(description="The changed object's id")


class AuditEntry(BaseModel):
    id: str
    at: datetime
    actor: str = Field(description="The API key's name, or user:<subject> for a person's token")
    role: str
    source: str | None = Field(description="An integrator's funding system")
    method: str
    route: str = Field(description="The route template, e.g. /plans/regions/{region}/programmes")
    path: str
    events: list[AuditEvent]
    trace_id: str | None = Field(description="The request's trace (W3C trace id), for Grafana/Tempo")
    correlation_id: str = Field(description="Carried by the events the write raised")


class AuditLog(BaseModel):
    data: list[AuditEntry]
    count: int = Field(description="Entries matching the filters, on all pages")


async def read(
    session: AsyncSession,
    region: str,
    *,
    limit: int,
    offset: int,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditLog:
    """A region's audit log, newest first."""
    where: list[Any] = [audit_log.c.region == region]
    if actor is not None:
        where.append(audit_log.c.actor == actor)
    if since is not None:
        where.append(audit_log.c.at >= since)
    if until is not None:
        where.append(audit_log.c.at < until)
    count = await session.scalar(select(func.count()).select_from(audit_log).where(*where))
    rows = await session.execute(
        select(audit_log)
        .where(*where)
        .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return AuditLog(
        data=[AuditEntry.model_validate(dict(r._mapping)) for r in rows],
        count=int(count or 0),
    )
