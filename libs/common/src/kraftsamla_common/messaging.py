"""Transactional outbox and idempotent inbox, for SQLite and PostgreSQL.

A state change and the events it raises are written in one transaction (``UnitOfWork``);
the ``OutboxRelay`` publishes committed rows to JetStream, waits for the PubAck, then marks
them sent. It selects every unsent row, so rows committed out of order are never skipped;
on PostgreSQL rows are claimed with ``FOR UPDATE SKIP LOCKED`` so relays in several replicas
never publish the same row at once. A relay that dies after publishing and before marking
re-publishes with the same ``Nats-Msg-Id``, which JetStream de-duplicates.

Consumers record ``(consumer, event id)`` in ``inbox`` in the same transaction as their effect;
a redelivered event finds its row and is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from opentelemetry import propagate
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from .db import ALL_REGIONS, Database, UtcDateTime
from .events import Envelope, EventData, new_id, utcnow
from .settings import Settings

log = logging.getLogger(__name__)

metadata = MetaData()

outbox = Table(
    "outbox",
    metadata,
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("type", String(120), nullable=False),
    Column("region", String(64), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True),
)
Index(
    "ix_outbox_unsent",
    outbox.c.seq,
    postgresql_where=outbox.c.sent_at.is_(None),
    sqlite_where=outbox.c.sent_at.is_(None),
)

inbox = Table(
    "inbox",
    metadata,
    Column("consumer", String(120), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("processed_at", UtcDateTime(), nullable=False),
)


class UnitOfWork:
    """A database transaction plus the events it raises, committed together, for one region.

    The region is set once, where the work begins (the request's path, or the event being
    handled), and read by the use cases as ``uow.region``; events default to it."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        source: str,
        region: str = "",
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
        on_commit: Callable[[], None] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.session = session
        self.region = region
        self._settings = settings
        self.on_commit = on_commit
        self.source = source
        self.correlation_id = correlation_id or new_id()
        self.causation_id = causation_id
        self.emitted: list[Envelope[EventData]] = []
        self._rows: list[dict[str, Any]] = []
        self.before_commit: list[Callable[[UnitOfWork], Awaitable[None]]] = []
        """Run in the transaction just before it commits (a request's audit row)."""

    @property
    def settings(self) -> Settings:
        """The running service's settings (for handlers whose work is tuned by them)."""
        if self._settings is None:
            self._settings = Settings()
        return self._settings

    def envelope(self, data: EventData, *, subject: object, region: str | None = None) -> Envelope[EventData]:
        """An event of this unit of work, not queued (see :meth:`emit`)."""
        region = region or self.region
        # Parametrised with the payload's own class, so every field of the payload is serialised.
        typed: Any = Envelope[type(data)]  # type: ignore[misc]
        env: Envelope[EventData] = typed(
            id=new_id(),
            type=data.event_type,
            source=self.source,
            region=region,
            subject=str(subject),
            time=utcnow(),
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            data=data,
        )
        return env

    def emit(self, data: EventData, *, subject: object, region: str | None = None) -> Envelope[EventData]:
        """Queue an event of the unit of work's region (or ``region``); it is written to the
        outbox with the transaction."""
        env = self.envelope(data, region=region, subject=subject)
        region = env.region
        headers: dict[str, str] = {}
        # The trace of the request that raised the event continues when the relay publishes it.
        propagate.inject(headers)
        self._rows.append(
            {
                "event_id": str(env.id),
                "type": env.type,
                "region": region,
                "subject": f"s3.{region}.{env.type}",
                "payload": env.model_dump_json().encode(),
                "headers": headers,
                "created_at": env.time,
            }
        )
        self.emitted.append(env)
        return env

    async def flush(self) -> None:
        if self._rows:
            await self.session.execute(outbox.insert(), self._rows)
            self._rows = []

    async def commit(self) -> None:
        """Write queued events and commit; then wake the relay so they leave at once."""
        await self.flush()
        for hook in self.before_commit:
            await hook(self)
        await self.session.commit()
        if self.emitted and self.on_commit is not None:
            self.on_commit()


def insert_ignore(session: AsyncSession, table: Table) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` for the session's dialect."""
    dialect = session.get_bind().dialect.name
    mod = postgresql if dialect == "postgresql" else sqlite
    return mod.insert(table).on_conflict_do_nothing()


async def claim_inbox(session: AsyncSession, consumer: str, event_id: UUID) -> bool:
    """Record that ``consumer`` handles ``event_id``; False if it already has."""
    return event_id in await claim_inbox_many(session, consumer, [event_id])


async def claim_inbox_many(session: AsyncSession, consumer: str, event_ids: Sequence[UUID]) -> set[UUID]:
    """Record that ``consumer`` handles each of ``event_ids``, in one statement; those it had not."""
    rows = [
        {"consumer": consumer, "event_id": str(i), "processed_at": utcnow()} for i in dict.fromkeys(event_ids)
    ]
    inserted = await session.execute(insert_ignore(session, inbox).returning(inbox.c.event_id), rows)
    return {UUID(x) for x in inserted.scalars()}


Publish = Callable[[Sequence[Any]], Awaitable[None]]
"""Publishes outbox rows to the bus and returns when every one is acknowledged."""


class OutboxRelay:
    """Publishes committed outbox rows to JetStream in order of commit discovery."""

    def __init__(
        self, db: Database, publish: Publish, *, batch_size: int = 500, poll_seconds: float = 1.0
    ) -> None:
        self.db = db
        self.publish = publish
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Called after a commit that wrote outbox rows: publish now instead of at the next poll."""
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows; return how many were sent."""
        async with self.db.session(ALL_REGIONS) as session, session.begin():
            query = (
                select(
                    outbox.c.seq,
                    outbox.c.event_id,
                    outbox.c.subject,
                    outbox.c.payload,
                    outbox.c.headers,
                    outbox.c.type,
                    outbox.c.region,
                )
                .where(outbox.c.sent_at.is_(None))
                .order_by(outbox.c.seq)
                .limit(self.batch_size)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = (await session.execute(query)).all()
            if not rows:
                return 0
            await self.publish(rows)
            await session.execute(
                update(outbox).where(outbox.c.seq.in_([r.seq for r in rows])).values(sent_at=utcnow())
            )
        return len(rows)

    async def run(self) -> None:
        """Relay until cancelled; errors (bus or database away) are retried with back-off."""
        delay = 0.2
        while True:
            # Cleared before the round looks, not after it found nothing: a commit that lands
            # between its query and its wait wakes it for the next round instead of being left to
            # the next poll.
            self._wake.clear()
            try:
                sent = await self.publish_pending()
                delay = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay: %s; retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            if sent:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    async def backlog(self) -> tuple[int, datetime | None]:
        """Unsent rows and the creation time of the oldest."""
        from sqlalchemy import func

        async with self.db.session(ALL_REGIONS) as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.sent_at.is_(None))
                )
            ).one()
        return int(count), oldest
