"""Integrators' webhook subscriptions and their delivery logs."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Response, status

from kraftsamla_common.service import PageDep, UowDep, region_router

from ..schemas import (
    DeliveriesPublic,
    DeliveryPublic,
    NewWebhookPublic,
    WebhookCreate,
    WebhookPublic,
    WebhooksPublic,
)
from ..usecases import webhooks
from .presenting import delivery_public, webhook_public
from .scopes import WebhookScope, own_source

router = region_router("assessment")


@router.post("/webhooks", response_model=NewWebhookPublic, status_code=status.HTTP_201_CREATED)
async def create_webhook(body: WebhookCreate, scope: WebhookScope, uow: UowDep) -> NewWebhookPublic:
    """Subscribe a URL to events: ``application.assessed``, ``application.reassessed``,
    ``application.decided``, ``application.status_changed``, ``reassessment.completed``.

    Deliveries are POSTed as JSON and signed after the Standard Webhooks specification: verify the
    ``webhook-signature`` header (HMAC-SHA256 over ``webhook-id.webhook-timestamp.body``) with the
    secret answered here, shown this once. Failed deliveries are retried with growing delays.
    An integrator's subscription is for its own funding system's applications only.

    The URL must lead to a public address: a loopback, private, link-local or otherwise internal
    address, or a name that resolves to one, is refused (422), now and at every delivery, unless
    the platform's operator allows it."""
    created = await webhooks.create_webhook(uow, body, by=scope.principal.name, only_source=own_source(scope))
    assert created.secret is not None
    return NewWebhookPublic(**webhook_public(created).model_dump(), secret=created.secret)


@router.get("/webhooks", response_model=WebhooksPublic)
async def list_webhooks(scope: WebhookScope, uow: UowDep) -> WebhooksPublic:
    hooks = await webhooks.list_webhooks(uow, only_source=own_source(scope))
    return WebhooksPublic(data=[webhook_public(h) for h in hooks], count=len(hooks))


@router.get("/webhooks/{webhook_id}", response_model=WebhookPublic)
async def get_webhook(webhook_id: UUID, scope: WebhookScope, uow: UowDep) -> WebhookPublic:
    return webhook_public(await webhooks.get_webhook(uow, webhook_id, only_source=own_source(scope)))


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_webhook(webhook_id: UUID, scope: WebhookScope, uow: UowDep) -> Response:
    """Stop the subscription; nothing more is queued or sent to it. Its delivery log is kept."""
    await webhooks.delete_webhook(uow, webhook_id, only_source=own_source(scope))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=DeliveriesPublic)
async def list_deliveries(
    webhook_id: UUID,
    scope: WebhookScope,
    uow: UowDep,
    page: PageDep,
    state: Annotated[str | None, Query(pattern=r"^(pending|delivered|failed)$")] = None,
) -> DeliveriesPublic:
    """The delivery log: every event queued for the webhook, its attempts and status codes, newest first."""
    rows, total = await webhooks.list_deliveries(
        uow, webhook_id, page, state=state, only_source=own_source(scope)
    )
    return DeliveriesPublic(data=[delivery_public(d) for d in rows], count=total)


@router.post("/webhooks/{webhook_id}/ping", response_model=DeliveryPublic)
async def ping_webhook(webhook_id: UUID, scope: WebhookScope, uow: UowDep) -> DeliveryPublic:
    """Send a test event (``webhook.ping``; on the bus ``assessment.webhook.ping.v1``) to the
    webhook now, signed as every delivery is, and answer its delivery as the delivery log keeps it:
    ``delivered`` with the endpoint's status code, or ``failed`` with the status code or the error
    (a refused destination, a timeout), and the attempt's time and duration. Not retried by itself."""
    d = await webhooks.ping_webhook(uow, webhook_id, only_source=own_source(scope))
    return delivery_public(d)


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", response_model=DeliveryPublic)
async def retry_delivery(
    webhook_id: UUID, delivery_id: UUID, scope: WebhookScope, uow: UowDep
) -> DeliveryPublic:
    """Send a failed delivery again now (and retry it as a new one if it fails again)."""
    d = await webhooks.retry_delivery(uow, webhook_id, delivery_id, only_source=own_source(scope))
    return delivery_public(d)
