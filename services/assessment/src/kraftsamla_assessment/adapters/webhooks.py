"""Webhook deliveries over HTTP, signed after the Standard Webhooks specification
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature``: an HMAC-SHA256 over
``id.timestamp.body`` with the subscription's secret), each attempt a span of the event's trace."""

from __future__ import annotations

import base64
import secrets
import time
from datetime import datetime
from types import TracebackType
from typing import Any

import httpx
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from standardwebhooks.webhooks import Webhook as Signer

from kraftsamla_common import telemetry
from kraftsamla_common.events import utcnow

from ..persistence.tables import Delivery, Webhook

tracer = trace.get_tracer("kraftsamla.webhooks")


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, msg_id: str, body: str, at: datetime) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Signer(secret).sign(msg_id, at, body),
        "content-type": "application/json",
        "user-agent": "Kraftsamla-Webhooks/1",
    }


class WebhookSender:
    """One HTTP client for the dispatcher's life: ``async with WebhookSender(timeout) as sender``."""

    def __init__(self, timeout_seconds: float) -> None:
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_seconds), follow_redirects=False)
        # A client span per request, with the trace context in the request's headers.
        HTTPXClientInstrumentor.instrument_client(self._client)

    async def __aenter__(self) -> WebhookSender:
        await self._client.__aenter__()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.__aexit__(kind, exc, tb)

    async def send(self, delivery: Delivery, hook: Webhook) -> dict[str, Any]:
        """One attempt; the entry for the delivery log."""
        started, at = time.monotonic(), utcnow()
        parent = propagate.extract({"traceparent": delivery.traceparent} if delivery.traceparent else {})
        telemetry.region_var.set(delivery.region)
        telemetry.event_id_var.set(delivery.event_id)
        with tracer.start_as_current_span(
            "webhook deliver",
            context=parent,
            kind=trace.SpanKind.INTERNAL,
            attributes={
                "kraftsamla.region": delivery.region,
                "kraftsamla.event_id": delivery.event_id,
                "kraftsamla.webhook_event": delivery.event_type,
                "url.full": hook.url,
            },
        ) as span:
            entry: dict[str, Any] = {"at": at.isoformat(), "attempt": delivery.attempts + 1}
            try:
                response = await self._client.post(
                    hook.url,
                    content=delivery.payload.encode(),
                    headers=sign(hook.secret, delivery.event_id, delivery.payload, at),
                )
                entry["status_code"] = response.status_code
                span.set_attribute("http.response.status_code", response.status_code)
            except httpx.HTTPError as exc:
                entry["error"] = f"{type(exc).__name__}: {exc}"[:300]
                span.set_status(trace.Status(trace.StatusCode.ERROR, entry["error"]))
            entry["ms"] = round((time.monotonic() - started) * 1000, 1)
        return entry
