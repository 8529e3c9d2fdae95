"""Events the reporting service listens to, and the regeneration of reports they cause.

Every handler updates a read model and marks its region dirty (``dirty_regions``) in the same
transaction as its inbox row, so a crash can never lose a regeneration that is due. It then
wakes the background job ``regenerate_reports``, which gathers a burst of changes (the debounce)
and builds one report version per dirty region. A dirty row is deleted only if its change counter
did not move while the report was built; a change that arrived meanwhile leaves it dirty, and the
next round picks it up. Thousands of events therefore yield a handful of report versions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from opentelemetry import propagate, trace
from sqlalchemy import Table, and_, case, delete, func, or_, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from kraftsamla_common import metrics, telemetry
from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.db import ALL_REGIONS
from kraftsamla_common.events import (
    ActionPlanContent,
    ActionPlanPublished,
    ActorMerged,
    ActorRegistered,
    ActorState,
    ActorUpdated,
    ApplicationAssessed,
    ApplicationDecided,
    ApplicationFacts,
    ApplicationReceived,
    ApplicationsReassessed,
    ApplicationStatusChanged,
    CyclePlanned,
    EngagementRecorded,
    Envelope,
    IndicatorMeasured,
    LocalPlanContent,
    LocalPlanPublished,
    MembershipChanged,
    ProgrammeAdopted,
    ProgrammeCreated,
    ProgrammeState,
    ProgrammeUpdated,
    ReassessedApplication,
    ReassessmentCompleted,
    RegionConfigured,
    ReportGenerated,
    new_id,
    utcnow,
)
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import ServiceContext

from . import domain
from .models import (
    ActorRM,
    ApplicationRM,
    Base,
    CycleRM,
    DirtyRegion,
    EngagementRM,
    LocalPlanRM,
    MeasurementRM,
    MembershipRM,
    PlanPublicationRM,
    PlanVersionRM,
    ProgrammeRM,
    ReassessmentRM,
    RegionRM,
    Report,
    Sharing,
    SourceMark,
)

log = logging.getLogger(__name__)
tracer = trace.get_tracer("kraftsamla.reporting")

subscriptions = Subscriptions()

POLL_SECONDS = 1.0
"""Fallback: dirty regions are looked for at least this often, signal or not (e.g. after a restart)."""
BURST_FACTOR = 10
"""A burst is gathered until it is quiet for the debounce, but never longer than this many debounces."""


def utc(value: datetime) -> datetime:
    """Aware UTC (SQLite hands back naive datetimes; times are stored in UTC so they compare as text)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --------------------------------------------------------------------------- wake-up signal


class Wakeups:
    """In-process signal from the handlers to the regeneration job(s) of this process.

    Handlers set it inside their transaction, before commit, so the job always re-reads
    ``dirty_regions`` after its debounce; the table, not the signal, is the truth.
    """

    def __init__(self) -> None:
        self._events: set[asyncio.Event] = set()

    def register(self) -> asyncio.Event:
        signal = asyncio.Event()
        self._events.add(signal)
        return signal

    def unregister(self, signal: asyncio.Event) -> None:
        self._events.discard(signal)

    def set(self) -> None:
        for signal in self._events:
            signal.set()


wakeups = Wakeups()


# --------------------------------------------------------------------------- helpers


def _insert(session: AsyncSession | Session, model: type[Base] | Table) -> Any:
    """A dialect ``INSERT`` that offers ``on_conflict_do_update`` / ``on_conflict_do_nothing``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


async def _upsert(
    session: AsyncSession, model: type[Base], key: list[str], values: dict[str, Any], where: Any = None
) -> None:
    """Insert ``values``, or overwrite the non-key columns when ``where`` holds for the stored row."""
    stmt = _insert(session, model).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=key, set_={k: stmt.excluded[k] for k in values if k not in key}, where=where
    )
    await session.execute(stmt)


@dataclass
class _RegionChanges:
    """What a transaction's events changed in one region's report: written once, at commit."""

    count: int = 0
    traceparent: str | None = None
    marks: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    """Last event seen from each service: its id and time."""


_CHANGES = "kraftsamla.reporting.changes"


async def _changed(event: Envelope[Any], uow: UnitOfWork) -> None:
    """Record provenance and mark the event's region dirty, in the handler's transaction. A
    transaction that applies many events (a batch of them) writes each region's marks once, as it
    commits, instead of once per event."""
    session = uow.session.sync_session
    changes: dict[str, _RegionChanges] | None = session.info.get(_CHANGES)
    if changes is None:
        changes = session.info[_CHANGES] = {}
        sa_event.listen(session, "before_commit", _write_changes, once=True)
        sa_event.listen(session, "after_rollback", lambda s: s.info.pop(_CHANGES, None), once=True)
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    region = changes.setdefault(event.region, _RegionChanges())
    region.count += 1
    region.traceparent = carrier.get("traceparent") or region.traceparent
    when = utc(event.time)
    seen = region.marks.get(event.source)
    if seen is None or seen[1] <= when:
        region.marks[event.source] = (str(event.id), when)


def _write_changes(session: Session) -> None:
    """Before the transaction commits: the provenance marks and report-is-due marks it gathered."""
    changes: dict[str, _RegionChanges] = session.info.pop(_CHANGES, {})
    for region, c in changes.items():
        for service, (event_id, when) in c.marks.items():
            stmt = _insert(session, SourceMark).values(
                region=region, service=service, last_event_id=event_id, last_event_time=when
            )
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["region", "service"],
                    set_={
                        "last_event_id": stmt.excluded.last_event_id,
                        "last_event_time": stmt.excluded.last_event_time,
                    },
                    where=SourceMark.last_event_time <= stmt.excluded.last_event_time,
                )
            )
        session.execute(_dirty(session, region, c.count, c.traceparent))
    if changes:
        wakeups.set()


def _dirty(session: AsyncSession | Session, region: str, changes: int, traceparent: str | None) -> Any:
    dirty = _insert(session, DirtyRegion).values(
        region=region, changes=changes, traceparent=traceparent, marked_at=utcnow()
    )
    return dirty.on_conflict_do_update(
        index_elements=["region"],
        set_={
            "changes": DirtyRegion.changes + changes,
            "traceparent": func.coalesce(dirty.excluded.traceparent, DirtyRegion.traceparent),
            "marked_at": dirty.excluded.marked_at,
        },
    )


async def mark_dirty(session: AsyncSession, region: str) -> None:
    """Mark a region's report due, in the caller's transaction, and wake the regeneration job."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    await session.execute(_dirty(session, region, 1, carrier.get("traceparent")))
    wakeups.set()


# --------------------------------------------------------------------------- handlers


async def _programme(event: Envelope[Any], uow: UnitOfWork) -> None:
    """Every programme event carries the whole programme: keep it as announced."""
    d: ProgrammeState = event.data
    stmt = _insert(uow.session, ProgrammeRM)
    areas = [
        {
            "id": str(sa.id),
            "code": sa.code,
            "name": sa.name.model_dump(exclude_none=True),
            "nace_codes": sa.nace_codes,
            "sdgs": sa.sdgs,
            "process_leader_id": str(sa.process_leader_id) if sa.process_leader_id else None,
        }
        for sa in d.strength_areas
    ]
    details = d.model_dump(
        mode="json", include={"reference", "period_start", "period_end", "vision", "adoption"}
    )
    await _upsert(
        uow.session,
        ProgrammeRM,
        ["programme_id"],
        {
            "programme_id": str(d.programme_id),
            "region": event.region,
            "title": d.title,
            "strength_areas": areas,
            "details": details,
            "created_at": utc(event.time),
        },
        # An older state of the programme arriving late changes nothing.
        where=ProgrammeRM.created_at <= stmt.excluded.created_at,
    )
    await _changed(event, uow)


@subscriptions.on(ProgrammeCreated)
async def on_programme_created(event: Envelope[ProgrammeCreated], uow: UnitOfWork) -> None:
    await _programme(event, uow)


@subscriptions.on(ProgrammeUpdated)
async def on_programme_updated(event: Envelope[ProgrammeUpdated], uow: UnitOfWork) -> None:
    await _programme(event, uow)


@subscriptions.on(ProgrammeAdopted)
async def on_programme_adopted(event: Envelope[ProgrammeAdopted], uow: UnitOfWork) -> None:
    await _programme(event, uow)


@subscriptions.on(ActionPlanPublished)
async def on_action_plan_published(event: Envelope[ActionPlanPublished], uow: UnitOfWork) -> None:
    """Keep the latest version of each action plan; an older version arriving late changes nothing."""
    d = event.data
    stmt = _insert(uow.session, PlanVersionRM)
    await _upsert(
        uow.session,
        PlanVersionRM,
        ["action_plan_id"],
        {
            "action_plan_id": str(d.action_plan_id),
            "region": event.region,
            "programme_id": str(d.programme_id),
            "strength_area_id": str(d.strength_area.id),
            "strength_area_code": d.strength_area.code,
            "strength_area_name": d.strength_area.name.model_dump(exclude_none=True),
            "version": d.version,
            "published_at": utc(d.published_at),
            "priorities": len(d.plan.priorities),
            "content": d.plan.model_dump(mode="json"),
        },
        where=PlanVersionRM.version < stmt.excluded.version,
    )
    await uow.session.execute(
        _insert(uow.session, PlanPublicationRM)
        .values(
            action_plan_id=str(d.action_plan_id),
            version=d.version,
            region=event.region,
            published_at=utc(d.published_at),
        )
        .on_conflict_do_nothing()
    )
    await _changed(event, uow)


@subscriptions.on(IndicatorMeasured)
async def on_indicator_measured(event: Envelope[IndicatorMeasured], uow: UnitOfWork) -> None:
    d = event.data
    values = {
        "measurement_id": str(d.measurement_id),
        "action_plan_id": str(d.action_plan_id),
        "sub_goal_id": d.sub_goal_id,
        "year": d.year,
        "value": d.value,
        "source": d.source,
    }
    await _latest(event, uow, MeasurementRM, "measurement_id", values, gone=d.deleted)


@subscriptions.on(LocalPlanPublished)
async def on_local_plan_published(event: Envelope[LocalPlanPublished], uow: UnitOfWork) -> None:
    """Keep the latest version of each local plan."""
    d = event.data
    stmt = _insert(uow.session, LocalPlanRM)
    await _upsert(
        uow.session,
        LocalPlanRM,
        ["local_plan_id"],
        {
            "local_plan_id": str(d.local_plan_id),
            "region": event.region,
            "version": d.version,
            "published_at": utc(d.published_at),
            "content": d.plan.model_dump(mode="json"),
        },
        where=and_(LocalPlanRM.region == event.region, LocalPlanRM.version < stmt.excluded.version),
    )
    await _changed(event, uow)


@subscriptions.on(RegionConfigured)
async def on_region_configured(event: Envelope[RegionConfigured], uow: UnitOfWork) -> None:
    d = event.data
    stmt = _insert(uow.session, RegionRM)
    await _upsert(
        uow.session,
        RegionRM,
        ["region"],
        {
            "region": event.region,
            "country": d.country,
            "county": d.county,
            "municipalities": list(d.municipalities),
            "at": utc(event.time),
        },
        where=RegionRM.at <= stmt.excluded.at,
    )
    await _changed(event, uow)


@subscriptions.on(CyclePlanned)
async def on_cycle_planned(event: Envelope[CyclePlanned], uow: UnitOfWork) -> None:
    d = event.data
    values = {
        "cycle_id": str(d.cycle_id),
        "strength_area_id": str(d.strength_area_id) if d.strength_area_id else None,
        "kind": d.kind,
        "title": d.title,
        "frequency": d.frequency,
        "starts_on": d.starts_on,
        "ends_on": d.ends_on,
    }
    await _latest(event, uow, CycleRM, "cycle_id", values, gone=False)


async def _actor(event: Envelope[Any], uow: UnitOfWork) -> None:
    d: ActorState = event.data
    stmt = _insert(uow.session, ActorRM)
    await _upsert(
        uow.session,
        ActorRM,
        ["actor_id"],
        {
            "actor_id": str(d.actor_id),
            "region": event.region,
            "helix": d.helix,
            "municipality": d.municipality,
            "at": utc(event.time),
        },
        where=or_(ActorRM.at.is_(None), ActorRM.at <= stmt.excluded.at),
    )
    await _changed(event, uow)


@subscriptions.on(ActorRegistered)
async def on_actor_registered(event: Envelope[ActorRegistered], uow: UnitOfWork) -> None:
    await _actor(event, uow)


@subscriptions.on(ActorUpdated)
async def on_actor_updated(event: Envelope[ActorUpdated], uow: UnitOfWork) -> None:
    await _actor(event, uow)


@subscriptions.on(ActorMerged)
async def on_actor_merged(event: Envelope[ActorMerged], uow: UnitOfWork) -> None:
    """A merged duplicate no longer counts; its memberships and engagements arrive re-announced."""
    d = event.data
    await uow.session.execute(
        update(ActorRM)
        .where(ActorRM.actor_id == str(d.actor_id), ActorRM.region == event.region)
        .values(merged_into=str(d.into_actor_id))
    )
    await _changed(event, uow)


async def _latest(
    event: Envelope[Any], uow: UnitOfWork, model: Any, key: str, values: dict[str, Any], *, gone: bool
) -> None:
    """Keep an entity of the event's region as its newest event announced it, or delete it when
    ``gone``; an older event arriving late changes nothing."""
    column, when = getattr(model, key), utc(event.time)
    if gone:
        await uow.session.execute(
            delete(model).where(column == values[key], model.region == event.region, model.at <= when)
        )
    else:
        stmt = _insert(uow.session, model)
        await _upsert(
            uow.session,
            model,
            [key],
            {**values, "region": event.region, "at": when},
            where=and_(model.region == event.region, model.at <= stmt.excluded.at),
        )
    await _changed(event, uow)


@subscriptions.on(MembershipChanged)
async def on_membership_changed(event: Envelope[MembershipChanged], uow: UnitOfWork) -> None:
    d = event.data
    values = {
        "membership_id": str(d.membership_id),
        "group_id": str(d.group_id),
        "strength_area_id": str(d.strength_area_id) if d.strength_area_id else None,
        "actor_id": str(d.actor_id),
        "helix": d.helix,
        "group_kind": d.group_kind,
        "municipality": d.municipality,
        "nace": d.nace,
        "joined_on": d.joined_on,
        "left_on": d.left_on,
    }
    await _latest(event, uow, MembershipRM, "membership_id", values, gone=d.removed)


@subscriptions.on(EngagementRecorded)
async def on_engagement_recorded(event: Envelope[EngagementRecorded], uow: UnitOfWork) -> None:
    d = event.data
    values = {
        "engagement_id": str(d.engagement_id),
        "held_on": d.held_on,
        "cycle_id": str(d.cycle_id) if d.cycle_id else None,
        "strength_area_ids": [str(x) for x in d.strength_area_ids],
        "person_ids": [str(x) for x in d.person_ids],
        "actor_ids": [str(x) for x in d.actor_ids],
        "participations": d.participations,
    }
    await _latest(event, uow, EngagementRM, "engagement_id", values, gone=d.deleted)


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


async def _application_details(event: Envelope[Any], uow: UnitOfWork) -> None:
    """Status, amounts, places and goals of an application, as of the latest event that carried them."""
    stmt = _insert(uow.session, ApplicationRM)
    await _upsert(
        uow.session,
        ApplicationRM,
        ["application_id"],
        _details_row(event.region, event.data, utc(event.time)),
        where=ApplicationRM.details_at <= stmt.excluded.details_at,
    )


@subscriptions.on(ApplicationReceived)
async def on_application_received(event: Envelope[ApplicationReceived], uow: UnitOfWork) -> None:
    await _application_details(event, uow)
    await _changed(event, uow)


_DETAILS = (
    "status", "title", "kind", "stage", "funding_source", "requested_amount", "granted_amount",
    "currency", "municipalities", "claimed_goals", "details_at",
)  # fmt: skip
_ASSESSMENT = (
    "plan_key", "strength_area_id", "level", "score", "recommendation", "supported_goals",
    "dimensions", "conflicts", "assessed_at",
)  # fmt: skip


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
    table = cast("Table", ApplicationRM.__table__)
    stmt = _insert(session, table)
    x, t = stmt.excluded, table.c
    newer_details = t.details_at <= x.details_at
    newer_assessment = or_(t.assessed_at.is_(None), t.assessed_at <= x.assessed_at)
    update_set = {c: case((newer_details, x[c]), else_=t[c]) for c in _DETAILS}
    update_set |= {c: case((newer_assessment, x[c]), else_=t[c]) for c in _ASSESSMENT}
    stmt = stmt.on_conflict_do_update(index_elements=["application_id"], set_=update_set)
    await session.execute(stmt, rows)


@subscriptions.on(ApplicationAssessed)
async def on_application_assessed(event: Envelope[ApplicationAssessed], uow: UnitOfWork) -> None:
    """Details plus the assessment; an assessment older than the stored one is ignored."""
    d = event.data
    await _store_assessed(uow.session, [_assessed_row(event.region, d, d.plan_key, utc(event.time))])
    await _changed(event, uow)


@subscriptions.on(ApplicationsReassessed)
async def on_applications_reassessed(event: Envelope[ApplicationsReassessed], uow: UnitOfWork) -> None:
    """A reassessment's batch of assessments, stored in one statement."""
    d, when = event.data, utc(event.time)
    await _store_assessed(
        uow.session, [_assessed_row(event.region, a, d.plan_key, when) for a in d.applications]
    )
    await _changed(event, uow)


@subscriptions.on(ApplicationDecided)
async def on_application_decided(event: Envelope[ApplicationDecided], uow: UnitOfWork) -> None:
    await _application_details(event, uow)
    await _changed(event, uow)


@subscriptions.on(ApplicationStatusChanged)
async def on_application_status_changed(event: Envelope[ApplicationStatusChanged], uow: UnitOfWork) -> None:
    await _application_details(event, uow)
    await _changed(event, uow)


@subscriptions.on(ReassessmentCompleted)
async def on_reassessment_completed(event: Envelope[ReassessmentCompleted], uow: UnitOfWork) -> None:
    d = event.data
    await uow.session.execute(
        _insert(uow.session, ReassessmentRM)
        .values(
            reassessment_id=str(d.reassessment_id),
            region=event.region,
            plan_key=d.plan_key,
            plan_versions=[v.model_dump(mode="json") for v in d.plan_versions],
            rubric_version=d.rubric_version,
            needs_review=d.needs_review,
            groups=[g.model_dump(mode="json") for g in d.groups],
            assessed=d.assessed,
            unchanged=d.unchanged,
            moved=d.assessed - d.unchanged,
            summary=d.summary,
            completed_at=utc(event.time),
        )
        .on_conflict_do_nothing()
    )
    await _changed(event, uow)


# --------------------------------------------------------------------------- regeneration


async def _all(session: AsyncSession, model: Any, region: str, *where: Any) -> Sequence[Any]:
    return (await session.scalars(select(model).where(model.region == region, *where))).all()


def strength_areas_of(programme: ProgrammeRM) -> list[domain.StrengthAreaIn]:
    return [
        domain.StrengthAreaIn(
            id=sa["id"],
            code=sa["code"],
            name=sa["name"],
            nace_codes=sa.get("nace_codes") or (),
            sdgs=sa.get("sdgs") or (),
            process_leader_id=sa.get("process_leader_id"),
        )
        for sa in programme.strength_areas
    ]


async def load_inputs(session: AsyncSession, region: str) -> domain.ReportInputs:
    """The read models of one region, as the pure report builder takes them."""
    programmes = (
        await session.scalars(
            select(ProgrammeRM).where(ProgrammeRM.region == region).order_by(ProgrammeRM.created_at)
        )
    ).all()
    revisions: dict[str, list[datetime]] = {}
    for pub in await _all(session, PlanPublicationRM, region):
        revisions.setdefault(pub.action_plan_id, []).append(utc(pub.published_at))
    reassessments = (
        await session.scalars(
            select(ReassessmentRM)
            .where(ReassessmentRM.region == region)
            .order_by(ReassessmentRM.completed_at.desc(), ReassessmentRM.reassessment_id.desc())
            .limit(3)
        )
    ).all()
    geography = await session.get(RegionRM, region)
    sharing = await session.get(Sharing, region)
    return domain.ReportInputs(
        region=region,
        programmes=[
            domain.ProgrammeIn(
                programme_id=p.programme_id,
                title=p.title,
                strength_areas=strength_areas_of(p),
                details=p.details or {},
            )
            for p in programmes
        ],
        plans=[
            domain.PlanIn(
                action_plan_id=p.action_plan_id,
                strength_area_id=p.strength_area_id,
                strength_area_code=p.strength_area_code,
                strength_area_name=p.strength_area_name,
                version=p.version,
                published_at=utc(p.published_at),
                priorities=p.priorities,
                content=ActionPlanContent.model_validate(p.content) if p.content else None,
                revisions=sorted(revisions.get(p.action_plan_id, [])),
            )
            for p in await _all(session, PlanVersionRM, region)
        ],
        applications=[
            domain.ApplicationIn(
                application_id=a.application_id,
                status=a.status,
                requested_amount=a.requested_amount,
                currency=a.currency,
                municipalities=a.municipalities,
                plan_key=a.plan_key,
                strength_area_id=a.strength_area_id,
                level=a.level,
                recommendation=a.recommendation,
                funding_source=a.funding_source,
                granted_amount=a.granted_amount,
                claimed_goals=a.claimed_goals or (),
                supported_goals=a.supported_goals or (),
                dimensions=a.dimensions or (),
                conflicts=a.conflicts or 0,
            )
            for a in await _all(session, ApplicationRM, region)
        ],
        actors=[
            domain.ActorIn(helix=a.helix, municipality=a.municipality)
            for a in await _all(session, ActorRM, region, ActorRM.merged_into.is_(None))
        ],
        memberships=[
            domain.MembershipIn(
                group_id=m.group_id,
                strength_area_id=m.strength_area_id,
                actor_id=m.actor_id,
                helix=m.helix,
                joined_on=m.joined_on,
                left_on=m.left_on,
                group_kind=m.group_kind,
                municipality=m.municipality,
                nace=m.nace,
            )
            for m in await _all(session, MembershipRM, region)
        ],
        engagements=[
            domain.EngagementIn(
                held_on=e.held_on,
                strength_area_ids=e.strength_area_ids,
                person_ids=e.person_ids,
                actor_ids=e.actor_ids,
                participations=e.participations,
                cycle_id=e.cycle_id,
            )
            for e in await _all(session, EngagementRM, region)
        ],
        reassessments=[
            domain.ReassessmentIn(
                reassessment_id=r.reassessment_id,
                plan_key=r.plan_key,
                summary=r.summary,
                assessed=r.assessed,
                unchanged=r.unchanged,
                moved=r.moved,
                completed_at=utc(r.completed_at),
                plan_versions=r.plan_versions,
                rubric_version=r.rubric_version,
                needs_review=r.needs_review,
                groups=r.groups,
            )
            for r in reassessments
        ],
        sources={
            s.service: domain.SourceIn(last_event_id=s.last_event_id, last_event_time=utc(s.last_event_time))
            for s in await _all(session, SourceMark, region)
        },
        geography=domain.RegionIn(country=geography.country, municipalities=geography.municipalities)
        if geography
        else None,
        cycles=[
            domain.CycleIn(
                cycle_id=c.cycle_id,
                title=c.title,
                kind=c.kind,
                frequency=c.frequency,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                strength_area_id=c.strength_area_id,
            )
            for c in await _all(session, CycleRM, region)
        ],
        measurements=[
            domain.MeasurementIn(
                action_plan_id=m.action_plan_id, sub_goal_id=m.sub_goal_id, year=m.year, value=m.value
            )
            for m in await _all(session, MeasurementRM, region)
        ],
        local_plans=[
            domain.LocalPlanIn(
                local_plan_id=lp.local_plan_id,
                version=lp.version,
                published_at=utc(lp.published_at),
                content=LocalPlanContent.model_validate(lp.content),
            )
            for lp in await _all(session, LocalPlanRM, region)
        ],
        opted_in=bool(sharing and sharing.opted_in),
    )


async def generate_report(ctx: ServiceContext, region: str) -> int | None:
    """Build and store the next report version of a dirty region; its number, or None if it was not dirty.

    Runs in the trace of the last change it includes, so one trace goes from that change to the report.
    """
    region_token = telemetry.region_var.set(region)
    try:
        async with ctx.db.session(region) as session, session.begin():
            claim = select(DirtyRegion).where(DirtyRegion.region == region)
            if not ctx.db.is_sqlite:
                # Another replica generating this region's report holds the row: leave it to it.
                claim = claim.with_for_update(skip_locked=True)
            dirty = await session.scalar(claim)
            if dirty is None:
                return None
            # Read the counter before the read models: a change committed after this read moves it.
            changes = dirty.changes
            parent = propagate.extract({"traceparent": dirty.traceparent} if dirty.traceparent else {})
            with tracer.start_as_current_span(
                "generate report", context=parent, attributes={"kraftsamla.region": region}
            ) as span:
                started = time.perf_counter()
                inputs = await load_inputs(session, region)
                now = utcnow()
                content, built_from = domain.build_report(inputs, now)
                last = await session.scalar(select(func.max(Report.number)).where(Report.region == region))
                number = (last or 0) + 1
                report = Report(
                    id=str(new_id()),
                    region=region,
                    number=number,
                    generated_at=now,
                    built_from=built_from.model_dump(mode="json"),
                    content=content.model_dump(mode="json"),
                )
                session.add(report)
                await session.execute(
                    delete(DirtyRegion).where(DirtyRegion.region == region, DirtyRegion.changes == changes)
                )
                uow = UnitOfWork(session, source=ctx.settings.service, settings=ctx.settings)
                uow.emit(
                    ReportGenerated(
                        report_id=UUID(report.id),
                        number=number,
                        plan_versions=built_from.plan_versions,
                        generated_at=now,
                    ),
                    region=region,
                    subject=report.id,
                )
                await uow.flush()
                elapsed = time.perf_counter() - started
                span.set_attributes(
                    {
                        "kraftsamla.report_number": number,
                        "kraftsamla.changes": changes,
                        "kraftsamla.applications": len(inputs.applications),
                    }
                )
                metrics.report_duration.record(elapsed, {"region": region})
                log.info("report %d built from %d changes in %.3fs", number, changes, elapsed)
        return number
    finally:
        telemetry.region_var.reset(region_token)


async def regenerate_due(ctx: ServiceContext) -> int:
    """One round: a report for every dirty region; how many were generated."""
    async with ctx.db.session(ALL_REGIONS) as session:
        due = (await session.scalars(select(DirtyRegion.region).order_by(DirtyRegion.marked_at))).all()
    generated = 0
    for region in due:
        try:
            if await generate_report(ctx, region) is not None:
                generated += 1
        except Exception:
            # The region stays dirty and is retried in a later round.
            log.exception("report of region %s could not be generated", region)
    if generated:
        ctx.relay.wake()
    return generated


async def _gather_burst(signal: asyncio.Event, quiet: float, longest: float) -> None:
    """Return once no change was signalled for ``quiet`` seconds, or after ``longest`` seconds at most."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + longest
    while (remaining := deadline - loop.time()) > 0:
        signal.clear()
        try:
            await asyncio.wait_for(signal.wait(), timeout=min(quiet, remaining))
        except TimeoutError:
            return


async def regenerate_reports(ctx: ServiceContext) -> None:
    """Background job: wait for changes, let a burst settle, then regenerate the dirty regions' reports."""
    signal = wakeups.register()
    ctx.state["reports_wakeup"] = signal
    debounce = ctx.settings.report_debounce_seconds
    failures = 0
    try:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), timeout=POLL_SECONDS)
            if signal.is_set():
                await _gather_burst(signal, debounce, debounce * BURST_FACTOR)
            # Cleared before the table is read: a change signalled from here on starts another round.
            signal.clear()
            try:
                await regenerate_due(ctx)
                failures = 0
            except Exception as exc:  # the database is away: retry with back-off
                failures += 1
                delay = min(0.5 * 2**failures, 30.0)
                log.warning("report regeneration failed: %r; retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
    finally:
        wakeups.unregister(signal)
