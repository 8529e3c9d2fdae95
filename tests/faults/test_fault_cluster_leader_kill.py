"""Fault: ``kill -9`` of the stream's leader in a three-node JetStream cluster while the outbox
relay publishes 10,000 events to a stream of three replicas.

The relay connects with the three servers' URLs (``KRAFTSAMLA_NATS_URL`` comma-separated). Once a
part of the outbox is in the stream, the member leading it is SIGKILLed; the other two elect a
new leader and the relay's connection moves to one of them; the killed member is started again
on its ports and store two seconds later and catches up. Every committed row must be in the
stream exactly once, and on every member: the stream is read again with another member down.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import nats
import pytest

from faultprobe import STREAM, fill_outbox, outbox_database, read_with_a_member_down, relaying
from helpers import eventually, once_each, outbox_drained, stream_msg_ids
from kraftsamla_local import servers

N = 10_000


@pytest.mark.slow
async def test_stream_leader_killed_during_10000_publishes_loses_and_doubles_nothing(
    nats_cluster: servers.NatsCluster, tmp_path: Path, region: str
) -> None:
    cluster = nats_cluster
    async with outbox_database(tmp_path / "outbox.db") as db:
        committed = await fill_outbox(db, region, N)
        # One connection for the test's many looks at the stream (not a new one each time).
        nc = await nats.connect(cluster.urls)
        js = nc.jetstream()
        started = time.perf_counter()
        try:
            async with relaying(db, cluster.url, replicas=3):
                info = await js.stream_info(STREAM)
                assert info.config.num_replicas == 3

                async def partly_published() -> int:
                    n = (await js.stream_info(STREAM)).state.messages
                    return n if n >= 2250 else 0

                in_stream = int(await eventually(partly_published, timeout=60, interval=0.01))
                assert in_stream < N, "the relay finished before the kill: nothing was tested"
                leader = await asyncio.to_thread(cluster.stream_leader, STREAM)
                killed = time.perf_counter()
                cluster.kill(leader)
                new_leader = await asyncio.to_thread(cluster.stream_leader, STREAM)
                elected = time.perf_counter() - killed
                await asyncio.sleep(max(0.0, 2 - (time.perf_counter() - killed)))
                await asyncio.to_thread(cluster.restart, leader)
                await outbox_drained(db, timeout=120)
                seconds = time.perf_counter() - started
        finally:
            await nc.close()
    await asyncio.to_thread(cluster.wait_healthy)

    figures = once_each(committed, await stream_msg_ids(cluster.url, STREAM))
    # The copies: read again with the new leader down, from the restarted member and the third.
    again = await read_with_a_member_down(cluster, committed, new_leader)
    print(
        json.dumps(
            {
                "fault": "cluster-stream-leader-kill-during-publish",
                "replicas": 3,
                "in_stream_at_kill": in_stream,
                "killed": leader,
                "new_leader": new_leader,
                "election_seconds": round(elected, 2),
                **figures,
                "read_with_new_leader_down": again,
                "seconds": round(seconds, 2),
            }
        )
    )
    assert new_leader != leader
    for f in (figures, again):
        assert f["lost"] == 0
        assert f["duplicated"] == 0
        assert f["foreign"] == 0
        assert f["delivered"] == N
