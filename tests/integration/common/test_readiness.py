"""``GET /readyz`` answers whether the service can reach NATS and its database *now*: a round trip
each, within a deadline. A server that is frozen (SIGSTOP, or a network path that swallows
packets) keeps its TCP connections open; readiness must still turn to 503 while it is, and back
to 200 once it answers again, on the same connections, without restarting the service."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from helpers import eventually, headers, running, service_settings, stream_messages
from kraftsamla_local import servers
from kraftsamla_plans.app import spec as plans_spec

DEADLINE = 0.5
PROGRAMME = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [{"code": "energi", "name": {"sv": "Hållbar energi"}, "sdgs": [7]}],
}
FAST = {"readiness_timeout_seconds": DEADLINE, "readiness_cache_seconds": 0.1}


async def declare_streams(url: str) -> None:
    """Every producing service's stream, as on a running platform (plans consumes the others')."""
    import nats

    from kraftsamla_common.bus import stream_config
    from kraftsamla_common.events import CATALOGUE, service_of, stream_for

    nc = await nats.connect(url)
    try:
        for service in {service_of(t) for t in CATALOGUE}:
            await nc.jetstream().add_stream(stream_config(stream_for(service)))
    finally:
        await nc.close()


async def readiness(client: httpx.AsyncClient) -> tuple[int, dict[str, str]]:
    # The in-process client has no timeout of its own: a probe that hangs fails here instead.
    r = await asyncio.wait_for(client.get("/plans/readyz"), timeout=DEADLINE + 10)
    return r.status_code, r.json()["checks"]


def answers(client: httpx.AsyncClient, status: int) -> Callable[[], object]:
    async def check() -> tuple[int, dict[str, str]] | None:
        got = await readiness(client)
        return got if got[0] == status else None

    return check


async def test_readiness_fails_while_nats_is_frozen_and_recovers(
    tmp_path: Path, api_keys_file: Path, region: str
) -> None:
    with servers.NatsServer(tmp_path / "nats") as nats_server:
        await declare_streams(nats_server.url)
        settings = service_settings(
            "plans",
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'plans.db'}",
            nats_url=nats_server.url,
            api_keys_file=api_keys_file,
            **FAST,
        )
        async with running(plans_spec, settings) as client:
            assert await readiness(client) == (200, {"database": "ok", "nats": "ok"})
            assert nats_server.pid is not None
            os.kill(nats_server.pid, signal.SIGSTOP)
            try:
                frozen = await eventually(answers(client, 503), timeout=30)
                assert frozen[1] == {"database": "ok", "nats": "failing"}
                assert await readiness(client) == (503, {"database": "ok", "nats": "failing"})
            finally:
                os.kill(nats_server.pid, signal.SIGCONT)
            await eventually(answers(client, 200), timeout=30)
            # The same connection goes on working (a late reply to a check that gave up must not
            # break it): a write's event reaches the stream through it.
            r = await client.post(
                f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region)
            )
            assert r.status_code == 201, r.text

            async def published() -> bool:
                return bool(await stream_messages(nats_server.url, "PLANS"))

            await eventually(published, timeout=30)
            assert await readiness(client) == (200, {"database": "ok", "nats": "ok"})


class FreezableProxy:
    """127.0.0.1:<port> piped to a server; ``freeze()`` holds every byte (new connections too)
    until ``thaw()``, as a host that stopped answering without closing anything."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.port = servers.free_port()
        self.thawed = asyncio.Event()
        self.thawed.set()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.tasks: set[asyncio.Task[None]] = set()

    def freeze(self) -> None:
        self.thawed.clear()

    def thaw(self) -> None:
        self.thawed.set()

    async def __aenter__(self) -> FreezableProxy:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.thaw()
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self.thawed.wait()
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        self.writers |= {writer, up_writer}
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(src, dst))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await src.read(65536):
                await self.thawed.wait()
                dst.write(data)
                await dst.drain()
        dst.close()


@contextlib.asynccontextmanager
async def behind_proxy(url: str) -> AsyncIterator[tuple[FreezableProxy, str]]:
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    async with FreezableProxy(parts.hostname, parts.port) as proxy:
        netloc = parts.netloc.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}")
        yield proxy, urlunsplit(parts._replace(netloc=netloc))


@pytest.mark.parametrize("db_backend", ["postgresql"])
async def test_readiness_fails_while_the_database_is_frozen_and_recovers(
    nats_url: str, database_factory: Callable[[str], str], api_keys_file: Path
) -> None:
    async with behind_proxy(database_factory("plans")) as (proxy, url):
        settings = service_settings(
            "plans", database_url=url, nats_url=nats_url, api_keys_file=api_keys_file, **FAST
        )
        async with running(plans_spec, settings) as client:
            assert await readiness(client) == (200, {"database": "ok", "nats": "ok"})
            proxy.freeze()
            try:
                frozen = await eventually(answers(client, 503), timeout=30)
                assert frozen[1] == {"database": "failing", "nats": "ok"}
            finally:
                proxy.thaw()
            await eventually(answers(client, 200), timeout=30)
