"""Webhooks go to public addresses only, a bad delivery is its own, and signing secrets are kept
encrypted: the assessment service over real HTTP (uvicorn on a port), real NATS JetStream, real
databases and real HTTP endpoints for the deliveries.

Internal destinations (loopback, private, metadata, names that resolve to them) are refused at
registration (422 naming ``/url``) and again at each delivery, after the name is resolved, so a
destination the operator no longer allows is logged as refused and never reached. One delivery that
fails in any way (a URL stored before URLs were checked, a secret no key opens) is recorded as its
own failed attempt, retried and given up by the usual rule, while the rest of its batch goes on.
Secrets are Fernet tokens in the database, re-encrypted on start with the newest key, and the
receiver verifies every signature with the secret it was given.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import nats
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from standardwebhooks.webhooks import Webhook as Verifier

from helpers import (
    SECRETS_KEY,
    WebhookEndpoint,
    application,
    eventually,
    headers,
    plan_event,
    publish,
    running,
    service_settings,
    serving,
)
from kraftsamla_assessment.adapters.secret_box import PREFIX, box_for
from kraftsamla_assessment.adapters.webhooks import WebhookSender, new_secret
from kraftsamla_assessment.app import spec
from kraftsamla_assessment.domain.destinations import AllowedDestinations
from kraftsamla_assessment.persistence.tables import Delivery, Webhook
from kraftsamla_common.events import new_id, utcnow

ASSESSED = ["application.assessed"]


@pytest.fixture
def listener() -> Iterator[WebhookEndpoint]:
    endpoint = WebhookEndpoint()
    yield endpoint
    endpoint.stop()


@pytest.fixture
def database_url(database_factory: Callable[[str], str]) -> str:
    return database_factory("assessment")


@pytest.fixture
async def start(
    nats_url: str, database_url: str, api_keys_file: Path, region: str
) -> Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    """The service on the test's database, served on a real port: a client of that port. Each call
    is a new start on the same database (an operator changing a setting and restarting). The
    region has a published action plan (on the bus before the first start), so applications are
    assessed and ``application.assessed`` goes out."""
    nc = await nats.connect(nats_url)
    await publish(nc.jetstream(), plan_event(region, 1))
    await nc.close()

    @contextlib.asynccontextmanager
    async def run(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        settings = service_settings(
            "assessment",
            database_url=database_url,
            nats_url=nats_url,
            api_keys_file=api_keys_file,
            **{"webhook_poll_seconds": 0.05, "webhook_backoff_seconds": [0.2, 0.2], **overrides},
        )
        async with (
            running(spec, settings) as app_client,
            serving(app_client.app) as url,  # type: ignore[attr-defined]
            httpx.AsyncClient(base_url=url) as http,
        ):
            await eventually(lambda: plan_known(http, region))
            yield http

    return run


def base(region: str) -> str:
    return f"/assessment/regions/{region}"


async def plan_known(http: httpx.AsyncClient, region: str) -> bool:
    r = await http.get(f"{base(region)}/reassessments?status=completed", headers=headers(region, "viewer"))
    return bool(r.json()["data"])


async def deliveries(http: httpx.AsyncClient, region: str, hook_id: str) -> list[dict[str, Any]]:
    r = await http.get(f"{base(region)}/webhooks/{hook_id}/deliveries", headers=headers(region))
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def stored_secrets(database_url: str) -> dict[str, str]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return dict((await conn.execute(select(Webhook.id, Webhook.secret))).tuples().all())
    finally:
        await engine.dispose()


# --------------------------------------------------------------------------- registration


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_internal_destinations_are_refused_at_registration(
    start: Callable[..., Any], nats_url: str, region: str, listener: WebhookEndpoint
) -> None:
    nats_port = urlsplit(nats_url).port
    refused = {
        f"http://127.0.0.1:{nats_port}/": "127.0.0.1 is a loopback address",
        f"http://127.0.0.1:{listener.port}/hooks": "127.0.0.1 is a loopback address",
        f"http://localhost:{listener.port}/hooks": "localhost does not resolve to public addresses",
        f"http://[::1]:{listener.port}/": "::1 is a loopback address",
        f"http://[::ffff:127.0.0.1]:{listener.port}/": "is a loopback address",
        f"http://2130706433:{listener.port}/": "127.0.0.1 is a loopback address",
        "http://10.1.2.3/hooks": "10.1.2.3 is a private address",
        "http://192.168.0.10/hooks": "is a private address",
        "http://[fd12::1]/hooks": "is a private address",
        "http://100.64.0.1/": "is a shared (carrier-grade NAT) address",
        "http://169.254.10.1/": "is a link-local address",
        "http://[fe80::1]/": "is a link-local address",
        "http://169.254.169.254/latest/meta-data/": "is a cloud metadata address",
        "http://[fd00:ec2::254]/latest/meta-data/": "is a cloud metadata address",
        "http://metadata.google.internal/computeMetadata/v1/": "is a cloud metadata service",
        "http://0.0.0.0:8103/": "is an unspecified address",
        "http://224.0.0.1/": "is a multicast address",
        "http://240.0.0.1/": "is a reserved address",
    }
    malformed = [
        "http://hooks.example.se/in\u0001kraftsamla",
        "http://hooks.example.se/in\u007f",
        "http://hooks.example.se/in\u200bx",
        "http://user:password@hooks.example.se/",
        "ftp://hooks.example.se/",
        "http://hooks.example.se/" + "a" * 2048,
    ]
    h = headers(region, "integrator")
    async with start() as http:
        for url, why in refused.items():
            r = await http.post(
                f"{base(region)}/webhooks", json={"url": url, "event_types": ASSESSED}, headers=h
            )
            assert r.status_code == 422, (url, r.text)
            problem = r.json()
            assert problem["type"].endswith("/unprocessable") and "public addresses" in problem["detail"]
            [error] = problem["errors"]
            assert error["pointer"] == "/url" and why in error["message"], (url, error)
        for url in malformed:
            r = await http.post(
                f"{base(region)}/webhooks", json={"url": url, "event_types": ASSESSED}, headers=h
            )
            assert r.status_code == 422, (url, r.text)
            assert [e["pointer"] for e in r.json()["errors"]] == ["/url"], r.text
        # Swedish too, and nothing was kept, nothing was sent.
        r = await http.post(
            f"{base(region)}/webhooks",
            json={"url": f"http://localhost:{listener.port}/", "event_types": ASSESSED},
            headers={**h, "Accept-Language": "sv"},
        )
        assert "publika adresser" in r.json()["detail"]
        assert (await http.get(f"{base(region)}/webhooks", headers=headers(region))).json()["count"] == 0
    assert listener.requests == []


# --------------------------------------------------------------------------- delivery


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_destination_no_longer_allowed_is_refused_at_delivery_and_logged(
    start: Callable[..., Any], region: str, listener: WebhookEndpoint
) -> None:
    """``localhost`` is allowed by name, registered and delivered to; then the operator takes it
    off the list and restarts: the next delivery resolves ``localhost`` (127.0.0.1), refuses it,
    and says so in the delivery log; the endpoint gets nothing more."""
    h = headers(region, "integrator")
    url = f"http://localhost:{listener.port}/hooks"
    async with start(webhook_allowed_hosts=["localhost"]) as http:
        created = await http.post(
            f"{base(region)}/webhooks", json={"url": url, "event_types": ASSESSED}, headers=h
        )
        assert created.status_code == 201, created.text
        hook, secret = created.json()["id"], created.json()["secret"]
        await http.post(f"{base(region)}/applications", json=application(1), headers=h)
        await eventually(lambda: _async(listener.delivered()))
        hdrs, body, _ = listener.requests[0]
        assert hdrs["host"] == f"localhost:{listener.port}"
        assert Verifier(secret).verify(body, hdrs)["type"] == "application.assessed"

    async with start() as http:
        r = await http.post(f"{base(region)}/webhooks", json={"url": url, "event_types": ASSESSED}, headers=h)
        assert (
            r.status_code == 422
            and "localhost does not resolve to public" in r.json()["errors"][0]["message"]
        )
        await http.post(f"{base(region)}/applications", json=application(2), headers=h)

        async def refused() -> list[dict[str, Any]] | None:
            failed = [d for d in await deliveries(http, region, hook) if d["state"] == "failed"]
            return failed or None

        [delivery] = await eventually(refused)
        assert delivery["attempts"] == 3 and delivery["last_status_code"] is None
        assert {e["error"] for e in delivery["log"]} == {"refused: localhost resolves to a loopback address"}
    assert len(listener.requests) == 1


async def test_one_failing_delivery_does_not_hold_up_its_batch(
    start: Callable[..., Any], database_url: str, region: str
) -> None:
    """Two subscriptions stored before URLs and secrets were checked — one URL with a control
    character, one secret no key opens — beside two good ones: every delivery of the batch is
    tried, the good ones arrive, the bad ones are logged as failed attempts with the reason,
    retried and given up."""
    good = [WebhookEndpoint(), WebhookEndpoint()]
    h = headers(region, "integrator")
    try:
        async with start(webhook_allowed_hosts=["127.0.0.1"]) as http:
            hooks = []
            for endpoint in good:
                r = await http.post(
                    f"{base(region)}/webhooks", json={"url": endpoint.url, "event_types": ASSESSED}, headers=h
                )
                assert r.status_code == 201, r.text
                hooks.append(r.json())
            bad = {
                str(new_id()): ("http://127.0.0.1:1/hooks\x01kraftsamla", hooks[0]["secret"]),
                str(new_id()): (good[1].url, PREFIX + "gAAAAAB-not-a-token"),
            }
            engine = create_async_engine(database_url)
            async with engine.begin() as conn:
                for hook_id, (url, secret) in bad.items():
                    await conn.execute(
                        Webhook.__table__.insert().values(  # type: ignore[attr-defined]
                            id=hook_id,
                            region=region,
                            url=url,
                            event_types=ASSESSED,
                            source=None,
                            description=None,
                            secret=secret,
                            active=True,
                            created_by="before",
                            created_at=utcnow(),
                        )
                    )
            await engine.dispose()

            await http.post(f"{base(region)}/applications", json=application(1), headers=h)

            async def settled() -> dict[str, list[dict[str, Any]]] | None:
                logs = {i: await deliveries(http, region, i) for i in [*bad, *(k["id"] for k in hooks)]}
                done = all(d and d[0]["state"] in ("delivered", "failed") for d in logs.values())
                return logs if done else None

            logs = await eventually(settled)
            for hook in hooks:
                assert logs[hook["id"]][0]["state"] == "delivered"
            for endpoint, hook in zip(good, hooks, strict=True):
                [(hdrs, body, _)] = endpoint.requests
                assert Verifier(hook["secret"]).verify(body, hdrs)["data"]["external_id"] == "2026-0001"
            url_hook, secret_hook = bad
            [d] = logs[url_hook]
            assert d["state"] == "failed" and d["attempts"] == 3
            assert d["last_error"].startswith("refused: the URL is not valid: no control")
            [d] = logs[secret_hook]
            assert d["state"] == "failed" and d["attempts"] == 3
            assert "opens with none of the keys" in d["last_error"]
            assert len(good[1].requests) == 1  # the bad secret's deliveries never left
    finally:
        for endpoint in good:
            endpoint.stop()


# --------------------------------------------------------------------------- secrets at rest


async def test_signing_secrets_are_encrypted_at_rest_and_signatures_still_verify(
    start: Callable[..., Any],
    database_url: str,
    nats_url: str,
    api_keys_file: Path,
    region: str,
    listener: WebhookEndpoint,
) -> None:
    h = headers(region, "integrator")
    async with start(webhook_allowed_hosts=["127.0.0.1"]) as http:
        r = await http.post(
            f"{base(region)}/webhooks", json={"url": listener.url, "event_types": ASSESSED}, headers=h
        )
        hook, secret = r.json()["id"], r.json()["secret"]
        stored = (await stored_secrets(database_url))[hook]
        assert stored.startswith(PREFIX) and secret not in stored and secret[6:] not in stored
        assert Fernet(SECRETS_KEY).decrypt(stored.removeprefix(PREFIX).encode()).decode() == secret
        await http.post(f"{base(region)}/applications", json=application(1), headers=h)
        await eventually(lambda: _async(listener.delivered()))

    # A subscription kept in plaintext before secrets were encrypted, and a new key put first:
    # the next start encrypts the one and re-encrypts the other with the new key.
    plain_hook, plain_secret = str(new_id()), "whsec_" + "cGxhaW50ZXh0LWJlZm9yZS1lbmNyeXB0aW9u"
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            Webhook.__table__.insert().values(  # type: ignore[attr-defined]
                id=plain_hook,
                region=region,
                url=listener.url,
                event_types=ASSESSED,
                source=None,
                description=None,
                secret=plain_secret,
                active=True,
                created_by="before",
                created_at=utcnow(),
            )
        )
    await engine.dispose()
    new_key = Fernet.generate_key().decode()
    async with start(webhook_allowed_hosts=["127.0.0.1"], secrets_key=f"{new_key},{SECRETS_KEY}") as http:
        rows = await stored_secrets(database_url)
        for hook_id, plain in ((hook, secret), (plain_hook, plain_secret)):
            assert rows[hook_id].startswith(PREFIX) and plain not in rows[hook_id]
            assert Fernet(new_key).decrypt(rows[hook_id].removeprefix(PREFIX).encode()).decode() == plain
        await http.post(f"{base(region)}/applications", json=application(2), headers=h)

        def signed_by(wanted: str) -> list[dict[str, Any]]:
            out = []
            for hdrs, body, _ in listener.requests:
                with contextlib.suppress(Exception):
                    out.append(Verifier(wanted).verify(body, hdrs))
            return out

        await eventually(lambda: _async(len(listener.requests) == 3))
        assert [d["data"]["external_id"] for d in signed_by(secret)] == ["2026-0001", "2026-0002"]
        assert [d["data"]["external_id"] for d in signed_by(plain_secret)] == ["2026-0002"]

    # Without a key the service does not start (and changes nothing).
    settings = service_settings(
        "assessment",
        database_url=database_url,
        nats_url=nats_url,
        api_keys_file=api_keys_file,
        secrets_key=None,
    )
    with pytest.raises(RuntimeError, match="KRAFTSAMLA_SECRETS_KEY is not set"):
        async with running(spec, settings):
            pass
    assert await stored_secrets(database_url) == rows


async def _async(value: Any) -> Any:
    return value


# --------------------------------------------------------------------------- pinning


async def test_the_sender_connects_to_the_address_it_checked_and_nowhere_else(
    listener: WebhookEndpoint,
) -> None:
    """A name only the given resolver knows (the system's resolves it nowhere): the delivery arrives,
    so it went to the checked address, with the name in its Host header, after one lookup. When
    the name is rebound to an address that is not allowed, nothing is sent and the entry says why."""
    answers = {"hooks.example.test": ["127.0.0.1"]}
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[host]

    box = box_for(SecretStr(SECRETS_KEY))
    secret = new_secret()
    hook = Webhook(
        id=str(new_id()), url=f"http://hooks.example.test:{listener.port}/in", secret=box.seal(secret)
    )
    delivery = Delivery(
        id=str(new_id()), region="r", event_id=str(new_id()), event_type="application.assessed",
        payload='{"type":"application.assessed"}', attempts=0, log=[], traceparent=None,
    )  # fmt: skip
    allowed = AllowedDestinations.of(["127.0.0.1"])
    async with WebhookSender(5.0, allowed=allowed, box=box, resolver=resolver) as sender:
        entry = await sender.send(delivery, hook)
        assert entry["status_code"] == 204, entry
        [(hdrs, body, _)] = listener.requests
        assert hdrs["host"] == f"hooks.example.test:{listener.port}"
        assert Verifier(secret).verify(body, hdrs)["type"] == "application.assessed"
        assert asked == ["hooks.example.test"]

        answers["hooks.example.test"] = ["10.0.0.7", "127.0.0.1"]  # rebound: one address not allowed
        entry = await sender.send(delivery, hook)
        assert entry["error"] == "refused: hooks.example.test resolves to a private address"
        assert "status_code" not in entry and len(listener.requests) == 1
