"""Fault: ``kill -9`` of the NATS server while the outbox relay publishes 10,000 events.

A NATS server of this test's own (JetStream file store, ``sync_interval: always``) on a fixed
port is SIGKILLed once a part of the outbox has reached the stream, and started again on the
same port and store. Every committed outbox row must end up in the stream exactly once: the
relay re-publishes what it had not marked sent, and JetStream drops the copies by
``Nats-Msg-Id`` within the duplicate window.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import nats
import pytest
from sqlalchemy import func, select

from helpers import eventually
from kraftsamla_common.bus import Bus
from kraftsamla_common.db import Database
from kraftsamla_common.events import EventData
from kraftsamla_common.messaging import OutboxRelay, UnitOfWork, metadata, outbox
from kraftsamla_common.settings import Settings
from kraftsamla_local import servers

N = 10_000
STREAM = "FAULTPROBE"


class ProbeHappened(EventData):
    """A payload for this test only (the relay does not parse payloads)."""

    event_type: ClassVar[str] = "faultprobe.thing.happened.v1"
    n: int


@pytest.fixture
def nats_proc(tmp_path: Path) -> Iterator[servers.NatsServer]:
    server = servers.NatsServer(store_dir=tmp_path / "nats", sync_always=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def stream_ids(url: str) -> Counter[str]:
    """How many times each Nats-Msg-Id is in the stream (read with an ephemeral pull consumer)."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        info = await js.stream_info(STREAM)
        total = info.state.messages
        seen: Counter[str] = Counter()
        done = asyncio.Event()

        async def count(m: Any) -> None:
            seen[(m.headers or {}).get("Nats-Msg-Id", "")] += 1
            if m.metadata.num_pending == 0:
                done.set()

        sub = await js.subscribe("s3.>", stream=STREAM, ordered_consumer=True, cb=count)
        if total:
            await asyncio.wait_for(done.wait(), timeout=60)
        await sub.unsubscribe()
        assert sum(seen.values()) == total
        return seen
    finally:
        await nc.close()


async def stream_count(url: str) -> int:
    nc = await nats.connect(url, allow_reconnect=False)
    try:
        return int((await nc.jetstream().stream_info(STREAM)).state.messages)
    finally:
        await nc.close()


@pytest.mark.slow
async def test_nats_killed_during_10000_publishes_loses_and_doubles_nothing(
    nats_proc: servers.NatsServer, tmp_path: Path, region: str
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    committed: list[str] = []
    async with db.sessions() as session:
        for start in range(0, N, 1000):
            uow = UnitOfWork(session, source="faultprobe")
            for n in range(start, start + 1000):
                committed.append(str(uow.emit(ProbeHappened(n=n), region=region, subject=n).id))
            await uow.commit()

    settings = Settings(service="faultprobe", nats_url=nats_proc.url, database_url="sqlite://")
    bus = Bus(settings, db)
    await bus.start()
    relay = OutboxRelay(db, bus.publish_rows, batch_size=500, poll_seconds=0.2)
    started = time.perf_counter()
    task = asyncio.create_task(relay.run())
    try:
        # Kill once a part (but not all) of the outbox is in the stream: 2,250 is mid-batch (batches
        # of 500), so a batch is half acknowledged and not marked sent, and must be re-published.
        async def partly_published() -> int:
            n = await stream_count(nats_proc.url)
            return n if n >= 2250 else 0

        in_stream = int(await eventually(partly_published, timeout=60, interval=0.01))
        assert in_stream < N, "the relay finished before the kill: nothing was tested"
        nats_proc.kill()
        killed_at = in_stream
        await asyncio.sleep(2)  # down for a while: the relay's publishes time out or fail
        nats_proc.start()

        async def unsent() -> int:
            async with db.sessions() as s:
                return int(
                    await s.scalar(select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None)))
                    or 0
                )

        deadline = time.monotonic() + 120
        while await unsent():
            assert time.monotonic() < deadline, f"{await unsent()} rows still unsent after 120 s"
            await asyncio.sleep(0.2)
        seconds = time.perf_counter() - started
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await bus.stop()
        await db.dispose()

    seen = await stream_ids(nats_proc.url)
    lost = sum(1 for e in committed if seen[e] == 0)
    duplicated = sum(n - 1 for n in seen.values() if n > 1)
    foreign = sum(n for e, n in seen.items() if e not in set(committed))
    print(
        json.dumps(
            {
                "fault": "nats-kill-during-publish",
                "published": N,
                "in_stream_at_kill": killed_at,
                "delivered": sum(seen.values()),
                "lost": lost,
                "duplicated": duplicated,
                "seconds": round(seconds, 2),
            }
        )
    )
    assert lost == 0
    assert duplicated == 0
    assert foreign == 0
    assert sum(seen.values()) == N
