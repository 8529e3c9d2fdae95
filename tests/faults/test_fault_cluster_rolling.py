"""Fault: a rolling restart of a three-node JetStream cluster (as an upgrade does it) while a
service keeps committing events and its outbox relay publishes them to a stream of three replicas.

Each member in turn is stopped (SIGTERM: it hands its leaderships over and leaves), started again
on its ports and store, and the next one is stopped only once every member is healthy again
(``/healthz``: caught up), as a StatefulSet's rolling update waits for readiness. Events are
committed all along (up to 1,000 a second, by a database connection of their own, as by another
process of the service). Every one must be in the stream exactly once, on every member.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from faultprobe import STREAM, OutboxLoad, outbox_database, read_with_a_member_down, relaying
from helpers import once_each, outbox_drained, stream_msg_ids
from kraftsamla_local import servers


@pytest.mark.slow
async def test_rolling_restart_of_every_member_under_load_loses_and_doubles_nothing(
    nats_cluster: servers.NatsCluster, tmp_path: Path, region: str
) -> None:
    cluster = nats_cluster
    restarts: dict[str, float] = {}
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
            for name in list(cluster.nodes):
                began = time.perf_counter()
                await asyncio.to_thread(cluster.stop_node, name)
                await asyncio.to_thread(cluster.restart, name)
                await asyncio.to_thread(cluster.wait_healthy, 60)
                restarts[name] = round(time.perf_counter() - began, 2)
            await asyncio.sleep(1)
        finally:
            await load.stop()
        loaded = time.perf_counter() - started
        await outbox_drained(db, timeout=120)
        seconds = time.perf_counter() - started
    await asyncio.to_thread(cluster.wait_healthy)

    figures = once_each(load.committed, await stream_msg_ids(cluster.url, STREAM))
    leader = await asyncio.to_thread(cluster.stream_leader, STREAM)
    again = await read_with_a_member_down(cluster, load.committed, leader)
    print(
        json.dumps(
            {
                "fault": "cluster-rolling-restart-under-load",
                "replicas": 3,
                "restart_seconds": restarts,
                "committed_per_second": round(len(load.committed) / loaded),
                **figures,
                "read_with_leader_down": again,
                "seconds": round(seconds, 2),
            }
        )
    )
    assert len(restarts) == 3
    assert len(load.committed) > 1000
    for f in (figures, again):
        assert f["lost"] == 0
        assert f["duplicated"] == 0
        assert f["foreign"] == 0
        assert f["delivered"] == len(load.committed)
