"""Fault: ``kill -9`` of the ASSESSMENT stream's leader in a three-node JetStream cluster while
the assessment service reassesses 5,000 applications.

The service runs as a real process (on SQLite, to keep the test short) with the three servers'
URLs and every stream of three replicas. The plan version is published; once about a third of the
batches are announced, the member leading ASSESSMENT (where the batches and their announcements
go, and whose consumer hands the batches out) is SIGKILLed and started again two seconds later.
Afterwards every application has exactly one assessment for the new plan version (its current
one), is announced exactly once, and the reassessment is reported once, complete.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from helpers import (
    announced,
    announcements,
    assert_reassessed_once,
    eventually,
    headers,
    plan_event,
    publish,
    push_applications,
    reassessment_figures,
)
from kraftsamla_local import servers

N = 5000
BATCH = 250
STREAM = "ASSESSMENT"


async def announced_or_zero(js: Any, region: str) -> int:
    """``announced``, or 0 while the stream cannot answer (its leader just killed: an election)."""
    try:
        return await announced(js, region)
    except (nats.errors.Error, TimeoutError):
        return 0


@pytest.mark.slow
async def test_stream_leader_killed_during_reassessment_assesses_each_application_once(
    nats_cluster: servers.NatsCluster, api_keys_file: Path, tmp_path: Path, region: str
) -> None:
    cluster = nats_cluster
    batches = N // BATCH
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'assessment.db'}"
    proc = servers.ServiceProcess(
        "assessment",
        database_url=database_url,
        nats_url=cluster.url,
        data_dir=tmp_path,
        api_keys_file=api_keys_file,
        extra_env={
            "KRAFTSAMLA_STREAM_REPLICAS": "3",
            "KRAFTSAMLA_RELAY_POLL_SECONDS": "0.2",
            "KRAFTSAMLA_ACK_WAIT_SECONDS": "3",
            "KRAFTSAMLA_REASSESSMENT_BATCH_SIZE": str(BATCH),
        },
    )
    nc = await nats.connect(cluster.urls)
    js = nc.jetstream()
    proc.start()
    try:
        proc.wait_ready(60)
        url = f"{proc.base_url}/assessment/regions/{region}"
        async with httpx.AsyncClient(timeout=120) as http:
            await push_applications(http, url, N, headers(region, "integrator"))
            assert await announced(js, region) == 0

            async def completed() -> int:
                r = await http.get(f"{url}/reassessments?status=completed", headers=headers(region, "viewer"))
                return int(r.json()["count"])

            started = time.perf_counter()
            await publish(js, plan_event(region, 1))

            async def a_third_announced() -> int:
                n = await announced_or_zero(js, region)
                return n if n >= batches // 3 else 0

            at_kill = int(await eventually(a_third_announced, timeout=180, interval=0.02))
            assert at_kill < batches and await completed() == 0, "the reassessment finished before the kill"
            leader = await asyncio.to_thread(cluster.stream_leader, STREAM)
            killed = time.perf_counter()
            cluster.kill(leader)
            new_leader = await asyncio.to_thread(cluster.stream_leader, STREAM)
            elected = time.perf_counter() - killed
            await asyncio.sleep(max(0.0, 2 - (time.perf_counter() - killed)))
            await asyncio.to_thread(cluster.restart, leader)

            await eventually(completed, timeout=240, interval=0.2)

            async def all_announced() -> bool:
                return await announced_or_zero(js, region) >= batches

            await eventually(all_announced, timeout=120, interval=0.2)
            seconds = time.perf_counter() - started
            await asyncio.sleep(1.5)  # anything doubled would have been relayed by now
            payloads = await announcements(js, region)
            r = await http.get(f"{url}/reassessments?status=completed", headers=headers(region, "viewer"))
            report = r.json()["data"][0]
            reassessments = int(r.json()["count"])
            stream_replicas = (await js.stream_info(STREAM)).config.num_replicas
    finally:
        await nc.close()
        proc.stop()

    figures = await reassessment_figures(database_url, payloads)
    print(
        json.dumps(
            {
                "fault": "cluster-stream-leader-kill-during-reassessment",
                "replicas": stream_replicas,
                "applications": N,
                "batch_size": BATCH,
                "batches_announced_at_kill": at_kill,
                "killed": leader,
                "new_leader": new_leader,
                "election_seconds": round(elected, 2),
                **figures,
                "reassessed_reported": report["assessed"],
                "seconds": round(seconds, 2),
            }
        )
    )
    assert stream_replicas == 3 and new_leader != leader
    assert_reassessed_once(figures, N)
    assert reassessments == 1 and report["assessed"] == N
