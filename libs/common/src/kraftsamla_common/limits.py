"""Limits every service enforces: request body size and a request rate per identity.

**Body size** (``KRAFTSAMLA_MAX_BODY_BYTES``, default 16 MiB: a bulk intake of 1,000 applications
fits) is a pure ASGI middleware, :class:`BodyLimit`, outermost in the stack. A declared
``Content-Length`` above the limit is answered 413 at once: the app is never called and nothing of
the body is read. A body without one (chunked) is counted while the app reads it; the read that
crosses the limit raises :class:`BodyTooLarge` (an ``HTTPException``, so FastAPI's body parsing
passes it on unchanged and the problem handler answers 413), and the rest is never read. Either
way the route has not run, or has run only up to reading its body, so nothing is stored.

**Rate** (``KRAFTSAMLA_RATE_LIMIT_PER_SECOND`` with bursts of ``KRAFTSAMLA_RATE_LIMIT_BURST``;
0 per second turns it off) is a token bucket per authenticated principal (the API key's
``name``). It is a dependency, :func:`rate_limit`, that ``create_app`` adds to every route of the
service's router when it includes it, and which itself depends on :func:`auth.authenticate`. FastAPI
resolves a dependency once per request, so authentication still runs exactly once, before the
bucket is charged, and the bucket is keyed by the same principal the route sees, however the
caller authenticated (``X-API-Key`` or the Basic password). This was chosen over a middleware that
parses credentials itself: it cannot drift from ``auth``, and a request with no valid key is answered
401 by ``auth`` without growing the bucket table (which thus holds at most one bucket per key in the
key file). Health, readiness, ``/metrics`` and the OpenAPI documents are not in the service's router,
so they are never limited. Over the limit the answer is 429 problem details with ``Retry-After``
(whole seconds, at least 1) and ``RateLimit-Limit`` / ``RateLimit-Remaining`` / ``RateLimit-Reset``.

The buckets live in the process: with N replicas behind a load balancer a caller may make N times
the configured rate. Where that matters, limit at the ingress too (per key or per client address);
the ingress is also where floods of unauthenticated requests belong.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import Caller
from .errors import Kind, Problem, base_of, language_of, problem_response, said

DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024


# --------------------------------------------------------------------------------------- body size


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body read so far is larger than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            detail=f"The request body is larger than {limit} bytes.",
            headers={"Connection": "close"},
        )
        self.said = said("problem_detail_body_too_large", limit=limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """ASGI middleware: answers 413 problem details to a request body over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            Kind.PAYLOAD_TOO_LARGE,
            said("problem_detail_body_too_large", limit=self.max_bytes),
            language=language_of(Headers(scope=scope)),
            base=base_of(scope),
            instance=scope.get("path"),
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._too_large(scope, receive, send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            # Normally the problem handler has already answered; this covers a body read outside it.
            if started:
                raise
            await self._too_large(scope, receive, send)


# ------------------------------------------------------------------------------------------- rate


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class Verdict:
    """The outcome of charging one request to a bucket."""

    allowed: bool
    remaining: int
    retry_after: int
    """Whole seconds until one token is back (0 when allowed)."""
    reset: int
    """Whole seconds until the bucket is full again."""


class RateLimiter:
    """Token buckets by identity: ``rate`` tokens a second, at most ``burst`` saved up.

    One process's share only (see the module docstring). Not thread-safe; a service runs on one
    event loop."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def hit(self, identity: str) -> Verdict:
        now = self.clock()
        bucket = self._buckets.get(identity)
        if bucket is None:
            bucket = self._buckets[identity] = _Bucket(tokens=float(self.burst), updated=now)
        else:
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict(True, int(bucket.tokens), 0, self._seconds(self.burst - bucket.tokens))
        return Verdict(
            False, 0, max(1, self._seconds(1.0 - bucket.tokens)), self._seconds(self.burst - bucket.tokens)
        )

    def _seconds(self, tokens: float) -> int:
        return math.ceil(tokens / self.rate) if tokens > 0 else 0


def limiter_of(request: Request) -> RateLimiter | None:
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    return limiter


async def rate_limit(request: Request, principal: Caller) -> None:
    """Dependency: charge the request to its principal's bucket; 429 when it is empty."""
    limiter = limiter_of(request)
    if limiter is None or not limiter.enabled:
        return
    verdict = limiter.hit(principal.name)
    if verdict.allowed:
        return
    headers = {
        "Retry-After": str(verdict.retry_after),
        "RateLimit-Limit": str(limiter.burst),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(verdict.reset),
    }
    raise Problem(
        Kind.RATE_LIMITED,
        said(
            "problem_detail_rate_limited",
            name=principal.name,
            rate=f"{limiter.rate:g}",
            burst=limiter.burst,
            seconds=verdict.retry_after,
        ),
        headers=headers,
    )
