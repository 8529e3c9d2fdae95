"""Limits every service enforces (kraftsamla_common.limits): body size, rate per API key, and bounds on
every text and list a request body may hold."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import headers, running, service_settings
from kraftsamla_actors.app import spec as actors
from kraftsamla_assessment.app import spec as assessment
from kraftsamla_common.errors import PROBLEM_JSON
from kraftsamla_common.limits import RateLimiter
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


def plans_settings(
    database_factory: Callable[[str], str], nats_url: str, api_keys_file: Path, **overrides: Any
) -> Settings:
    settings: Settings = service_settings(
        "plans",
        database_url=database_factory("plans"),
        nats_url=nats_url,
        api_keys_file=api_keys_file,
        **overrides,
    )
    return settings


def oversized() -> dict[str, Any]:
    return {**PROGRAMME, "title": "x" * 200, "padding": "y" * (2 * LIMIT)}


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_body_over_the_limit_is_413_and_stores_nothing(
    database_factory: Callable[[str], str], nats_url: str, api_keys_file: Path, region: str
) -> None:
    settings = plans_settings(database_factory, nats_url, api_keys_file, max_body_bytes=LIMIT)
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


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_rate_limit_per_api_key(
    database_factory: Callable[[str], str], nats_url: str, api_keys_file: Path, region: str
) -> None:
    settings = plans_settings(
        database_factory, nats_url, api_keys_file, rate_limit_per_second=0.01, rate_limit_burst=3
    )
    url = f"/plans/regions/{region}/programmes"
    async with running(plans, settings) as client:
        for _ in range(3):
            r = await client.get(url, headers=headers(region, "admin"))
            assert r.status_code == 200, r.text
        r = await client.get(url, headers=headers(region, "admin"))
        assert r.status_code == 429, r.text
        assert r.headers["content-type"] == PROBLEM_JSON
        retry_after = r.headers["retry-after"]
        assert retry_after.isdigit() and int(retry_after) >= 1
        assert r.headers["ratelimit-limit"] == "3"
        assert r.headers["ratelimit-remaining"] == "0"
        assert int(r.headers["ratelimit-reset"]) >= int(retry_after)
        # A write is refused too, and changes nothing.
        r = await client.post(url, json=PROGRAMME, headers=headers(region, "admin"))
        assert r.status_code == 429, r.text

        # Other callers have buckets of their own.
        r = await client.get(url, headers=headers(region, "viewer"))
        assert r.status_code == 200 and r.json()["count"] == 0, r.text

        # Health, readiness, metrics and the OpenAPI document are never limited; a request without a
        # valid key is answered by authentication (401), not by the limiter.
        for _ in range(10):
            for path in ("/healthz", "/readyz", "/plans/healthz", "/plans/readyz", "/metrics"):
                r = await client.get(path, headers=headers(region, "admin"))
                assert r.status_code == 200, (path, r.text)
            r = await client.get("/plans/openapi.json", headers=headers(region, "admin"))
            assert r.status_code == 200
            r = await client.get(url, headers={"X-API-Key": "not-a-key"})
            assert r.status_code == 401, r.text


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_rate_limit_zero_turns_it_off(
    database_factory: Callable[[str], str], nats_url: str, api_keys_file: Path, region: str
) -> None:
    settings = plans_settings(
        database_factory, nats_url, api_keys_file, rate_limit_per_second=0, rate_limit_burst=1
    )
    async with running(plans, settings) as client:
        for _ in range(5):
            r = await client.get(f"/plans/regions/{region}/programmes", headers=headers(region))
            assert r.status_code == 200, r.text


def test_token_bucket_refills_at_the_rate() -> None:
    now = [100.0]
    limiter = RateLimiter(rate=2.0, burst=4, clock=lambda: now[0])
    assert [limiter.hit("a").allowed for _ in range(5)] == [True, True, True, True, False]
    refused = limiter.hit("a")
    assert not refused.allowed and refused.retry_after == 1 and refused.reset == 2
    assert limiter.hit("b").allowed  # another identity
    now[0] += 0.5  # one token back
    assert limiter.hit("a").allowed
    assert not limiter.hit("a").allowed
    now[0] += 60  # refilled, never beyond the burst
    assert [limiter.hit("a").allowed for _ in range(5)] == [True, True, True, True, False]


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
