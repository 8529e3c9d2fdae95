"""The audit log: every write leaves who, what, when and from which request; a refused write
leaves nothing; region administrators read their own region's log and no other."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import httpx
import pytest

from helpers import OPERATOR, StartService, headers

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PROGRAMME = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [{"code": "energi", "name": {"sv": "Hållbar energi"}, "sdgs": [7]}],
}


@pytest.fixture
async def client(start_service: StartService) -> AsyncIterator[httpx.AsyncClient]:
    async with start_service("plans") as c:
        yield c


async def audit(client: httpx.AsyncClient, region: str, query: str = "", **auth: str) -> httpx.Response:
    return await client.get(f"/plans/regions/{region}/audit{query}", headers=auth or headers(region))


async def test_every_write_is_recorded_with_who_what_when_and_its_trace(
    client: httpx.AsyncClient, region: str, other_region: str
) -> None:
    correlation = str(uuid4())
    r = await client.post(
        f"/plans/regions/{region}/programmes",
        json=PROGRAMME,
        headers={
            **headers(region),
            "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01",
            "X-Correlation-ID": correlation,
        },
    )
    assert r.status_code == 201, r.text
    programme = r.json()["id"]
    url = f"/plans/regions/{region}/programmes/{programme}"
    r = await client.patch(
        url, json={"title": "Nytt namn"}, headers={**headers(region), "If-Match": r.headers["ETag"]}
    )
    assert r.status_code == 200, r.text
    # Refused writes change nothing, and so leave no entry: a broken rule, a stale ETag, a viewer.
    etag = r.headers["ETag"]
    refused = [
        await client.patch(url, json={"period_end": 2001}, headers={**headers(region), "If-Match": etag}),
        await client.patch(url, json={"title": "x"}, headers={**headers(region), "If-Match": '"stale"'}),
        await client.post(
            f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region, "viewer")
        ),
    ]
    assert [x.status_code for x in refused] == [422, 412, 403]
    r = await client.post(
        f"/plans/regions/{other_region}/programmes", json=PROGRAMME, headers=headers(other_region)
    )
    assert r.status_code == 201, r.text

    r = await audit(client, region)
    assert r.status_code == 200, r.text
    log = r.json()
    assert log["count"] == 2
    patched, created = log["data"]  # newest first
    assert created["actor"] == f"key-{region}-admin" and created["role"] == "admin"
    assert created["method"] == "POST" and created["route"] == "/plans/regions/{region}/programmes"
    assert created["path"] == f"/plans/regions/{region}/programmes"
    assert {"type": "plans.programme.created.v1", "subject": programme} in created["events"]
    assert created["trace_id"] == TRACE_ID
    assert created["correlation_id"] == correlation
    assert patched["method"] == "PATCH" and patched["path"] == url
    assert patched["route"] == "/plans/regions/{region}/programmes/{programme_id}"
    assert [e["type"] for e in patched["events"]] == ["plans.programme.updated.v1"]
    assert patched["at"] >= created["at"]
    assert patched["trace_id"] not in (None, TRACE_ID)

    # The other region's write is in its own log only.
    theirs = (await audit(client, other_region, **headers(other_region))).json()
    assert theirs["count"] == 1 and theirs["data"][0]["actor"] == f"key-{other_region}-admin"
    # The operator reads any region's log.
    assert (await audit(client, region, **OPERATOR)).json()["count"] == 2


async def test_only_administrators_read_their_own_regions_log(
    client: httpx.AsyncClient, region: str, other_region: str
) -> None:
    assert (await audit(client, region, **headers(other_region))).status_code == 404
    for role in ("assessor", "viewer", "integrator"):
        assert (await audit(client, region, **headers(region, role))).status_code == 403, role


async def test_filters_by_who_and_when(client: httpx.AsyncClient, region: str) -> None:
    r = await client.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region))
    assert r.status_code == 201, r.text
    at = (await audit(client, region)).json()["data"][0]["at"]

    def count(query: str) -> Any:
        return audit(client, region, query)

    assert (await count(f"?actor=key-{region}-admin")).json()["count"] == 1
    assert (await count("?actor=someone-else")).json()["count"] == 0
    assert (await count(f"?since={at.replace('+00:00', 'Z')}")).json()["count"] == 1
    assert (await count(f"?until={at.replace('+00:00', 'Z')}")).json()["count"] == 0
    r = await count("?since=2026-01-01T00:00:00")  # no time zone: ambiguous, refused
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
