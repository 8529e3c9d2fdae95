"""The backup and restore drill (docs/operations.md#backup-and-restore): the four services as
processes on SQLite or PostgreSQL (as a role that owns nothing) and a real NATS JetStream, two regions with a programme, applications, plan
versions (one region reassessed twice) and reports; a backup taken while they run
(``python -m kraftsamla_local.backup create``); everything stopped; the backup restored into new
data dirs and a new NATS (``… restore``); the reporting service's read models rebuilt from the
restored streams (``python -m kraftsamla_reporting rebuild``: every region equal to what the
restored database holds); the services started again, quiescent (no consumer is handed again
what it had handled), each region's latest report equal to the one before the backup (its whole
body: no new version is made, so not even its number or generated_at differ); and a plan published
after the restore reassessed and reported exactly once.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from helpers import ENERGY_PROGRAMME, eventually, headers, publish_energy_plan, reassessed, write_keys
from kraftsamla_local import servers

SERVICES = ("plans", "actors", "assessment", "reporting")
TEXTS = ("Förstudie om vätgas från elektrolys.", "Vätgasdrivna fordon.", "Naturturism i fjällen.")
ENV = {"KRAFTSAMLA_RELAY_POLL_SECONDS": "0.2", "KRAFTSAMLA_REPORT_DEBOUNCE_SECONDS": "0.2"}


@contextmanager
def platform(data: Path, nats_url: str, dbs: dict[str, str], role: str | None) -> Iterator[dict[str, str]]:
    """The four services as processes; on PostgreSQL as in production: connected as a role that
    owns nothing, the tables' owner's URL as their admin URL."""
    procs = {
        name: servers.ServiceProcess(
            name,
            database_url=servers.as_role(dbs[name], role) if role else dbs[name],
            nats_url=nats_url,
            data_dir=data,
            api_keys_file=data / "api-keys.json",
            extra_env={**ENV, "KRAFTSAMLA_DATABASE_ADMIN_URL": dbs[name]} if role else ENV,
        )
        for name in SERVICES
    }
    try:
        for proc in procs.values():
            proc.start()
        for proc in procs.values():
            proc.wait_ready(90)
        yield {n: p.base_url for n, p in procs.items()}
    finally:
        for proc in procs.values():
            proc.stop()


def run(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def load(urls: dict[str, str], region: str, versions: tuple[str, ...]) -> dict[str, Any]:
    """A programme, applications and the energy plan published once per level: the latest report
    once it is built from the last version with every application assessed."""
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(
            f"{urls['plans']}/plans/regions/{region}/programmes",
            json=ENERGY_PROGRAMME,
            headers=headers(region),
        )
        assert r.status_code == 201, r.text
        plan = r.json()["strength_areas"][0]["action_plan_id"]
        for i, text in enumerate(TEXTS):
            app = {
                "source": "nyps",
                "external_id": f"{region}-{i}",
                "title": f"Ansökan {i}",
                "summary": text,
                "requested_amount": 250000,
                "municipalities": ["2380"],
            }
            r = await http.post(
                f"{urls['assessment']}/assessment/regions/{region}/applications",
                json=app,
                headers=headers(region, "integrator"),
            )
            assert r.status_code == 201, r.text
        plans = httpx.AsyncClient(base_url=urls["plans"], timeout=30)
        async with plans:
            for level in versions:
                await publish_energy_plan(
                    plans, region, f"/plans/regions/{region}/action-plans/{plan}", level
                )
        return await report_of(urls, region, plan, len(versions))


async def report_of(
    urls: dict[str, str], region: str, plan: str, version: int, *, reassessed: bool = False
) -> dict[str, Any]:
    """The region's latest report once it is built from ``version`` of the plan with every application
    current; with ``reassessed``, once it also includes the reassessment for that version (its completion
    is an event of its own, and may reach reporting after the applications' assessments)."""

    async def built() -> dict[str, Any] | None:
        async with httpx.AsyncClient(timeout=30) as http:
            r = await http.get(
                f"{urls['reporting']}/reporting/regions/{region}/reports/latest", headers=headers(region)
            )
        if r.status_code != 200:
            return None
        rep = r.json()
        versions = {(p["action_plan_id"], p["version"]) for p in rep["built_from"]["plan_versions"]}
        runs = {
            (v["action_plan_id"], v["version"])
            for run in rep["content"]["last_reassessments"]
            for v in run["plan_versions"]
        }
        if (
            (plan, version) in versions
            and rep["content"]["assessments"]["current"] == len(TEXTS)
            and (not reassessed or (plan, version) in runs)
        ):
            return dict(rep)
        return None

    report: dict[str, Any] = await eventually(built, timeout=60)
    report["plan"] = plan
    return report


async def consumers(nats_url: str) -> dict[str, tuple[int, int, int]]:
    """Every durable consumer: (delivered, pending, waiting for its ack)."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        out = {}
        for info in await js.streams_info():
            for c in await js.consumers_info(str(info.config.name)):
                if c.config.durable_name:
                    delivered = c.delivered.consumer_seq if c.delivered else 0
                    out[c.name] = (delivered or 0, c.num_pending or 0, c.num_ack_pending or 0)
        return out
    finally:
        await nc.close()


async def settled(nats_url: str, timeout: float = 30) -> dict[str, tuple[int, int, int]]:
    """The consumers once none has anything pending or unacknowledged."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        state = await consumers(nats_url)
        if state and all(p == 0 and a == 0 for _, p, a in state.values()):
            return state
        assert asyncio.get_running_loop().time() < deadline, f"consumers not idle: {state}"
        await asyncio.sleep(0.1)


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "plan"}


async def test_backup_restore_drill(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    db_backend: str,
    database_factory: Callable[[str], str],
    region: str,
    other_region: str,
) -> None:
    old, new, backup = tmp_path / "old", tmp_path / "new", tmp_path / "backup"
    old.mkdir()
    new.mkdir()
    for data in (old, new):
        write_keys(data / "api-keys.json", [region, other_region])
    role = request.getfixturevalue("service_role") if db_backend == "postgresql" else None
    # Each service's database, and the fresh (empty) ones the backup is restored into.
    old_dbs = {name: database_factory(name) for name in SERVICES}
    new_dbs = {
        name: database_factory(name) if role else f"sqlite+aiosqlite:///{new / f'{name}.db'}"
        for name in SERVICES
    }

    def db_args(dbs: dict[str, str]) -> list[str]:
        return [arg for name, url in dbs.items() for arg in ("--db", f"{name}={url}")]

    # A platform in use, backed up while it runs.
    with servers.NatsServer(old / "nats") as bus, platform(old, bus.url, old_dbs, role) as urls:
        before = {
            region: await load(urls, region, ("bas", "spets")),
            other_region: await load(urls, other_region, ("bas",)),
        }
        await settled(bus.url)
        await asyncio.sleep(1.5)  # past the reports' debounce: no region is left due for a new version
        await settled(bus.url)
        # The reports as they stand once every consumer is idle (a late event makes a later version).
        before = {r: await report_of(urls, r, b["plan"], 2 if r == region else 1) for r, b in before.items()}
        out = run(
            "kraftsamla_local.backup",
            "create",
            "--out",
            str(backup),
            "--data-dir",
            str(old),
            "--nats",
            bus.url,
            *db_args(old_dbs),
        )
        assert "ASSESSMENT:" in out and "KV_KRAFTSAMLA_KEYS:" in out, out
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["databases"]["reporting"]["rows"]["reports"] >= len(
        before
    )  # each region's versions (the debounce decides how many)
    assert manifest["streams_taken_at"] >= max(d["taken_at"] for d in manifest["databases"].values())
    assert manifest["streams"]["PLANS"]["messages"] >= 3

    # Restored into new data dirs and a new NATS; the reports rebuilt from the restored streams.
    with servers.NatsServer(new / "nats") as bus:
        out = run(
            "kraftsamla_local.backup",
            "restore",
            str(backup),
            "--data-dir",
            str(new),
            "--nats",
            bus.url,
            *db_args(new_dbs),
        )
        assert "consumers start at" in out, out
        rebuilt = run(
            "kraftsamla_reporting",
            "rebuild",
            env={
                "KRAFTSAMLA_DATABASE_URL": new_dbs["reporting"],
                "KRAFTSAMLA_NATS_URL": bus.url,
                "KRAFTSAMLA_DATA_DIR": str(new),
            },
        )
        lines = [json.loads(line) for line in rebuilt.splitlines() if line.startswith("{")]
        assert {(x["region"], x["equal"]) for x in lines if "region" in x} >= {
            (region, True),
            (other_region, True),
        }, rebuilt

        with platform(new, bus.url, new_dbs, role) as urls:
            # Quiescent: every consumer starts after what its inbox holds; nothing is handed again.
            await asyncio.sleep(2)
            state = await settled(bus.url)
            assert {name: d for name, (d, _, _) in state.items() if d} == {}, state
            for r, report in before.items():
                after = await report_of(urls, r, report["plan"], 2 if r == region else 1)
                assert comparable(after) == comparable(report)

            # The platform works on: a plan published now is reassessed and reported once.
            reassessed_before = len(await reassessed(bus.url, other_region))
            async with httpx.AsyncClient(base_url=urls["plans"], timeout=30) as plans:
                base = f"/plans/regions/{other_region}/action-plans/{before[other_region]['plan']}"
                await publish_energy_plan(plans, other_region, base, "spets")
            latest = await report_of(urls, other_region, before[other_region]["plan"], 2, reassessed=True)
            await settled(bus.url)
            announced = Counter(
                a["application_id"]
                for event in (await reassessed(bus.url, other_region))[reassessed_before:]
                for a in event["applications"]
            )
            assert len(announced) == len(TEXTS) and set(announced.values()) == {1}, announced
            async with httpx.AsyncClient(timeout=30) as http:
                listed = await http.get(
                    f"{urls['reporting']}/reporting/regions/{other_region}/reports",
                    headers=headers(other_region),
                )
            numbers = sorted(x["number"] for x in listed.json()["data"])
            assert latest["number"] == numbers[-1] > before[other_region]["number"]
            # The reassessment is in the report once: one more entry than before the restore.
            runs = latest["content"]["last_reassessments"]
            assert len(runs) == len(before[other_region]["content"]["last_reassessments"]) + 1, runs
