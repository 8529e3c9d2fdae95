"""The fault layer's clustered bus: three ``nats-server`` processes on loopback with routes to
each other, as production runs NATS (deploy/kubernetes/nats/values.yaml), each with its own file
store fsyncing every write; every platform stream declared with three replicas."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import nats
import pytest

from helpers import platform_streams
from kraftsamla_common.bus import stream_config
from kraftsamla_local import servers

REPLICAS = 3


@pytest.fixture
async def nats_cluster(tmp_path: Path) -> AsyncIterator[servers.NatsCluster]:
    """A fresh three-member cluster for one test (which kills, stops and pauses its members);
    ``nats_cluster.url`` names all three, comma-separated, as ``KRAFTSAMLA_NATS_URL`` takes them."""
    cluster = servers.NatsCluster(tmp_path / "nats-cluster", size=3, sync_always=True)
    try:
        await asyncio.to_thread(cluster.start)
        nc = await nats.connect(cluster.urls)
        try:
            js = nc.jetstream()
            for spec in platform_streams().values():
                info = await js.add_stream(stream_config(spec, REPLICAS))
                assert info.config.num_replicas == REPLICAS
        finally:
            await nc.close()
        yield cluster
    finally:
        await asyncio.to_thread(cluster.stop)
