"""Webhooks out: the service's own events queued as deliveries, and the dispatcher that sends them.

The service's own events (from its stream, like any consumer) are fanned out into one delivery
row per matching subscription, in the consumer's transaction with its inbox row, so an event is
queued once. A background dispatcher sends due deliveries over HTTP (``adapters.webhooks``) and
retries failures with growing delays until ``webhook_backoff_seconds`` is exhausted. The bus never
waits for an endpoint: a dead endpoint only grows its own queue, and a delivery that fails in any
way is recorded as that delivery's failed attempt while the rest of its batch goes on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

from opentelemetry import propagate
from sqlalchemy import select, update

from kraftsamla_common import metrics
from kraftsamla_common.db import ALL_REGIONS
from kraftsamla_common.events import (
    ApplicationAssessed,
    ApplicationDecided,
    ApplicationStatusChanged,
    Envelope,
    EventData,
    ReassessmentCompleted,
    new_id,
    utcnow,
)
from kraftsamla_common.messaging import UnitOfWork, insert_ignore
from kraftsamla_common.service import ServiceContext

from ..adapters.secret_box import box_for
from ..adapters.webhooks import WebhookSender, failed_attempt
from ..domain.destinations import AllowedDestinations, endpoint_of
from ..persistence.tables import Delivery, Webhook

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
"""How long a claimed delivery is left alone by other dispatchers while it is being sent."""


def webhook_event(env: Envelope[Any]) -> str:
    """The webhook event type of a bus event."""
    data: EventData = env.data
    if isinstance(data, ApplicationAssessed):
        return "application.reassessed" if data.trigger == "reassessment" else "application.assessed"
    if isinstance(data, ApplicationDecided):
        return "application.decided"
    if isinstance(data, ApplicationStatusChanged):
        return "application.status_changed"
    if isinstance(data, ReassessmentCompleted):
        return "reassessment.completed"
    raise ValueError(env.type)


def body_of(env: Envelope[Any], kind: str) -> str:
    return json.dumps(
        {
            "id": str(env.id),
            "type": kind,
            "event_type": env.type,
            "region": env.region,
            "time": env.time.isoformat(),
            "data": env.data.model_dump(mode="json"),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


async def subscribers(uow: UnitOfWork, kind: str) -> list[Webhook]:
    """The region's active subscriptions to a webhook event type."""
    hooks = (
        await uow.session.scalars(
            select(Webhook).where(Webhook.region == uow.region, Webhook.active.is_(True))
        )
    ).all()
    return [h for h in hooks if kind in h.event_types]


async def fan_out(uow: UnitOfWork, env: Envelope[Any]) -> None:
    """Queue one delivery of the event per active subscription of the region that wants it."""
    kind = webhook_event(env)
    await queue(uow, kind, await subscribers(uow, kind), [env])


async def queue(uow: UnitOfWork, kind: str, hooks: list[Webhook], envs: list[Envelope[Any]]) -> None:
    """Queue a delivery of each event to each of ``hooks`` (those bound to a funding system get
    only its applications' events)."""
    if not hooks:
        return
    now = utcnow()
    carrier: dict[str, str] = {}
    propagate.inject(carrier)  # the consumer's span: each attempt continues the event's trace
    rows: list[dict[str, Any]] = []
    for env in envs:
        source = getattr(env.data, "source", None)
        wanted = [h for h in hooks if h.source is None or source in (None, h.source)]
        body = body_of(env, kind) if wanted else ""
        rows += [
            {
                "id": str(new_id()),
                "webhook_id": h.id,
                "region": env.region,
                "event_id": str(env.id),
                "event_type": kind,
                "payload": body,
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "log": [],
                "traceparent": carrier.get("traceparent"),
                "created_at": now,
            }
            for h in wanted
        ]
    if rows:
        await uow.session.execute(insert_ignore(uow.session, Delivery.__table__), rows)  # type: ignore[arg-type]


async def claim_due(ctx: ServiceContext, limit: int = 50) -> list[tuple[Delivery, Webhook]]:
    """Claim due deliveries (leased, so a second dispatcher leaves them alone)."""
    now = utcnow()
    async with ctx.db.session(ALL_REGIONS) as session, session.begin():
        query = (
            select(Delivery)
            .where(Delivery.state == "pending", Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at)
            .limit(limit)
        )
        if not ctx.db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        due = (await session.scalars(query)).all()
        if not due:
            return []
        await session.execute(
            update(Delivery).where(Delivery.id.in_([d.id for d in due])).values(next_attempt_at=now + LEASE)
        )
        hooks = {
            h.id: h
            for h in (
                await session.scalars(select(Webhook).where(Webhook.id.in_({d.webhook_id for d in due})))
            ).all()
        }
        session.expunge_all()
    return [(d, hooks[d.webhook_id]) for d in due if d.webhook_id in hooks]


async def record(ctx: ServiceContext, delivery: Delivery, hook: Webhook, entry: dict[str, Any]) -> None:
    backoff = ctx.settings.webhook_backoff_seconds
    ok = 200 <= entry.get("status_code", 0) < 300
    attempts = delivery.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_status_code": entry.get("status_code"),
        "last_error": entry.get("error"),
        "log": [*delivery.log, entry][-20:],
    }
    if ok:
        values |= {"state": "delivered", "delivered_at": utcnow()}
        outcome = "delivered"
    elif attempts > len(backoff):
        values |= {"state": "failed"}
        outcome = "failed"
    else:
        values |= {"next_attempt_at": utcnow() + timedelta(seconds=backoff[attempts - 1])}
        outcome = "retry"
    metrics.webhook_deliveries.add(
        1, {"region": delivery.region, "endpoint": endpoint_of(hook.url), "outcome": outcome}
    )
    async with ctx.db.session(ALL_REGIONS) as session, session.begin():
        await session.execute(update(Delivery).where(Delivery.id == delivery.id).values(**values))


async def dispatch(ctx: ServiceContext) -> None:
    """Send due deliveries until cancelled; each endpoint's slowness stays its own."""
    sender = WebhookSender(
        ctx.settings.webhook_timeout_seconds,
        allowed=AllowedDestinations.of(ctx.settings.webhook_allowed_hosts),
        box=box_for(ctx.settings.secrets_key),
    )
    async with sender:
        while True:
            try:
                batch = await claim_due(ctx)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database away for a while: try again later
                log.warning("webhook dispatcher: %s", exc)
                batch = []
            if not batch:
                await asyncio.sleep(ctx.settings.webhook_poll_seconds)
                continue

            async def one(d: Delivery, h: Webhook) -> None:
                try:
                    entry = await sender.send(d, h)
                except Exception as exc:  # this delivery's failure, retried as any other
                    log.warning("webhook dispatcher: delivery %s: %s", d.id, exc, exc_info=True)
                    entry = failed_attempt(d, f"{type(exc).__name__}: {exc}")
                try:
                    await record(ctx, d, h, entry)
                except Exception as exc:  # the lease expires and it is sent again
                    log.warning("webhook dispatcher: recording delivery %s: %s", d.id, exc)

            await asyncio.gather(*(one(d, h) for d, h in batch), return_exceptions=True)
