"""API keys issued, listed and revoked over the assessment API by a region's administrator, and
taken up by every service: the assessment, actors and reporting services running in the test's
process on real NATS JetStream (the key bucket) and real databases.

A key issued over the API works at once in the service that issued it and within moments in the
others; one started afterwards accepts it from its first request; revoked, it is refused by all
within moments. The key is shown once: never in the list, the audit log or on the bus. Another
region's administrator gets 404, the region's other roles 403; names are unique on the platform.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers import (
    OPERATOR,
    StartService,
    application,
    eventually,
    headers,
    key_for,
    stream_messages,
    write_keys,
)
from kraftsamla_common.auth import hash_key

SERVICES = ("assessment", "actors", "reporting")
READ = {
    "assessment": "/assessment/regions/{region}/applications",
    "actors": "/actors/regions/{region}/actors",
    "reporting": "/reporting/regions/{region}/reports",
}
"""A route every reader may call, in each service."""


def keys_url(region: str) -> str:
    return f"/assessment/regions/{region}/api-keys"


async def answers(client: httpx.AsyncClient, service: str, region: str, key: str) -> int:
    r = await client.get(READ[service].format(region=region), headers={"X-API-Key": key})
    return r.status_code


@pytest.fixture
async def services(start_service: StartService) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    async with start_service("assessment") as assessment, start_service("actors") as actors:
        yield {"assessment": assessment, "actors": actors}


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_key_issued_over_the_api_is_taken_up_by_every_service_and_refused_once_revoked(
    services: dict[str, httpx.AsyncClient],
    start_service: StartService,
    nats_url: str,
    region: str,
    other_region: str,
) -> None:
    svc = services["assessment"]
    admin = headers(region, "admin")
    name = f"{region}-desk"

    r = await svc.post(keys_url(region), json={"name": name, "role": "viewer"}, headers=admin)
    assert r.status_code == 201, r.text
    issued = r.json()
    key = issued["key"]
    assert len(key) >= 43 and issued["ends_with"] == key[-4:]
    assert issued["state"] == "active" and issued["origin"] == "api" and issued["role"] == "viewer"
    assert issued["created_by"] == key_for(region, "admin")
    expires = datetime.fromisoformat(issued["expires"])
    assert timedelta(days=364) < expires - datetime.now(UTC) <= timedelta(days=365)
    assert r.headers["location"] == f"{keys_url(region)}/{name}"

    # At once in the service that issued it; within moments in the one already running.
    assert await answers(svc, "assessment", region, key) == 200
    await eventually(
        lambda: _is(answers(services["actors"], "actors", region, key), 200), timeout=5, interval=0.02
    )
    # A service started afterwards accepts it from its first request.
    async with start_service("reporting") as reporting:
        clients = {**services, "reporting": reporting}
        assert await answers(reporting, "reporting", region, key) == 200
        # Of its own region only; a viewer may not issue keys.
        assert await answers(reporting, "reporting", other_region, key) == 404
        r = await svc.post(
            keys_url(region), json={"name": f"{name}-2", "role": "viewer"}, headers={"X-API-Key": key}
        )
        assert r.status_code == 403

        # The list: the region's keys from both places, never a key.
        listed = await svc.get(keys_url(region), headers=admin)
        assert listed.status_code == 200, listed.text
        assert key not in listed.text and hash_key(key) not in listed.text
        by_name = {k["name"]: k for k in listed.json()["data"]}
        assert by_name[name]["origin"] == "api" and by_name[name]["ends_with"] == key[-4:]
        assert "key" not in by_name[name] and "sha256" not in by_name[name]
        assert by_name[key_for(region, "assessor")]["origin"] == "file"
        assert not any(k.startswith(other_region) for k in by_name)
        one = await svc.get(f"{keys_url(region)}/{name}", headers=admin)
        assert one.json() == by_name[name]

        # Revoked: refused by every service within moments, the one that revoked it at once.
        started = time.monotonic()
        r = await svc.post(f"{keys_url(region)}/{name}/revoke", headers=admin)
        assert r.status_code == 200, r.text
        revoked = r.json()
        assert revoked["state"] == "revoked" and revoked["revoked_by"] == key_for(region, "admin")
        assert await answers(svc, "assessment", region, key) == 401

        async def refused_everywhere() -> bool:
            codes = await asyncio.gather(*(answers(clients[s], s, region, key) for s in SERVICES))
            return all(code == 401 for code in codes)

        await eventually(refused_everywhere, timeout=5, interval=0.02)
        took = time.monotonic() - started
        assert took < 2.0, f"revocation took {took:.2f} s to reach every service"
        print(f"revoked key refused by every service {took * 1000:.0f} ms after the request to revoke it")
        r = await reporting.get(READ["reporting"].format(region=region), headers={"X-API-Key": key})
        assert r.json()["detail"] == "The API key has been revoked."

        # Revoking again changes nothing.
        again = await svc.post(f"{keys_url(region)}/{name}/revoke", headers=admin)
        assert again.status_code == 200 and again.json() == revoked

    # The audit log has who issued and revoked it, with the events; never the key.
    log = await svc.get(f"/assessment/regions/{region}/audit?limit=100", headers=admin)
    assert key not in log.text and hash_key(key) not in log.text
    rows = [e for e in log.json()["data"] if "/api-keys" in e["route"]]
    assert {(e["method"], e["route"], e["actor"]) for e in rows} == {
        ("POST", "/assessment/regions/{region}/api-keys", key_for(region, "admin")),
        ("POST", "/assessment/regions/{region}/api-keys/{name}/revoke", key_for(region, "admin")),
    }
    events = sorted(ev["type"] for e in rows for ev in e["events"])
    assert events == ["assessment.api_key.issued.v1", "assessment.api_key.revoked.v1"]
    # Nor on the bus: the events name the key, never the key or its hash.
    await eventually(lambda: _messages(nats_url, region, 2))
    for m in await _messages(nats_url, region, 2) or []:
        assert key not in m and hash_key(key) not in m and issued["name"] in m


async def _is(value: Any, expected: Any) -> bool:
    return bool(await value == expected)


async def _messages(nats_url: str, region: str, n: int) -> list[str] | None:
    msgs = [
        m.data.decode()
        for m in await stream_messages(nats_url, "ASSESSMENT")
        if m.subject.startswith(f"s3.{region}.assessment.api_key.")
    ]
    return msgs if len(msgs) >= n else None


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_who_may_issue_which_keys_and_names_are_the_platforms(
    services: dict[str, httpx.AsyncClient], region: str, other_region: str
) -> None:
    svc, actors = services["assessment"], services["actors"]
    admin, theirs = headers(region, "admin"), headers(other_region, "admin")
    nyps = {"name": f"{region}-nyps", "role": "integrator", "source": "nyps"}

    # The region's other roles: 403; another region's administrator: 404, as if nothing were there.
    for role in ("viewer", "assessor", "integrator"):
        for method, url, body in (
            ("GET", keys_url(region), None),
            ("POST", keys_url(region), nyps),
            ("POST", f"{keys_url(region)}/{key_for(region, 'viewer')}/revoke", None),
        ):
            r = await svc.request(method, url, json=body, headers=headers(region, role))
            assert r.status_code == 403, (role, method, url, r.text)
    for method, url, body in (
        ("GET", keys_url(region), None),
        ("POST", keys_url(region), nyps),
        ("POST", f"{keys_url(region)}/{key_for(region, 'viewer')}/revoke", None),
    ):
        r = await svc.request(method, url, json=body, headers=theirs)
        assert r.status_code == 404 and f"Region {region} was not found" in r.text, r.text

    r = await svc.post(keys_url(region), json=nyps, headers=admin)
    assert r.status_code == 201, r.text
    integrator = {"X-API-Key": r.json()["key"]}
    assert r.json()["source"] == "nyps"
    pushed = await svc.post(
        f"/assessment/regions/{region}/applications",
        json=application(1),
        headers=integrator,
    )
    assert pushed.status_code == 201, pushed.text

    # Another region's key, by name, under one's own region: 404; its list is its own.
    r = await svc.get(f"{keys_url(other_region)}/{nyps['name']}", headers=theirs)
    assert r.status_code == 404
    r = await svc.post(f"{keys_url(other_region)}/{nyps['name']}/revoke", headers=theirs)
    assert r.status_code == 404
    assert nyps["name"] not in (await svc.get(keys_url(other_region), headers=theirs)).text

    # A name is the platform's: taken in another region, in the key file, or by a revoked key: 409.
    for body in (
        {**nyps, "role": "viewer", "source": None},
        {"name": key_for(other_region, "viewer"), "role": "viewer"},
    ):
        r = await svc.post(keys_url(other_region), json=body, headers=theirs)
        assert r.status_code == 409, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert f"An API key named {body['name']} exists already" in r.json()["detail"]

    # What may not be issued: 422 naming why, and nothing is kept.
    now = datetime.now(UTC)
    refused = [
        {"name": f"{region}-op", "role": "operator"},
        {"name": f"{region}-x", "role": "integrator"},
        {"name": f"{region}-x", "role": "viewer", "source": "nyps"},
        {"name": f"{region}-x", "role": "viewer", "expires": (now - timedelta(minutes=1)).isoformat()},
        {"name": f"{region}-x", "role": "viewer", "expires": (now + timedelta(days=1100)).isoformat()},
        {"name": f"{region}-x", "role": "viewer", "expires": "2030-01-01T00:00:00"},
        {"name": "Capitals", "role": "viewer"},
        {"name": "-dash", "role": "viewer"},
        {"name": "x" * 65, "role": "viewer"},
        {"name": f"{region}-x", "role": "viewer", "region": other_region},
    ]
    for body in refused:
        r = await svc.post(keys_url(region), json=body, headers=admin)
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    listed = (await svc.get(keys_url(region), headers=admin)).json()["data"]
    assert {k["name"] for k in listed if k["origin"] == "api"} == {nyps["name"]}
    r = await svc.post(
        keys_url(region),
        json={
            "name": f"{region}-three-years",
            "role": "assessor",
            "expires": (now + timedelta(days=1090)).isoformat(),
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text

    # A key of the key file, revoked over the API: refused by every service; the file is unchanged.
    viewer = key_for(region, "viewer")
    assert await answers(actors, "actors", region, viewer) == 200
    r = await svc.post(f"{keys_url(region)}/{viewer}/revoke", headers=admin)
    assert r.status_code == 200 and r.json()["origin"] == "file" and r.json()["state"] == "revoked"
    await eventually(lambda: _is(answers(actors, "actors", region, viewer), 401), timeout=5, interval=0.02)
    assert await answers(svc, "assessment", region, viewer) == 401
    listed = (await svc.get(keys_url(region), headers=admin)).json()["data"]
    assert [k["state"] for k in listed if k["name"] == viewer] == ["revoked"]

    # The platform operator: any region's keys.
    r = await svc.post(
        keys_url(other_region), json={"name": f"{other_region}-ops", "role": "admin"}, headers=OPERATOR
    )
    assert r.status_code == 201, r.text
    assert r.json()["created_by"] == "key-operator"
    operator_issued = {"X-API-Key": r.json()["key"]}
    r = await svc.get(keys_url(other_region), headers=operator_issued)
    assert r.status_code == 200 and f"{other_region}-ops" in r.text
    r = await svc.get(keys_url(region), headers=operator_issued)
    assert r.status_code == 404


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_region_named_only_by_an_issued_key_still_exists(
    services: dict[str, httpx.AsyncClient], region: str, other_region: str, api_keys_file: Path
) -> None:
    """The regions are the ones the keys name, the bucket's too: a region whose keys in the file
    are gone is still there while a key issued over the API names it, in every service alike."""
    svc, actors = services["assessment"], services["actors"]
    r = await svc.post(
        keys_url(region), json={"name": f"{region}-a", "role": "admin"}, headers=headers(region)
    )
    assert r.status_code == 201
    assert "sha256" not in json.dumps(r.json())
    key = {"X-API-Key": r.json()["key"]}
    write_keys(api_keys_file, [other_region])  # the file no longer names the region
    for client, name in ((svc, "assessment"), (actors, "actors")):
        regions = (await client.get(f"/{name}/regions", headers=OPERATOR)).json()["data"]
        assert {"id": region} in regions and {"id": other_region} in regions
        r = await client.get(f"/{name}/regions/{region}/audit", headers=OPERATOR)
        assert r.status_code == 200, r.text
    assert (await svc.get(keys_url(region), headers=key)).status_code == 200
    assert (await svc.get(keys_url(region), headers=headers(region))).status_code == 401
