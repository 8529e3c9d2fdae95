"""The assessment service in-process against real NATS JetStream and real databases: intake,
reassessment when a plan version is published, duplicates, ordering and region isolation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import httpx
import nats
import pytest

from helpers import (
    AREA_ID,
    PLAN_ID,
    application,
    eventually,
    headers,
    plan_event,
    publish,
    reassessed,
    stream_messages,
)


@pytest.fixture
async def js(nats_url: str) -> AsyncIterator[Any]:
    nc = await nats.connect(nats_url)
    yield nc.jetstream()
    await nc.close()


async def apps(client: httpx.AsyncClient, region: str) -> list[dict[str, Any]]:
    r = await client.get(
        f"/assessment/regions/{region}/applications?limit=500", headers=headers(region, "viewer")
    )
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def reassessments(client: httpx.AsyncClient, region: str) -> list[dict[str, Any]]:
    r = await client.get(
        f"/assessment/regions/{region}/reassessments?status=completed", headers=headers(region, "viewer")
    )
    return list(r.json()["data"])


async def test_publishing_a_plan_reassesses_every_open_application_once(
    client: httpx.AsyncClient, js: Any, region: str, other_region: str, nats_url: str
) -> None:
    for n in range(5):
        r = await client.post(
            f"/assessment/regions/{region}/applications",
            json=application(n),
            headers=headers(region, "integrator"),
        )
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "received" and r.json()["assessment"] is None
    await client.post(
        f"/assessment/regions/{other_region}/applications",
        json=application(99),
        headers=headers(other_region, "integrator"),
    )

    v1 = plan_event(region, 1)
    await publish(js, v1)
    await eventually(lambda: reassessments(client, region))
    listed = await apps(client, region)
    assert {a["status"] for a in listed} == {"assessed"}
    assert all(
        a["assessment"]["plan_versions"]
        == [{"action_plan_id": str(PLAN_ID), "strength_area_id": str(AREA_ID), "version": 1}]
        for a in listed
    )
    assert all(
        a["assessment"]["level"] == "spets" and a["assessment"]["trigger"] == "reassessment" for a in listed
    )

    # The same event again (a redelivery) and an older version arriving late change nothing.
    await publish(js, v1, msg_id="redelivered")
    await publish(js, plan_event(region, 0))
    v2 = plan_event(region, 2, level="bredd")
    await publish(js, v2)
    done = await eventually(lambda: _n_reassessments(client, region, 2))
    assert (
        "5 applications fell from Spearhead to Breadth because priority 'Vätgas' moved from Spearhead to Breadth"
        in done[0]["summary"]
    )
    assert done[0]["groups"][0]["count"] == 5
    for a in await apps(client, region):
        r = await client.get(
            f"/assessment/regions/{region}/applications/{a['id']}/assessments",
            headers=headers(region, "viewer"),
        )
        history = r.json()["data"]
        assert [h["plan_versions"][0]["version"] for h in history] == [2, 1]
        assert a["assessment"]["level"] == "bredd"

    # Every assessment was announced, once, on the bus; the other region saw nothing.
    async def both_announced() -> list[dict[str, Any]] | None:
        events = await reassessed(nats_url, region)
        return events if len(events) >= 2 else None

    events = await eventually(both_announced)
    await asyncio.sleep(0.5)  # anything doubled would have been relayed by now
    events = await reassessed(nats_url, region)
    announced = [a["assessment_id"] for e in events for a in e["applications"]]
    assert len(events) == 2 and len(announced) == len(set(announced)) == 10
    other = await apps(client, other_region)
    assert other[0]["assessment"] is None and await reassessments(client, other_region) == []


async def _n_reassessments(client: httpx.AsyncClient, region: str, n: int) -> list[dict[str, Any]] | None:
    found = await reassessments(client, region)
    return found if len(found) >= n else None


async def _messages(nats_url: str, subject: str, n: int) -> list[Any] | None:
    msgs = await stream_messages(nats_url, "ASSESSMENT", subject)
    return msgs if len(msgs) >= n else None


async def test_intake_is_an_idempotent_upsert_assessed_at_once(
    client: httpx.AsyncClient, js: Any, region: str, nats_url: str
) -> None:
    await publish(js, plan_event(region, 1))
    await eventually(lambda: reassessments(client, region))
    url = f"/assessment/regions/{region}/applications"
    first = await client.post(url, json=application(1), headers=headers(region, "integrator"))
    assert first.status_code == 201
    assert first.json()["assessment"]["trigger"] == "intake"
    assert first.json()["assessment"]["fits"][0]["evidence"][0]["term"] in {"vätgas", "elektrolys"}
    again = await client.post(url, json=application(1), headers=headers(region, "integrator"))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["assessment"]["id"] == first.json()["assessment"]["id"]

    changed = await client.post(
        url, json=application(1, "Ett projekt om kulturarv."), headers=headers(region, "integrator")
    )
    assert changed.status_code == 200
    assert changed.json()["revision"] == 2 and changed.json()["assessment"]["recommendation"] == "none"

    received = await eventually(
        lambda: _messages(nats_url, f"s3.{region}.assessment.application.received.v1", 2)
    )
    await _settled(client)
    assert (
        len(await stream_messages(nats_url, "ASSESSMENT", f"s3.{region}.assessment.application.received.v1"))
        == 2
    )
    assert len(received) == 2


async def _settled(client: httpx.AsyncClient) -> None:
    relay = client._transport.app.state.ctx.relay  # type: ignore[attr-defined]

    async def empty() -> bool:
        return (await relay.backlog())[0] == 0

    await eventually(empty)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requested_amount", -5),
        ("currency", "XYZ"),
        ("municipalities", ["23800"]),
        ("summary", "x" * 20_001),
        ("title", ""),
        ("region", "kronoberg"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, region: str, field: str, value: Any
) -> None:
    r = await client.post(
        f"/assessment/regions/{region}/applications",
        json={**application(1), field: value},
        headers=headers(region, "integrator"),
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert any(field in e["pointer"] for e in r.json()["errors"])
    assert await apps(client, region) == []


async def test_roles_and_regions(client: httpx.AsyncClient, region: str, other_region: str) -> None:
    url = f"/assessment/regions/{region}/applications"
    r = await client.post(url, json=application(1), headers=headers(region, "integrator"))
    app_id = r.json()["id"]
    assert (await client.post(url, json=application(2), headers=headers(region, "viewer"))).status_code == 403
    assert (await client.get(f"{url}/{app_id}", headers=headers(region, "integrator"))).status_code == 200
    assert (await client.get(url, headers=headers(other_region, "admin"))).status_code == 404
    r = await client.get(
        f"/assessment/regions/{other_region}/applications/{app_id}", headers=headers(other_region)
    )
    assert r.status_code == 404
    assert UUID(app_id)
