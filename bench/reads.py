"""Reads: the report and the application list under 32 concurrent clients.

A region with N applications, its report built; then, for ``--seconds`` each, 32 clients read
the latest report, and 32 clients read pages of the application list (50 a page, pages spread
over the list). Prints requests per second and p50/p99 latency, one JSON line per N.

    ./kraftsamla run python bench/reads.py --n 10000 [--database sqlite|postgresql] [--clients 32]
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any

import harness


async def hammer(
    p: harness.Platform, service: str, path: Callable[[int], str], clients: int, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    async with p.client(service, "viewer") as http:
        stop = time.perf_counter() + seconds

        async def client(i: int) -> None:
            nonlocal errors
            k = 0
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                r = await http.get(path(i * 1000 + k))
                latencies.append(time.perf_counter() - t0)
                errors += r.status_code != 200
                k += 1

        start = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        elapsed = time.perf_counter() - start
    return {
        "requests_per_s": round(len(latencies) / elapsed),
        "p50_ms": round(harness.percentile(latencies, 0.5) * 1000, 1),
        "p99_ms": round(harness.percentile(latencies, 0.99) * 1000, 1),
        "errors": errors,
        "clients": clients,
    }


async def bench(database: str, n: int, clients: int, seconds: float) -> dict[str, Any]:
    with harness.platform(database) as p:
        await harness.load_plans(p)
        await harness.push_bulk(p, harness.applications(n))
        await harness.wait_report(p, lambda r: r["content"]["assessments"]["current"] == n)
        pages = max(1, n // 50)
        rng = random.Random(1)
        offsets = [rng.randrange(pages) * 50 for _ in range(100_000)]
        report = await hammer(
            p, "reporting", lambda i: f"/reporting/regions/{harness.RID}/reports/latest", clients, seconds
        )
        listing = await hammer(
            p,
            "assessment",
            lambda i: (
                f"/assessment/regions/{harness.RID}/applications?limit=50&offset={offsets[i % len(offsets)]}"
            ),
            clients,
            seconds,
        )
        memory = p.memory_mb("VmHWM")
    return {
        "report_latest": report,
        "application_list": listing,
        "peak_rss_mb": memory,
    }


def main() -> None:
    parser = harness.arguments(__doc__, 10000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    for n in args.n:
        print(
            harness.line(
                "reads", args.database, n, asyncio.run(bench(args.database, n, args.clients, args.seconds))
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
