"""Fault: an integrator's webhook endpoint down for a minute.

The assessment service runs as a real process (SQLite) against the session's NATS. The
endpoint's port has nothing listening for ``OUTAGE_SECONDS`` (60 s: connections are refused)
while applications arrive and are assessed; then a real HTTP server starts on that port. Every
queued delivery is retried and completed once it is back, each event reaches the endpoint
once, and the bus was unaffected meanwhile: the events were published and the webhook consumer
had no lag while the endpoint was away.

The retry delays are shortened (``KRAFTSAMLA_WEBHOOK_BACKOFF_SECONDS``, 1, 2, 4, then 8 s) so the
deliveries are retried within seconds of the endpoint's return; the outage itself is the full
minute.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import nats
import pytest

from helpers import WebhookEndpoint, application, eventually, headers, plan_event
from kraftsamla_common import events
from kraftsamla_common.events import (
    ActionPlanPublished,
    new_id,
)
from kraftsamla_local import servers

OUTAGE_SECONDS = 60.0
FIRST, LATER = 5, 5
BACKOFF = [1.0, 2.0, 4.0] + [8.0] * 12


@pytest.mark.slow
@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_webhook_endpoint_down_for_a_minute_gets_every_delivery_once_after(
    nats_url: str, database_factory: Callable[[str], str], api_keys_file: Path, tmp_path: Path, region: str
) -> None:
    endpoint = WebhookEndpoint(start=False)
    proc = servers.ServiceProcess(
        "assessment",
        database_url=database_factory("assessment"),
        nats_url=nats_url,
        data_dir=tmp_path,
        api_keys_file=api_keys_file,
        extra_env={
            "KRAFTSAMLA_RELAY_POLL_SECONDS": "0.2",
            "KRAFTSAMLA_WEBHOOK_BACKOFF_SECONDS": json.dumps(BACKOFF),
            "KRAFTSAMLA_WEBHOOK_TIMEOUT_SECONDS": "2",
            "KRAFTSAMLA_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',  # the test's endpoint
        },
    )
    proc.start()
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    h = headers(region, "integrator")
    try:
        proc.wait_ready(60)
        url = f"{proc.base_url}/assessment/regions/{region}"
        async with httpx.AsyncClient(timeout=30) as http_client:
            created = await http_client.post(
                f"{url}/webhooks",
                json={"url": endpoint.url, "event_types": ["application.assessed"]},
                headers=h,
            )
            assert created.status_code == 201, created.text
            hook = created.json()["id"]
            await js.publish(
                events.subject_for(ActionPlanPublished.event_type, region),
                plan_event(region, 1).model_dump_json(serialize_as_any=True).encode(),
                headers={"Nats-Msg-Id": str(new_id())},
            )

            async def plan_known() -> int:
                r = await http_client.get(
                    f"{url}/reassessments?status=completed", headers=headers(region, "viewer")
                )
                return int(r.json()["count"])

            await eventually(plan_known, timeout=30)

            async def assessed_on_bus() -> int:
                subject = f"s3.{region}.assessment.application.assessed.v1"
                info = await js.stream_info("ASSESSMENT", subjects_filter=subject)
                return int((info.state.subjects or {}).get(subject, 0))

            async def deliveries(state: str) -> int:
                r = await http_client.get(f"{url}/webhooks/{hook}/deliveries?state={state}", headers=h)
                return int(r.json()["count"])

            async def consumer_idle() -> bool:
                info = await js.consumer_info("ASSESSMENT", "assessment-webhooks-assessed")
                return not info.num_pending and not info.num_ack_pending

            # The endpoint is down (nothing listens on its port) from here.
            assert not servers.port_open(endpoint.port)
            down_at = time.monotonic()
            started = time.perf_counter()
            for n in range(FIRST):
                r = await http_client.post(f"{url}/applications", json=application(n), headers=h)
                assert r.status_code == 201, r.text
            await asyncio.sleep(OUTAGE_SECONDS / 2)
            # Half-way through the outage: the bus goes on (events published, consumer without lag,
            # deliveries queued and retried), and a new application is assessed as ever.
            for n in range(FIRST, FIRST + LATER):
                r = await http_client.post(f"{url}/applications", json=application(n), headers=h)
                assert r.status_code == 201 and r.json()["assessment"] is not None, r.text

            async def flowing() -> bool:
                return (
                    await assessed_on_bus() == FIRST + LATER
                    and await deliveries("pending") == FIRST + LATER
                    and await consumer_idle()
                )

            await eventually(flowing, timeout=10)
            r = await http_client.get(f"{url}/webhooks/{hook}/deliveries?state=pending", headers=h)
            attempts_during = sum(d["attempts"] for d in r.json()["data"])
            assert endpoint.delivered() == []
            assert await deliveries("delivered") == 0 and await deliveries("failed") == 0
            await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
            assert not servers.port_open(endpoint.port)
            endpoint.start()
            outage = time.monotonic() - down_at
            back_at = time.monotonic()

            async def all_delivered() -> bool:
                return await deliveries("delivered") == FIRST + LATER

            await eventually(all_delivered, timeout=30, interval=0.2)
            recovery = time.monotonic() - back_at
            await asyncio.sleep(2)  # a doubled delivery would have arrived by now
            seconds = time.perf_counter() - started
            r = await http_client.get(f"{url}/webhooks/{hook}/deliveries?limit=100", headers=h)
            log = r.json()["data"]
            failed = await deliveries("failed")
    finally:
        proc.stop()
        endpoint.stop()
        await nc.close()

    per_event = Counter(b["id"] for b in endpoint.delivered())
    refused = sum(1 for d in log for e in d["log"] if e.get("status_code") is None)
    print(
        json.dumps(
            {
                "fault": "webhook-endpoint-down",
                "outage_seconds": round(outage, 1),
                "events": FIRST + LATER,
                "delivered": len(per_event),
                "duplicated": sum(n - 1 for n in per_event.values() if n > 1),
                "failed": failed,
                "attempts": sum(d["attempts"] for d in log),
                "attempts_during_outage": attempts_during,
                "refused_attempts_logged": refused,
                "seconds_to_deliver_after_return": round(recovery, 2),
                "seconds": round(seconds, 2),
            }
        )
    )
    assert len(log) == FIRST + LATER and {d["state"] for d in log} == {"delivered"}
    assert len(per_event) == FIRST + LATER and set(per_event.values()) == {1}
    assert {b["type"] for b in endpoint.delivered()} == {"application.assessed"}
    assert failed == 0
    assert attempts_during >= FIRST + LATER  # every delivery was really tried while it was down
    assert all(d["attempts"] >= 2 for d in log)
