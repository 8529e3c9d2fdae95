"""What operators see: the four service processes export traces, metrics and logs over OTLP to a
real receiver while a plan is published through the gateway.

* One trace runs from the client's request through plans (HTTP, database, outbox relay, publish),
  assessment (consume, reassessment batches, webhook delivery over HTTP) to reporting (report
  generation); every span's parent is in the trace, and bus spans carry region, event type and id.
* The metrics of the platform arrive over OTLP, and each service's Prometheus scrape shows them.
* Logs are JSON lines with trace and span ids, region and event id, also exported over OTLP; no
  personal data (a contact person's name and e-mail address) appears in any of them.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_flow import ENERGY_DRAFT, PROGRAMME, TEXTS, Platform, platform

from helpers import WebhookEndpoint, eventually, headers

__all__ = ["platform"]

PERSON = {"name": "Ingrid Testdotter", "email": "ingrid.testdotter@example.se", "role": "projektledare"}
ACTOR = {
    "name": "Testbolaget AB",
    "country": "SE",
    "identifier": "556012-5790",
    "helix": "business",
    "municipality": "2380",
}


@pytest.fixture
def endpoint() -> Iterator[WebhookEndpoint]:
    ep = WebhookEndpoint()
    yield ep
    ep.stop()


def ancestry(span: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The span and its parents up to the trace's root inside the platform."""
    chain = [span]
    while chain[-1]["parent_id"] in by_id:
        chain.append(by_id[chain[-1]["parent_id"]])
    return chain


async def test_one_trace_metrics_and_logs_from_plan_publish_to_report(
    platform: Platform, region: str, endpoint: WebhookEndpoint
) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as http:
        r = await http.post(f"/actors/regions/{region}/actors", json=ACTOR, headers=headers(region))
        assert r.status_code == 201, r.text
        actor_trace = r.headers["traceparent"].split("-")[1]  # no traceparent sent: a new trace
        r = await http.post(
            f"/actors/regions/{region}/actors/{r.json()['id']}/people", json=PERSON, headers=headers(region)
        )
        assert r.status_code == 201, r.text
        r = await http.post(
            f"/assessment/regions/{region}/webhooks",
            json={"url": endpoint.url, "event_types": ["application.reassessed"]},
            headers=headers(region, "integrator"),
        )
        assert r.status_code == 201, r.text
        r = await http.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region))
        assert r.status_code == 201, r.text
        programme_trace = r.headers["traceparent"].split("-")[1]
        plan = next(
            sa["action_plan_id"] for sa in r.json()["strength_areas"] if sa["code"] == "hallbar-energi"
        )
        for i, text in enumerate(TEXTS):
            app = {
                "source": "nyps",
                "external_id": f"t-{i}",
                "title": f"Ansökan {i}",
                "summary": text,
                "requested_amount": 250000,
                "municipalities": ["2380"],
            }
            r = await http.post(
                f"/assessment/regions/{region}/applications", json=app, headers=headers(region, "integrator")
            )
            assert r.status_code == 201, r.text
        base = f"/plans/regions/{region}/action-plans/{plan}"
        etag = (await http.get(base, headers=headers(region))).headers["ETag"]
        r = await http.put(f"{base}/draft", json=ENERGY_DRAFT, headers={**headers(region), "If-Match": etag})
        assert r.status_code == 200, r.text

        trace_id = secrets.token_hex(16)
        client_span = secrets.token_hex(8)
        r = await http.post(
            f"{base}/publish", headers={**headers(region), "traceparent": f"00-{trace_id}-{client_span}-01"}
        )
        assert r.status_code == 201, r.text
        assert r.headers["traceparent"].split("-")[1] == trace_id  # the caller's trace, to quote

    # ------------------------------------------------------------------ the trace
    wanted = {
        ("kraftsamla-plans", "outbox relay plans.action_plan.published.v1"),
        ("kraftsamla-assessment", "handle plans.action_plan.published.v1"),
        ("kraftsamla-assessment", "handle assessment.reassessment.batch.v1"),
        ("kraftsamla-assessment", "webhook deliver"),
        ("kraftsamla-reporting", "generate report"),
    }

    def through_assessment(spans: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """The ancestry of the reporting service's handling of what a reassessment announced. (A
        report generation runs in the trace of the last change it includes: the reassessment's, or
        the plans' checklist where that came last; either way in this trace.)"""
        by_id = {s["span_id"]: s for s in spans}
        for handled in (
            s
            for s in spans
            if s["service"] == "kraftsamla-reporting" and s["name"].startswith("handle assessment.")
        ):
            chain = ancestry(handled, by_id)
            if "kraftsamla-assessment" in {s["service"] for s in chain}:
                return chain
        return None

    def orphans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_id = {s["span_id"] for s in spans}
        return [
            s
            for s in spans
            if s["parent_id"] and s["parent_id"] not in by_id and s["parent_id"] != client_span
        ]

    async def whole_trace() -> list[dict[str, Any]] | None:
        # A span is exported when it ends, so a child can arrive before its parent: the trace is
        # whole when every span's parent has arrived too.
        spans = platform.otlp.trace(trace_id)
        names = {(s["service"], s["name"]) for s in spans}
        return spans if wanted <= names and through_assessment(spans) and not orphans(spans) else None

    try:
        spans = await eventually(whole_trace, timeout=60)
    except AssertionError:
        spans = platform.otlp.trace(trace_id)
        got = sorted({(s["service"], s["name"]) for s in spans})
        raise AssertionError(f"missing {wanted - set(got)}; got {got}; orphans {orphans(spans)}") from None

    # The reporting service's handling of the reassessment descends, across three processes, from
    # the HTTP request of the publish: plans' request → its outbox relay → assessment's handler → a
    # batch → the completed reassessment → reporting's handler; the report is in the same trace.
    chain = through_assessment(spans)
    assert chain is not None
    root = chain[-1]
    assert root["service"] == "kraftsamla-plans" and root["parent_id"] == client_span
    assert root["attributes"]["http.route"] == "/plans/regions/{region}/action-plans/{plan_id}/publish"
    assert root["attributes"]["kraftsamla.region"] == region
    assert [s["service"] for s in chain][::-1][0] == "kraftsamla-plans"
    assert {"kraftsamla-plans", "kraftsamla-assessment", "kraftsamla-reporting"} <= {
        s["service"] for s in chain
    }

    # Database statements are spans of the request and of the handlers.
    db_spans = [s for s in spans if "db.system" in s["attributes"] or "db.system.name" in s["attributes"]]
    assert {s["service"] for s in db_spans} >= {
        "kraftsamla-plans",
        "kraftsamla-assessment",
        "kraftsamla-reporting",
    }

    # Every bus span names the region, the event type and the event id.
    bus = [s for s in spans if s["name"].startswith(("outbox relay ", "handle "))]
    assert bus and all(
        s["attributes"]["kraftsamla.region"] == region
        and s["attributes"]["kraftsamla.event_type"] in s["name"]
        and len(s["attributes"]["kraftsamla.event_id"]) == 36
        for s in bus
    ), bus
    # FastStream's publish and process spans carry the trace across NATS (W3C headers).
    kinds = {s["kind"] for s in spans if s["service"] == "kraftsamla-assessment"}
    assert {4, 5} <= kinds  # PRODUCER and CONSUMER

    # The webhook delivery continued the trace: its HTTP client span and the request's traceparent.
    deliver = next(s for s in spans if s["name"] == "webhook deliver")
    assert any(s["parent_id"] == deliver["span_id"] and s["kind"] == 3 for s in spans)  # CLIENT

    async def all_delivered() -> list[dict[str, str]] | None:
        got = [h for h, body, _ in endpoint.requests if json.loads(body)["type"] == "application.reassessed"]
        return got if len(got) == len(TEXTS) else None

    delivered = await eventually(all_delivered, timeout=20)
    assert all(h["traceparent"].split("-")[1] == trace_id for h in delivered)

    # ------------------------------------------------------------------ metrics
    expected = {
        "http.server.request.duration",
        "kraftsamla.events.published",
        "kraftsamla.events.consumed",
        "kraftsamla.events.handle.duration",
        "kraftsamla.consumer.pending",
        "kraftsamla.consumer.ack_pending",
        "kraftsamla.consumer.redelivered",
        "kraftsamla.deadletter.messages",
        "kraftsamla.outbox.backlog",
        "kraftsamla.outbox.oldest_age",
        "kraftsamla.reassessment.duration",
        "kraftsamla.reassessment.applications",
        "kraftsamla.applications.assessed",
        "kraftsamla.report.generation.duration",
        "kraftsamla.report.publish_to_report",
        "kraftsamla.report.stale",
        "kraftsamla.events.delay",
        "kraftsamla.stream.messages",
        "kraftsamla.webhook.deliveries",
    }

    async def all_metrics() -> set[str] | None:
        names = {m["name"] for m in platform.otlp.metrics}
        return names if expected <= names else None

    try:
        await eventually(all_metrics, timeout=30)
    except AssertionError:
        raise AssertionError(
            f"not exported: {expected - {m['name'] for m in platform.otlp.metrics}}"
        ) from None

    async def reporting_counted() -> bool:
        consumed = [m for m in platform.otlp.metrics if m["name"] == "kraftsamla.events.consumed"]
        return any(
            p.get("consumer") == "reporting-on-reassessment-completed" and p.get("outcome") == "processed"
            for m in consumed
            for p in m["points"]
        )

    await eventually(reporting_counted, timeout=20)
    reassessed = [m for m in platform.otlp.metrics if m["name"] == "kraftsamla.reassessment.applications"]
    assert {p.get("region") for m in reassessed for p in m["points"]} == {region}
    async with httpx.AsyncClient(timeout=10) as direct:
        for name, proc in platform.services.items():
            scrape = (await direct.get(f"{proc.base_url}/metrics")).text
            assert f'service_name="kraftsamla-{name}"' in scrape
            assert "kraftsamla_outbox_backlog{" in scrape and "kraftsamla_consumer_pending{" in scrape
            if name != "reporting":  # the one service this test sends no request to
                assert "http_server_request_duration_seconds_bucket{" in scrape
            # CPU and memory per service, labelled like every other series.
            assert f'process_cpu_seconds_total{{service_name="kraftsamla-{name}"}}' in scrape

        # The endpoint by its host and port (never its path), in the region that registered it.

        async def deliveries() -> dict[str, float] | None:
            """Every delivery counted (once the last is recorded); the other outcomes there at 0."""
            scrape = (await direct.get(f"{platform.services['assessment'].base_url}/metrics")).text
            got = {}
            for m in re.finditer(r"^kraftsamla_webhook_deliveries_total\{([^}]*)\} (\S+)$", scrape, re.M):
                labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
                if labels.get("region") == region and labels.get("endpoint") == f"127.0.0.1:{endpoint.port}":
                    got[labels["outcome"]] = float(m.group(2))
            return got if got.get("delivered") == len(TEXTS) else None

        assert await eventually(deliveries) == {"delivered": len(TEXTS), "retry": 0, "failed": 0}

        async def current_report() -> str | None:
            """The published version shown current in a report: its time from publish to report
            recorded once, and the region's report no longer stale."""
            scrape = (await direct.get(f"{platform.services['reporting'].base_url}/metrics")).text
            counted = re.search(
                rf'^kraftsamla_report_publish_to_report_seconds_count\{{[^}}]*region="{region}"[^}}]*\}} (\S+)$',
                scrape,
                re.M,
            )
            stale = re.search(
                rf'^kraftsamla_report_stale_seconds\{{[^}}]*region="{region}"[^}}]*\}} (\S+)$', scrape, re.M
            )
            return (
                scrape
                if counted and float(counted.group(1)) >= 1 and stale and float(stale.group(1)) == 0
                else None
            )

        await eventually(current_report, timeout=30)

    # ------------------------------------------------------------------ logs
    lines = [
        json.loads(line)
        for proc in platform.services.values()
        for line in proc.log_path.read_text().splitlines()
        if line.startswith("{")
    ]
    assert lines and all({"time", "level", "logger", "message", "service"} <= set(x) for x in lines)
    traced = [x for x in lines if x.get("trace_id") == trace_id]
    assert {x["service"] for x in traced} >= {"assessment", "reporting"}, traced
    assert all(x["region"] == region and len(x["span_id"]) == 16 for x in traced), traced
    completed = next(x for x in traced if x["message"].startswith("reassessment "))
    assert completed["event_id"]
    # Times to the millisecond; FastStream's line per finished consumer task is not at INFO.
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", x["time"]) for x in lines)
    assert not [x for x in lines if "is being executed" in x["message"]]

    # The publish's trace through the logs: plans' access line, then assessment's and reporting's
    # lines of the work it caused (the actors service takes no part in a publish: its own request's
    # trace is in its access line).
    assert {x["service"] for x in traced} >= {"plans", "assessment", "reporting"}, traced
    access = [x for x in lines if x["logger"] == "kraftsamla.access"]
    assert {x["service"] for x in access} >= {"plans", "actors", "assessment"}
    publish = next(x for x in traced if x["logger"] == "kraftsamla.access")
    assert publish["service"] == "plans" and publish["method"] == "POST" and publish["status"] == 201
    assert publish["route"] == "/plans/regions/{region}/action-plans/{plan_id}/publish"
    assert publish["region"] == region and publish["duration_ms"] > 0
    actor_access = [x for x in access if x["trace_id"] == actor_trace]
    assert [(x["service"], x["route"], x["status"]) for x in actor_access] == [
        ("actors", "/actors/regions/{region}/actors", 201)
    ]
    # The gateway's access log: the caller's traceparent on the way in, the service's on the way out.
    assert platform.gateway_log is not None
    gateway = [
        json.loads(line)
        for line in platform.gateway_log.read_text().splitlines()
        if line.startswith("{") and '"http.log.access' in line
    ]
    through = [x for x in gateway if trace_id in json.dumps(x["request"]["headers"].get("Traceparent"))]
    assert [(x["request"]["method"], x["status"]) for x in through] == [("POST", 201)], through
    assert trace_id in through[0]["resp_headers"]["Traceparent"][0]

    # A programme created through the gateway: its one trace id in the gateway's log, in plans'
    # access line, and in the lines of actors, assessment and reporting as each takes it in.
    async def programme_everywhere() -> set[str] | None:
        services = {
            json.loads(line)["service"]
            for proc in platform.services.values()
            for line in proc.log_path.read_text().splitlines()
            if line.startswith("{") and json.loads(line).get("trace_id") == programme_trace
        }
        return services if services == {"plans", "actors", "assessment", "reporting"} else None

    await eventually(programme_everywhere, timeout=20)
    assert any(programme_trace in json.dumps(x["resp_headers"].get("Traceparent")) for x in gateway)
    assert any(actor_trace in x["resp_headers"].get("Traceparent", [""])[0] for x in gateway)

    async def exported_logs() -> list[dict[str, Any]] | None:
        got = [x for x in platform.otlp.logs if x["trace_id"] == trace_id]
        return got or None

    exported = await eventually(exported_logs, timeout=20)
    assert {x["service"] for x in exported} >= {"kraftsamla-assessment", "kraftsamla-reporting"}

    everything = "\n".join(proc.log_path.read_text() for proc in platform.services.values())
    everything += json.dumps(platform.otlp.logs, ensure_ascii=False)
    for personal in (PERSON["name"], PERSON["email"], "Testdotter"):
        assert personal not in everything
