"""The plans service in-process against real NATS JetStream and real databases."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import headers, running, service_settings
from helpers import eventually, stream_messages
from kraftsamla_plans.app import spec

PROGRAMME = {
    "title": "Program för smart specialisering i Jämtland Härjedalen 2021–2027",
    "reference": "RUN/430/2018",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [
        {
            "code": "energi",
            "name": {"sv": "Hållbar energi", "en": "Sustainable energy"},
            "nace_codes": ["D35"],
            "sdgs": [7, 13],
        },
        {"code": "digitala-losningar", "name": {"sv": "Digitala lösningar"}, "sdgs": [9]},
    ],
}
DRAFT = {
    "vision": {"sv": "Länet är ledande inom förnybar energi."},
    "priorities": [
        {
            "id": "vatgas",
            "title": {"sv": "Vätgas och elektrobränslen"},
            "level": "spets",
            "vocabulary": ["vätgas", "elektrolys"],
            "valid_from": "2026-01-01",
            "valid_until": "2027-12-31",
        }
    ],
    "sub_goals": [
        {
            "id": "forny",
            "title": {"sv": "Mer förnybart"},
            "indicator": "Andel förnybar el (%)",
            "baseline": 60,
            "baseline_year": 2022,
            "target": 80,
            "target_year": 2027,
        }
    ],
}


@pytest.fixture
async def client(
    nats_url: str, database_factory: Callable[[str], str], api_keys_file: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = service_settings(
        "plans",
        database_url=database_factory("plans"),
        nats_url=nats_url,
        api_keys_file=api_keys_file,
        relay_poll_seconds=0.2,
    )
    async with running(spec, settings) as c:
        yield c


async def create_programme(client: httpx.AsyncClient, region: str) -> dict[str, Any]:
    r = await client.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_programme_draft_publish_and_event_carrying_the_whole_version(
    client: httpx.AsyncClient, region: str, nats_url: str
) -> None:
    prog = await create_programme(client, region)
    assert [sa["code"] for sa in prog["strength_areas"]] == ["digitala-losningar", "energi"]
    plan_id = next(sa["action_plan_id"] for sa in prog["strength_areas"] if sa["code"] == "energi")
    base = f"/plans/regions/{region}/action-plans/{plan_id}"

    r = await client.get(base, headers=headers(region, "viewer"))
    etag = r.headers["ETag"]
    r = await client.put(f"{base}/draft", json=DRAFT, headers={**headers(region), "If-Match": etag})
    assert r.status_code == 200, r.text
    r = await client.post(f"{base}/publish", json={"note": "Vätgas lyfts fram"}, headers=headers(region))
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1 and r.json()["published_by"] == f"key-{region}-admin"

    subject = f"s3.{region}.plans.action_plan.published.v1"
    msgs = await eventually(lambda: stream_messages(nats_url, "PLANS", subject))
    env = json.loads(msgs[0].data)
    assert msgs[0].headers["Nats-Msg-Id"] == env["id"]
    assert env["region"] == region and env["data"]["version"] == 1
    assert env["data"]["plan"]["priorities"][0]["vocabulary"] == ["vätgas", "elektrolys"]
    assert env["data"]["strength_area"]["code"] == "energi"

    # A second publish makes version 2; both stay readable.
    r = await client.post(f"{base}/publish", headers=headers(region))
    assert r.json()["number"] == 2
    r = await client.get(f"{base}/versions", headers=headers(region, "viewer"))
    assert [v["number"] for v in r.json()["data"]] == [1, 2]
    r = await client.get(f"{base}/versions/1", headers=headers(region, "viewer"))
    assert r.json()["note"] == "Vätgas lyfts fram"


async def test_stale_edit_gets_412_and_changes_nothing(client: httpx.AsyncClient, region: str) -> None:
    prog = await create_programme(client, region)
    base = f"/plans/regions/{region}/action-plans/{prog['strength_areas'][0]['action_plan_id']}"
    etag = (await client.get(base, headers=headers(region))).headers["ETag"]
    first = await client.put(f"{base}/draft", json=DRAFT, headers={**headers(region), "If-Match": etag})
    assert first.status_code == 200
    stale = await client.put(
        f"{base}/draft", json={"priorities": []}, headers={**headers(region), "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    missing = await client.put(f"{base}/draft", json={}, headers=headers(region))
    assert missing.status_code == 428
    now = (await client.get(base, headers=headers(region))).json()
    assert now["draft"]["priorities"][0]["id"] == "vatgas"
    assert now["draft_revision"] == 2


async def test_publish_is_refused_with_reasons(client: httpx.AsyncClient, region: str) -> None:
    prog = await create_programme(client, region)
    base = f"/plans/regions/{region}/action-plans/{prog['strength_areas'][0]['action_plan_id']}"
    r = await client.post(f"{base}/publish", headers=headers(region))
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/priorities"
    bad = json.loads(json.dumps(DRAFT))
    bad["priorities"][0]["valid_until"] = "2025-01-01"
    bad["sub_goals"][0]["target_year"] = 2020
    etag = (await client.get(base, headers=headers(region))).headers["ETag"]
    await client.put(f"{base}/draft", json=bad, headers={**headers(region), "If-Match": etag})
    r = await client.post(f"{base}/publish", headers=headers(region))
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} == {
        "/priorities/0/valid_until",
        "/sub_goals/0/target_year",
    }
    assert (await client.get(base, headers=headers(region))).json()["current_version"] == 0


async def test_bad_input_gets_problem_details(client: httpx.AsyncClient, region: str) -> None:
    r = await client.post(
        f"/plans/regions/{region}/programmes", json={**PROGRAMME, "period_end": 2019}, headers=headers(region)
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    r = await client.post(
        f"/plans/regions/{region}/programmes", json={**PROGRAMME, "owner": "x"}, headers=headers(region)
    )
    assert r.status_code == 422
    assert any("owner" in e["pointer"] for e in r.json()["errors"])
    r = await client.get(f"/plans/regions/{region}/programmes")
    assert r.status_code == 401
    r = await client.get(f"/plans/regions/{region}/programmes", headers={"X-API-Key": "nope"})
    assert r.status_code == 401
    assert (await client.get(f"/plans/regions/{region}/programmes", headers=headers(region))).json()[
        "count"
    ] == 0


async def test_regions_are_isolated(client: httpx.AsyncClient, region: str, other_region: str) -> None:
    prog = await create_programme(client, region)
    plan_id = prog["strength_areas"][0]["action_plan_id"]
    other = headers(other_region)
    assert (await client.get(f"/plans/regions/{region}/programmes", headers=other)).status_code == 404
    assert (
        await client.get(f"/plans/regions/{other_region}/programmes/{prog['id']}", headers=other)
    ).status_code == 404
    assert (
        await client.get(f"/plans/regions/{other_region}/action-plans/{plan_id}", headers=other)
    ).status_code == 404
    r = await client.post(f"/plans/regions/{other_region}/action-plans/{plan_id}/publish", headers=other)
    assert r.status_code == 404
    assert (await client.get(f"/plans/regions/{other_region}/programmes", headers=other)).json()["count"] == 0
    # a viewer of the region may read but not write
    assert (
        await client.post(
            f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region, "viewer")
        )
    ).status_code == 403
