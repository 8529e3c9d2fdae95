"""What the assessment service announces, kept as this service's read models: applications with
their latest details and latest assessment, and the log of completed reassessments.

Each use case marks the region's report due (:func:`.due.record_change`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, or_
from sqlalchemy.ext.asyncio import AsyncSession

from kraftsamla_common.events import (
    ApplicationAssessed,
    ApplicationFacts,
    ApplicationsReassessed,
    Envelope,
    ReassessedApplication,
    ReassessmentCompleted,
)
from kraftsamla_common.messaging import UnitOfWork

from ..persistence.queries import insert, upsert, utc
from ..persistence.tables import KnownApplication, KnownReassessment
from .due import record_change

_DETAILS = (
    "status", "title", "kind", "stage", "funding_source", "requested_amount", "granted_amount",
    "currency", "municipalities", "claimed_goals", "details_at",
)  # fmt: skip
_ASSESSMENT = (
    "plan_key", "strength_area_id", "level", "score", "recommendation", "supported_goals",
    "dimensions", "conflicts", "assessed_at",
)  # fmt: skip


def _details_row(region: str, d: ApplicationFacts, when: datetime) -> dict[str, Any]:
    """An application's details as the read model keeps them."""
    return {
        "application_id": str(d.application_id),
        "region": region,
        "status": d.status,
        "title": d.title or None,
        "kind": d.kind,
        "stage": d.stage,
        "funding_source": d.funding_source,
        "requested_amount": d.requested_amount,
        "granted_amount": d.granted_amount,
        "currency": d.currency,
        "municipalities": list(d.municipalities),
        "claimed_goals": list(d.claimed_goals),
        "details_at": when,
    }


async def keep_application(uow: UnitOfWork, event: Envelope[Any]) -> None:
    """Status, amounts, places and goals of an application, as of the latest event that carried them
    (received, decided, status changed)."""
    stmt = insert(uow.session, KnownApplication)
    await upsert(
        uow.session,
        KnownApplication,
        ["application_id"],
        _details_row(uow.region, event.data, utc(event.time)),
        where=KnownApplication.details_at <= stmt.excluded.details_at,
    )
    await record_change(event, uow)


def _assessed_row(
    region: str, d: ApplicationAssessed | ReassessedApplication, plan_key: str, when: datetime
) -> dict[str, Any]:
    return _details_row(region, d, when) | {
        "plan_key": plan_key,
        "strength_area_id": str(d.strength_area_id) if d.strength_area_id else None,
        "level": d.level,
        "score": d.score,
        "recommendation": d.recommendation,
        "supported_goals": list(d.supported_goals),
        "dimensions": list(d.dimensions),
        "conflicts": d.conflicts,
        "assessed_at": when,
    }


async def _store_assessed(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Applications with their details and assessment, in one statement: the details overwrite
    older details and the assessment an older assessment, each on its own (events of different
    types arrive through different consumers, in no order between them)."""
    table = cast("Table", KnownApplication.__table__)
    stmt = insert(session, table)
    x, t = stmt.excluded, table.c
    newer_details = t.details_at <= x.details_at
    newer_assessment = or_(t.assessed_at.is_(None), t.assessed_at <= x.assessed_at)
    update_set = {c: case((newer_details, x[c]), else_=t[c]) for c in _DETAILS}
    update_set |= {c: case((newer_assessment, x[c]), else_=t[c]) for c in _ASSESSMENT}
    stmt = stmt.on_conflict_do_update(index_elements=["application_id"], set_=update_set)
    await session.execute(stmt, rows)


async def keep_assessment(uow: UnitOfWork, event: Envelope[ApplicationAssessed]) -> None:
    """Details plus the assessment; an assessment older than the stored one is ignored."""
    d = event.data
    await _store_assessed(uow.session, [_assessed_row(uow.region, d, d.plan_key, utc(event.time))])
    await record_change(event, uow)


async def keep_reassessed(uow: UnitOfWork, event: Envelope[ApplicationsReassessed]) -> None:
    """A reassessment's batch of assessments, stored in one statement."""
    d, when = event.data, utc(event.time)
    await _store_assessed(
        uow.session, [_assessed_row(uow.region, a, d.plan_key, when) for a in d.applications]
    )
    await record_change(event, uow)


async def log_reassessment(uow: UnitOfWork, event: Envelope[ReassessmentCompleted]) -> None:
    d = event.data
    await uow.session.execute(
        insert(uow.session, KnownReassessment)
        .values(
            reassessment_id=str(d.reassessment_id),
            region=uow.region,
            plan_key=d.plan_key,
            plan_versions=[v.model_dump(mode="json") for v in d.plan_versions],
            rubric_version=d.rubric_version,
            needs_review=d.needs_review,
            groups=[g.model_dump(mode="json") for g in d.groups],
            assessed=d.assessed,
            unchanged=d.unchanged,
            moved=d.assessed - d.unchanged,
            summary=d.summary,
            summary_parts=[p.model_dump(mode="json", exclude_defaults=True) for p in d.summary_parts] or None,
            completed_at=utc(event.time),
        )
        .on_conflict_do_nothing()
    )
    await record_change(event, uow)
