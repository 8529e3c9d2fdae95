"""The outbox fault tests' own service, ``faultprobe``: an event of its own, an outbox on SQLite
filled at once or under a steady load, and its relay publishing to its stream ``FAULTPROBE``
(declared by the bus as a service declares its own, with ``replicas`` copies)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar

from helpers import once_each, stream_msg_ids
from kraftsamla_common.bus import Bus
from kraftsamla_common.db import Database
from kraftsamla_common.events import EventData
from kraftsamla_common.messaging import OutboxRelay, UnitOfWork, metadata
from kraftsamla_common.settings import Settings
from kraftsamla_local.servers import NatsCluster

STREAM = "FAULTPROBE"


class ProbeHappened(EventData):
    """A payload for these tests only (the relay does not parse payloads)."""

    event_type: ClassVar[str] = "faultprobe.thing.happened.v1"
    n: int


@contextlib.asynccontextmanager
async def outbox_database(path: Path) -> AsyncIterator[Database]:
    """A SQLite database at ``path`` with the outbox (and inbox) tables."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        yield db
    finally:
        await db.dispose()


async def fill_outbox(db: Database, region: str, n: int, start: int = 0, chunk: int = 1000) -> list[str]:
    """Commit ``n`` events to the outbox, ``chunk`` a transaction: their ids, in order."""
    committed: list[str] = []
    async with db.sessions() as session:
        for first in range(start, start + n, chunk):
            uow = UnitOfWork(session, source="faultprobe")
            for i in range(first, min(first + chunk, start + n)):
                committed.append(str(uow.emit(ProbeHappened(n=i), region=region, subject=i).id))
            await uow.commit()
    return committed


class OutboxLoad:
    """A steady load: ``chunk`` events committed every ``interval`` seconds until :meth:`stop`
    (as a service's requests keep committing while the bus has trouble). ``committed`` holds
    their ids; the relay is woken after each commit. Give it a :class:`Database` of its own on
    the relay's file, so that its commits go on while the relay waits for NATS."""

    def __init__(
        self, db: Database, region: str, relay: OutboxRelay, chunk: int = 100, interval: float = 0.05
    ) -> None:
        self.db, self.region, self.relay = db, region, relay
        self.chunk, self.interval = chunk, interval
        self.committed: list[str] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.committed += await fill_outbox(
                self.db, self.region, self.chunk, start=len(self.committed), chunk=self.chunk
            )
            self.relay.wake()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


@contextlib.asynccontextmanager
async def relaying(
    db: Database, nats_url: str, replicas: int = 1, batch_size: int = 500
) -> AsyncIterator[OutboxRelay]:
    """The faultprobe service's bus (its stream declared with ``replicas`` copies) and its outbox
    relay running until the block ends."""
    settings = Settings(
        service="faultprobe", nats_url=nats_url, database_url="sqlite://", stream_replicas=replicas
    )
    bus = Bus(settings, db)
    await bus.start()
    relay = OutboxRelay(db, bus.publish_rows, batch_size=batch_size, poll_seconds=0.2)
    relay.bus = bus  # type: ignore[attr-defined]  # for a look at its connection
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await bus.stop()


async def read_with_a_member_down(cluster: NatsCluster, committed: list[str], down: str) -> dict[str, int]:
    """The figures of the stream read while the member ``down`` is killed (so they come from the
    other two, the stream's copies there), then ``down`` started again and the cluster healthy."""
    await asyncio.to_thread(cluster.kill, down)
    try:
        await asyncio.to_thread(elected_without, cluster, down)
        others = ",".join(node.url for name, node in cluster.nodes.items() if name != down)
        return once_each(committed, await stream_msg_ids(others, STREAM))
    finally:
        await asyncio.to_thread(cluster.restart, down)
        await asyncio.to_thread(cluster.wait_healthy)


def elected_without(cluster: NatsCluster, down: str, timeout: float = 60.0) -> None:
    """Wait until the members but ``down`` have a meta leader and a stream leader of their own
    (a member's view can name the killed one for a moment, and a consumer cannot be made until
    they have)."""
    deadline = time.monotonic() + timeout
    while True:
        meta = cluster.meta_leader()
        stream = cluster.stream_leader(STREAM, timeout=max(1.0, deadline - time.monotonic()))
        if meta not in (None, down) and stream != down:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"no leaders without {down} after {timeout:.0f}s (meta {meta}, stream {stream})"
            )
        time.sleep(0.2)


def connected_to(cluster: NatsCluster, relay: OutboxRelay) -> str | None:
    """The member the relay's bus is connected to, by name."""
    url = relay.bus.broker._connection.connected_url  # type: ignore[attr-defined]
    port = url.port if url is not None else None
    return next((name for name, node in cluster.nodes.items() if node.port == port), None)
