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
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from faultprobe import STREAM, fill_outbox, outbox_database, relaying
from helpers import eventually, once_each, outbox_drained, stream_msg_ids
from kraftsamla_local import servers

N = 10_000


@pytest.fixture
def nats_proc(tmp_path: Path) -> Iterator[servers.NatsServer]:
    server = servers.NatsServer(store_dir=tmp_path / "nats", sync_always=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


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
    async with outbox_database(tmp_path / "outbox.db") as db:
        committed = await fill_outbox(db, region, N)
        started = time.perf_counter()
        async with relaying(db, nats_proc.url):
            # Kill once a part (but not all) of the outbox is in the stream: 2,250 is mid-batch
            # (batches of 500), so a batch is half acknowledged and not marked sent, and must be
            # re-published.
            async def partly_published() -> int:
                n = await stream_count(nats_proc.url)
                return n if n >= 2250 else 0

            in_stream = int(await eventually(partly_published, timeout=60, interval=0.01))
            assert in_stream < N, "the relay finished before the kill: nothing was tested"
            nats_proc.kill()
            killed_at = in_stream
            await asyncio.sleep(2)  # down for a while: the relay's publishes time out or fail
            nats_proc.start()
            await outbox_drained(db, timeout=120)
            seconds = time.perf_counter() - started

    figures = once_each(committed, await stream_msg_ids(nats_proc.url, STREAM))
    print(
        json.dumps(
            {
                "fault": "nats-kill-during-publish",
                "in_stream_at_kill": killed_at,
                **figures,
                "seconds": round(seconds, 2),
            }
        )
    )
    assert figures["lost"] == 0
    assert figures["duplicated"] == 0
    assert figures["foreign"] == 0
    assert figures["delivered"] == N
