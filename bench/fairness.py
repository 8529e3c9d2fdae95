"""Fairness: one region's burst beside another region's ordinary reads.

NATS and the plans service (SQLite) as real processes, with the limits at their defaults (or
lifted: ``--unlimited``; single settings with ``--set KRAFTSAMLA_X=value``). Region "quiet" reads
its list of programmes all along, one request after another, about 15 a second from three people.
``--rounds`` times, after ``--quiet-seconds`` of that alone, region "burst" sends ``--burst``
requests as fast as it can from ``--clients`` concurrent clients with three of its keys (from a
process of its own, so that the burst's client work does not slow the quiet region's client).
Prints one JSON line: the quiet region's p50 and p90 alone and during the bursts, their ratio, and
what the bursts got back (statuses, how many 429s carried Retry-After, how long each took).

    ./kraftsamla run python bench/fairness.py [--burst 300] [--clients 8] [--rounds 5] [--unlimited]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import harness
import httpx

from kraftsamla_common import apikeys
from kraftsamla_common.auth import Role
from kraftsamla_common.settings import Settings
from kraftsamla_local import servers

QUIET, BURST = "quiet", "burst"
LIMITS = (
    "rate_limit_per_second",
    "rate_limit_burst",
    "rate_limit_operator_per_second",
    "rate_limit_operator_burst",
    "rate_limit_region_per_second",
    "rate_limit_region_burst",
    "rate_limit_address_per_second",
    "rate_limit_address_burst",
    "region_concurrency",
    "region_queue",
    "region_queue_seconds",
)


def limits_env(unlimited: bool) -> dict[str, str]:
    """Every limit set explicitly (the defaults, or off), whatever the environment says."""
    env = {}
    for name in LIMITS:
        if name not in Settings.model_fields:  # an older version of the platform
            continue
        default = Settings.model_fields[name].default
        off = 1 if name.endswith("_burst") else 0
        env[f"KRAFTSAMLA_{name.upper()}"] = str(off if unlimited else default)
    return env


def programme(i: int) -> dict[str, Any]:
    return {
        "title": f"Program för smart specialisering {i}",
        "period_start": 2021,
        "period_end": 2027,
        "strength_areas": [
            {"code": f"omrade-{k}", "name": {"sv": f"Styrkeområde {k}"}, "sdgs": [7, 9]} for k in range(4)
        ],
    }


PAUSE = 0.05
"""Between two reads of the quiet region: its three people read about 15 times a second together,
within their own limits."""


async def sample(http: httpx.AsyncClient, url: str, keys: list[str], out: list[tuple[float, float]]) -> None:
    """One read of the quiet region's list: (when it started, how long it took)."""
    t0 = time.perf_counter()
    r = await http.get(url, headers={"X-API-Key": keys[len(out) % len(keys)]})
    out.append((t0, time.perf_counter() - t0))
    if r.status_code != 200:
        raise RuntimeError(f"the quiet region was answered {r.status_code}: {r.text[:300]}")


async def one_burst(http: httpx.AsyncClient, keys: list[str], n: int, clients: int) -> dict[str, Any]:
    """``n`` requests from ``clients`` concurrent clients, each sent as soon as the last is answered."""
    url = f"/plans/regions/{BURST}/programmes"
    statuses: Counter[int] = Counter()
    with_retry_after = 0
    sent = 0

    async def client() -> None:
        nonlocal sent, with_retry_after
        while sent < n:
            i = sent
            sent += 1
            r = await http.get(url, headers={"X-API-Key": keys[i % len(keys)]})
            statuses[r.status_code] += 1
            if r.status_code == 429 and r.headers.get("retry-after", "").isdigit():
                with_retry_after += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = round(time.perf_counter() - started, 2)
    return {"statuses": statuses, "with_retry_after": with_retry_after, "seconds": elapsed}


async def burst_process(base_url: str, keys: list[str], n: int, clients: int) -> None:
    """The bursts, in a process of their own: one for each line on stdin, what came back printed
    as one JSON line each."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    loop = asyncio.get_running_loop()
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        await http.get("/healthz")
        print("ready", flush=True)
        while await loop.run_in_executor(None, sys.stdin.readline):
            print(json.dumps(await one_burst(http, keys, n, clients)), flush=True)


async def measure(
    base_url: str, keys: dict[str, str], n: int, clients: int, rounds: int, quiet_seconds: float
) -> dict[str, Any]:
    """``rounds`` times: the quiet region alone for ``quiet_seconds`` (long enough for the burst
    region's buckets to fill again), then a burst. The quiet region reads all along; its reads are
    counted as alone or during a burst by when they began, so that both are measured at the same
    times, whatever else the machine is doing meanwhile."""
    url = f"/plans/regions/{QUIET}/programmes"
    quiet_keys = [keys[f"quiet-{role}"] for role in ("admin", "assessor", "viewer")]
    burst_keys = [keys[f"burst-{role}"] for role in ("admin", "assessor", "viewer")]
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--burst-process",
        base_url,
        ",".join(burst_keys),
        str(n),
        str(clients),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    if (await child.stdout.readline()).strip() != b"ready":
        raise RuntimeError("the burst process did not start")
    reads: list[tuple[float, float]] = []
    windows: list[tuple[float, float]] = []
    bursts: list[dict[str, Any]] = []
    done = asyncio.Event()
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        for _ in range(10):  # warm up
            await sample(http, url, quiet_keys, [])

        async def sampler() -> None:
            while not done.is_set():
                await sample(http, url, quiet_keys, reads)
                await asyncio.sleep(PAUSE)

        task = asyncio.create_task(sampler())
        for _ in range(rounds):
            await asyncio.sleep(quiet_seconds)
            child.stdin.write(b"go\n")
            await child.stdin.drain()
            started = time.perf_counter()
            bursts.append(json.loads(await child.stdout.readline()))
            windows.append((started, time.perf_counter()))
        await asyncio.sleep(quiet_seconds)
        done.set()
        await task
    child.stdin.close()
    await child.wait()

    during = [d for t0, d in reads if any(a <= t0 < b for a, b in windows)]
    # Alone: reads that began half a second or more after a burst ended (its admitted requests are
    # done by then) and before the next began.
    alone = [d for t0, d in reads if not any(a - 0.05 <= t0 < b + 0.5 for a, b in windows)]

    def ms(values: list[float], q: float) -> float:
        return round(harness.percentile(values, q) * 1000, 1)

    p50_alone, p50_burst = ms(alone, 0.5), ms(during, 0.5)
    statuses: Counter[str] = Counter()
    for burst in bursts:
        statuses.update(burst["statuses"])
    return {
        "quiet_alone": {"samples": len(alone), "p50_ms": p50_alone, "p90_ms": ms(alone, 0.9)},
        "quiet_during_burst": {"samples": len(during), "p50_ms": p50_burst, "p90_ms": ms(during, 0.9)},
        "p50_ratio": round(p50_burst / p50_alone, 2) if p50_alone else None,
        "bursts": {
            "rounds": rounds,
            "requests": n,
            "clients": clients,
            "statuses": dict(sorted(statuses.items())),
            "with_retry_after": sum(b["with_retry_after"] for b in bursts),
            "seconds": [b["seconds"] for b in bursts],
        },
    }


async def declare_streams(url: str) -> None:
    import nats

    from kraftsamla_common.bus import stream_config
    from kraftsamla_common.events import CATALOGUE, service_of, stream_for

    nc = await nats.connect(url)
    js = nc.jetstream()
    for service in {service_of(t) for t in CATALOGUE}:
        await js.add_stream(stream_config(stream_for(service)))
    await nc.close()


async def bench(
    n: int, clients: int, rounds: int, quiet_seconds: float, unlimited: bool, overrides: dict[str, str]
) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="kraftsamla-fairness-"))
    keys_file = workdir / "api-keys.json"
    keys = {
        f"{region}-{role.value}": apikeys.issue(
            keys_file, name=f"{region}-{role.value}", region=region, role=role
        )
        for region in (QUIET, BURST)
        for role in (Role.ADMIN, Role.ASSESSOR, Role.VIEWER)
    }
    env = {**limits_env(unlimited), "KRAFTSAMLA_LOG_LEVEL": "WARNING", **overrides}
    with servers.stopping_all():
        nats = servers.NatsServer(store_dir=workdir / "nats").start()
        await declare_streams(nats.url)  # as the other services would: plans waits for them
        service = servers.ServiceProcess(
            "plans", nats_url=nats.url, data_dir=workdir, api_keys_file=keys_file, extra_env=env
        )
        try:
            service.start().wait_ready(120)
            async with httpx.AsyncClient(base_url=service.base_url, timeout=60) as http:
                for region in (QUIET, BURST):
                    for i in range(5):
                        r = await http.post(
                            f"/plans/regions/{region}/programmes",
                            json=programme(i),
                            headers={"X-API-Key": keys[f"{region}-admin"]},
                        )
                        if r.status_code != 201:
                            raise RuntimeError(f"seeding: {r.status_code} {r.text[:300]}")
            figures = await measure(service.base_url, keys, n, clients, rounds, quiet_seconds)
        finally:
            service.stop()
            nats.stop()
    limits = "lifted" if unlimited else "defaults"
    return {"limits": limits, "settings": overrides, **figures}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--burst-process":
        base_url, keys, n, clients = sys.argv[2], sys.argv[3].split(","), int(sys.argv[4]), int(sys.argv[5])
        asyncio.run(burst_process(base_url, keys, n, clients))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--burst", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quiet-seconds", type=float, default=3.0)
    parser.add_argument("--unlimited", action="store_true", help="every limit off, for comparison")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KRAFTSAMLA_X=VALUE", help="a setting of the service"
    )
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)
    figures = asyncio.run(
        bench(args.burst, args.clients, args.rounds, args.quiet_seconds, args.unlimited, overrides)
    )
    print(harness.line("fairness", "sqlite", args.burst, figures))


if __name__ == "__main__":
    main()
