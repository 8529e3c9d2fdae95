"""Scale-out: two replicas of the assessment service (two processes, one database, one NATS)
share a reassessment of one region's portfolio through the one durable consumer of its batches;
every application is assessed exactly once, and each replica did part of the work.

Replicas share a PostgreSQL database (as deployed); a SQLite file belongs to one process."""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import nats
import pytest

from helpers import eventually, headers, plan_event, publish, push_applications, stream_messages
from kraftsamla_local import servers

N = 1000
BATCH = 50


def counter(scrape: str, name: str, **labels: str) -> float:
    """The sum of a Prometheus counter's samples whose labels include ``labels``."""
    total = 0.0
    for line in scrape.splitlines():
        m = re.match(rf"^{name}\{{(.*)\}} ([0-9.e+]+)$", line)
        if m and all(f'{k}="{v}"' in m.group(1) for k, v in labels.items()):
            total += float(m.group(2))
    return total


@pytest.mark.parametrize("db_backend", ["postgresql"])
async def test_two_replicas_share_a_reassessment_and_assess_each_application_once(
    nats_url: str, database_factory: Callable[[str], str], api_keys_file: Path, tmp_path: Path, region: str
) -> None:
    database_url = database_factory("assessment")
    replicas = [
        servers.ServiceProcess(
            "assessment",
            database_url=database_url,
            nats_url=nats_url,
            data_dir=tmp_path / f"replica-{n}",
            api_keys_file=api_keys_file,
            extra_env={
                "KRAFTSAMLA_RELAY_POLL_SECONDS": "0.2",
                "KRAFTSAMLA_REASSESSMENT_BATCH_SIZE": str(BATCH),
            },
        )
        for n in (1, 2)
    ]
    for proc in replicas:
        proc.start()
    try:
        for proc in replicas:
            proc.wait_ready(90)
        first, second = (f"{p.base_url}/assessment/regions/{region}" for p in replicas)
        async with httpx.AsyncClient(timeout=60) as http:
            await push_applications(http, first, N, headers(region, "integrator"), chunk=500)

            nc = await nats.connect(nats_url)
            await publish(nc.jetstream(), plan_event(region, 1))
            await nc.close()

            async def completed() -> list[dict[str, object]]:
                r = await http.get(
                    f"{second}/reassessments?status=completed", headers=headers(region, "viewer")
                )
                return list(r.json()["data"])

            done = await eventually(completed, timeout=180)
            assert len(done) == 1 and done[0]["assessed"] == N

            # Exactly once: one announcement per application, each for plan version 1, in one
            # ``applications.reassessed`` event per batch (the relay publishes the last batch's
            # just after its transaction commits).
            subject = f"s3.{region}.assessment.applications.reassessed.v1"

            async def all_announced() -> bool:
                return len(await stream_messages(nats_url, "ASSESSMENT", subject)) >= N // BATCH

            await eventually(all_announced, timeout=60)
            await asyncio.sleep(1)  # anything doubled would have been relayed by now
            msgs = [
                json.loads(m.data)["data"] for m in await stream_messages(nats_url, "ASSESSMENT", subject)
            ]
            assert len(msgs) == N // BATCH
            assert {tuple(v["version"] for v in m["plan_versions"]) for m in msgs} == {(1,)}
            per_app = Counter(a["application_id"] for m in msgs for a in m["applications"])
            assert len(per_app) == N and set(per_app.values()) == {1}
            batches = await stream_messages(
                nats_url, "ASSESSMENT", f"s3.{region}.assessment.reassessment.batch.v1"
            )
            assert len(batches) == N // BATCH

            # Both replicas took batches from the shared consumer, and together did each once.
            scrapes = [(await http.get(f"{p.base_url}/metrics")).text for p in replicas]
            assessed = [
                counter(s, "kraftsamla_applications_assessed_total", trigger="reassessment") for s in scrapes
            ]
            handled = [
                counter(
                    s,
                    "kraftsamla_events_consumed_total",
                    consumer="assessment-on-reassessment-batch",
                    outcome="processed",
                )
                for s in scrapes
            ]
            assert sum(assessed) == N and all(n > 0 for n in assessed), assessed
            assert sum(handled) == N // BATCH and all(n > 0 for n in handled), handled
            print(
                f"replicas assessed {assessed[0]:.0f} + {assessed[1]:.0f} applications in {handled} batches"
            )

            # Every application reads as assessed against version 1, through either replica.
            seen = 0
            for offset in range(0, N, 500):
                page = await http.get(
                    f"{second}/applications?limit=500&offset={offset}", headers=headers(region, "viewer")
                )
                for a in page.json()["data"]:
                    assert a["assessment"]["plan_versions"][0]["version"] == 1
                    seen += 1
            assert seen == N
    finally:
        for proc in replicas:
            proc.stop()
