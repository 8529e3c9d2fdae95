"""OpenTelemetry set-up: standard ``OTEL_*`` variables configure it; OTLP/HTTP export when
``OTEL_EXPORTER_OTLP_ENDPOINT`` (or the traces-specific variable) is set. W3C trace context
crosses HTTP (FastAPI instrumentation) and NATS (FastStream middleware, outbox headers)."""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_provider: TracerProvider | None = None


def setup(service: str, *, extra_processor: SpanProcessor | None = None) -> TracerProvider:
    """Install the process's tracer provider once and return it."""
    global _provider
    if _provider is None:
        attrs = {
            "service.name": os.environ.get("OTEL_SERVICE_NAME") or f"kraftsamla-{service}",
            "service.namespace": "kraftsamla",
        }
        provider = TracerProvider(resource=Resource.create(attrs))
        if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
        ):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
        _provider = provider
    if extra_processor is not None:
        _provider.add_span_processor(extra_processor)
    return _provider


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def shutdown() -> None:
    if _provider is not None:
        _provider.force_flush()
