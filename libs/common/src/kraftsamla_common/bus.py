"""The NATS JetStream bus: broker set-up, streams, subscriptions with inbox, retry and dead letters.

Every subscription is a durable pull consumer with manual acknowledgement:

* a handler that succeeds commits its effect and its inbox row, then acks;
* a handler that fails is nacked with a growing delay (back-off) and redelivered;
* after ``max_deliver`` attempts, or at once for a message that cannot be parsed, the message
  is copied to the ``DEADLETTER`` stream (``deadletter.<consumer>.<kind of error>.<region>.<event
  type>``) with the error, and acked;
  ``python -m kraftsamla_common.deadletter`` lists them and replays them to their consumer.

Never FastStream's default (``REJECT_ON_ERROR``), which would drop a message on a passing
database error.

FastStream starts a handler task for every message of a fetched batch at once. Those tasks do not
each open a transaction (on SQLite they would queue for the one writer, on PostgreSQL for the
rows every event touches, such as a region's report-is-due mark): they hand their events to the
subscription's batcher, which applies everything waiting in one transaction, in delivery order,
one inbox row per event. If that transaction fails, each event of it is applied again in a
transaction of its own, so one bad message fails alone and the rest are not held back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from faststream import AckPolicy
from faststream.nats import JStream, NatsBroker, PullSub
from faststream.nats.annotations import NatsMessage
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from nats.js.api import ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError, ServerError, ServiceUnavailableError
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.trace import TracerProvider

from . import events, metrics
from .db import ALL_REGIONS, Database
from .events import DEADLETTER, Envelope, EventData, StreamSpec, service_of, stream_for
from .messaging import UnitOfWork, claim_inbox_many
from .settings import Settings
from .telemetry import event_id_var, region_var

log = logging.getLogger(__name__)


class EmptyFetchIsNoError(logging.Filter):
    """FastStream's pull consumer treats ``nats.errors.TimeoutError`` as "no message yet", but
    nats-py raises the plain ``asyncio.TimeoutError`` when a fetch's deadline runs out before its
    lingering request is sent. FastStream's supervisor then restarts the consumer task (nothing is
    lost) and logs it as an ERROR with a traceback, once per start. It is an empty fetch: logged at
    DEBUG, without the traceback. Any other failure of a consumer task stays an ERROR."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if type(exc) is TimeoutError and "retrying" in record.getMessage():
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            record.msg, record.args, record.exc_info, record.exc_text = (
                "a consumer's fetch found no message before its deadline; fetching again",
                None,
                None,
                None,
            )
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


class TaskCallbackIsDebug(logging.Filter):
    """FastStream's supervisor logs "callback for Task-N is being executed..." at INFO each time
    one of a subscriber's tasks ends: noise at INFO, kept at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and "is being executed" in record.getMessage():
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def _bus_logger(service: str) -> logging.Logger:
    logger = logging.getLogger(f"kraftsamla.{service}.bus")
    for kind in (EmptyFetchIsNoError, TaskCallbackIsDebug):
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
    return logger


Handler = Callable[[Envelope[Any], UnitOfWork], Awaitable[None]]

DUPLICATE_WINDOW_SECONDS = 600.0
"""The default of ``stream_duplicate_window_seconds``."""
REPLAY_FOR = "Kraftsamla-Replay-For"
"""Header of a replayed dead letter: the one consumer it is for (the one that failed it). The
replay goes to the event's subject, which other consumers read too; they acknowledge it without
handling it, so that none of them depends on still having the event's inbox row."""


@dataclass
class Subscription:
    event: type[EventData]
    handler: Handler
    name: str
    fetch: int | None = None
    """Messages fetched at a time (default ``consumer_batch_size``); 1 spreads long work items
    evenly over the service's replicas instead of one replica taking a whole burst."""


@dataclass
class Subscriptions:
    """A service's table of event handlers: the one place its subscriptions are listed."""

    items: list[Subscription] = field(default_factory=list)

    def on(self, event: type[EventData], *, fetch: int | None = None) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.items.append(Subscription(event=event, handler=handler, name=handler.__name__, fetch=fetch))
            return handler

        return register


def durable_name(service: str, sub: Subscription) -> str:
    return f"{service}-{sub.name}".replace("_", "-")


def stream_config(spec: StreamSpec, replicas: int = 1, settings: Settings | None = None) -> StreamConfig:
    """A stream as the services declare it: a service's own events kept ``stream_max_age_seconds``
    (and at most ``stream_max_bytes``), dead letters ``dead_letter_max_age_seconds``."""
    settings = settings or Settings()
    dead = spec.name == DEADLETTER.name
    return StreamConfig(
        name=spec.name,
        subjects=spec.subjects,
        storage=StorageType.FILE,
        duplicate_window=min(
            settings.stream_duplicate_window_seconds,
            settings.dead_letter_max_age_seconds if dead else settings.stream_max_age_seconds,
        ),
        max_age=settings.dead_letter_max_age_seconds if dead else settings.stream_max_age_seconds,
        max_bytes=-1 if dead else settings.stream_max_bytes,
        num_replicas=replicas,
    )


UNREADABLE = "unreadable"
"""The kind of error of a message that could not be parsed as an event."""
UNKNOWN = "unknown"


def dead_letter_subject(consumer: str, kind: str, original: str) -> str:
    """Where a dead letter is kept: ``deadletter.<consumer>.<kind of error>.<region>.<event type>``
    (the region and type from its subject ``s3.<region>.<event type>``), so that the stream's count
    per subject says how many wait by each, without reading them."""
    parts = original.split(".", 2)
    region, event_type = (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "s3" else (UNKNOWN, UNKNOWN)
    return f"deadletter.{consumer}.{kind}.{region}.{event_type}"


def parse_dead_letter_subject(subject: str) -> tuple[str, str, str, str]:
    """(consumer, kind of error, region, event type) of a dead letter's subject; those kept as
    ``deadletter.<consumer>`` (before they carried the rest) are of an unknown kind, region and type."""
    parts = subject.split(".", 4)
    if len(parts) == 5:
        return parts[1], parts[2], parts[3], parts[4]
    return parts[1] if len(parts) > 1 else UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN


@dataclass
class BusState:
    """What the metrics poller reads from JetStream for one service."""

    consumers: dict[str, dict[str, int]] = field(default_factory=dict)
    """durable consumer → pending (lag), ack_pending, redelivered."""
    dead_letters: dict[str, int] = field(default_factory=dict)
    """durable consumer → its messages in DEADLETTER."""
    dead_letter_detail: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    """(consumer, region, event type, kind of error) → messages in DEADLETTER."""
    streams: dict[str, tuple[int, int]] = field(default_factory=dict)
    """stream → (messages, bytes)."""


class Bus:
    """One service's connection to the bus."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        tracer_provider: TracerProvider | None = None,
        *,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.service = settings.service
        self.db = db
        self.on_commit = on_commit or (lambda: None)
        self.broker = NatsBroker(
            settings.nats_servers,
            # Spans only: FastStream's metrics are labelled by subject, which carries the region
            # (one series per region and event type); kraftsamla_common.metrics counts by type.
            middlewares=[
                NatsTelemetryMiddleware(tracer_provider=tracer_provider, meter_provider=NoOpMeterProvider())
            ],
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
            connect_timeout=5,
            graceful_timeout=15,
            logger=_bus_logger(self.service),
            # One line per message is noise at thousands of events a second; keep it for debugging.
            log_level=logging.DEBUG,
        )
        self.own_stream = stream_for(self.service)
        self.consumed_streams: set[str] = set()
        self.durables: dict[str, str] = {}
        """durable consumer → the stream it reads."""
        self.event_types: dict[str, str] = {}
        """durable consumer → the event type it handles."""
        """durable consumer name → the stream it reads."""
        self._tracer = trace.get_tracer("kraftsamla.bus", tracer_provider=tracer_provider)
        self._declared = False

    # ------------------------------------------------------------------ subscriptions

    def bind(self, subscriptions: Subscriptions) -> None:
        for sub in subscriptions.items:
            self._bind(sub)

    def _bind(self, sub: Subscription) -> None:
        batcher = _Batcher(self, sub, durable_name(self.service, sub))
        stream = stream_for(service_of(sub.event.event_type)).name
        self.consumed_streams.add(stream)
        durable = durable_name(self.service, sub)
        self.durables[durable] = stream
        self.event_types[durable] = sub.event.event_type
        config = ConsumerConfig(
            durable_name=durable,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.settings.ack_wait_seconds,
            # A safety net behind our own dead-lettering (which acts at max_deliver).
            max_deliver=self.settings.max_deliver + 2,
        )

        async def consume(msg: NatsMessage) -> None:
            await self._handle(batcher, durable, msg)

        consume.__name__ = sub.name
        self.broker.subscriber(
            f"s3.*.{sub.event.event_type}",
            stream=JStream(stream, declare=False),
            durable=durable,
            config=config,
            pull_sub=PullSub(batch_size=sub.fetch or self.settings.consumer_batch_size, timeout=1.0),
            ack_policy=AckPolicy.MANUAL,
            title=f"{durable}:{sub.event.event_type}",
            description=sub.event.description,
        )(consume)

    async def _handle(self, batcher: _Batcher, consumer: str, msg: NatsMessage) -> None:
        raw = msg.raw_message
        delivered = raw.metadata.num_delivered if raw.metadata else 1
        if delivered > 1:
            metrics.events_redelivered.add(1, {"consumer": consumer})
        replayed_for = (raw.headers or {}).get(REPLAY_FOR)
        if replayed_for is not None and replayed_for != consumer:
            # A dead letter replayed for another consumer of the same events: not ours to handle.
            metrics.events_consumed.add(
                1, {"consumer": consumer, "event_type": "unknown", "outcome": "not_ours"}
            )
            await msg.ack()
            return
        try:
            env = events.parse(msg.body)
        except Exception as exc:
            await self.dead_letter(msg, consumer, f"cannot parse event: {exc}", UNREADABLE)
            metrics.events_consumed.add(
                1, {"consumer": consumer, "event_type": "unknown", "outcome": "dead_lettered"}
            )
            return
        region_var.set(env.region)
        event_id_var.set(str(env.id))
        labels = {"consumer": consumer, "event_type": env.type}
        span = trace.get_current_span()
        span.set_attributes(
            {
                "kraftsamla.region": env.region,
                "kraftsamla.event_type": env.type,
                "kraftsamla.event_id": str(env.id),
                "messaging.consumer.group.name": consumer,
            }
        )
        heartbeat = asyncio.create_task(self._keep_alive(msg))
        started = time.perf_counter()
        try:
            emitted = await batcher.submit(env)
        except Exception as exc:
            heartbeat.cancel()
            metrics.handle_duration.record(time.perf_counter() - started, labels)
            if delivered >= self.settings.max_deliver:
                log.exception("%s: %s failed %d times; dead-lettered", consumer, env.id, delivered)
                await self.dead_letter(msg, consumer, repr(exc), type(exc).__name__)
                metrics.events_consumed.add(1, {**labels, "outcome": "dead_lettered"})
            else:
                metrics.events_consumed.add(1, {**labels, "outcome": "retried"})
                backoff = self.settings.backoff_seconds
                delay = backoff[min(delivered - 1, len(backoff) - 1)]
                log.warning(
                    "%s: %s failed (attempt %d): %r; retry in %ss", consumer, env.id, delivered, exc, delay
                )
                await msg.nack(delay=delay)
            return
        heartbeat.cancel()
        metrics.handle_duration.record(time.perf_counter() - started, labels)
        metrics.events_delay.record(
            max((events.utcnow() - env.time).total_seconds(), 0.0), {"region": env.region}
        )
        metrics.events_consumed.add(
            1, {**labels, "outcome": "processed" if emitted is not None else "duplicate"}
        )
        if emitted:
            self.on_commit()
        await msg.ack()

    async def _apply(self, sub: Subscription, consumer: str, batch: Sequence[_Pending]) -> list[bool | None]:
        """Run the handler for each event and record its inbox row, all in one transaction: for
        each, whether it emitted events, or None if it was a duplicate. The events of one batch
        are of one subscription; they may be of several regions (the transaction then works
        across regions, as a consumer of every region's events)."""
        regions = {p.env.region for p in batch}
        region = regions.pop() if len(regions) == 1 else ALL_REGIONS
        out: list[bool | None] = []
        async with self.db.session(region) as session, session.begin():
            fresh = await claim_inbox_many(session, consumer, [p.env.id for p in batch])
            for pending in batch:
                env = pending.env
                region_var.set(env.region)
                event_id_var.set(str(env.id))
                with self._tracer.start_as_current_span(
                    f"handle {env.type}",
                    context=pending.context,
                    attributes={
                        "kraftsamla.region": env.region,
                        "kraftsamla.event_type": env.type,
                        "kraftsamla.event_id": str(env.id),
                        "kraftsamla.consumer": consumer,
                        "kraftsamla.batch_size": len(batch),
                    },
                ):
                    if env.id not in fresh:
                        out.append(None)
                        continue
                    fresh.discard(env.id)  # the same event twice in one batch: once
                    uow = UnitOfWork(
                        session,
                        source=self.service,
                        region=env.region,
                        correlation_id=env.correlation_id,
                        causation_id=env.id,
                        settings=self.settings,
                    )
                    await sub.handler(env, uow)
                    await uow.flush()
                    out.append(bool(uow.emitted))
        return out

    async def _keep_alive(self, msg: NatsMessage) -> None:
        """Tell JetStream a slow handler is still working, so it is not redelivered meanwhile."""
        interval = max(self.settings.ack_wait_seconds / 3, 0.5)
        while True:
            await asyncio.sleep(interval)
            await msg.in_progress()

    async def dead_letter(self, msg: NatsMessage, consumer: str, error: str, kind: str) -> None:
        raw = msg.raw_message
        log.error("%s: message %s dead-lettered: %s", consumer, raw.subject, error[:300])
        headers = dict(raw.headers or {})
        # Once per consumer and message: by the event's own id where it has one (a stream's sequence
        # starts again when a stream is made anew), else by the stream's sequence.
        seq = raw.metadata.sequence.stream if raw.metadata else 0
        stream = raw.metadata.stream if raw.metadata else ""
        original = headers.get("Nats-Msg-Id") or f"{stream}:{seq}"
        headers.update(
            {
                "Nats-Msg-Id": f"{consumer}:{original}",
                "Kraftsamla-Error": error[:1000],
                "Kraftsamla-Error-Kind": kind,
                "Kraftsamla-Consumer": consumer,
                "Kraftsamla-Original-Subject": raw.subject,
            }
        )
        await self.broker.publish(
            msg.body,
            dead_letter_subject(consumer, kind, raw.subject),
            headers=headers,
            stream=DEADLETTER.name,
            timeout=10,
        )
        await msg.ack()
        metrics.events_dead_lettered.add(1, {"consumer": consumer})

    # ------------------------------------------------------------------ lifecycle

    async def declare(self) -> None:
        """Connect and declare this service's own stream and the dead letters' (once). A service
        does it first thing on start, before its migrations, so that services consuming its events
        find the stream as early as possible."""
        if self._declared:
            return
        await self.broker.connect()
        js = self.broker.connection.jetstream()
        await asyncio.gather(*(self._declare(js, spec) for spec in (self.own_stream, DEADLETTER)))
        self._declared = True

    async def start(self) -> None:
        """Declare (unless done), wait for the streams consumed, and start consuming."""
        await self.declare()
        await self._wait_for_streams(self.broker.connection.jetstream())
        await self.broker.start()

    async def _declare(self, js: Any, spec: StreamSpec, attempts: int = 10) -> None:
        """Create or update the stream; a passing server error (JetStream not yet ready, a deleted
        stream's store still being removed) is retried for a few seconds."""
        config = stream_config(spec, self.settings.stream_replicas, self.settings)
        for attempt in range(attempts):
            try:
                try:
                    await js.add_stream(config)
                except BadRequestError:
                    await js.update_stream(config)
                return
            except (ServerError, ServiceUnavailableError) as exc:
                if attempt == attempts - 1:
                    raise
                log.warning("declaring stream %s: %s; retrying", spec.name, exc)
                await asyncio.sleep(0.2 * (attempt + 1))

    async def _wait_for_streams(self, js: Any) -> None:
        """Consumers bind to streams their producers declare; wait for producers started later."""
        deadline = asyncio.get_running_loop().time() + self.settings.stream_wait_seconds
        for name in sorted(self.consumed_streams):
            waited = False
            while True:
                try:
                    await js.stream_info(name)
                    break
                except NotFoundError:
                    if asyncio.get_running_loop().time() > deadline:
                        raise RuntimeError(f"stream {name} does not exist; is its service running?") from None
                    if not waited:
                        log.info("waiting for stream %s", name)
                    waited = True
                    await asyncio.sleep(0.1)

    async def stop(self) -> None:
        await self.broker.stop()
        self._declared = False

    async def state(self) -> BusState:
        """Lag, unacknowledged and redelivered messages of each of this service's durable consumers,
        the dead letters waiting for each, by kind of error, region and event type (their subjects
        say so: one call counts them all), and the size of this service's stream and of the dead
        letters' (for the gauges in :mod:`kraftsamla_common.metrics`)."""
        js = self.broker.connection.jetstream()
        state = BusState()
        for durable, stream in self.durables.items():
            info = await js.consumer_info(stream, durable)
            state.consumers[durable] = {
                "pending": info.num_pending or 0,
                "ack_pending": info.num_ack_pending or 0,
                "redelivered": info.num_redelivered or 0,
            }
        dead = await js.stream_info(DEADLETTER.name, subjects_filter="deadletter.>")
        state.dead_letters = dict.fromkeys(self.durables, 0)
        for subject, n in (dead.state.subjects or {}).items():
            consumer, kind, region, event_type = parse_dead_letter_subject(subject)
            if consumer in state.dead_letters:
                state.dead_letters[consumer] += n
                key = (consumer, region, event_type, kind)
                state.dead_letter_detail[key] = state.dead_letter_detail.get(key, 0) + n
        own = await js.stream_info(self.own_stream.name)
        state.streams = {
            self.own_stream.name: (own.state.messages, own.state.bytes),
            DEADLETTER.name: (dead.state.messages, dead.state.bytes),
        }
        return state

    async def ping(self, timeout: float = 2.0) -> bool:
        """A round trip to JetStream (its account information) within ``timeout`` seconds.

        Not ``flush()`` (a PING): in nats-py 2.16 a flush that times out leaves its cancelled
        future waiting for the PONG, and the PONG arriving late stops the connection's read loop.
        A request that times out is forgotten cleanly, and this one also shows JetStream answers.
        """
        conn = getattr(self.broker, "_connection", None)
        if conn is None or not conn.is_connected:
            return False
        try:
            await conn.jetstream(timeout=timeout).account_info()
        except Exception:
            return False
        return True

    # ------------------------------------------------------------------ outbox relay

    async def publish_rows(self, rows: Sequence[Any]) -> None:
        """Publish outbox rows concurrently, each under the trace context stored with it."""
        stream = self.own_stream.name

        async def one(row: Any) -> None:
            token = otel_context.attach(propagate.extract(row.headers))
            try:
                with self._tracer.start_as_current_span(
                    f"outbox relay {row.type}",
                    kind=trace.SpanKind.INTERNAL,
                    attributes={
                        "kraftsamla.region": row.region,
                        "kraftsamla.event_type": row.type,
                        "kraftsamla.event_id": row.event_id,
                    },
                ):
                    await self.broker.publish(
                        row.payload,
                        row.subject,
                        stream=stream,
                        timeout=10,
                        headers={"Nats-Msg-Id": row.event_id, "Kraftsamla-Event-Type": row.type},
                    )
            finally:
                otel_context.detach(token)

        await asyncio.gather(*(one(r) for r in rows))
        for (event_type, region), n in Counter((r.type, r.region) for r in rows).items():
            metrics.events_published.add(n, {"event_type": event_type, "region": region})


@dataclass
class _Pending:
    env: Envelope[Any]
    context: otel_context.Context
    """The trace context of the message's delivery, so its handler span joins the sender's trace."""
    done: asyncio.Future[bool | None]


class _Batcher:
    """Collects the events a subscription's handler tasks submit and applies them together.

    Submissions made while a batch is being applied wait for the next one, so under load each
    transaction carries everything that arrived meanwhile (at most ``consumer_batch_size``),
    and a lone event is applied at once."""

    def __init__(self, bus: Bus, sub: Subscription, consumer: str) -> None:
        self.bus = bus
        self.sub = sub
        self.consumer = consumer
        self.limit = sub.fetch or bus.settings.consumer_batch_size
        self.waiting: list[_Pending] = []
        self.drain: asyncio.Task[None] | None = None

    async def submit(self, env: Envelope[Any]) -> bool | None:
        done: asyncio.Future[bool | None] = asyncio.get_running_loop().create_future()
        self.waiting.append(_Pending(env, otel_context.get_current(), done))
        if self.drain is None or self.drain.done():
            # Started now, it first runs after the other handler tasks of this fetch submitted.
            self.drain = asyncio.create_task(self._drain())
        return await done

    async def _drain(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting[: self.limit], self.waiting[self.limit :]
            await self._apply(batch)

    async def _apply(self, batch: list[_Pending]) -> None:
        try:
            results = await self.bus._apply(self.sub, self.consumer, batch)
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0].done, exc)
                return
            # One of them failed (or the database did): each again on its own, so only the
            # failing ones are retried and the others are not held back.
            for pending in batch:
                try:
                    (result,) = await self.bus._apply(self.sub, self.consumer, [pending])
                except Exception as one:
                    _settle(pending.done, one)
                else:
                    _settle(pending.done, result)
            return
        for pending, result in zip(batch, results, strict=True):
            _settle(pending.done, result)


def _settle(future: asyncio.Future[bool | None], outcome: bool | BaseException | None) -> None:
    if future.done():  # its handler task was cancelled (the service is stopping)
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
