"""Webhook deliveries over HTTP, signed after the Standard Webhooks specification
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature``: an HMAC-SHA256 over
``id.timestamp.body`` with the subscription's secret), each attempt a span of the event's trace.

Each attempt checks its destination again (``adapters.destinations``: resolved now, every address
public or allowed) and connects to the address it checked. Whatever goes wrong with one attempt
(a refused or malformed URL, a secret no key opens, a network error) is that attempt's entry in
the delivery log, never an exception that stops the other deliveries."""

from __future__ import annotations

import base64
import logging
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

from ..domain.destinations import AllowedDestinations
from ..persistence.tables import Delivery, Webhook
from .destinations import Pinned, Refused, Resolver, pin, system_resolver
from .secret_box import InvalidToken, SecretBox

tracer = trace.get_tracer("kraftsamla.webhooks")
log = logging.getLogger(__name__)


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


def failed_attempt(delivery: Delivery, error: str) -> dict[str, Any]:
    """The delivery log's entry of an attempt that failed before or without an answer."""
    return {"at": utcnow().isoformat(), "attempt": delivery.attempts + 1, "error": error[:300]}


class WebhookSender:
    """One HTTP client for the dispatcher's life:
    ``async with WebhookSender(timeout, allowed=…, box=…) as sender``."""

    def __init__(
        self,
        timeout_seconds: float,
        *,
        allowed: AllowedDestinations,
        box: SecretBox,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.allowed = allowed
        self.box = box
        self.resolver = resolver
        # No proxy from the environment (the connection goes to the address checked), no redirects
        # (a redirect would go where nothing was checked).
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds), follow_redirects=False, trust_env=False
        )
        # A client span per request, with the trace context in the request's headers.
        HTTPXClientInstrumentor.instrument_client(self._client)

    async def __aenter__(self) -> WebhookSender:
        await self._client.__aenter__()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.__aexit__(kind, exc, tb)

    async def _post(self, target: Pinned, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """POST to the first of the checked addresses that connects (a name may have an IPv6 and
        an IPv4 address, one of them unreachable from here)."""
        for n, (address, url) in enumerate(target.urls, start=1):
            trace.get_current_span().set_attribute("network.peer.address", str(address))
            try:
                return await self._client.post(
                    url,
                    content=body,
                    headers={**headers, "host": target.host_header},
                    extensions=target.extensions,
                )
            except httpx.ConnectError:
                if n == len(target.urls):
                    raise
        raise AssertionError("a pinned target has at least one address")

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
                target = await pin(hook.url, self.allowed, self.resolver)
                headers = sign(self.box.open(hook.secret), delivery.event_id, delivery.payload, at)
                response = await self._post(target, delivery.payload.encode(), headers)
                entry["status_code"] = response.status_code
                span.set_attribute("http.response.status_code", response.status_code)
            except Refused as exc:
                log.warning("webhook %s refused: %s", hook.id, exc.detail)
                entry["error"] = f"refused: {exc}"[:300]
            except InvalidToken:
                entry["error"] = (
                    "the subscription's secret opens with none of the keys (KRAFTSAMLA_SECRETS_KEY)"
                )
            except Exception as exc:  # a network error, anything else: this attempt's alone
                entry["error"] = f"{type(exc).__name__}: {exc}"[:300]
            if "error" in entry:
                span.set_status(trace.Status(trace.StatusCode.ERROR, entry["error"]))
            entry["ms"] = round((time.monotonic() - started) * 1000, 1)
        return entry
