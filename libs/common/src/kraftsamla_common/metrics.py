"""The platform's own metrics, one set per process (names as Prometheus shows them in brackets).

Counters and histograms are recorded where the work happens; the gauges read a snapshot that the
service's metrics poller refreshes from JetStream and the outbox (:func:`poll`). The instruments
are created on the global meter, so they report through whichever provider
:func:`kraftsamla_common.telemetry.setup` installs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

if TYPE_CHECKING:
    from .service import ServiceContext

log = logging.getLogger(__name__)

SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0]
SIZES = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000]

meter = metrics.get_meter("kraftsamla")

events_published = meter.create_counter(
    "kraftsamla.events.published",
    unit="{event}",
    description="Events published from the outbox to JetStream, by event type and region "
    "[kraftsamla_events_published_total].",
)
events_consumed = meter.create_counter(
    "kraftsamla.events.consumed",
    unit="{event}",
    description="Deliveries handled by a durable consumer, by event type, consumer and outcome "
    "(processed, duplicate, retried, dead_lettered) [kraftsamla_events_consumed_total].",
)
handle_duration = meter.create_histogram(
    "kraftsamla.events.handle.duration",
    unit="s",
    description="Time a consumer's handler takes, including its transaction "
    "[kraftsamla_events_handle_duration_seconds].",
    explicit_bucket_boundaries_advisory=SECONDS,
)
events_delay = meter.create_histogram(
    "kraftsamla.events.delay",
    unit="s",
    description="From an event's time to its handling by a consumer, by region: how far behind the "
    "consumers of a service are for each region [kraftsamla_events_delay_seconds].",
    explicit_bucket_boundaries_advisory=SECONDS,
)
events_redelivered = meter.create_counter(
    "kraftsamla.events.redelivered",
    unit="{event}",
    description="Deliveries that were not the first of their message, by consumer "
    "[kraftsamla_events_redelivered_total].",
)
events_dead_lettered = meter.create_counter(
    "kraftsamla.events.dead_lettered",
    unit="{event}",
    description="Messages moved to the DEADLETTER stream, by consumer [kraftsamla_events_dead_lettered_total].",
)
retention_pruned = meter.create_counter(
    "kraftsamla.retention.pruned",
    unit="{row}",
    description="Rows the retention job deleted as past their retention, by table "
    "[kraftsamla_retention_pruned_total].",
)
reassessment_duration = meter.create_histogram(
    "kraftsamla.reassessment.duration",
    unit="s",
    description="From a plan or rubric change to the last application reassessed, by region "
    "[kraftsamla_reassessment_duration_seconds].",
    explicit_bucket_boundaries_advisory=SECONDS,
)
reassessment_applications = meter.create_histogram(
    "kraftsamla.reassessment.applications",
    unit="{application}",
    description="Applications a reassessment assessed, by region [kraftsamla_reassessment_applications].",
    explicit_bucket_boundaries_advisory=SIZES,
)
applications_assessed = meter.create_counter(
    "kraftsamla.applications.assessed",
    unit="{application}",
    description="Assessments made, by region and trigger (intake, revision, reassessment) "
    "[kraftsamla_applications_assessed_total].",
)
report_duration = meter.create_histogram(
    "kraftsamla.report.generation.duration",
    unit="s",
    description="Time to build, render and store one report version, by region "
    "[kraftsamla_report_generation_duration_seconds].",
    explicit_bucket_boundaries_advisory=SECONDS,
)
publish_to_report = meter.create_histogram(
    "kraftsamla.report.publish_to_report",
    unit="s",
    description="From an action plan version's publication to the first report that names it with "
    "every application assessed against it, by region [kraftsamla_report_publish_to_report_seconds].",
    explicit_bucket_boundaries_advisory=SECONDS,
)
webhook_deliveries = meter.create_counter(
    "kraftsamla.webhook.deliveries",
    unit="{attempt}",
    description="Webhook delivery attempts, by region, endpoint (the URL's host) and outcome "
    "(delivered, retry, failed: given up after every retry) [kraftsamla_webhook_deliveries_total].",
)


requests_limited = meter.create_counter(
    "kraftsamla.requests.limited",
    unit="{request}",
    description="Requests answered 429 by the limits, by the limit that refused them (identity, "
    "operator, region, address, in_flight) [kraftsamla_requests_limited_total].",
)
rate_limit_store_failures = meter.create_counter(
    "kraftsamla.rate_limit.store_failures",
    unit="{failure}",
    description="Times the shared rate-limit store (NATS KV) did not answer; the process then limits "
    "on its own for a few seconds [kraftsamla_rate_limit_store_failures_total].",
)


WEBHOOK_OUTCOMES = ("delivered", "retry", "failed")
CONSUMED_OUTCOMES = ("processed", "duplicate", "retried", "dead_lettered")
LIMITS = ("identity", "operator", "region", "address", "in_flight")
"""The limits that answer 429 (``kraftsamla_common.limits``)."""


def initialise(consumers: Mapping[str, str]) -> None:
    """Every counter at 0 for the label sets known at start (this service's durable consumers with
    the event type each handles, the limits), so that its series exist, and
    ``increase()`` sees the first event, before anything has happened. Call after
    :func:`kraftsamla_common.telemetry.setup`."""
    for consumer, event_type in consumers.items():
        events_redelivered.add(0, {"consumer": consumer})
        events_dead_lettered.add(0, {"consumer": consumer})
        for outcome in CONSUMED_OUTCOMES:
            events_consumed.add(0, {"consumer": consumer, "event_type": event_type, "outcome": outcome})
    for limit in LIMITS:
        requests_limited.add(0, {"limit": limit})
    rate_limit_store_failures.add(0)


def initialise_webhooks(endpoints: Iterable[tuple[str, str]]) -> None:
    """Every delivery outcome at 0 for each (region, endpoint), as a webhook is registered and for
    those registered when the service starts, so that a given-up delivery is seen from the first."""
    for region, endpoint in endpoints:
        for outcome in WEBHOOK_OUTCOMES:
            webhook_deliveries.add(0, {"region": region, "endpoint": endpoint, "outcome": outcome})


@dataclass
class Snapshot:
    """The latest polled values behind the gauges."""

    consumers: dict[str, dict[str, int]] = field(default_factory=dict)
    """durable consumer → pending (lag), ack_pending, redelivered (now awaiting redelivery)."""
    dead_letters: dict[str, int] = field(default_factory=dict)
    """durable consumer → messages stored in DEADLETTER for it."""
    dead_letter_detail: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    """(consumer, region, event type, kind of error) → messages stored in DEADLETTER."""
    streams: dict[str, tuple[int, int]] = field(default_factory=dict)
    """stream → (messages, bytes)."""
    report_stale: dict[str, float] = field(default_factory=dict)
    """region → seconds its latest report has lagged behind what it should show (reporting only)."""
    outbox_backlog: int | None = None
    outbox_oldest_age: float | None = None


snapshot = Snapshot()


def _consumer_gauge(key: str) -> Any:
    def observe(_: CallbackOptions) -> Iterable[Observation]:
        return [Observation(v[key], {"consumer": c}) for c, v in snapshot.consumers.items()]

    return observe


meter.create_observable_gauge(
    "kraftsamla.consumer.pending",
    [_consumer_gauge("pending")],
    unit="{message}",
    description="Consumer lag: messages in the stream not yet delivered to the durable consumer "
    "[kraftsamla_consumer_pending].",
)
meter.create_observable_gauge(
    "kraftsamla.consumer.ack_pending",
    [_consumer_gauge("ack_pending")],
    unit="{message}",
    description="Messages delivered and not yet acknowledged [kraftsamla_consumer_ack_pending].",
)
meter.create_observable_gauge(
    "kraftsamla.consumer.redelivered",
    [_consumer_gauge("redelivered")],
    unit="{message}",
    description="Messages delivered more than once and not yet acknowledged [kraftsamla_consumer_redelivered].",
)
meter.create_observable_gauge(
    "kraftsamla.deadletter.messages",
    [lambda _: [Observation(n, {"consumer": c}) for c, n in snapshot.dead_letters.items()]],
    unit="{message}",
    description="Messages waiting in the DEADLETTER stream, by consumer [kraftsamla_deadletter_messages].",
)
meter.create_observable_gauge(
    "kraftsamla.deadletter.waiting",
    [
        lambda _: [
            Observation(n, {"consumer": c, "region": r, "event_type": t, "error": e})
            for (c, r, t, e), n in snapshot.dead_letter_detail.items()
        ]
    ],
    unit="{message}",
    description="Messages waiting in the DEADLETTER stream by consumer, region, event type and kind of "
    "error (the exception's class, or unreadable) [kraftsamla_deadletter_waiting].",
)
meter.create_observable_gauge(
    "kraftsamla.stream.messages",
    [lambda _: [Observation(m, {"stream": name}) for name, (m, _b) in snapshot.streams.items()]],
    unit="{message}",
    description="Messages stored in a JetStream stream: the service's own and DEADLETTER "
    "[kraftsamla_stream_messages].",
)
meter.create_observable_gauge(
    "kraftsamla.stream.size",
    [lambda _: [Observation(b, {"stream": name}) for name, (_m, b) in snapshot.streams.items()]],
    unit="By",
    description="Bytes stored in a JetStream stream: the service's own and DEADLETTER [kraftsamla_stream_size_bytes].",
)
meter.create_observable_gauge(
    "kraftsamla.report.stale",
    [lambda _: [Observation(v, {"region": r}) for r, v in snapshot.report_stale.items()]],
    unit="s",
    description="How long a region's latest report has lagged behind what it should show (a change "
    "not yet in a report, or a published plan version not yet applied to every application); 0 "
    "when current. Reported by the reporting service [kraftsamla_report_stale_seconds].",
)
meter.create_observable_gauge(
    "kraftsamla.outbox.backlog",
    [lambda _: [Observation(snapshot.outbox_backlog)] if snapshot.outbox_backlog is not None else []],
    unit="{row}",
    description="Outbox rows committed and not yet published [kraftsamla_outbox_backlog].",
)
meter.create_observable_gauge(
    "kraftsamla.outbox.oldest_age",
    [lambda _: [Observation(snapshot.outbox_oldest_age)] if snapshot.outbox_oldest_age is not None else []],
    unit="s",
    description="Age of the oldest unpublished outbox row, 0 when empty [kraftsamla_outbox_oldest_age_seconds].",
)


async def refresh(ctx: ServiceContext) -> None:
    """Read the outbox backlog and this service's consumers and dead letters once."""
    from .events import utcnow

    count, oldest = await ctx.relay.backlog()
    snapshot.outbox_backlog = count
    snapshot.outbox_oldest_age = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
    state = await ctx.bus.state()
    snapshot.consumers.update(state.consumers)
    snapshot.dead_letters.update(state.dead_letters)
    # Several services may share one process (tests): replace only this service's consumers' rows.
    for key in [k for k in snapshot.dead_letter_detail if k[0] in state.dead_letters]:
        del snapshot.dead_letter_detail[key]
    snapshot.dead_letter_detail.update(state.dead_letter_detail)
    snapshot.streams.update(state.streams)


async def poll(ctx: ServiceContext) -> None:
    """Refresh the gauges every ``metrics_poll_seconds`` until cancelled."""
    while True:
        reading = asyncio.ensure_future(refresh(ctx))
        try:
            # A stop arriving mid-reading lets the reading finish: a database call cut off half-way
            # would leave its connection behind for the shutdown to wait on.
            await asyncio.shield(reading)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await reading
            raise
        except Exception as exc:  # the bus or database away: the gauges keep their last values
            log.debug("metrics poll: %r", exc)
        await asyncio.sleep(ctx.settings.metrics_poll_seconds)
