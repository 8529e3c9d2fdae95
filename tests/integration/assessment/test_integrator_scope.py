"""An integrator's key is bound to its funding system: it pushes, reads and subscribes to that
system's applications and their assessments, and nothing else of the region."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from helpers import application, headers, running, service_settings
from kraftsamla_assessment.app import spec
from kraftsamla_common import apikeys
from kraftsamla_common.auth import Role


@pytest.fixture
async def svc(
    nats_url: str, database_factory: Callable[[str], str], api_keys_file: Path, region: str
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    key = apikeys.issue(api_keys_file, name="nyps", region=region, role=Role.INTEGRATOR, source="nyps")
    settings = service_settings(
        "assessment",
        database_url=database_factory("assessment"),
        nats_url=nats_url,
        api_keys_file=api_keys_file,
        # The funding system's host, which resolves nowhere offline: allowed by name.
        webhook_allowed_hosts=["nyps.example.se"],
    )
    async with running(spec, settings) as client:
        yield client, {"X-API-Key": key}


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_an_integrator_sees_and_changes_only_its_own_funding_system(
    svc: tuple[httpx.AsyncClient, dict[str, str]], region: str
) -> None:
    client, nyps = svc
    admin = headers(region, "admin")
    base = f"/assessment/regions/{region}"

    own = await client.post(f"{base}/applications", json=application(1), headers=nyps)
    assert own.status_code == 201, own.text
    r = await client.post(f"{base}/applications", json={**application(2), "source": "eruf"}, headers=nyps)
    assert r.status_code == 403 and "'nyps' only" in r.json()["detail"]
    other = await client.post(
        f"{base}/applications", json={**application(3), "source": "eruf"}, headers=admin
    )
    assert other.status_code == 201
    other_id = other.json()["id"]

    r = await client.post(
        f"{base}/applications/bulk", json=[application(4), {**application(5), "source": "eruf"}], headers=nyps
    )
    items = r.json()["results"]
    assert [i["status"] for i in items] == ["created", "rejected"]
    assert items[1]["errors"][0]["pointer"] == "/1/source"

    listed = (await client.get(f"{base}/applications", headers=nyps)).json()
    assert {a["source"] for a in listed["data"]} == {"nyps"} and listed["count"] == 2
    assert (await client.get(f"{base}/applications", headers=admin)).json()["count"] == 3
    for path in (f"applications/{other_id}", f"applications/{other_id}/assessments"):
        assert (await client.get(f"{base}/{path}", headers=nyps)).status_code == 404
    r = await client.post(
        f"{base}/applications/{other_id}/decision", json={"outcome": "rejected"}, headers=nyps
    )
    assert r.status_code == 404
    # Region-wide views are not an integrator's.
    for path in ("reassessments", "rubric"):
        assert (await client.get(f"{base}/{path}", headers=nyps)).status_code == 403

    hook = {"url": "https://nyps.example.se/hooks", "event_types": ["application.assessed"]}
    r = await client.post(f"{base}/webhooks", json=hook, headers=nyps)
    assert r.status_code == 201 and r.json()["source"] == "nyps"
    assert (
        await client.post(f"{base}/webhooks", json={**hook, "source": "eruf"}, headers=nyps)
    ).status_code == 403
    r = await client.post(
        f"{base}/webhooks", json={**hook, "event_types": ["reassessment.completed"]}, headers=nyps
    )
    assert r.status_code == 403
    admins = await client.post(f"{base}/webhooks", json=hook, headers=admin)
    assert admins.status_code == 201
    assert (await client.get(f"{base}/webhooks/{admins.json()['id']}", headers=nyps)).status_code == 404
    assert [h["source"] for h in (await client.get(f"{base}/webhooks", headers=nyps)).json()["data"]] == [
        "nyps"
    ]
