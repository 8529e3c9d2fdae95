"""Telemetry set-up follows the standard OTEL_* variables, and log lines are JSON with the ids of
the span they were written in. Each case runs in a fresh interpreter: providers are per process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from kraftsamla_common import telemetry


def run(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "ParentBased{root:AlwaysOnSampler"),
        ({"OTEL_TRACES_SAMPLER": "always_off"}, "AlwaysOffSampler"),
        (
            {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"},
            "ParentBased{root:TraceIdRatioBased{0.1}",
        ),
    ],
)
def test_sampling_is_configured_by_the_standard_variables(env: dict[str, str], expected: str) -> None:
    out = run(
        """
        from kraftsamla_common import telemetry
        print(telemetry.setup("plans").tracer_provider.sampler.get_description())
        """,
        **env,
    )
    assert out.startswith(expected), out


def test_exporters_follow_the_endpoint_and_the_per_signal_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER"):
        monkeypatch.delenv(name, raising=False)
    assert telemetry._exporters("TRACES") == []  # nothing to send to: nothing exported
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert telemetry._exporters("TRACES") == ["otlp"]
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    assert telemetry._exporters("METRICS") == []
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console,otlp")
    assert telemetry._exporters("TRACES") == ["console", "otlp"]


def test_log_lines_are_json_with_the_span_region_and_event() -> None:
    out = run(
        """
        import logging
        from kraftsamla_common import telemetry
        tel = telemetry.setup("assessment")
        telemetry.configure_logging("assessment")
        telemetry.region_var.set("norrbotten")
        telemetry.event_id_var.set("0193e0c4-0000-7000-8000-000000000001")
        tracer = tel.tracer_provider.get_tracer("t")
        with tracer.start_as_current_span("work") as span:
            logging.getLogger("kraftsamla.test").info("reassessed %d", 12)
            ctx = span.get_span_context()
            print(format(ctx.trace_id, "032x"), format(ctx.span_id, "016x"))
        """
    )
    lines = out.strip().splitlines()
    trace_id, span_id = lines[0].split()
    record = json.loads(next(line for line in lines if line.startswith("{")))
    assert record["message"] == "reassessed 12" and record["level"] == "INFO"
    assert record["logger"] == "kraftsamla.test" and record["service"] == "assessment"
    assert (record["trace_id"], record["span_id"]) == (trace_id, span_id)
    assert record["region"] == "norrbotten" and record["event_id"].startswith("0193e0c4")
    # ISO 8601 to the millisecond, with the offset.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", record["time"]), record


def test_stopping_services_does_not_repeat_the_series_of_the_next_scrape() -> None:
    """A stop sends what is buffered to the exporters that push; it must not leave collections
    queued for the Prometheus scrape, which would repeat every series once per stop."""
    from kraftsamla_common import metrics

    tel = telemetry.setup("plans")
    metrics.rate_limit_store_failures.add(0)
    for _ in range(3):
        telemetry.shutdown()
    lines = [
        line
        for line in tel.scrape().decode().splitlines()
        if line.startswith("kraftsamla_rate_limit_store_failures_total")
    ]
    assert len(lines) == len(set(lines)) == 1, lines
