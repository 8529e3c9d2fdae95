"""Limits every service enforces (kraftsamla_common.limits): body size; rates per API key, per region
and per client address, shared by the replicas through NATS; and bounds on every text and list a
request body may hold. The limiter's arithmetic is tested in tests/unit/common/test_rate_limiter.py, one
region's burst beside another region's requests in test_fairness.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers import OPERATOR, eventually, headers, running, service_settings
from kraftsamla_actors.app import spec as actors
from kraftsamla_assessment.app import spec as assessment
from kraftsamla_common.errors import PROBLEM_JSON
from kraftsamla_common.service import ServiceSpec, create_app
from kraftsamla_common.settings import Settings
from kraftsamla_plans.app import spec as plans
from kraftsamla_reporting.app import spec as reporting

PROGRAMME = {
    "title": "Program för smart specialisering 2021–2027",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [{"code": "energi", "name": {"sv": "Hållbar energi"}, "sdgs": [7]}],
}
LIMIT = 4096


def oversized() -> dict[str, Any]:
    return {**PROGRAMME, "title": "x" * 200, "padding": "y" * (2 * LIMIT)}


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_body_over_the_limit_is_413_and_stores_nothing(
    plans_settings: Callable[..., Settings], region: str
) -> None:
    settings = plans_settings(max_body_bytes=LIMIT)
    url = f"/plans/regions/{region}/programmes"
    async with running(plans, settings) as client:
        # Declared by Content-Length: answered before anything is read.
        r = await client.post(url, json=oversized(), headers=headers(region))
        assert r.status_code == 413, r.text
        assert r.headers["content-type"] == PROBLEM_JSON
        assert r.json()["status"] == 413
        assert str(LIMIT) in r.json()["detail"]

        # Chunked, with no Content-Length: counted while read, the rest never read.
        sent = 0
        chunk = b"[" + b" " * 1023

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            for _ in range(64):
                sent += 1
                yield chunk

        r = await client.post(
            url, content=body(), headers={**headers(region), "content-type": "application/json"}
        )
        assert r.status_code == 413, r.text
        assert r.headers["content-type"] == PROBLEM_JSON
        assert sent < 64, "the body was read to its end"

        # Nothing was stored; a body within the limit still goes through.
        r = await client.get(url, headers=headers(region))
        assert r.status_code == 200 and r.json()["count"] == 0, r.text
        r = await client.post(url, json=PROGRAMME, headers=headers(region))
        assert r.status_code == 201, r.text


def test_default_body_limit_fits_a_full_bulk_intake() -> None:
    from kraftsamla_assessment.api.applications import MAX_BULK_BYTES

    assert Settings().max_body_bytes >= MAX_BULK_BYTES >= 16 * 1024 * 1024


def assert_rate_limited(r: httpx.Response, policy: str) -> int:
    """A 429 problem document with Retry-After and the draft RateLimit fields of ``policy``; its
    Retry-After in seconds."""
    assert r.status_code == 429, r.text
    assert r.headers["content-type"] == PROBLEM_JSON
    assert r.json()["type"].endswith("/rate-limited") and r.json()["status"] == 429
    retry_after = r.headers["retry-after"]
    assert retry_after.isdigit() and int(retry_after) >= 1
    assert r.headers["ratelimit-policy"].startswith(f'"{policy}";q=')
    assert r.headers["ratelimit"] == f'"{policy}";r=0;t={retry_after}'
    return int(retry_after)


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_rate_limit_per_api_key(plans_settings: Callable[..., Settings], region: str) -> None:
    settings = plans_settings(rate_limit_per_second=0.01, rate_limit_burst=3)
    url = f"/plans/regions/{region}/programmes"
    async with running(plans, settings) as client:
        for _ in range(3):
            r = await client.get(url, headers=headers(region, "admin"))
            assert r.status_code == 200, r.text
        r = await client.get(url, headers=headers(region, "admin"))
        assert assert_rate_limited(r, "identity") >= 90  # a token every 100 s
        assert r.headers["ratelimit-policy"] == '"identity";q=3;w=300'
        assert f"key-{region}-admin" in r.json()["detail"]
        # In the reader's language.
        r = await client.get(url, headers={**headers(region, "admin"), "Accept-Language": "sv"})
        assert r.json()["title"] == "För många förfrågningar", r.text
        # A write is refused too, and changes nothing.
        r = await client.post(url, json=PROGRAMME, headers=headers(region, "admin"))
        assert r.status_code == 429, r.text

        # Other callers have buckets of their own.
        r = await client.get(url, headers=headers(region, "viewer"))
        assert r.status_code == 200 and r.json()["count"] == 0, r.text

        # Health, readiness, metrics and the API's documents are never limited; a request without
        # a valid key is counted by its address (a limit of its own), and answered 401.
        for _ in range(10):
            for path in ("/healthz", "/readyz", "/plans/healthz", "/plans/readyz", "/metrics"):
                r = await client.get(path, headers=headers(region, "admin"))
                assert r.status_code == 200, (path, r.text)
            for path in ("/plans/openapi.json", "/plans/docs"):
                r = await client.get(path, headers=headers(region, "admin"))
                assert r.status_code == 200, (path, r.text)
            r = await client.get(url, headers={"X-API-Key": "not-a-key"})
            assert r.status_code == 401, r.text
        scraped = (await client.get("/metrics")).text
        assert 'kraftsamla_requests_limited_total{limit="identity"' in scraped


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_rate_limit_zero_turns_it_off(plans_settings: Callable[..., Settings], region: str) -> None:
    settings = plans_settings(
        rate_limit_per_second=0,
        rate_limit_burst=1,
        rate_limit_region_per_second=0,
        rate_limit_region_burst=1,
    )
    async with running(plans, settings) as client:
        for _ in range(5):
            r = await client.get(f"/plans/regions/{region}/programmes", headers=headers(region))
            assert r.status_code == 200, r.text


@contextlib.asynccontextmanager
async def replicas(settings: Settings, n: int = 2) -> AsyncIterator[list[httpx.AsyncClient]]:
    """``n`` replicas of plans in this process: one database, one NATS, each its own connection."""
    async with contextlib.AsyncExitStack() as stack:
        yield [await stack.enter_async_context(running(plans, settings)) for _ in range(n)]


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_key_bursting_across_two_replicas_shares_one_budget(
    plans_settings: Callable[..., Settings], region: str, other_region: str
) -> None:
    settings = plans_settings(rate_limit_per_second=0.01, rate_limit_burst=10)
    url = f"/plans/regions/{region}/programmes"
    async with replicas(settings) as (one, two):
        statuses = []
        for i in range(30):
            r = await (one, two)[i % 2].get(url, headers=headers(region, "admin"))
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert_rate_limited(r, "identity")
        # Ten in all, not ten on each: the budget is the key's, wherever its requests land.
        assert statuses.count(200) == 10 and statuses.count(429) == 20, statuses
        assert statuses[:10] == [200] * 10
        # Both replicas refuse it now; other keys still go through on both.
        for client in (one, two):
            assert (await client.get(url, headers=headers(region, "admin"))).status_code == 429
            assert (await client.get(url, headers=headers(region, "viewer"))).status_code == 200
            other = f"/plans/regions/{other_region}/programmes"
            assert (await client.get(other, headers=headers(other_region, "admin"))).status_code == 200


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_region_shares_one_budget_across_its_callers_and_replicas(
    plans_settings: Callable[..., Settings], region: str, other_region: str
) -> None:
    settings = plans_settings(
        rate_limit_region_per_second=0.01,
        rate_limit_region_burst=6,
    )
    url = f"/plans/regions/{region}/programmes"
    roles = ("admin", "assessor", "viewer")
    async with replicas(settings) as pair:
        statuses = []
        for i in range(18):
            r = await pair[i % 2].get(url, headers=headers(region, roles[i % 3]))
            statuses.append(r.status_code)
        assert statuses.count(200) == 6 and statuses.count(429) == 12, statuses
        r = await pair[0].get(url, headers=headers(region, "admin"))
        assert_rate_limited(r, "region")
        assert region in r.json()["detail"]
        # Another region's callers, and the operator, are not held back by it.
        for client in pair:
            assert (
                await client.get(f"/plans/regions/{other_region}/programmes", headers=headers(other_region))
            ).status_code == 200
            assert (await client.get(url, headers=OPERATOR)).status_code == 200


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_requests_without_valid_credentials_are_limited_by_address_before_the_body_is_read(
    plans_settings: Callable[..., Settings], region: str
) -> None:
    settings = plans_settings(
        rate_limit_address_per_second=0.01,
        rate_limit_address_burst=5,
        trusted_proxies=["127.0.0.1"],  # the test client's address
    )
    url = f"/plans/regions/{region}/programmes"
    async with running(plans, settings) as client:
        for key in ("", "not-a-key", "", f"key-{region}-nobody", ""):
            r = await client.get(url, headers={"X-API-Key": key} if key else {})
            assert r.status_code == 401, r.text
        r = await client.get(url)
        assert_rate_limited(r, "address")

        # Refused before the body is read: a large upload is not taken in.
        sent = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            for _ in range(64):
                sent += 1
                yield b" " * 1024

        r = await client.post(url, content=body(), headers={"content-type": "application/json"})
        assert r.status_code == 429, r.text
        assert sent <= 1, f"{sent} chunks of the body were read"

        # Callers with a key are not counted by address; another client behind the trusted proxy
        # has a budget of its own, and one that claims to be forwarded from elsewhere does not.
        assert (await client.get(url, headers=headers(region))).status_code == 200
        forwarded = {"X-Forwarded-For": "203.0.113.7"}
        assert (await client.get(url, headers=forwarded)).status_code == 401
        spoofed = {"X-Forwarded-For": "198.51.100.1, 127.0.0.1"}  # the proxy itself, as the last hop
        assert (await client.get(url, headers=spoofed)).status_code == 401
        assert (await client.get(url, headers=spoofed)).status_code == 401


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_region_with_no_place_left_is_answered_429_and_another_region_goes_on(
    plans_settings: Callable[..., Settings], region: str, other_region: str
) -> None:
    settings = plans_settings(
        region_concurrency=1,
        region_queue=1,
        region_queue_seconds=0.2,
    )
    url = f"/plans/regions/{region}/programmes"
    async with running(plans, settings) as client:
        # A write whose body arrives slowly holds the region's one place while it is read.
        release = asyncio.Event()

        async def slow_body() -> AsyncIterator[bytes]:
            await release.wait()
            yield json.dumps(PROGRAMME).encode()

        slow = asyncio.create_task(
            client.post(
                url, content=slow_body(), headers={**headers(region), "content-type": "application/json"}
            )
        )
        await eventually(lambda: _active(client, region))
        # The next waits its turn (up to 0.2 s), then is refused; a third finds the queue full.
        waiting = asyncio.create_task(client.get(url, headers=headers(region, "viewer")))
        await asyncio.sleep(0.05)
        r = await client.get(url, headers=headers(region, "assessor"))
        assert r.status_code == 429 and r.headers["retry-after"] == "1", r.text
        assert r.json()["type"].endswith("/rate-limited") and region in r.json()["detail"]
        assert "ratelimit-policy" not in r.headers  # not a rate: the region's places
        r = await waiting
        assert r.status_code == 429, r.text
        # Another region is not held up.
        other = f"/plans/regions/{other_region}/programmes"
        assert (await client.get(other, headers=headers(other_region))).status_code == 200
        release.set()
        assert (await slow).status_code == 201
        await asyncio.sleep(0.3)  # the region's pause after a long request while another region asks
        assert (await client.get(url, headers=headers(region, "viewer"))).status_code == 200
        scraped = (await client.get("/metrics")).text
        assert 'kraftsamla_requests_limited_total{limit="in_flight"' in scraped


async def _active(client: httpx.AsyncClient, region: str) -> bool:
    return bool(client.app.state.limits.gate.active(region))  # type: ignore[attr-defined]


async def declare_platform_streams(url: str) -> None:
    """The producing services' streams, as on a running platform (plans waits for those it reads)."""
    import nats

    from kraftsamla_common.bus import stream_config
    from kraftsamla_common.events import CATALOGUE, service_of, stream_for

    nc = await nats.connect(url)
    js = nc.jetstream()
    for service in {service_of(t) for t in CATALOGUE}:
        await js.add_stream(stream_config(stream_for(service)))
    await nc.close()


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_without_nats_the_limits_fail_open_to_each_process(
    database_factory: Callable[[str], str],
    api_keys_file: Path,
    region: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from kraftsamla_common.bus import Bus
    from kraftsamla_local import servers

    server = servers.NatsServer(store_dir=tmp_path / "nats").start()
    try:
        await declare_platform_streams(server.url)
        settings = service_settings(
            "plans",
            database_url=database_factory("plans"),
            nats_url=server.url,
            api_keys_file=api_keys_file,
            rate_limit_per_second=0.01,
            rate_limit_burst=5,
        )
        url = f"/plans/regions/{region}/programmes"
        async with running(plans, settings) as client:
            for _ in range(2):  # from the shared bucket: 3 left
                assert (await client.get(url, headers=headers(region))).status_code == 200
            bus: Bus = client.app.state.ctx.bus  # type: ignore[attr-defined]
            servers.ManagedProcess.stop(server)  # NATS gone (its store kept for the restart)
            connection = bus.broker.connection

            async def disconnected() -> bool:
                return not connection.is_connected

            await eventually(disconnected)

            caplog.set_level(logging.WARNING, logger="kraftsamla_common.limits")
            # Requests go on, limited by this process's own bucket (a full one: 5) meanwhile.
            statuses = [(await client.get(url, headers=headers(region))).status_code for _ in range(6)]
            assert statuses == [200] * 5 + [429], statuses
            assert any("shared store did not answer" in r.getMessage() for r in caplog.records)
            scraped = (await client.get("/metrics")).text
            assert "kraftsamla_rate_limit_store_failures_total" in scraped

            server.start()  # back, so that the service stops as it would

            async def connected() -> bool:
                return bool(connection.is_connected)

            await eventually(connected)
    finally:
        server.stop()


# ------------------------------------------------------------------------ bounds in the schemas

SPECS: list[ServiceSpec] = [actors, plans, assessment, reporting]
BOUNDED_FORMATS = {"uuid", "date", "date-time", "time", "email", "uri", "duration"}
_UNBOUNDED_REPEAT = re.compile(r"(?<!\\)[*+]|\{\d+,\}")


def _bounded_pattern(pattern: str) -> bool:
    return pattern.startswith("^") and pattern.endswith("$") and not _UNBOUNDED_REPEAT.search(pattern)


def _unbounded(schema: dict[str, Any], components: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return _unbounded(components[name], components, f"{where}→{name}", seen | {name})
    out: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for i, sub in enumerate(schema.get(key, [])):
            out += _unbounded(sub, components, f"{where}/{key}[{i}]", seen)
    kind = schema.get("type")
    if kind == "string" and not (
        "maxLength" in schema
        or "enum" in schema
        or "const" in schema
        or schema.get("format") in BOUNDED_FORMATS
        or _bounded_pattern(schema.get("pattern", ""))
    ):
        out.append(f"{where}: string without maxLength")
    if kind == "array":
        if "maxItems" not in schema:
            out.append(f"{where}: array without maxItems")
        if isinstance(schema.get("items"), dict):
            out += _unbounded(schema["items"], components, f"{where}[]", seen)
    for name, prop in schema.get("properties", {}).items():
        out += _unbounded(prop, components, f"{where}.{name}", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        out += _unbounded(schema["additionalProperties"], components, f"{where}.*", seen)
    return out


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_text_and_list_in_a_request_body_is_bounded(spec: ServiceSpec) -> None:
    """Strings have a maxLength (or an enum, a bounded format or an anchored pattern without open
    repetition); arrays have a maxItems. Raw non-JSON bodies (NDJSON, CSV) are bounded by the body
    limit alone."""
    doc = create_app(spec, Settings()).openapi()
    components = doc.get("components", {}).get("schemas", {})
    problems: list[str] = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media_type, body in content.items():
                if "json" not in media_type or "ndjson" in media_type:
                    continue
                where = f"{method.upper()} {path} ({media_type})"
                problems += _unbounded(body.get("schema", {}), components, where, set())
    assert not problems, "\n".join(problems)
