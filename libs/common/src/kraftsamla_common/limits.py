"""Limits every service enforces: request body size, request rates and requests in flight.

**Body size** (``KRAFTSAMLA_MAX_BODY_BYTES``, default 16 MiB: a bulk intake of 1,000 applications
fits) is a pure ASGI middleware, :class:`BodyLimit`, just inside the rate limits. A declared
``Content-Length`` above the limit is answered 413 at once: the app is never called and nothing of
the body is read. A body without one (chunked) is counted while the app reads it; the read that
crosses the limit raises :class:`BodyTooLarge` (an ``HTTPException``, so FastAPI's body parsing
passes it on unchanged and the problem handler answers 413), and the rest is never read. Either
way the route has not run, or has run only up to reading its body, so nothing is stored.

**Rates** are token buckets: ``rate`` requests a second sustained, ``burst`` at once; 0 a second
turns a limit off. Each request is charged to

* its **identity** (the API key's name, ``user:<subject>`` of a person's token):
  ``KRAFTSAMLA_RATE_LIMIT_PER_SECOND`` / ``_BURST``, or the operator's own
  ``KRAFTSAMLA_RATE_LIMIT_OPERATOR_PER_SECOND`` / ``_BURST``;
* its caller's **region**, all callers of the region together (``KRAFTSAMLA_RATE_LIMIT_REGION_*``;
  the operator is not counted), so that one region's callers cannot take the whole service;
* without valid credentials, its **client address** instead (``KRAFTSAMLA_RATE_LIMIT_ADDRESS_*``):
  the connection's peer, or, from a proxy in ``KRAFTSAMLA_TRUSTED_PROXIES``, the address it forwards.

The buckets are **shared by every replica** of a service: they live in a NATS JetStream KV bucket
(:class:`NatsStore`, compare-and-set on the key's revision), and each process takes tokens from it
a batch at a time and spends them locally (:class:`Limiter`), so most requests make no round trip.
If the store does not answer, the limits fall back to each process's own buckets for a few seconds,
with a warning and a metric: they fail open across replicas, never closed.
docs/decisions/0019-rate-limits.md says why.

**Requests in progress** per region and process are shared fairly (:class:`Gate`): a region that
is the only one asking has ``KRAFTSAMLA_REGION_CONCURRENCY`` places; while others ask, one each,
with a pause after each request as long as it took, so that a region's burst takes at most half
of the process's time; up to ``KRAFTSAMLA_REGION_QUEUE`` wait, at most
``KRAFTSAMLA_REGION_QUEUE_SECONDS``.

All of it is one pure ASGI middleware, :class:`RateLimits`, outermost of the service's own: a
request over a limit is answered 429 problem details (kind ``rate-limited``) with ``Retry-After``
(whole seconds), ``RateLimit-Policy`` and ``RateLimit`` (draft-ietf-httpapi-ratelimit-headers)
before its body is read, authenticated or routed. To tell identities apart it checks the
credentials itself (:func:`identify`, the same key file and token keys as :mod:`auth`), and a
request whose credentials are not valid is counted by address; authentication still answers it
(401). Health, readiness, ``/metrics`` and the API's documents are never limited.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import math
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any, Protocol

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics
from .auth import ApiKeys, BearerTokens, Principal, Role
from .errors import Kind, Said, base_of, language_of, problem_response, said
from .settings import Settings

log = logging.getLogger(__name__)

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


# ------------------------------------------------------------------------------- rate: the buckets


@dataclass(frozen=True)
class Policy:
    """A token bucket's shape: ``rate`` tokens a second, at most ``burst`` saved up (rate 0: off)."""

    name: str
    rate: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    @property
    def window(self) -> int:
        """Whole seconds an empty bucket takes to fill (the ``w`` of ``RateLimit-Policy``)."""
        return max(1, math.ceil(self.burst / self.rate)) if self.enabled else 0

    @property
    def batch(self) -> int:
        """Tokens a process takes from the shared bucket at a time: a quarter second's worth, at most a
        fifth of the burst, at least one. The fewer, the more exact the sharing between replicas; the
        more, the fewer round trips to the store."""
        return max(1, min(self.burst // 5, math.ceil(self.rate / 4)))

    def header(self) -> str:
        """``RateLimit-Policy`` (draft-ietf-httpapi-ratelimit-headers): the burst over the refill time."""
        return f'"{self.name}";q={self.burst};w={self.window}'


@dataclass(frozen=True)
class Bucket:
    """A bucket as stored: its tokens at a moment (wall-clock seconds, shared by the replicas)."""

    tokens: float
    at: float

    def encode(self) -> bytes:
        return f"{self.tokens:.6f} {self.at:.6f}".encode()

    @classmethod
    def decode(cls, value: bytes | None) -> Bucket | None:
        try:
            tokens, at = (value or b"").split()
            return cls(float(tokens), float(at))
        except ValueError:
            return None


@dataclass(frozen=True)
class Grant:
    """What taking from a bucket gave: ``granted`` tokens (0 or more) and the bucket after."""

    granted: int
    bucket: Bucket
    retry_after: float
    """Seconds until one token is back (0 when some were granted)."""


def available(bucket: Bucket | None, now: float, policy: Policy) -> float:
    """The tokens in ``bucket`` at ``now``: refilled at the rate since it was stored, never above the
    burst; a bucket never stored (or expired) is full. A clock behind the bucket's adds nothing."""
    if bucket is None:
        return float(policy.burst)
    return min(float(policy.burst), bucket.tokens + max(0.0, now - bucket.at) * policy.rate)


def take(bucket: Bucket | None, now: float, policy: Policy, want: int) -> Grant:
    """Take up to ``want`` whole tokens from ``bucket`` at ``now`` (pure: the caller stores the result)."""
    tokens = available(bucket, now, policy)
    granted = max(0, min(want, math.floor(tokens + 1e-9)))
    tokens -= granted
    at = max(now, bucket.at) if bucket is not None else now
    retry = 0.0 if granted else (1.0 - tokens) / policy.rate
    return Grant(granted, Bucket(tokens, at), retry)


def whole_seconds(seconds: float) -> int:
    """Seconds as ``Retry-After`` says them: whole, rounded up, at least 1."""
    return max(1, math.ceil(seconds - 1e-9))


class StoreUnavailable(Exception):
    """The shared store cannot be asked now (not connected, or its bucket cannot be had)."""


class Store(Protocol):
    async def take(self, policy: Policy, key: str, want: int, now: float) -> Grant: ...


class LocalStore:
    """Buckets in this process: the fallback while the shared store is away, and the store of a
    process without one (unit tests)."""

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._buckets: dict[tuple[Policy, str], Bucket] = {}

    async def take(self, policy: Policy, key: str, want: int, now: float) -> Grant:
        return self.take_now(policy, key, want, now)

    def take_now(self, policy: Policy, key: str, want: int, now: float) -> Grant:
        if len(self._buckets) >= self.capacity:  # drop the buckets that have filled up again
            self._buckets = {
                (p, k): b for (p, k), b in self._buckets.items() if available(b, now, p) < p.burst
            }
        grant = take(self._buckets.get((policy, key)), now, policy, want)
        if grant.granted:
            self._buckets[(policy, key)] = grant.bucket
        return grant


BUCKET = "RATE_LIMITS"
"""The NATS KV bucket the services keep their rate-limit buckets in (stream ``KV_RATE_LIMITS``)."""


class NatsStore:
    """Token buckets in a NATS JetStream KV bucket, shared by every replica of every service.

    One key per service, limit and identity (``plans.identity.<sha-256>``); its value is the
    bucket (tokens and when). Taking is a compare-and-set on the key's revision: read (or use the
    revision this process wrote last), compute, ``update(last=revision)``; a replica that wrote in
    between makes the update fail and the take is done again on what it wrote. The KV bucket is in
    memory (rate-limit state is not worth a disk write) and drops keys untouched for ``ttl``."""

    def __init__(
        self, service: str, *, replicas: int = 1, ttl: float = 3600.0, max_bytes: int = 64 << 20
    ) -> None:
        self.service = service
        self.replicas = replicas
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.connection: Any = None
        """The service's NATS client (``nats.aio.client.Client``), set once the bus is connected."""
        self._kv: Any = None
        self._known: dict[str, tuple[int, Bucket]] = {}
        """KV key → the revision this process last wrote and what it wrote."""

    def key(self, policy: Policy, identity: str) -> str:
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        return f"{self.service}.{policy.name}.{digest}"

    async def open(self, timeout: float = 5.0) -> Any:
        """Bind to the KV bucket, creating it if it does not exist yet."""
        from nats.js.api import KeyValueConfig, StorageType
        from nats.js.errors import BadRequestError, BucketNotFoundError

        if self.connection is None or not self.connection.is_connected:
            raise StoreUnavailable("not connected to NATS")
        js = self.connection.jetstream(timeout=timeout)
        try:
            self._kv = await js.key_value(BUCKET)
        except BucketNotFoundError:
            config = KeyValueConfig(
                bucket=BUCKET,
                description="Rate limits of the Kraftsamla services: token buckets by service, limit and identity",
                history=1,
                ttl=self.ttl,
                max_bytes=self.max_bytes,
                storage=StorageType.MEMORY,
                replicas=self.replicas,
                direct=True,
            )
            try:
                self._kv = await js.create_key_value(config)
            except BadRequestError:  # another process created it meanwhile
                self._kv = await js.key_value(BUCKET)
        return self._kv

    async def take(self, policy: Policy, key: str, want: int, now: float) -> Grant:
        from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

        if self.connection is None or not self.connection.is_connected:
            raise StoreUnavailable("not connected to NATS")
        kv = self._kv or await self.open()
        name = self.key(policy, key)
        for _ in range(10):
            known = self._known.get(name)
            if known is None:
                try:
                    entry = await kv.get(name)
                    revision, bucket = entry.revision, Bucket.decode(entry.value)
                except KeyNotFoundError:
                    revision, bucket = 0, None
                except BaseException:
                    self._kv = None
                    raise
            else:
                revision, bucket = known
            grant = take(bucket, now, policy, want)
            if not grant.granted:
                # Nothing to write. What another replica wrote since this one's last write can only
                # have taken tokens, so a refusal on this process's own last write stands.
                return grant
            try:
                if revision:
                    written = await kv.update(name, grant.bucket.encode(), last=revision)
                else:
                    written = await kv.create(name, grant.bucket.encode())
            except KeyWrongLastSequenceError:
                self._known.pop(name, None)  # another replica wrote: read it and take again
                continue
            except BaseException:
                self._known.pop(name, None)
                self._kv = None  # bound again (created if it is gone) on the next take
                raise
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[name] = (written, grant.bucket)
            return grant
        raise StoreUnavailable(f"{name}: too many concurrent writers")


# ------------------------------------------------------------------ rate: this process's share


@dataclass(frozen=True)
class Verdict:
    """The outcome of charging one request to a limit."""

    allowed: bool
    policy: Policy
    retry_after: int = 0
    """Whole seconds until a request would be allowed again (0 when allowed)."""


ALLOWED = Verdict(True, Policy("off", 0, 1))


@dataclass
class _Lease:
    """Tokens this process has taken from a shared bucket and not yet spent, or a refusal it keeps
    until a token is due back."""

    tokens: int = 0
    until: float = 0.0
    refused_until: float = 0.0
    refilling: asyncio.Future[None] | None = None


class Limiter:
    """Charges requests to shared buckets, with a local lease in front of the store.

    A request spends a token of its bucket's lease in this process when one is left (no I/O); when
    none is, the process takes a batch (:attr:`Policy.batch`) from the store, one take per bucket
    at a time while other requests wait for it, and keeps the tokens for ``lease_seconds``
    (what is left then lapses: replicas never spend more than the bucket held, at worst a little
    less). A refusal is remembered until a token is due back, so a flood is answered from memory.

    If the store does not answer within ``timeout`` (NATS down, the KV bucket full), the limiter
    logs a warning, counts it (``kraftsamla_rate_limit_store_failures_total``) and for ``pause``
    seconds uses buckets of this process alone: the limit then holds per replica rather than
    across them, and requests are never refused or held up because the store is away."""

    def __init__(
        self,
        store: Store | None,
        *,
        clock: Callable[[], float] = time.time,
        lease_seconds: float = 1.0,
        timeout: float = 0.25,
        pause: float = 5.0,
    ) -> None:
        self.store = store
        self.local = LocalStore()
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.timeout = timeout
        self.pause = pause
        self.shared_paused_until = 0.0
        self._leases: dict[tuple[Policy, str], _Lease] = {}

    async def hit(self, policy: Policy, key: str) -> Verdict:
        if not policy.enabled:
            return ALLOWED
        lease = self._leases.get((policy, key))
        if lease is None:
            if len(self._leases) >= 50_000:
                self._prune(self.clock())
            lease = self._leases[(policy, key)] = _Lease()
        while True:
            now = self.clock()
            if lease.tokens > 0 and now < lease.until:
                lease.tokens -= 1
                return Verdict(True, policy)
            if now < lease.refused_until:
                return Verdict(False, policy, whole_seconds(lease.refused_until - now))
            if lease.refilling is not None:
                await asyncio.shield(lease.refilling)
                continue
            lease.refilling = asyncio.get_running_loop().create_future()
            try:
                grant = await self._take(policy, key, policy.batch, now)
            finally:
                lease.refilling.set_result(None)
                lease.refilling = None
            if grant.granted:
                lease.tokens, lease.until = grant.granted - 1, now + self.lease_seconds
                return Verdict(True, policy)
            lease.tokens, lease.refused_until = 0, now + grant.retry_after
            return Verdict(False, policy, whole_seconds(grant.retry_after))

    def give_back(self, policy: Policy, key: str) -> None:
        """Return the token a request took, when another limit refused it after all."""
        lease = self._leases.get((policy, key))
        if lease is not None and self.clock() < lease.until:
            lease.tokens += 1

    async def _take(self, policy: Policy, key: str, want: int, now: float) -> Grant:
        if self.store is not None and now >= self.shared_paused_until:
            try:
                return await asyncio.wait_for(self.store.take(policy, key, want, now), self.timeout)
            except Exception as exc:
                self.shared_paused_until = now + self.pause
                metrics.rate_limit_store_failures.add(1)
                log.warning(
                    "rate limits: the shared store did not answer (%s); each process limits on its own "
                    "for %g s",
                    type(exc).__name__ if isinstance(exc, TimeoutError) else repr(exc),
                    self.pause,
                )
        return self.local.take_now(policy, key, want, now)

    def _prune(self, now: float) -> None:
        self._leases = {
            k: v
            for k, v in self._leases.items()
            if v.refilling is not None or now < max(v.until, v.refused_until)
        }


# ------------------------------------------------------------------ requests in flight per region


@dataclass
class _Pool:
    active: int = 0
    waiting: deque[asyncio.Future[None]] = field(default_factory=deque)
    seen: float = 0.0
    """When a request of the pool last came or went (monotonic seconds)."""
    next_start: float = 0.0
    """While other regions ask: not before then does the pool's next request start."""
    timer: asyncio.TimerHandle | None = None


class Gate:
    """Requests in progress per pool (a region) in this process, shared fairly.

    A region that is the only one asking may have ``limit`` requests in progress at once. While
    other regions ask too (they have requests in progress or waiting, or had one within ``recent``
    seconds), each has one at a time, and starts its next only after a pause as long as its last
    one took (at most ``pace`` seconds): a region then takes at most half of the process's time,
    however fast it sends. An asyncio process interleaves everything in progress, so a request
    takes about as many times longer as there are others beside it: one region's burst, four at a
    time, made another region's reads five times as long; one at a time, twice; one at a time with
    the pauses, hardly longer (bench/fairness.py). Up to ``queue`` requests of a region wait, first
    come first served, at most ``wait`` seconds each; more are refused. Requests without valid
    credentials (pool ``""``) have places of their own and neither yield nor make regions yield.
    Limit 0: no gate."""

    def __init__(
        self,
        limit: int,
        queue: int,
        wait: float,
        *,
        recent: float = 1.0,
        pace: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.queue = queue
        self.wait = wait
        self.recent = recent
        self.pace = pace
        self.clock = clock
        self._pools: dict[str, _Pool] = {}

    def active(self, pool: str) -> int:
        p = self._pools.get(pool)
        return p.active if p is not None else 0

    def others(self, pool: str, now: float) -> int:
        """How many other regions are asking now (none for requests without credentials)."""
        if not pool:
            return 0
        return sum(
            1
            for name, other in self._pools.items()
            if name and name != pool and (other.active or other.waiting or now - other.seen < self.recent)
        )

    def places(self, pool: str, now: float) -> int:
        """How many requests of ``pool`` may be in progress now."""
        return 1 if self.others(pool, now) else self.limit

    def _may_start(self, pool: str, p: _Pool, now: float) -> bool:
        return p.active < self.places(pool, now) and now >= p.next_start

    async def enter(self, pool: str) -> bool:
        """Whether the request may go on; if so, it must :meth:`leave` when done."""
        if self.limit <= 0:
            return True
        now = self.clock()
        if len(self._pools) > 64:
            self._prune(now)
        p = self._pools.get(pool)
        if p is None:
            p = self._pools[pool] = _Pool()
        p.seen = now
        if not p.waiting and self._may_start(pool, p, now):
            p.active += 1
            return True
        if len(p.waiting) >= self.queue or self.wait <= 0:
            return False
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        p.waiting.append(turn)
        self._dispatch(pool)
        try:
            await asyncio.wait_for(turn, self.wait)
            return True
        except TimeoutError:
            if turn.done() and not turn.cancelled():
                return True  # handed a place as the wait ran out
            with contextlib.suppress(ValueError):
                p.waiting.remove(turn)
            return False
        except BaseException:  # the client went away while it waited
            if turn.done() and not turn.cancelled():
                self.leave(pool, 0.0)
            else:
                with contextlib.suppress(ValueError):
                    p.waiting.remove(turn)
            raise

    def leave(self, pool: str, took: float) -> None:
        """A request of ``pool`` that was in progress for ``took`` seconds is done."""
        if self.limit <= 0:
            return
        now = self.clock()
        p = self._pools[pool]
        p.active -= 1
        p.seen = now
        p.next_start = now + min(self.pace, took) if self.others(pool, now) else now
        self._dispatch(pool)

    def _dispatch(self, pool: str) -> None:
        """Start the pool's waiting requests that may start now; wake it again when its pause ends."""
        p = self._pools.get(pool)
        if p is None:
            return
        now = self.clock()
        while p.waiting and p.active < self.places(pool, now):
            if now < p.next_start:
                if p.timer is None:
                    p.timer = asyncio.get_running_loop().call_later(p.next_start - now, self._wake, pool)
                return
            turn = p.waiting.popleft()
            if not turn.done():
                p.active += 1
                turn.set_result(None)  # the next in line goes on

    def _wake(self, pool: str) -> None:
        p = self._pools.get(pool)
        if p is not None:
            p.timer = None
            self._dispatch(pool)

    def _prune(self, now: float) -> None:
        self._pools = {
            name: p
            for name, p in self._pools.items()
            if p.active or p.waiting or p.timer or now - p.seen < self.recent
        }


# ------------------------------------------------------------------ who asks, from where


def _networks(items: Iterable[str]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(item, strict=False) for item in items)


def _address(text: str) -> IPv4Address | IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(scope: Scope, proxies: tuple[IPv4Network | IPv6Network, ...]) -> str:
    """Who a request comes from, as a limit counts it: the connection's peer; when the peer is one
    of the trusted ``proxies``, the nearest address in ``X-Forwarded-For`` that is not one of them
    (read from the right: the entries to the left of an untrusted one are the client's to write).
    An IPv6 address counts as its /64, the block one subscriber usually holds."""
    peer = (scope.get("client") or ("", 0))[0] or ""
    address = _address(peer)
    if address is None:
        return peer or "unknown"
    if proxies and any(address in net for net in proxies):
        forwarded: list[str] = []
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-for":
                forwarded += value.decode("latin-1").split(",")
        for hop in reversed(forwarded):
            parsed = _address(hop)
            if parsed is None:
                break
            address = parsed
            if not any(parsed in net for net in proxies):
                break
    if isinstance(address, IPv6Address):
        return str(ip_network(f"{address}/64", strict=False))
    return str(address)


def _credentials(scope: Scope) -> tuple[str | None, str | None]:
    """The API key (``X-API-Key``, else the Basic password) and the bearer token of a request."""
    key = basic = bearer = None
    for name, value in scope.get("headers", ()):
        if name == b"x-api-key":
            key = value.decode("latin-1")
        elif name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                bearer = credentials.strip()
            elif scheme.lower() == "basic":
                try:
                    basic = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")[2]
                except (ValueError, UnicodeDecodeError):
                    basic = None
    return key or basic or None, bearer or None


async def identify(scope: Scope, keys: ApiKeys, tokens: BearerTokens | None) -> Principal | None:
    """The identity a request's credentials prove, as :func:`auth.authenticate` finds it (an API
    key first, else a bearer token), or None: no credentials, or ones that are not valid. It is
    only the limits' question, before anything else; authentication still answers the request."""
    found = scope.get("state", {}).get("principal")  # authenticated already, further out
    if isinstance(found, Principal):
        return found
    key, bearer = _credentials(scope)
    try:
        if key:
            return keys.lookup(key)
        if bearer and tokens is not None and tokens.configured:
            return await tokens.verified(bearer)
    except Exception:
        return None
    return None


# ------------------------------------------------------------------ the middleware


_REGION_IN_PATH = re.compile(r"/regions/([^/]+)")


@dataclass(frozen=True)
class Refusal:
    """Why a request is answered 429, and when to come back."""

    limit: str
    """The limit that refused it: identity, operator, region, address or in_flight."""
    detail: Said
    retry_after: int
    policy: Policy | None = None

    def headers(self) -> dict[str, str]:
        headers = {"Retry-After": str(self.retry_after)}
        if self.policy is not None:
            headers["RateLimit-Policy"] = self.policy.header()
            headers["RateLimit"] = f'"{self.policy.name}";r=0;t={self.retry_after}'
        return headers


class Limits:
    """The limits of one service process: the shared buckets (per identity, region and address),
    the gate of requests in flight per region, and what a request is counted as."""

    def __init__(
        self,
        settings: Settings,
        keys: ApiKeys,
        tokens: BearerTokens | None,
        *,
        store: Store | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        service = settings.service
        self.identity = Policy("identity", settings.rate_limit_per_second, settings.rate_limit_burst)
        self.operator = Policy(
            "operator", settings.rate_limit_operator_per_second, settings.rate_limit_operator_burst
        )
        self.region = Policy(
            "region", settings.rate_limit_region_per_second, settings.rate_limit_region_burst
        )
        self.address = Policy(
            "address", settings.rate_limit_address_per_second, settings.rate_limit_address_burst
        )
        self.proxies = _networks(settings.trusted_proxies)
        self.keys = keys
        self.tokens = tokens
        if store is None:
            windows = [p.window for p in (self.identity, self.operator, self.region, self.address)]
            store = NatsStore(service, replicas=settings.stream_replicas, ttl=max(300.0, 2.0 * max(windows)))
        self.store = store
        self.limiter = Limiter(store, clock=clock)
        self.gate = Gate(settings.region_concurrency, settings.region_queue, settings.region_queue_seconds)
        self.exempt = frozenset(
            f"{prefix}/{name}"
            for prefix in ("", f"/{service}")
            for name in ("healthz", "readyz", "metrics", "openapi.json")
        )
        self.docs = f"/{service}/docs"

    async def start(self, connection: Any) -> None:
        """Use the service's NATS connection for the shared store (once the bus is connected). A
        store that cannot be opened now is opened on first use; until then the limits are local."""
        if isinstance(self.store, NatsStore):
            self.store.connection = connection
            try:
                await self.store.open()
            except Exception as exc:
                log.warning("rate limits: the KV bucket %s could not be opened yet: %r", BUCKET, exc)

    def applies(self, path: str) -> bool:
        """Health, readiness, metrics and the API's documents are never limited."""
        return path not in self.exempt and not (path == self.docs or path.startswith(self.docs + "/"))

    async def admit(self, scope: Scope) -> Admission:
        """Charge a request to its buckets: the pool it counts in (its region, ``*`` for the
        operator outside any region, ``""`` without valid credentials), or why it is refused."""
        principal = await identify(scope, self.keys, self.tokens)
        if principal is None:
            address = client_address(scope, self.proxies)
            verdict = await self.limiter.hit(self.address, address)
            if verdict.allowed:
                return Admission("", charged=((self.address, address),))
            return Admission("", self._refusal(verdict, "problem_detail_rate_limited_address"))
        operator = principal.role is Role.OPERATOR
        if operator:
            m = _REGION_IN_PATH.search(scope.get("path", ""))
            pool = m.group(1) if m else "*"
        else:
            pool = principal.region
        policy = self.operator if operator else self.identity
        verdict = await self.limiter.hit(policy, principal.name)
        if not verdict.allowed:
            return Admission(pool, self._refusal(verdict, "problem_detail_rate_limited", name=principal.name))
        charged: tuple[tuple[Policy, str], ...] = ((policy, principal.name),)
        if not operator:
            verdict = await self.limiter.hit(self.region, pool)
            if not verdict.allowed:
                self.limiter.give_back(policy, principal.name)
                return Admission(
                    pool, self._refusal(verdict, "problem_detail_rate_limited_region", region=pool)
                )
            charged += ((self.region, pool),)
        return Admission(pool, charged=charged)

    def _refusal(self, verdict: Verdict, key: str, **names: object) -> Refusal:
        policy = verdict.policy
        detail = said(key, **names, rate=f"{policy.rate:g}", burst=policy.burst, seconds=verdict.retry_after)
        return Refusal(policy.name, detail, verdict.retry_after, policy)

    def busy(self, admission: Admission) -> Refusal:
        """The answer to a request that found no place among its region's: it is not counted."""
        for policy, key in admission.charged:
            self.limiter.give_back(policy, key)
        pool = admission.pool
        if pool:
            return Refusal("in_flight", said("problem_detail_region_busy", region=pool, seconds=1), 1)
        return Refusal("in_flight", said("problem_detail_unauthenticated_busy", seconds=1), 1)


@dataclass(frozen=True)
class Admission:
    """Where a request counts (its pool) and what it was charged, or why it is refused."""

    pool: str
    refusal: Refusal | None = None
    charged: tuple[tuple[Policy, str], ...] = ()


class RateLimits:
    """ASGI middleware: the limits, before anything else of a request is done.

    Outermost of the service's own middleware, so a request over a limit is answered 429 before
    its body is read, authenticated or routed. It charges the request to its identity's and its
    region's buckets (without valid credentials: its client address's), then waits for a place
    among its region's requests in flight, and holds it until the response is sent."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limits.applies(scope["path"]):
            await self.app(scope, receive, send)
            return
        admission = await self.limits.admit(scope)
        refusal = admission.refusal
        if refusal is None:
            gate, pool = self.limits.gate, admission.pool
            if await gate.enter(pool):
                started = time.monotonic()
                try:
                    await self.app(scope, receive, send)
                finally:
                    gate.leave(pool, time.monotonic() - started)
                return
            refusal = self.limits.busy(admission)
        metrics.requests_limited.add(1, {"limit": refusal.limit})
        response = problem_response(
            Kind.RATE_LIMITED,
            refusal.detail,
            language=language_of(Headers(scope=scope)),
            base=base_of(scope),
            instance=scope.get("path"),
            headers=refusal.headers(),
        )
        await response(scope, receive, send)
