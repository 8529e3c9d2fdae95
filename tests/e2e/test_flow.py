"""End to end over the bus: four service processes, a real NATS JetStream, real databases,
the Caddy gateway and real HTTP. Publishing a plan version reassesses every open application
of that region and regenerates its report, in one trace; another region is untouched."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers import OtlpReceiver, eventually, headers, write_keys
from kraftsamla_local import servers

SERVICES = ("plans", "actors", "assessment", "reporting")


@dataclass
class Platform:
    gateway: str
    services: dict[str, servers.ServiceProcess]
    otlp: OtlpReceiver
    gateway_log: Path | None = None
    """The gateway's log: its own lines and one JSON access line per request."""


@pytest.fixture
def platform(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    db_backend: str,
    database_factory: Callable[[str], str],
    region: str,
    other_region: str,
) -> Iterator[Platform]:
    nats = servers.NatsServer(store_dir=tmp_path / "nats").start()
    otlp = OtlpReceiver()
    keys = tmp_path / "api-keys.json"
    write_keys(keys, [region, other_region])
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": otlp.endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "200",
        "OTEL_BLRP_SCHEDULE_DELAY": "200",
        "OTEL_METRIC_EXPORT_INTERVAL": "500",
        "KRAFTSAMLA_METRICS_POLL_SECONDS": "0.5",
        "KRAFTSAMLA_RELAY_POLL_SECONDS": "0.2",
        "KRAFTSAMLA_REPORT_DEBOUNCE_SECONDS": "0.2",
        "KRAFTSAMLA_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',  # the tests' webhook endpoints
    }
    # On PostgreSQL the services run as in production: migrated by the tables' owner, then
    # connected as a role that owns nothing, behind row-level security.
    role = request.getfixturevalue("service_role") if db_backend == "postgresql" else None
    procs = {}
    for name in SERVICES:
        url = database_factory(name)
        procs[name] = servers.ServiceProcess(
            name,
            database_url=servers.as_role(url, role) if role else url,
            nats_url=nats.url,
            data_dir=tmp_path,
            api_keys_file=keys,
            extra_env={**env, "KRAFTSAMLA_DATABASE_ADMIN_URL": url} if role else env,
        )
    for proc in procs.values():
        proc.start()
    gateway = None
    try:
        for proc in procs.values():
            proc.wait_ready(90)
        gateway = servers.Gateway(
            {n: p.port for n, p in procs.items()}, data_dir=tmp_path / "gateway"
        ).start()
        yield Platform(gateway.url, procs, otlp, gateway.log_path)
    finally:
        if gateway is not None:
            gateway.stop()
        for proc in procs.values():
            proc.stop()
        nats.stop()
        otlp.stop()
        if os.environ.get("KRAFTSAMLA_KEEP_LOGS"):
            print({n: p.log_tail(60) for n, p in procs.items()})


PROGRAMME = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [
        {"code": "hallbar-energi", "name": {"sv": "Hållbar energi"}},
        {"code": "upplevelser", "name": {"sv": "Upplevelser"}},
    ],
}
ENERGY_DRAFT = {
    "next_review": (date.today() + timedelta(days=90)).isoformat(),
    "priorities": [
        {
            "id": "vatgas",
            "title": {"sv": "Vätgas"},
            "level": "spets",
            "vocabulary": ["vätgas", "elektrolys", "energiomställning"],
            "valid_from": "2026-01-01",
            "valid_until": "2027-12-31",
        }
    ],
}
TEXTS = [
    "Förstudie om vätgas från elektrolys i Östersund.",
    "Energiomställningen i industrin: en innovationsarena för hållbar energi.",
    "Naturturism och friluftsliv i fjällen.",
    "Ett kulturarvsprojekt för bygdegårdar.",
    "Vätgasdrivna fordon för skogsindustrin.",
]


async def test_publishing_a_plan_reassesses_and_regenerates_the_report_in_one_trace(
    platform: Platform, region: str, other_region: str
) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as http:
        r = await http.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region))
        assert r.status_code == 201, r.text
        energy_plan = next(
            sa["action_plan_id"] for sa in r.json()["strength_areas"] if sa["code"] == "hallbar-energi"
        )

        for reg in (region, other_region):
            for i, text in enumerate(TEXTS):
                app = {
                    "source": "nyps",
                    "external_id": f"{reg}-{i}",
                    "title": f"Ansökan {i}",
                    "summary": text,
                    "requested_amount": 250000,
                    "municipalities": ["2380"],
                }
                r = await http.post(
                    f"/assessment/regions/{reg}/applications", json=app, headers=headers(reg, "integrator")
                )
                assert r.status_code == 201, r.text

        base = f"/plans/regions/{region}/action-plans/{energy_plan}"
        etag = (await http.get(base, headers=headers(region))).headers["ETag"]
        r = await http.put(f"{base}/draft", json=ENERGY_DRAFT, headers={**headers(region), "If-Match": etag})
        assert r.status_code == 200, r.text

        # Publish under a trace of our own, as an instrumented client would.
        trace_id = secrets.token_hex(16)
        traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"
        r = await http.post(f"{base}/publish", headers={**headers(region), "traceparent": traceparent})
        assert r.status_code == 201, r.text
        assert r.json()["number"] == 1

        async def all_assessed() -> list[dict[str, Any]] | None:
            r = await http.get(
                f"/assessment/regions/{region}/applications", headers=headers(region, "viewer")
            )
            data = r.json()["data"]
            ok = all(a["assessment"] and a["assessment"]["plan_versions"][0]["version"] == 1 for a in data)
            return data if ok and len(data) == len(TEXTS) else None

        assessed = await eventually(all_assessed, timeout=60)
        by_title = {a["summary"]: a["assessment"] for a in assessed}
        assert by_title[TEXTS[0]]["level"] == "spets" and by_title[TEXTS[0]]["recommendation"] != "none"
        assert by_title[TEXTS[3]]["recommendation"] == "none"

        async def report_for_version() -> dict[str, Any] | None:
            r = await http.get(
                f"/reporting/regions/{region}/reports/latest", headers=headers(region, "viewer")
            )
            if r.status_code != 200:
                return None
            rep = r.json()
            versions = {(p["action_plan_id"], p["version"]) for p in rep["built_from"]["plan_versions"]}
            if (energy_plan, 1) in versions and rep["content"]["assessments"]["current"] == len(TEXTS):
                return dict(rep)
            return None

        report = await eventually(report_for_version, timeout=60)
        assert report["content"]["last_reassessments"][0]["assessed"] == len(TEXTS)
        assert set(report["built_from"]["sources"]) >= {"plans", "assessment"}
        energy = next(p for p in report["content"]["plans"] if p["strength_area_code"] == "hallbar-energi")
        assert energy["version"] == 1

        # The EU 1.1 checklist: the report shows the verdicts the plans API answers, one rule in one place.
        programme_id = next(iter(report["content"]["programmes"]))["programme_id"]
        r = await http.get(
            f"/plans/regions/{region}/programmes/{programme_id}/checklist", headers=headers(region)
        )
        checklist = r.json()["criteria"]

        def verdicts(criteria: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
            return [
                (
                    c["number"],
                    c["key"],
                    c["status"],
                    [(f["key"], f["params"]) for f in c["evidence"]],
                    [(f["key"], f["params"]) for f in c["missing"]],
                )
                for c in criteria
            ]

        async def report_agrees() -> bool:
            r = await http.get(f"/reporting/regions/{region}/reports/latest", headers=headers(region))
            return verdicts(r.json()["content"]["eu_criteria"]) == verdicts(checklist)

        await eventually(report_agrees, timeout=30)
        on_time = next(f for f in checklist[0]["evidence"] if f["key"] == "plans_up_to_date")
        assert on_time["params"]["n"] == 1  # the energy plan, just published

        # The other region: nothing assessed, its report knows no plan, and it cannot see ours.
        r = await http.get(f"/assessment/regions/{other_region}/applications", headers=headers(other_region))
        assert all(a["assessment"] is None and a["status"] == "received" for a in r.json()["data"])

        async def other_report() -> dict[str, Any] | None:
            r = await http.get(
                f"/reporting/regions/{other_region}/reports/latest", headers=headers(other_region)
            )
            if r.status_code != 200 or r.json()["content"]["portfolio"]["applications"] < len(TEXTS):
                return None  # not every application of that region has reached its report yet
            return dict(r.json())

        other = await eventually(other_report, timeout=60)
        assert other["built_from"]["plan_versions"] == [] and other["content"]["plans"] == []
        assert other["content"]["assessments"]["not_assessed"] == len(TEXTS)
        assert other["content"]["portfolio"]["applications"] == len(TEXTS)
        r = await http.get(f"/reporting/regions/{region}/reports/latest", headers=headers(other_region))
        assert r.status_code == 404

    # One trace from the HTTP call through the reassessment to the report regeneration.
    def spans_of_trace() -> Any:
        spans = platform.otlp.trace(trace_id)
        names = {(s["service"], s["name"]) for s in spans}
        wanted = {
            ("kraftsamla-assessment", "handle plans.action_plan.published.v1"),
            ("kraftsamla-reporting", "generate report"),
        }
        return spans if wanted <= names and not orphans(spans) else None

    def orphans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Spans whose parent is neither in the trace nor our client's span: a broken link."""
        ids = {s["span_id"] for s in spans} | {traceparent.split("-")[2]}
        return [s for s in spans if s["parent_id"] and s["parent_id"] not in ids]

    async def poll() -> Any:
        return spans_of_trace()

    try:
        spans = await eventually(poll, timeout=30)
    except AssertionError:
        got = platform.otlp.trace(trace_id)
        raise AssertionError(
            json.dumps(
                {"spans": [(s["service"], s["name"]) for s in got], "orphans": orphans(got)}, indent=1
            )[:4000]
        ) from None
    services = {s["service"] for s in spans}
    assert services >= {"kraftsamla-plans", "kraftsamla-assessment", "kraftsamla-reporting"}
    handled = next(s for s in spans if s["name"] == "handle plans.action_plan.published.v1")
    assert handled["attributes"]["kraftsamla.region"] == region
