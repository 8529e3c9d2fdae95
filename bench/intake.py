"""Intake: an integrator pushing N applications, in bulk and one by one with 16 clients.

An application is assessed in the transaction that accepts it (the response carries its
assessment), so acceptance and assessment are one moment; what follows is the announcement: the
``assessment.application.assessed`` event on the bus, which integrators' webhooks and the report
act on. Measured: applications accepted per second, p50/p99 of each request, and p50/p99 from
acceptance to the event on the bus. Prints one JSON line per N.

    ./kraftsamla run python bench/intake.py --n 2000 [--database sqlite|postgresql] [--clients 16]
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import harness
import nats


class Announcements:
    """Watches the bus for assessed events: when each external id was announced."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}

    async def start(self, url: str) -> None:
        self.nc = await nats.connect(url)

        async def seen(msg: Any) -> None:
            data = json.loads(msg.data)["data"]
            self.at.setdefault(data["external_id"], time.perf_counter())

        await self.nc.subscribe(f"s3.{harness.RID}.assessment.application.assessed.v1", cb=seen)

    async def wait(self, ids: list[str], timeout: float = 600) -> None:
        deadline = time.perf_counter() + timeout
        while any(i not in self.at for i in ids):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{sum(i not in self.at for i in ids)} applications never announced")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self.nc.close()


def spread(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(harness.percentile(values, 0.5) * 1000, 1),
        "p99_ms": round(harness.percentile(values, 0.99) * 1000, 1),
    }


async def figures(
    seen: Announcements, accepted: dict[str, float], requests: list[float], elapsed: float
) -> dict[str, Any]:
    """Rate, request latency and acceptance-to-announcement latency, once all are announced."""
    await seen.wait(list(accepted))
    return {
        "accepted_per_s": round(len(accepted) / elapsed),
        "request": spread(requests),
        "accepted_to_announced": spread([seen.at[k] - t for k, t in accepted.items()]),
    }


async def bulk(p: harness.Platform, seen: Announcements, apps: list[dict[str, Any]]) -> dict[str, Any]:
    accepted: dict[str, float] = {}
    requests: list[float] = []
    sem = asyncio.Semaphore(2)
    async with p.client("assessment", "integrator") as http:

        async def send(part: list[dict[str, Any]]) -> None:
            async with sem:
                t0 = time.perf_counter()
                r = await http.post(
                    f"/assessment/regions/{harness.RID}/applications/bulk?source={harness.SOURCE}", json=part
                )
                t1 = time.perf_counter()
                if r.status_code != 200 or r.json()["rejected"]:
                    raise RuntimeError(r.text[:300])
                requests.append(t1 - t0)
                accepted.update((a["external_id"], t1) for a in part)

        start = time.perf_counter()
        await asyncio.gather(*(send(apps[i : i + 1000]) for i in range(0, len(apps), 1000)))
        elapsed = time.perf_counter() - start
    return await figures(seen, accepted, requests, elapsed)


async def one_by_one(
    p: harness.Platform, seen: Announcements, apps: list[dict[str, Any]], clients: int
) -> dict[str, Any]:
    accepted: dict[str, float] = {}
    requests: list[float] = []
    queue = list(reversed(apps))
    async with p.client("assessment", "integrator") as http:

        async def client() -> None:
            while queue:
                app = queue.pop()
                t0 = time.perf_counter()
                r = await http.post(
                    f"/assessment/regions/{harness.RID}/applications", json={"source": harness.SOURCE, **app}
                )
                t1 = time.perf_counter()
                if r.status_code not in (200, 201):
                    raise RuntimeError(r.text[:300])
                requests.append(t1 - t0)
                accepted[app["external_id"]] = t1

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return await figures(seen, accepted, requests, elapsed)


async def bench(database: str, n: int, clients: int) -> dict[str, Any]:
    with harness.platform(database) as p:
        await harness.load_plans(p)
        seen = Announcements()
        await seen.start(p.nats_url)
        try:
            in_bulk = await bulk(p, seen, harness.applications(n))
            single = await one_by_one(p, seen, harness.applications(n, start=n), clients)
        finally:
            await seen.close()
        memory = p.memory_mb("VmHWM")
    return {
        "bulk": in_bulk,
        "one_by_one": single | {"clients": clients},
        "peak_rss_mb": memory,
    }


def main() -> None:
    parser = harness.arguments(__doc__, 2000)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    for n in args.n:
        print(
            harness.line("intake", args.database, n, asyncio.run(bench(args.database, n, args.clients))),
            flush=True,
        )


if __name__ == "__main__":
    main()
