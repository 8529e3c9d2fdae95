"""Reads: the report and the application list under 32 concurrent clients.

A region with N applications, its report built; then, for ``--seconds`` each, 32 clients read
the latest report, and 32 clients read pages of the application list (50 a page, pages spread
over the list); then both again with clients that send the ETag of what they hold in
If-None-Match (polling), and the floor: ``/healthz`` under the same clients (no key, no
database: the HTTP server, the client and the telemetry alone). Prints requests per second, p50/p99 latency and each process's share of
a core during each phase, one JSON line per N.

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
    p: harness.Platform,
    service: str,
    path: Callable[[int], str],
    clients: int,
    seconds: float,
    held: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``clients`` concurrent clients reading ``path`` for ``seconds``. With ``held`` (the ETags of
    what was read, by address) they send the ETag of an address in If-None-Match and keep the one
    answered: a poller's cache (a 304 is a read)."""
    latencies: list[float] = []
    errors = not_modified = 0
    cpu = p.cpu_seconds()
    async with p.client(service, "viewer") as http:
        stop = time.perf_counter() + seconds

        async def client(i: int) -> None:
            nonlocal errors, not_modified
            k = 0
            while time.perf_counter() < stop:
                url = path(i * 1000 + k)
                tag = {"If-None-Match": held[url]} if held is not None and url in held else {}
                t0 = time.perf_counter()
                r = await http.get(url, headers=tag)
                latencies.append(time.perf_counter() - t0)
                errors += r.status_code not in (200, 304)
                not_modified += r.status_code == 304
                if held is not None and "etag" in r.headers:
                    held[url] = r.headers["etag"]
                k += 1

        start = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        elapsed = time.perf_counter() - start
    after = p.cpu_seconds()
    return {
        "requests_per_s": round(len(latencies) / elapsed),
        "p50_ms": round(harness.percentile(latencies, 0.5) * 1000, 1),
        "p99_ms": round(harness.percentile(latencies, 0.99) * 1000, 1),
        "errors": errors,
        "not_modified": not_modified,
        "clients": clients,
        "cpu_share": {
            k: round((after[k] - cpu[k]) / elapsed, 2) for k in after if after[k] - cpu[k] > 0.05 * elapsed
        },
    }


async def polled(
    p: harness.Platform, service: str, urls: list[str], clients: int, seconds: float
) -> dict[str, Any]:
    """``urls`` polled by ``clients`` with one cache of ETags, filled by reading each once first."""
    held: dict[str, str] = {}
    async with p.client(service, "viewer") as http:
        for url in urls:
            held[url] = (await http.get(url)).headers.get("etag", "")
    return await hammer(p, service, lambda i: urls[i % len(urls)], clients, seconds, held)


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
        latest = f"/reporting/regions/{harness.RID}/reports/latest"
        revalidated = await polled(p, "reporting", [latest], clients, seconds)

        def page(i: int) -> str:
            return (
                f"/assessment/regions/{harness.RID}/applications?limit=50&offset={offsets[i % len(offsets)]}"
            )

        listing = await hammer(p, "assessment", page, clients, seconds)
        # A desk's first pages, polled.
        listing_revalidated = await polled(p, "assessment", [page(i) for i in range(8)], clients, seconds)
        # The floor: what the HTTP server, the client and the telemetry cost a request that does
        # nothing (no key, no database).
        floor = await hammer(p, "reporting", lambda i: "/healthz", clients, seconds)
        memory = p.memory_mb("VmHWM")
    return {
        "report_latest": report,
        "report_latest_revalidated": revalidated,
        "application_list": listing,
        "application_list_revalidated": listing_revalidated,
        "floor_healthz": floor,
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
