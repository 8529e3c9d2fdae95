"""A reassessment interrupted by ``kill -9`` of the service process: after a restart every open
application has exactly one assessment for the new plan version, and each was announced once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import nats
from sqlalchemy import text

from helpers import eventually, headers, plan_event, publish, push_applications, reassessed
from kraftsamla_common.db import ALL_REGIONS, Database
from kraftsamla_local import servers

N = 1000


async def test_a_reassessment_killed_half_way_completes_once_after_restart(
    nats_url: str, database_factory: Callable[[str], str], api_keys_file: Path, tmp_path: Path, region: str
) -> None:
    database_url = database_factory("assessment")
    proc = servers.ServiceProcess(
        "assessment",
        database_url=database_url,
        nats_url=nats_url,
        data_dir=tmp_path,
        api_keys_file=api_keys_file,
        # Redelivery of the unacknowledged event after ack_wait (a heartbeat keeps a live handler's).
        extra_env={
            "KRAFTSAMLA_RELAY_POLL_SECONDS": "0.2",
            "KRAFTSAMLA_ACK_WAIT_SECONDS": "3",
            "KRAFTSAMLA_REASSESSMENT_BATCH_SIZE": "50",
        },
    )
    proc.start()
    try:
        proc.wait_ready(60)
        url = f"{proc.base_url}/assessment/regions/{region}"
        async with httpx.AsyncClient(timeout=60) as http:
            await push_applications(http, url, N, headers(region, "integrator"))

            async def reassessments() -> int:
                r = await http.get(f"{url}/reassessments?status=completed", headers=headers(region, "viewer"))
                return int(r.json()["count"])

            nc = await nats.connect(nats_url)
            await publish(nc.jetstream(), plan_event(region, 1))
            await nc.close()
            # Kill while the consumer is part-way through: some batches done, not all.
            db = Database(database_url)
            try:

                async def started() -> bool:
                    async with db.session(ALL_REGIONS) as session:
                        done = await session.scalar(text("SELECT max(batches_done) FROM reassessments"))
                    return (done or 0) >= 2

                await eventually(started, timeout=60, interval=0.01)
            finally:
                await db.dispose()
            assert await reassessments() == 0
            proc.kill()
            proc.start()
            proc.wait_ready(60)
            await eventually(reassessments, timeout=120)

            async def all_announced() -> list[dict[str, Any]] | None:
                events = await reassessed(nats_url, region)
                return events if sum(len(e["applications"]) for e in events) >= N else None

            await eventually(all_announced, timeout=120)
            await asyncio.sleep(1)  # anything doubled would have been relayed by now
            events = await reassessed(nats_url, region)
            per_app = Counter(a["application_id"] for e in events for a in e["applications"])
            assert len(per_app) == N and set(per_app.values()) == {1}
            assert await reassessments() == 1
            r = await http.get(f"{url}/reassessments?status=completed", headers=headers(region, "viewer"))
            assert r.json()["data"][0]["assessed"] == N
            seen = 0
            for offset in range(0, N, 500):
                page = await http.get(
                    f"{url}/applications?limit=500&offset={offset}", headers=headers(region, "viewer")
                )
                for a in page.json()["data"]:
                    assert a["assessment"]["plan_versions"][0]["version"] == 1
                    seen += 1
            assert seen == N
            one = page.json()["data"][0]["id"]
            history = await http.get(
                f"{url}/applications/{one}/assessments", headers=headers(region, "viewer")
            )
            assert history.json()["count"] == 1
    finally:
        proc.stop()
