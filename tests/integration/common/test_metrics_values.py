"""The values operators see on ``GET /metrics`` of a running service (plans, in this process, on the
session's real NATS JetStream): the counters exist at 0 before anything happens; a poison message
(a well-formed event of another type on a consumer's subject, which its handler cannot take) is
redelivered, then dead-lettered, and the counters and the "dead letters waiting" gauge say so."""

from __future__ import annotations

import re

import httpx
import nats

from helpers import StartService, eventually, headers, plan_event
from kraftsamla_common import events
from kraftsamla_common.events import ActorRegistered

CONSUMER = "plans-on-actor-registered"


def value(scrape: str, name: str, **labels: str) -> float | None:
    """The sample ``name`` whose labels include ``labels`` (None when there is none)."""
    for line in scrape.splitlines():
        m = re.fullmatch(rf"{re.escape(name)}\{{(.*)\}} (\S+)", line)
        if m and all(f'{k}="{v}"' in m.group(1) for k, v in labels.items()):
            return float(m.group(2))
    return None


async def scrape(client: httpx.AsyncClient) -> str:
    r = await client.get("/metrics")
    assert r.status_code == 200
    return r.text


async def test_counters_start_at_zero_and_a_poison_message_is_counted_and_waiting(
    start_service: StartService, nats_url: str, region: str
) -> None:
    async with start_service(
        "plans", max_deliver=2, backoff_seconds=[0.1], metrics_poll_seconds=0.1
    ) as client:

        async def polled() -> str | None:
            # (The gauges of an earlier test's service in this process read on until the first poll.)
            text = await scrape(client)
            return text if value(text, "kraftsamla_deadletter_messages", consumer=CONSUMER) == 0 else None

        before = await eventually(polled)
        redelivered = value(before, "kraftsamla_events_redelivered_total", consumer=CONSUMER)
        dead_lettered = value(before, "kraftsamla_events_dead_lettered_total", consumer=CONSUMER)
        assert redelivered is not None and dead_lettered is not None, before
        # Every consumer of the service has its series before its first event.
        for consumer in client.app.state.ctx.bus.durables:  # type: ignore[attr-defined]
            assert value(before, "kraftsamla_events_dead_lettered_total", consumer=consumer) is not None
        consumed = {"consumer": CONSUMER, "event_type": ActorRegistered.event_type}
        assert value(before, "kraftsamla_events_consumed_total", **consumed, outcome="processed") is not None
        # The process's own series carry the service's name (the first service this test process
        # set telemetry up for: in the whole suite, not always plans).
        assert re.search(r'^process_cpu_seconds_total\{.*service_name="kraftsamla-\w+"', before, re.M), before

        # A published action plan on the subject of a registered actor: parses, and fails its handler.
        poison = plan_event(region, 1)
        nc = await nats.connect(nats_url)
        try:
            await nc.jetstream().publish(
                events.subject_for(ActorRegistered.event_type, region),
                poison.model_dump_json(serialize_as_any=True).encode(),
                headers={"Nats-Msg-Id": str(poison.id)},
            )
        finally:
            await nc.close()

        async def dead_letter_waiting() -> str | None:
            text = await scrape(client)
            return text if value(text, "kraftsamla_deadletter_messages", consumer=CONSUMER) == 1 else None

        after = await eventually(dead_letter_waiting, timeout=20)
        assert value(after, "kraftsamla_events_redelivered_total", consumer=CONSUMER) == redelivered + 1
        assert value(after, "kraftsamla_events_dead_lettered_total", consumer=CONSUMER) == dead_lettered + 1
        # Which region's event of which type waits, and for what kind of error.
        detail = [
            (m.group(1), float(m.group(2)))
            for m in re.finditer(r"^kraftsamla_deadletter_waiting\{(.*)\} (\S+)$", after, re.M)
            if f'consumer="{CONSUMER}"' in m.group(1)
        ]
        assert len(detail) == 1 and detail[0][1] == 1, detail
        labels = dict(re.findall(r'(\w+)="([^"]*)"', detail[0][0]))
        assert labels["region"] == region and labels["event_type"] == ActorRegistered.event_type
        assert labels["error"].isidentifier() and labels["error"] not in ("other", "unreadable"), labels
        # The streams it holds in, by size.
        assert (value(after, "kraftsamla_stream_messages", stream="DEADLETTER") or 0) >= 1
        assert value(after, "kraftsamla_stream_messages", stream="PLANS") is not None
        assert (value(after, "kraftsamla_stream_size_bytes", stream="DEADLETTER") or 0) > 0
        # The service still answers, and says which trace its answer belongs to.
        r = await client.get(f"/plans/regions/{region}/programmes", headers=headers(region))
        assert r.status_code == 200, r.text
        assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}", r.headers["traceparent"])
