"""Retention: the background job that prunes what each service no longer needs, so that its
database stays the same size under a steady load (docs/decisions/0024-retention.md).

Every service prunes its sent outbox rows, its inbox rows and its audit log; a service adds the
rules of its own tables (``ServiceSpec.retention``). A rule names a table, its key and which rows
are past their retention; the job deletes them batch after batch, each batch its own short
transaction (``retention_batch_size`` rows), never one huge one. Several replicas may run the job
at once: on PostgreSQL a batch claims its rows with ``FOR UPDATE SKIP LOCKED``, so two replicas
delete different rows and never wait for each other; on SQLite a service's writers take turns
anyway. A deleted row is deleted: the second replica finds nothing, and no harm is done.

The audit log is append-only for the service's own database role (:data:`db.APPEND_ONLY`); its
old rows are pruned as the tables' owner (``KRAFTSAMLA_DATABASE_ADMIN_URL``), the one role that
may delete them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, CursorResult, FromClause, Table, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from . import metrics
from .audit import audit_log
from .db import ALL_REGIONS, Database, _engine
from .events import utcnow
from .messaging import inbox, outbox
from .settings import Settings

if TYPE_CHECKING:
    from .service import ServiceContext

log = logging.getLogger(__name__)

Where = Callable[[FromClause, Settings, datetime], ColumnElement[bool]]
"""Which rows of the table (an alias of it, as the batch's query names it) are past their retention."""


@dataclass(frozen=True)
class Rule:
    """One table's retention."""

    name: str
    """The table as metrics and the log name it."""
    table: Table
    key: tuple[str, ...]
    """The columns of its primary key."""
    where: Where
    as_owner: bool = False
    """Deleted as the tables' owner (the audit log: the service's role may not delete from it)."""


def _age(column: Any, seconds: float, now: datetime) -> ColumnElement[bool]:
    older: ColumnElement[bool] = column < now - timedelta(seconds=seconds)
    return older


OUTBOX = Rule(
    "outbox",
    outbox,
    ("seq",),
    lambda t, s, now: t.c.sent_at.is_not(None) & _age(t.c.sent_at, s.outbox_retention_seconds, now),
)
"""Sent outbox rows, ``outbox_retention_seconds`` after they were sent; unsent rows never."""

INBOX = Rule(
    "inbox",
    inbox,
    ("consumer", "event_id"),
    lambda t, s, now: _age(t.c.processed_at, s.inbox_retention_seconds, now),
)
"""Inbox rows, ``inbox_retention_seconds`` after their event was handled (longer than the duplicate
window and the longest redelivery: :func:`kraftsamla_common.settings.retention_checked`)."""

AUDIT = Rule(
    "audit_log",
    audit_log,
    ("id",),
    lambda t, s, now: _age(t.c.at, s.audit_retention_seconds, now),
    as_owner=True,
)
"""Audit rows, ``audit_retention_seconds`` (ten years by default) after the write."""

COMMON = (OUTBOX, INBOX, AUDIT)


class Pruner:
    """Deletes the rows past their retention, table by table, in batches."""

    def __init__(self, db: Database, settings: Settings, rules: tuple[Rule, ...] | list[Rule]) -> None:
        self.db = db
        self.settings = settings
        self.rules = tuple(rules)
        self._owner: AsyncEngine | None = None

    def _owner_engine(self) -> AsyncEngine | None:
        """The tables' owner's engine, where it is another role than the service's (else None)."""
        if self.db.is_sqlite or self.db.admin_url == self.db.url:
            return None
        if self._owner is None:
            self._owner = _engine(self.db.admin_url, pool_size=1, max_overflow=0, pool_pre_ping=True)
        return self._owner

    async def close(self) -> None:
        if self._owner is not None:
            await self._owner.dispose()
            self._owner = None

    def _batch(self, rule: Rule, now: datetime) -> Any:
        """``DELETE … WHERE key IN (SELECT key … past retention LIMIT n [FOR UPDATE SKIP LOCKED])``."""
        candidate = rule.table.alias("candidate")
        chosen = (
            select(*(candidate.c[k] for k in rule.key))
            .where(rule.where(candidate, self.settings, now))
            .limit(self.settings.retention_batch_size)
        )
        if not self.db.is_sqlite:
            chosen = chosen.with_for_update(skip_locked=True, of=candidate)
        if len(rule.key) == 1:
            return delete(rule.table).where(rule.table.c[rule.key[0]].in_(chosen))
        return delete(rule.table).where(tuple_(*(rule.table.c[k] for k in rule.key)).in_(chosen))

    async def _delete_batch(self, rule: Rule, now: datetime) -> int:
        statement = self._batch(rule, now)
        owner = self._owner_engine() if rule.as_owner else None
        if owner is not None:
            async with owner.begin() as conn:
                return int((await conn.execute(statement)).rowcount or 0)
        session: AsyncSession
        async with self.db.session(ALL_REGIONS) as session, session.begin():
            result: CursorResult[Any] = await session.execute(statement)  # type: ignore[assignment]
            return int(result.rowcount or 0)

    async def prune(self, now: datetime | None = None) -> dict[str, int]:
        """One round: every rule's rows past retention deleted; rows deleted per table."""
        now = now or utcnow()
        pruned: dict[str, int] = {}
        for rule in self.rules:
            total = 0
            while True:
                n = await self._delete_batch(rule, now)
                total += n
                if n < self.settings.retention_batch_size:
                    break
                await asyncio.sleep(0)  # let the service's own work in between batches
            pruned[rule.name] = total
            if total:
                metrics.retention_pruned.add(total, {"table": rule.name})
        return pruned


async def prune_forever(ctx: ServiceContext, rules: tuple[Rule, ...] | list[Rule]) -> None:
    """The background job: a round at start and every ``retention_poll_seconds``; a round that fails
    (the database away) is logged and tried again at the next."""
    pruner = Pruner(ctx.db, ctx.settings, rules)
    try:
        while True:
            started = time.perf_counter()
            try:
                pruned = await pruner.prune()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "retention: pruning failed: %r; trying again in %gs",
                    exc,
                    ctx.settings.retention_poll_seconds,
                )
            else:
                log.info(
                    "retention: pruned %s in %.3fs",
                    ", ".join(f"{n} {name}" for name, n in pruned.items()),
                    time.perf_counter() - started,
                    extra={"pruned": pruned},
                )
            await asyncio.sleep(ctx.settings.retention_poll_seconds)
    finally:
        await pruner.close()
