"""Fault: one member of a three-node JetStream cluster frozen (SIGSTOP) while a service keeps
committing events and its outbox relay publishes them to a stream of three replicas.

The member leading the stream is paused: its sockets stay open but nothing answers, as a machine
that hangs or a process stuck in a long pause. The other two elect a new leader; the member is
resumed (SIGCONT) two seconds after that, finds itself a follower and catches up. Events are
committed all along (up to 1,000 a second, by a database connection of their own, as by another
process of the service). Every one must be in the stream exactly once, on every member.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from faultprobe import (
    STREAM,
    OutboxLoad,
    connected_to,
    outbox_database,
    read_with_a_member_down,
    relaying,
)
from helpers import once_each, outbox_drained, stream_msg_ids
from kraftsamla_local import servers


@pytest.mark.slow
async def test_stream_leader_paused_under_load_loses_and_doubles_nothing(
    nats_cluster: servers.NatsCluster, tmp_path: Path, region: str
) -> None:
    cluster = nats_cluster
    async with (
        outbox_database(tmp_path / "outbox.db") as db,
        outbox_database(tmp_path / "outbox.db") as writer,
        relaying(db, cluster.url, replicas=3) as relay,
    ):
        load = OutboxLoad(writer, region, relay, chunk=50, interval=0.05)
        started = time.perf_counter()
        load.start()
        try:
            await asyncio.sleep(1)
            paused = await asyncio.to_thread(cluster.stream_leader, STREAM)
            relay_on = connected_to(cluster, relay)
            frozen = time.perf_counter()
            cluster.pause(paused)
            try:
                new_leader = await asyncio.to_thread(cluster.stream_leader, STREAM, 30.0)
                elected = time.perf_counter() - frozen
                await asyncio.sleep(2)
            finally:
                cluster.resume(paused)
            paused_seconds = time.perf_counter() - frozen
            await asyncio.sleep(1)
        finally:
            await load.stop()
        loaded = time.perf_counter() - started
        await outbox_drained(db, timeout=120)
        seconds = time.perf_counter() - started
    await asyncio.to_thread(cluster.wait_healthy)

    figures = once_each(load.committed, await stream_msg_ids(cluster.url, STREAM))
    again = await read_with_a_member_down(cluster, load.committed, new_leader)
    print(
        json.dumps(
            {
                "fault": "cluster-stream-leader-paused-under-load",
                "replicas": 3,
                "paused": paused,
                "relay_connected_to": relay_on,
                "new_leader": new_leader,
                "election_seconds": round(elected, 2),
                "paused_seconds": round(paused_seconds, 2),
                "committed_per_second": round(len(load.committed) / loaded),
                **figures,
                "read_with_new_leader_down": again,
                "seconds": round(seconds, 2),
            }
        )
    )
    assert new_leader != paused
    assert len(load.committed) > 1000
    for f in (figures, again):
        assert f["lost"] == 0
        assert f["duplicated"] == 0
        assert f["foreign"] == 0
        assert f["delivered"] == len(load.committed)
