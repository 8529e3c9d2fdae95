"""OpenTelemetry for every service: traces, metrics and logs, configured by the standard ``OTEL_*``
variables.

* **Traces**: HTTP (FastAPI), database (SQLAlchemy), NATS publish and consume (FastStream, with
  W3C trace context in the message headers), the outbox relay (the context is stored with the
  row) and webhook deliveries (httpx). Sampling: ``OTEL_TRACES_SAMPLER`` and
  ``OTEL_TRACES_SAMPLER_ARG`` (default ``parentbased_always_on``).
* **Metrics**: the instruments in :mod:`kraftsamla_common.metrics` plus HTTP, database-pool and
  messaging metrics of the instrumentations; read by a Prometheus scrape (``GET /metrics`` on the
  service's port) and, when an OTLP endpoint is set, pushed every ``OTEL_METRIC_EXPORT_INTERVAL``.
* **Logs**: JSON lines on stderr with the trace and span ids, the region and the event id
  (:func:`configure_logging`); with an OTLP endpoint, also exported as OTLP log records.

OTLP/HTTP export is on when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or the signal's own
``OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT``) is set, unless ``OTEL_<SIGNAL>_EXPORTER`` says ``none``;
``console`` prints the signal on stdout.
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# HTTP spans and metrics after the stable semantic conventions (http.server.request.duration in
# seconds, http.route, http.response.status_code), read when the first instrumentor is built.
os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http")

from opentelemetry import metrics as otel_metrics
from opentelemetry import trace
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

PROMETHEUS_CONTENT_TYPE = CONTENT_TYPE_LATEST

region_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("kraftsamla_region", default=None)
"""The region a request or an event handler works for (logged with every line)."""
event_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("kraftsamla_event_id", default=None)
"""The event a handler is handling (logged with every line)."""


@dataclass
class Telemetry:
    """The process's providers and its Prometheus registry."""

    service: str
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    registry: CollectorRegistry
    logger_provider: Any | None = None
    pushing: list[MetricReader] = field(default_factory=list)
    """The readers that send metrics somewhere (OTLP, the console); not Prometheus's, which is read."""

    def scrape(self) -> bytes:
        """The Prometheus text exposition of every metric of this process."""
        return generate_latest(self.registry)


_telemetry: Telemetry | None = None


class Labelled(Collector):
    """prometheus_client's own collectors with constant labels added to every sample."""

    def __init__(self, collectors: list[Collector], labels: dict[str, str]) -> None:
        self.collectors = collectors
        self.labels = labels

    def collect(self) -> Iterable[Metric]:
        for collector in self.collectors:
            for family in collector.collect():
                family.samples = [s._replace(labels={**s.labels, **self.labels}) for s in family.samples]
                yield family


def _exporters(signal: str) -> list[str]:
    """``OTEL_<SIGNAL>_EXPORTER`` as a list; ``otlp`` only where an endpoint is configured."""
    names = [n.strip() for n in os.environ.get(f"OTEL_{signal}_EXPORTER", "otlp").split(",") if n.strip()]
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
        f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"
    )
    return [n for n in names if n != "none" and (n != "otlp" or endpoint)]


def setup(service: str, *, extra_processor: SpanProcessor | None = None) -> Telemetry:
    """Install the process's tracer, meter and logger providers once and return them."""
    global _telemetry
    if _telemetry is None:
        resource = Resource.create(
            {
                "service.name": os.environ.get("OTEL_SERVICE_NAME") or f"kraftsamla-{service}",
                "service.namespace": "kraftsamla",
            }
        )
        # The sampler comes from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG.
        tracer_provider = TracerProvider(resource=resource)
        for name in _exporters("TRACES"):
            if name == "otlp":
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

                tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            elif name == "console":
                tracer_provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
        trace.set_tracer_provider(tracer_provider)

        registry = CollectorRegistry(auto_describe=True)
        # process_*, python_* and python_gc_* with the same service_name label as the other series.
        registry.register(
            Labelled(
                [
                    kind(registry=CollectorRegistry())
                    for kind in (ProcessCollector, PlatformCollector, GCCollector)
                ],
                {"service_name": str(resource.attributes["service.name"])},
            )
        )
        readers: list[MetricReader] = [
            # service.name becomes a label of every scraped series, as it does through OTLP.
            PrometheusMetricReader(
                resource_attribute_filter=lambda key: key == "service.name", registry=registry
            )
        ]
        for name in _exporters("METRICS"):
            if name == "otlp":
                from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

                readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
            elif name == "console":
                readers.append(PeriodicExportingMetricReader(ConsoleMetricExporter()))
        meter_provider = MeterProvider(resource=resource, metric_readers=readers)
        otel_metrics.set_meter_provider(meter_provider)

        logger_provider = None
        if "otlp" in _exporters("LOGS"):
            from opentelemetry._logs import set_logger_provider
            from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
            from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
            from opentelemetry.sdk._logs.export import BatchLogRecordProcessor

            logger_provider = LoggerProvider(resource=resource)
            logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
            set_logger_provider(logger_provider)
            handler = LoggingHandler(logger_provider=logger_provider)
            handler.addFilter(ContextFilter())
            logging.getLogger().addHandler(handler)
        _telemetry = Telemetry(
            service, tracer_provider, meter_provider, registry, logger_provider, readers[1:]
        )
    if extra_processor is not None:
        _telemetry.tracer_provider.add_span_processor(extra_processor)
    return _telemetry


def shutdown() -> None:
    """Send what is buffered (spans, the last metric values, log records)."""
    if _telemetry is None:
        return
    _telemetry.tracer_provider.force_flush()
    # Only the readers that push: flushing Prometheus's reader (as the provider's own force_flush
    # does) queues a collection that nobody reads until the next scrape, which then repeats every
    # series once per queued collection — in a process that stopped services many times, millions
    # of lines and gigabytes.
    for reader in _telemetry.pushing:
        reader.force_flush()
    if _telemetry.logger_provider is not None:
        _telemetry.logger_provider.force_flush()


_db_connections: Any = None


def instrument_engine(engine: Any) -> None:
    """Trace every statement of a (sync) SQLAlchemy engine and count its pool's connections.

    ``SQLAlchemyInstrumentor().instrument(engine=…)`` instruments one engine per process only;
    a process running several services (tests, the local launcher) has one engine each."""
    global _db_connections
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    if _db_connections is None:
        _db_connections = otel_metrics.get_meter(
            "opentelemetry.instrumentation.sqlalchemy"
        ).create_up_down_counter(
            "db.client.connections.usage",
            unit="connections",
            description="The number of connections that are currently in state described by the state attribute.",
        )
    EngineTracer(trace.get_tracer("opentelemetry.instrumentation.sqlalchemy"), engine, _db_connections)  # type: ignore[no-untyped-call]


# --------------------------------------------------------------------------- logs


class ContextFilter(logging.Filter):
    """Adds ``trace_id``, ``span_id``, ``region`` and ``event_id`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = trace.get_current_span().get_span_context()
        record.trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
        record.span_id = format(ctx.span_id, "016x") if ctx.is_valid else None
        record.region = region_var.get()
        record.event_id = event_id_var.get()
        return True


def _json_formatter() -> Any:
    from pythonjsonlogger.json import JsonFormatter

    class MillisecondJsonFormatter(JsonFormatter):
        """``time`` in ISO 8601 with milliseconds and the offset (2026-12-07T04:18:14.123+00:00)."""

        def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
            return datetime.fromtimestamp(record.created, UTC).astimezone().isoformat(timespec="milliseconds")

    return MillisecondJsonFormatter


def configure_logging(service: str) -> None:
    """Log JSON lines to stderr (``KRAFTSAMLA_LOG_FORMAT=text`` for plain lines).

    Level from ``KRAFTSAMLA_LOG_LEVEL`` (default INFO). Messages never carry personal data: code
    logs ids and counts, not names or addresses.
    """
    from .settings import Settings

    settings = Settings()
    level = settings.log_level.upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    if settings.log_format.lower() == "text":
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(region)s %(trace_id)s]: %(message)s")
        )
    else:
        handler.setFormatter(
            _json_formatter()(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(trace_id)s %(span_id)s %(region)s %(event_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                static_fields={"service": service},
            )
        )
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h, logging.StreamHandler)]
    root.addHandler(handler)
    root.setLevel(level)
    # One line per outgoing request, with its full URL (a webhook URL may carry a token): only
    # when asked for; the request is a span of its trace anyway.
    logging.getLogger("httpx").setLevel(settings.httpx_log_level.upper())
