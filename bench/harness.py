"""What the benchmarks share: the platform as real processes (NATS JetStream, the four services on
SQLite or PostgreSQL, traces exported over OTLP/HTTP to a sink that drops them), one region loaded
through the API with the demo's action plans, applications made like the demo's, and readings of
each service's memory from /proc."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform as host
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx

from kraftsamla_common import apikeys
from kraftsamla_common.auth import Role
from kraftsamla_local import demo_portfolio, servers
from kraftsamla_local.demo_content import INTEGRATOR_SOURCES, REGIONS

SERVICES = ("plans", "actors", "assessment", "reporting")
REGION = REGIONS[0]  # Jämtland Härjedalen: four action plans, Swedish texts
RID: str = REGION["region"]
T = TypeVar("T")


TRACING = "on, SDK default sampler (parent-based, always on), OTLP/HTTP export"
UNLIMITED = {
    "KRAFTSAMLA_RATE_LIMIT_PER_SECOND": "0",
    "KRAFTSAMLA_RATE_LIMIT_OPERATOR_PER_SECOND": "0",
    "KRAFTSAMLA_RATE_LIMIT_REGION_PER_SECOND": "0",
    "KRAFTSAMLA_RATE_LIMIT_ADDRESS_PER_SECOND": "0",
    "KRAFTSAMLA_REGION_CONCURRENCY": "0",
}
"""Every limit off: the benchmarks send as much as the services take, many clients in one region
(``platform(env=…)`` sets others)."""


def arguments(doc: str | None, n: int) -> argparse.ArgumentParser:
    """The options every benchmark takes: ``--n`` (one run each) and ``--database``."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[n])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    return parser


def line(bench: str, database: str, n: int, figures: dict[str, Any]) -> str:
    """One run's figures as the JSON line a benchmark prints, with what they were measured on."""
    return json.dumps(
        {"bench": bench, "database": database, "n": n, **figures, "tracing": TRACING, "machine": machine()}
    )


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    mem = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpus": os.cpu_count(),
        "memory_mb": mem,
        "python": host.python_version(),
        "machine": host.machine(),
    }


class TraceSink:
    """An OTLP/HTTP endpoint that accepts every export and keeps nothing: the services pay for
    recording and exporting their spans, as in production, and nothing piles up."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()


@dataclass
class Platform:
    database: str
    services: dict[str, servers.ServiceProcess]
    keys: dict[str, str]
    workdir: Path
    nats_url: str

    def url(self, service: str) -> str:
        return self.services[service].base_url

    def headers(self, role: str = "admin") -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}

    def memory_mb(self, field: str = "VmRSS") -> dict[str, float]:
        """Each service's resident memory now (``VmRSS``) or at its peak so far (``VmHWM``), in MB."""
        out = {}
        for name, proc in self.services.items():
            status = Path(f"/proc/{proc.pid}/status").read_text()
            kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{field}:"))
            out[name] = round(kb / 1024, 1)
        return out

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far (user and system) by each service and by this benchmark's own process
        (``bench``): the difference over a phase says which process was busy."""
        tick = os.sysconf("SC_CLK_TCK")
        out = {}
        for name, proc in self.services.items():
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rpartition(")")[2].split()
            out[name] = (int(fields[11]) + int(fields[12])) / tick
        own = os.times()
        out["bench"] = own.user + own.system
        return out

    def client(self, service: str, role: str = "admin", timeout: float = 300) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url(service), headers=self.headers(role), timeout=timeout)


def _write_keys(path: Path) -> dict[str, str]:
    """A key for each role the benchmarks act as; the integrator's bound to the region's funding system."""
    return {
        role.value: apikeys.issue(
            path,
            name=f"bench-{role.value}",
            region=RID,
            role=role,
            source=SOURCE if role is Role.INTEGRATOR else None,
        )
        for role in (Role.ADMIN, Role.INTEGRATOR, Role.VIEWER)
    }


@contextlib.contextmanager
def platform(database: str, env: dict[str, str] | None = None, replicas: int = 1) -> Iterator[Platform]:
    """NATS, the four services and a trace sink, on fresh databases; stopped and removed after
    (``KRAFTSAMLA_BENCH_DIR``: work there and keep it, logs included). ``replicas``: assessment
    processes sharing its database and durable consumers (``assessment``, ``assessment-2``, …)."""
    keep = os.environ.get("KRAFTSAMLA_BENCH_DIR")
    workdir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="kraftsamla-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sink = TraceSink()
    pg = servers.PostgresServer.discover() if database == "postgresql" else None
    if database == "postgresql" and pg is None:
        raise SystemExit("no PostgreSQL could be reached or started here")
    created: list[str] = []
    with servers.stopping_all():
        nats = servers.NatsServer(store_dir=workdir / "nats").start()
        keys_file = workdir / "api-keys.json"
        keys = _write_keys(keys_file)
        settings = {
            **UNLIMITED,  # the benchmark is the flood
            "KRAFTSAMLA_LOG_LEVEL": "WARNING",
            "OTEL_EXPORTER_OTLP_ENDPOINT": sink.endpoint,
            **(env or {}),
        }
        procs = {}
        for name in SERVICES:
            url = None
            if pg is not None:
                url = servers.run_sync(lambda: servers.create_database(pg.url, "kraftsamla_bench"))
                created.append(url)
            procs[name] = servers.ServiceProcess(
                name,
                database_url=url,
                nats_url=nats.url,
                data_dir=workdir,
                api_keys_file=keys_file,
                extra_env=settings,
            )
        for n in range(2, replicas + 1):
            procs[f"assessment-{n}"] = servers.ServiceProcess(
                "assessment",
                database_url=procs["assessment"].database_url,
                nats_url=nats.url,
                data_dir=workdir,
                api_keys_file=keys_file,
                extra_env=settings,
                log_path=workdir / "logs" / f"assessment-{n}.log",
            )
        try:
            for name, proc in procs.items():
                if name in SERVICES:
                    proc.start()
            for proc in procs.values():
                if not proc.running():  # a replica starts on the database its first has migrated
                    proc.start()
                proc.wait_ready(120)
            yield Platform(database=database, services=procs, keys=keys, workdir=workdir, nats_url=nats.url)
        finally:
            for proc in procs.values():
                proc.stop()
            nats.stop()
            sink.close()
            if pg is not None:
                for url in created:
                    servers.run_sync(lambda u=url: servers.drop_database(pg.url, u))  # type: ignore[misc]
                pg.stop()


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float, interval: float = 0.05) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value is not None and value is not False:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{check.__qualname__} did not hold within {timeout}s")
        await asyncio.sleep(interval)


def _ok(r: httpx.Response, *codes: int) -> Any:
    if r.status_code not in codes:
        raise RuntimeError(f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:500]}")
    return r.json() if r.content else None


async def load_plans(p: Platform) -> dict[str, str]:
    """The region's programme and its action plans, each published as version 1; plan id by code."""
    async with p.client("plans") as http:
        programme = _ok(await http.post(f"/plans/regions/{RID}/programmes", json=REGION["programme"]), 201)
        plans = {}
        for area in programme["strength_areas"]:
            content = REGION["plans"].get(area["code"])
            if content is None:
                continue
            url = f"/plans/regions/{RID}/action-plans/{area['action_plan_id']}"
            r = await http.get(url)
            draft = {**content, "next_review": (date.today() + timedelta(days=120)).isoformat()}
            _ok(await http.put(f"{url}/draft", json=draft, headers={"If-Match": r.headers["ETag"]}), 200)
            _ok(await http.post(f"{url}/publish", json={"note": "v1"}), 201)
            plans[area["code"]] = area["action_plan_id"]
    await wait_reassessments_settled(p, len(plans))
    return plans


async def wait_reassessments_settled(p: Platform, at_least: int, timeout: float = 600) -> dict[str, Any]:
    """Wait until ``at_least`` reassessments have started and none is running; the newest.
    Polls the cheap way (one row a time), so that watching does not load the service."""
    async with p.client("assessment", "viewer") as http:
        url = f"/assessment/regions/{RID}/reassessments?limit=1"
        counting = "&offset=1000000"  # past the end: the count without the rows

        async def settled() -> int | None:
            # Started first: one that starts between the two reads is then not yet counted.
            started = _ok(await http.get(f"{url}{counting}"), 200)["count"]
            running = _ok(await http.get(f"{url}&status=running{counting}"), 200)["count"]
            return int(started) if started >= at_least and not running else None

        count = await eventually(settled, timeout, interval=0.02)
        return dict(_ok(await http.get(url), 200)["data"][0]) | {"count": count}


def applications(n: int, start: int = 0) -> list[dict[str, Any]]:
    """``n`` applications made like the demo's; ``start`` skips the first ones (fresh external ids)."""
    return demo_portfolio.portfolio(REGION, start + n)[start:]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


SOURCE: str = INTEGRATOR_SOURCES[RID]


async def push_bulk(
    p: Platform, apps: list[dict[str, Any]], chunk: int = 1000, concurrency: int = 2
) -> float:
    """Push applications through the bulk API; seconds it took."""
    source = SOURCE
    sem = asyncio.Semaphore(concurrency)
    async with p.client("assessment", "integrator") as http:

        async def send(part: list[dict[str, Any]]) -> None:
            async with sem:
                r = _ok(
                    await http.post(
                        f"/assessment/regions/{RID}/applications/bulk?source={source}", json=part
                    ),
                    200,
                )
                if r["rejected"]:
                    raise RuntimeError(f"rejected: {r['results'][:2]}")

        start = time.perf_counter()
        await asyncio.gather(*(send(apps[i : i + chunk]) for i in range(0, len(apps), chunk)))
        return time.perf_counter() - start


async def wait_report(
    p: Platform, holds: Callable[[dict[str, Any]], bool], timeout: float = 600
) -> dict[str, Any]:
    """The first report version for which ``holds`` is true. Polls the list of versions (small)
    and reads a whole report only when a new version appears."""
    async with p.client("reporting", "viewer") as http:
        seen: set[int] = set()

        async def check() -> dict[str, Any] | None:
            listed = _ok(await http.get(f"/reporting/regions/{RID}/reports?limit=3"), 200)["data"]
            for summary in reversed(listed):
                if summary["number"] in seen:
                    continue
                seen.add(summary["number"])
                report = _ok(await http.get(f"/reporting/regions/{RID}/reports/{summary['number']}"), 200)
                if holds(report):
                    return dict(report)
            return None

        return await eventually(check, timeout, interval=0.02)


async def publish_change(p: Platform, plan_id: str, level: str, word: str | None = None) -> int:
    """A revised plan: its first priority moved to ``level`` (and ``word`` added to its vocabulary);
    the new version's number."""
    async with p.client("plans") as http:
        url = f"/plans/regions/{RID}/action-plans/{plan_id}"
        r = await http.get(url)
        draft = r.json()["draft"]
        draft["priorities"][0]["level"] = level
        if word:
            draft["priorities"][0]["vocabulary"].append(word)
        _ok(await http.put(f"{url}/draft", json=draft, headers={"If-Match": r.headers["ETag"]}), 200)
        return int(_ok(await http.post(f"{url}/publish", json={"note": "bench"}), 201)["number"])


def names_version(report: dict[str, Any], plan_id: str, version: int) -> bool:
    return any(
        v["action_plan_id"] == plan_id and v["version"] == version
        for v in report["built_from"]["plan_versions"]
    )
