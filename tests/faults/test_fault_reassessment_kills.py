"""Fault: ``kill -9`` of the assessment service three times at random points while it reassesses
5,000 applications (in batches of ``KRAFTSAMLA_REASSESSMENT_BATCH_SIZE``).

The service runs as a real process on PostgreSQL (as deployed) against the session's NATS. The
kill points are random fractions of the work (the seed is printed with the figures, and
``KRAFTSAMLA_FAULT_SEED`` repeats a run). Afterwards every application has exactly one
assessment for the new plan version (its current one, triggered by the reassessment), and is
announced exactly once, in one ``applications.reassessed`` event of its batch.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

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
KILLS = 3


@pytest.mark.slow
@pytest.mark.parametrize("db_backend", ["postgresql"])
async def test_reassessment_killed_three_times_assesses_each_application_once(
    nats_url: str, database_factory: Callable[[str], str], api_keys_file: Path, tmp_path: Path, region: str
) -> None:
    seed = int(os.environ.get("KRAFTSAMLA_FAULT_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    # Kill once this many batches have been announced: three random points of the work.
    batches = N // BATCH
    kill_at = sorted(rng.sample(range(batches // 10, batches * 4 // 10), KILLS))
    database_url = database_factory("assessment")
    proc = servers.ServiceProcess(
        "assessment",
        database_url=database_url,
        nats_url=nats_url,
        data_dir=tmp_path,
        api_keys_file=api_keys_file,
        extra_env={
            "KRAFTSAMLA_RELAY_POLL_SECONDS": "0.2",
            "KRAFTSAMLA_ACK_WAIT_SECONDS": "3",
            "KRAFTSAMLA_REASSESSMENT_BATCH_SIZE": str(BATCH),
        },
    )
    # One connection for the test's many looks at the stream (not a new one for each look, 50 a
    # second, beside the service on the same cores).
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    proc.start()
    killed_at: list[int] = []
    try:
        proc.wait_ready(60)
        url = f"{proc.base_url}/assessment/regions/{region}"
        async with httpx.AsyncClient(timeout=120) as http:
            await push_applications(http, url, N, headers(region, "integrator"))
            assert await announced(js, region) == 0

            async def completed() -> int:
                r = await http.get(f"{url}/reassessments?status=completed", headers=headers(region, "viewer"))
                return int(r.json()["count"])

            async def until_announced(at_least: int, timeout: float, interval: float) -> int:
                """Wait until ``at_least`` batches are announced; fail saying how many are."""
                deadline = time.perf_counter() + timeout
                while (n := await announced(js, region)) < at_least:
                    if time.perf_counter() > deadline:
                        raise AssertionError(
                            f"{n} of the {at_least} batch events awaited announced within {timeout}s "
                            f"(of {batches}; reassessments completed: {await completed()})"
                        )
                    await asyncio.sleep(interval)
                return n

            started = time.perf_counter()
            await publish(js, plan_event(region, 1))
            since_restart = 0
            for point in kill_at:
                # After a restart the service must have done one or two new batches before the
                # next kill (it relays the batches it had committed before the kill at once); never
                # more than there are: then the check below says the work ended before the kill.
                threshold = min(max(point, since_restart + rng.randint(1, 2)), batches)
                now = await until_announced(threshold, timeout=180, interval=0.02)
                assert await completed() == 0, "the reassessment finished before the kill"
                proc.kill()
                killed_at.append(now)
                proc.start()
                proc.wait_ready(60)
                await asyncio.sleep(0.5)  # the relay's first round after the restart
                since_restart = await announced(js, region)

            await eventually(completed, timeout=240, interval=0.2)
            await until_announced(batches, timeout=120, interval=0.2)
            seconds = time.perf_counter() - started
            await asyncio.sleep(1.5)  # anything doubled would have been relayed by now
            payloads = await announcements(js, region)
            r = await http.get(f"{url}/reassessments?status=completed", headers=headers(region, "viewer"))
            report = r.json()["data"][0]
            reassessments = int(r.json()["count"])
    finally:
        await nc.close()
        proc.stop()

    figures = await reassessment_figures(database_url, payloads)
    print(
        json.dumps(
            {
                "fault": "assessment-kill-during-reassessment",
                "seed": seed,
                "applications": N,
                "batch_size": BATCH,
                "killed_at_batches_announced": killed_at,
                **figures,
                "reassessed_reported": report["assessed"],
                "seconds": round(seconds, 2),
            }
        )
    )
    assert len(killed_at) == KILLS
    assert_reassessed_once(figures, N)
    assert reassessments == 1 and report["assessed"] == N
