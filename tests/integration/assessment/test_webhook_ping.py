"""A webhook's test ping: a signed ``webhook.ping`` sent at once to a real HTTP listener on a port
of its own, kept in the webhook's delivery log with its outcome, on the bus as
``assessment.webhook.ping.v1`` and in the audit log; the destination rule and the integrator's
binding to its funding system hold for it as for every delivery."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from helpers import (
    StartService,
    WebhookEndpoint,
    eventually,
    headers,
    key_for,
    running,
    service_settings,
    stream_messages,
)
from kraftsamla_assessment.app import spec


@pytest.fixture
async def svc(start_service: StartService) -> AsyncIterator[httpx.AsyncClient]:
    async with start_service(
        "assessment", webhook_allowed_hosts=["127.0.0.1"], webhook_timeout_seconds=2.0
    ) as client:
        yield client


@pytest.fixture
def listener() -> Iterator[WebhookEndpoint]:
    endpoint = WebhookEndpoint()
    yield endpoint
    endpoint.stop()


def hooks(region: str) -> str:
    return f"/assessment/regions/{region}/webhooks"


async def test_a_ping_reaches_the_endpoint_signed_and_is_in_the_delivery_log(
    svc: httpx.AsyncClient, listener: WebhookEndpoint, nats_url: str, region: str, other_region: str
) -> None:
    integrator = headers(region, "integrator")
    created = await svc.post(
        hooks(region), json={"url": listener.url, "event_types": ["application.assessed"]}, headers=integrator
    )
    assert created.status_code == 201, created.text
    hook, secret = created.json()["id"], created.json()["secret"]

    r = await svc.post(f"{hooks(region)}/{hook}/ping", headers=integrator)
    assert r.status_code == 200, r.text
    delivery = r.json()
    # Sent before the answer: the listener has it, signed with the webhook's secret.
    assert len(listener.requests) == 1
    sent_headers, body, _ = listener.requests[0]
    assert Verifier(secret).verify(body, sent_headers)["type"] == "webhook.ping"
    with pytest.raises(Exception, match="signature"):
        Verifier("whsec_" + "A" * 32).verify(body, sent_headers)
    event = json.loads(body)
    assert event["event_type"] == "assessment.webhook.ping.v1" and event["region"] == region
    assert event["data"] == {"webhook_id": hook, "event_types": ["application.assessed"]}
    assert sent_headers["webhook-id"] == event["id"] == delivery["event_id"]

    assert delivery["state"] == "delivered" and delivery["event_type"] == "webhook.ping"
    assert delivery["attempts"] == 1 and delivery["last_status_code"] == 204
    assert (
        delivery["log"][0]["status_code"] == 204 and delivery["log"][0]["at"] and "ms" in delivery["log"][0]
    )
    assert delivery["delivered_at"] is not None and delivery["next_attempt_at"] is None

    log = await svc.get(f"{hooks(region)}/{hook}/deliveries", headers=integrator)
    assert log.json()["data"] == [delivery]

    # On the bus, and in the audit log with who sent it.
    async def announced() -> list[Any]:
        return await stream_messages(nats_url, "ASSESSMENT", f"s3.{region}.assessment.webhook.ping.v1")

    assert json.loads((await eventually(announced))[0].data)["id"] == delivery["event_id"]
    audit = (await svc.get(f"/assessment/regions/{region}/audit", headers=headers(region))).json()["data"]
    pings = [e for e in audit if e["route"].endswith("/ping")]
    assert [(e["actor"], [ev["type"] for ev in e["events"]]) for e in pings] == [
        (key_for(region, "integrator"), ["assessment.webhook.ping.v1"])
    ]

    # The region's administrator may ping it too; a viewer may not; another region finds nothing.
    assert (await svc.post(f"{hooks(region)}/{hook}/ping", headers=headers(region))).status_code == 200
    assert (
        await svc.post(f"{hooks(region)}/{hook}/ping", headers=headers(region, "viewer"))
    ).status_code == 403
    r = await svc.post(f"{hooks(other_region)}/{hook}/ping", headers=headers(other_region, "integrator"))
    assert r.status_code == 404
    assert len(listener.requests) == 2


async def test_a_ping_that_fails_is_logged_as_failed_and_not_sent_again(
    svc: httpx.AsyncClient, region: str
) -> None:
    down = WebhookEndpoint(start=False)
    refusing = WebhookEndpoint(failures=10**6, fail=500)
    try:
        admin = headers(region)
        ids = []
        for endpoint in (down, refusing):
            r = await svc.post(
                hooks(region),
                json={"url": endpoint.url, "event_types": ["application.decided"]},
                headers=admin,
            )
            ids.append(r.json()["id"])
        r = await svc.post(f"{hooks(region)}/{ids[0]}/ping", headers=admin)
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "failed" and r.json()["last_status_code"] is None
        assert "ConnectError" in r.json()["last_error"]
        r = await svc.post(f"{hooks(region)}/{ids[1]}/ping", headers=admin)
        assert r.json()["state"] == "failed" and r.json()["last_status_code"] == 500
        assert len(refusing.requests) == 1
        # A deleted webhook is not pinged.
        await svc.delete(f"{hooks(region)}/{ids[1]}", headers=admin)
        assert (await svc.post(f"{hooks(region)}/{ids[1]}/ping", headers=admin)).status_code == 404
        assert len(refusing.requests) == 1
    finally:
        down.stop()
        refusing.stop()


async def test_a_ping_to_a_destination_no_longer_allowed_is_refused_and_logged(
    nats_url: str,
    database_factory: Callable[[str], str],
    api_keys_file: Path,
    listener: WebhookEndpoint,
    region: str,
) -> None:
    """The destination is checked again at the ping, as at every delivery: the operator took the
    listener's address off the allowed list and restarted; the ping is refused and says so."""
    admin = headers(region)
    database_url = database_factory("assessment")

    def settings(**overrides: Any) -> Any:
        return service_settings(
            "assessment",
            database_url=database_url,
            nats_url=nats_url,
            api_keys_file=api_keys_file,
            **overrides,
        )

    async with running(spec, settings(webhook_allowed_hosts=["127.0.0.1"])) as svc:
        r = await svc.post(
            hooks(region), json={"url": listener.url, "event_types": ["application.decided"]}, headers=admin
        )
        hook = r.json()["id"]
    async with running(spec, settings()) as svc:
        r = await svc.post(f"{hooks(region)}/{hook}/ping", headers=admin)
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "failed" and r.json()["last_status_code"] is None
        assert r.json()["last_error"].startswith("refused: ") and "loopback" in r.json()["last_error"]
        log = (await svc.get(f"{hooks(region)}/{hook}/deliveries", headers=admin)).json()["data"]
        assert [d["state"] for d in log] == ["failed"]
    assert listener.requests == []
