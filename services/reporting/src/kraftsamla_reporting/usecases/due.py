"""Which regions' reports are due, and the signal that wakes their regeneration.

Every event handler updates a read model and marks its region dirty (``dirty_regions``) in the same
transaction as its inbox row, so a crash can never lose a regeneration that is due. It then wakes
the background job (:func:`.regeneration.regenerate_reports`), which gathers a burst of changes
(the debounce) and builds one report version per dirty region.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opentelemetry import propagate
from sqlalchemy import event as sa_event
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from kraftsamla_common.events import Envelope, utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..persistence.queries import insert, utc
from ..persistence.tables import DirtyRegion, SourceMark


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


@dataclass
class _RegionChanges:
    """What a transaction's events changed in one region's report: written once, at commit."""

    count: int = 0
    traceparent: str | None = None
    marks: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    """Last event seen from each service: its id and time."""


_CHANGES = "kraftsamla.reporting.changes"


async def record_change(event: Envelope[Any], uow: UnitOfWork) -> None:
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
            stmt = insert(session, SourceMark).values(
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
    dirty = insert(session, DirtyRegion).values(
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


async def mark_due(session: AsyncSession, region: str) -> None:
    """Mark a region's report due, in the caller's transaction, and wake the regeneration job."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    await session.execute(_dirty(session, region, 1, carrier.get("traceparent")))
    wakeups.set()
