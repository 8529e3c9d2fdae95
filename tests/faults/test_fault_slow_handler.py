"""Fault: a handler slower than the consumer's ack wait (1 s ack wait, 3 s handler).

The bus's heartbeat (``in_progress`` every third of the ack wait) must keep JetStream from
redelivering the message while the handler works: its effect (read-model row), inbox row and
emitted outbox event exist once, and the consumer counts no redelivery. The control run with the
heartbeat switched off shows the test can fail: JetStream then redelivers.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import nats
import pytest
from sqlalchemy import func, select

from helpers import actor_registered, bus_database, effects
from kraftsamla_common import events
from kraftsamla_common.bus import Bus, Subscriptions
from kraftsamla_common.db import Database
from kraftsamla_common.events import ActorRegistered, Envelope, EventData
from kraftsamla_common.messaging import UnitOfWork, inbox, outbox
from kraftsamla_common.settings import Settings

HANDLER_SECONDS = 3.0
ACK_WAIT = 1.0


class SlowWorkDone(EventData):
    """The event the slow handler emits (this test's own; written to the outbox only)."""

    event_type: ClassVar[str] = "faultslow.work.done.v1"
    actor_id: str


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with bus_database(f"sqlite+aiosqlite:///{tmp_path / 'slow.db'}") as database:
        yield database


async def run_slow_handler(db: Database, nats_url: str, region: str) -> dict[str, Any]:
    calls: list[float] = []
    subs = Subscriptions()

    @subs.on(ActorRegistered)
    async def slow(event: Envelope[Any], uow: UnitOfWork) -> None:
        calls.append(time.monotonic())
        await asyncio.sleep(HANDLER_SECONDS)
        await uow.session.execute(effects.insert().values(actor_id=str(event.data.actor_id)))
        uow.emit(
            SlowWorkDone(actor_id=str(event.data.actor_id)), region=event.region, subject=event.data.actor_id
        )

    settings = Settings(
        service="faultslow", nats_url=nats_url, database_url="sqlite://", ack_wait_seconds=ACK_WAIT
    )
    # Two replicas on the one durable consumer: the idle one keeps a pull request open, so a
    # message whose ack wait runs out would be redelivered to it while the first still works.
    # (One replica alone would not show it: its pull loop fetches again only after the handler.)
    buses = [Bus(settings, db) for _ in range(2)]
    for bus in buses:
        bus.bind(subs)
        await bus.start()
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    started = time.perf_counter()
    try:
        env = actor_registered(region, "Slow AB")
        await js.publish(
            events.subject_for(env.type, region),
            env.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(env.id)},
        )
        deadline = time.monotonic() + 20
        while True:
            async with db.sessions() as s:
                if await s.scalar(select(func.count()).select_from(effects)):
                    break
            assert time.monotonic() < deadline, "the slow handler's effect never appeared"
            await asyncio.sleep(0.1)
        await asyncio.sleep(2 * ACK_WAIT + 0.5)  # a redelivery would have come and gone by now
        info = await js.consumer_info("ACTORS", "faultslow-slow")
        async with db.sessions() as s:
            counts = {
                t.name: int(await s.scalar(select(func.count()).select_from(t)) or 0)
                for t in (effects, inbox, outbox)
            }
        return {
            "handler_calls": len(calls),
            # Deliveries by the consumer (its sequence counts redeliveries too) less the one message.
            "redeliveries": int(info.delivered.consumer_seq or 0) - 1,
            "delivered": int(info.delivered.consumer_seq or 0),
            "ack_pending": int(info.num_ack_pending or 0),
            "effects": counts["effects"],
            "inbox_rows": counts["inbox"],
            "outbox_events": counts["outbox"],
            "seconds": round(time.perf_counter() - started, 2),
        }
    finally:
        for bus in buses:
            await bus.stop()
        await nc.close()


async def test_handler_slower_than_ack_wait_is_not_redelivered(
    db: Database, nats_url: str, region: str
) -> None:
    figures = await run_slow_handler(db, nats_url, region)
    print(
        json.dumps(
            {
                "fault": "handler-slower-than-ack-wait",
                "ack_wait": ACK_WAIT,
                "handler": HANDLER_SECONDS,
                **figures,
            }
        )
    )
    assert figures["handler_calls"] == 1
    assert figures["redeliveries"] == 0
    assert figures["delivered"] == 1
    assert figures["ack_pending"] == 0
    assert (figures["effects"], figures["inbox_rows"], figures["outbox_events"]) == (1, 1, 1)


async def test_control_without_heartbeat_the_slow_handler_is_redelivered(
    db: Database, nats_url: str, region: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same run with the heartbeat off: JetStream redelivers, so the test above can fail."""

    async def no_heartbeat(self: Bus, msg: Any) -> None:
        return None

    monkeypatch.setattr(Bus, "_keep_alive", no_heartbeat)
    figures = await run_slow_handler(db, nats_url, region)
    print(json.dumps({"fault": "handler-slower-than-ack-wait-control-no-heartbeat", **figures}))
    assert figures["redeliveries"] >= 1
    # The inbox still keeps the effect single (a redelivery finds the event claimed).
    assert (figures["effects"], figures["inbox_rows"], figures["outbox_events"]) == (1, 1, 1)
