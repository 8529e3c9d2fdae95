"""Integrators' webhook subscriptions and their delivery logs (the deliveries themselves are queued
and sent by ``webhook_delivery``), and test pings sent at once.

A subscription's URL must lead to a public address (or one the operator allows,
``domain.destinations``), checked here and again at every delivery. Its signing secret is answered
once and kept encrypted (``adapters.secret_box``); every start encrypts what is not yet, or not
with the newest key."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, NamedTuple
from uuid import UUID

from opentelemetry import propagate
from sqlalchemy import func, select, update

from kraftsamla_common import metrics
from kraftsamla_common.db import ALL_REGIONS
from kraftsamla_common.errors import Forbidden, NotFound, Unprocessable, said
from kraftsamla_common.events import WebhookPinged, new_id, utcnow
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page, ServiceContext

from ..adapters.destinations import Refused, Resolver, check_registration, system_resolver
from ..adapters.secret_box import InvalidToken, box_for
from ..adapters.webhooks import WebhookSender, new_secret
from ..domain.destinations import AllowedDestinations, endpoint_of
from ..persistence.tables import Delivery, Webhook
from ..schemas import WebhookCreate
from .applications import check_source
from .webhook_delivery import body_of

log = logging.getLogger(__name__)


class WebhookState(NamedTuple):
    """A subscription with how many of its deliveries are pending and how many failed."""

    hook: Webhook
    pending: int
    failed: int
    secret: str | None = None
    """The signing secret, only as the subscription is made (it is kept encrypted)."""


async def _state(uow: UnitOfWork, hook: Webhook) -> WebhookState:
    counts = dict(
        (
            await uow.session.execute(
                select(Delivery.state, func.count())
                .where(Delivery.webhook_id == hook.id)
                .group_by(Delivery.state)
            )
        ).all()
    )
    return WebhookState(hook, counts.get("pending", 0), counts.get("failed", 0))


async def _webhook(uow: UnitOfWork, webhook_id: UUID, only_source: str | None) -> Webhook:
    hook = await uow.session.get(Webhook, str(webhook_id))
    if hook is None or hook.region != uow.region or not hook.active:
        raise NotFound("Webhook", webhook_id)
    if only_source not in (None, hook.source):
        raise NotFound("Webhook", webhook_id)
    return hook


async def create_webhook(
    uow: UnitOfWork,
    body: WebhookCreate,
    *,
    by: str,
    only_source: str | None,
    resolver: Resolver = system_resolver,
) -> WebhookState:
    """Subscribe a URL to event types, with a new secret; a caller bound to a funding system
    (``only_source``) subscribes to its own applications' events only. A URL that does not lead to
    a public address (or one the operator allows) is 422."""
    source = body.source
    if only_source is not None:
        check_source(source or only_source, only_source)
        if "reassessment.completed" in body.event_types:
            raise Forbidden(
                "A reassessment covers every funding system: this key may not subscribe to it.",
            )
        source = only_source
    allowed = AllowedDestinations.of(uow.settings.webhook_allowed_hosts)
    try:
        url = await check_registration(body.url, allowed, resolver)
    except Refused as exc:
        log.info("webhook destination refused: %s", exc.detail)
        raise Unprocessable(
            said("problem_detail_webhook_destination"),
            [{"pointer": "/url", "location": "body", "message": str(exc), "type": "webhook_destination"}],
        ) from None
    box = box_for(uow.settings.secrets_key)
    secret = new_secret()
    hook = Webhook(
        id=str(new_id()),
        region=uow.region,
        url=url.url,
        event_types=list(dict.fromkeys(body.event_types)),
        source=source,
        description=body.description,
        secret=box.seal(secret),
        active=True,
        created_by=by,
        created_at=utcnow(),
    )
    uow.session.add(hook)
    await uow.commit()
    metrics.initialise_webhooks([(hook.region, endpoint_of(hook.url))])
    return (await _state(uow, hook))._replace(secret=secret)


async def list_webhooks(uow: UnitOfWork, *, only_source: str | None) -> list[WebhookState]:
    """The region's active subscriptions (a bound caller's own), oldest first."""
    own: list[Any] = [] if only_source is None else [Webhook.source == only_source]
    hooks = (
        await uow.session.scalars(
            select(Webhook)
            .where(Webhook.region == uow.region, Webhook.active.is_(True), *own)
            .order_by(Webhook.created_at)
        )
    ).all()
    return [await _state(uow, h) for h in hooks]


async def get_webhook(uow: UnitOfWork, webhook_id: UUID, *, only_source: str | None) -> WebhookState:
    return await _state(uow, await _webhook(uow, webhook_id, only_source))


async def delete_webhook(uow: UnitOfWork, webhook_id: UUID, *, only_source: str | None) -> None:
    """Stop the subscription; nothing more is queued or sent to it. Its delivery log is kept."""
    hook = await _webhook(uow, webhook_id, only_source)
    hook.active = False
    await uow.session.execute(
        update(Delivery)
        .where(Delivery.webhook_id == hook.id, Delivery.state == "pending")
        .values(state="failed", last_error="subscription deleted")
    )
    await uow.commit()


async def list_deliveries(
    uow: UnitOfWork, webhook_id: UUID, page: Page, *, state: str | None, only_source: str | None
) -> tuple[Sequence[Delivery], int]:
    """The subscription's delivery log, newest first (a page of it, and how long it is)."""
    hook = await _webhook(uow, webhook_id, only_source)
    where = [Delivery.webhook_id == hook.id] + ([Delivery.state == state] if state else [])
    total = await uow.session.scalar(select(func.count()).select_from(Delivery).where(*where)) or 0
    rows = (
        await uow.session.scalars(
            select(Delivery)
            .where(*where)
            .order_by(Delivery.created_at.desc(), Delivery.id.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    return rows, total


async def retry_delivery(
    uow: UnitOfWork, webhook_id: UUID, delivery_id: UUID, *, only_source: str | None
) -> Delivery:
    """Send a failed delivery again now (and retry it as a new one if it fails again)."""
    hook = await _webhook(uow, webhook_id, only_source)
    d = await uow.session.get(Delivery, str(delivery_id))
    if d is None or d.webhook_id != hook.id:
        raise NotFound("Delivery", delivery_id)
    if d.state != "delivered":
        d.state, d.attempts, d.next_attempt_at = "pending", 0, utcnow()
    await uow.commit()
    return d


PING = "webhook.ping"
"""The webhook event type of a test ping (bus event ``assessment.webhook.ping.v1``)."""


async def ping_webhook(
    uow: UnitOfWork, webhook_id: UUID, *, only_source: str | None, resolver: Resolver = system_resolver
) -> Delivery:
    """Send a signed test event to the webhook now, as any delivery is sent (its destination checked
    again, signed with its secret), and keep it in the delivery log with its outcome: ``delivered``
    on a 2xx answer, else ``failed`` (a ping is not retried by itself; the log's retry sends it
    again). The database is not held while the endpoint answers."""
    hook = await _webhook(uow, webhook_id, only_source)
    uow.session.expunge(hook)
    await uow.session.rollback()  # the read's transaction ends: no connection held while sending
    env = uow.emit(
        WebhookPinged(webhook_id=UUID(hook.id), event_types=list(hook.event_types)), subject=hook.id
    )
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    now = utcnow()
    delivery = Delivery(
        id=str(new_id()),
        webhook_id=hook.id,
        region=uow.region,
        event_id=str(env.id),
        event_type=PING,
        payload=body_of(env, PING),
        state="pending",
        attempts=0,
        next_attempt_at=now,
        last_status_code=None,
        last_error=None,
        log=[],
        traceparent=carrier.get("traceparent"),
        created_at=now,
        delivered_at=None,
    )
    sender = WebhookSender(
        uow.settings.webhook_timeout_seconds,
        allowed=AllowedDestinations.of(uow.settings.webhook_allowed_hosts),
        box=box_for(uow.settings.secrets_key),
        resolver=resolver,
    )
    async with sender:
        entry = await sender.send(delivery, hook)
    delivered = 200 <= entry.get("status_code", 0) < 300
    delivery.attempts = 1
    delivery.log = [entry]
    delivery.last_status_code = entry.get("status_code")
    delivery.last_error = entry.get("error")
    delivery.state = "delivered" if delivered else "failed"
    delivery.delivered_at = utcnow() if delivered else None
    uow.session.add(delivery)
    await uow.commit()
    metrics.webhook_deliveries.add(
        1,
        {
            "region": uow.region,
            "endpoint": endpoint_of(hook.url),
            "outcome": "delivered" if delivered else "failed",
        },
    )
    return delivery


async def seal_secrets(ctx: ServiceContext) -> None:
    """On start: encrypt the signing secrets kept in plaintext (before they were encrypted) and
    re-encrypt those of an older key with the newest (a key being rotated). Without a key the
    service does not start; a secret no key opens is left as it is, and said."""
    AllowedDestinations.of(ctx.settings.webhook_allowed_hosts)  # a wrong entry stops the start too
    box = box_for(ctx.settings.secrets_key)
    async with ctx.db.session(ALL_REGIONS) as session, session.begin():
        rows = (await session.execute(select(Webhook.id, Webhook.secret))).all()
        sealed = unopened = 0
        for hook_id, stored in rows:
            try:
                new = box.reseal(stored)
            except InvalidToken:
                unopened += 1
                continue
            if new is not None:
                # Only if unchanged: another replica starting now may have sealed it already.
                await session.execute(
                    update(Webhook).where(Webhook.id == hook_id, Webhook.secret == stored).values(secret=new)
                )
                sealed += 1
    if sealed:
        log.info("webhook secrets encrypted with the newest key: %d", sealed)
    if unopened:
        log.error(
            "webhook secrets no key of KRAFTSAMLA_SECRETS_KEY opens: %d (their deliveries fail until "
            "the key they were encrypted with is given again)",
            unopened,
        )


async def count_webhook_endpoints(ctx: ServiceContext) -> None:
    """On start: the delivery counter of every registered endpoint at 0, so that its first given-up
    delivery shows as an increase."""
    async with ctx.db.session(ALL_REGIONS) as session:
        rows = (await session.execute(select(Webhook.region, Webhook.url).where(Webhook.active))).all()
    metrics.initialise_webhooks({(region, endpoint_of(url)) for region, url in rows})
