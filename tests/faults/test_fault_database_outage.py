"""Fault: the database unreachable for 10 seconds while events arrive.

A TCP proxy of this test's own sits between a consumer (the bus, with its inbox, and the outbox
relay) and a real PostgreSQL database. ``cut()`` closes every connection and the listening
socket (new connections are refused, as from a database host that is down); ``restore()``
listens again on the same port. Events published before and during the outage are all
processed once afterwards, none is dead-lettered or left pending, and the outbox relay resumes
and publishes every event the handlers emitted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import nats
import pytest
from sqlalchemy import func, select

from helpers import actor_registered, effects, effects_metadata
from kraftsamla_common import events
from kraftsamla_common.bus import Bus, Subscriptions
from kraftsamla_common.db import Database
from kraftsamla_common.events import ActorRegistered, Envelope, EventData
from kraftsamla_common.messaging import OutboxRelay, UnitOfWork, inbox, metadata, outbox
from kraftsamla_common.settings import Settings
from kraftsamla_local import servers

OUTAGE_SECONDS = 10.0
BEFORE = 20
DURING = 50


class OutageSurvived(EventData):
    """What the handler emits (this test's own event type, on the FAULTDB stream)."""

    event_type: ClassVar[str] = "faultdb.actor.seen.v1"
    actor_id: str


class TcpProxy:
    """Pipes 127.0.0.1:<port> to an upstream host and port; can be cut and restored."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = servers.free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.CancelledError):
                pass
            finally:
                dst.close()
                self.writers.discard(dst)

        for task in (
            asyncio.create_task(pipe(reader, up_writer)),
            asyncio.create_task(pipe(up_reader, writer)),
        ):
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        assert self.server is not None
        self.server.close()
        for w in list(self.writers):
            w.close()
        self.writers.clear()
        await self.server.wait_closed()
        self.server = None

    async def restore(self) -> None:
        await self.start()

    async def stop(self) -> None:
        if self.server is not None:
            await self.cut()
        for task in list(self.tasks):
            task.cancel()


def via(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


@pytest.mark.slow
async def test_database_away_for_10_seconds_loses_nothing(
    postgres_admin_url: str | None, nats_url: str, region: str
) -> None:
    if postgres_admin_url is None:
        pytest.skip("no PostgreSQL could be reached or started here")
    real_url = await servers.create_database(postgres_admin_url, prefix="kraftsamla_fault")
    parts = urlsplit(real_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    db = Database(via(real_url, proxy.port))
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.run_sync(effects_metadata.create_all)
    subs = Subscriptions()

    @subs.on(ActorRegistered)
    async def remember(event: Envelope[Any], uow: UnitOfWork) -> None:
        actor_id = str(event.data.actor_id)
        await uow.session.execute(effects.insert().values(actor_id=actor_id))
        uow.emit(OutageSurvived(actor_id=actor_id), region=event.region, subject=actor_id)

    # Retry policy that outlasts a 10 s outage: waits 0.5+1+2+4+4+4+4 = 19.5 s before the 8th try.
    settings = Settings(
        service="faultdb",
        nats_url=nats_url,
        database_url="postgresql+asyncpg://",
        max_deliver=8,
        backoff_seconds=[0.5, 1.0, 2.0, 4.0],
    )
    bus = Bus(settings, db)
    bus.bind(subs)
    relay = OutboxRelay(db, bus.publish_rows, poll_seconds=0.2)
    bus.on_commit = relay.wake
    await bus.start()
    relay_task = asyncio.create_task(relay.run())
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    subject = events.subject_for(ActorRegistered.event_type, region)
    sent: list[str] = []

    async def publish(n: int) -> None:
        env = actor_registered(region, f"Actor {n}", subject=f"a{n}")
        sent.append(str(env.data.actor_id))
        await js.publish(subject, env.model_dump_json().encode(), headers={"Nats-Msg-Id": str(env.id)})

    async def count(table: Any, *where: Any) -> int:
        async with db.sessions() as s:
            return int(await s.scalar(select(func.count()).select_from(table).where(*where)) or 0)

    started = time.perf_counter()
    try:
        for n in range(BEFORE):
            await publish(n)
        deadline = time.monotonic() + 30
        while await count(effects) < BEFORE:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)

        await proxy.cut()
        cut_at = time.monotonic()
        for n in range(BEFORE, BEFORE + DURING):  # events keep arriving during the outage
            await publish(n)
            await asyncio.sleep(OUTAGE_SECONDS * 0.8 / DURING)
        processed_during = None
        with contextlib.suppress(Exception):  # the database is away: this must fail
            processed_during = await asyncio.wait_for(count(effects), 2)
        assert processed_during is None, "the database was reachable during the outage"
        await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
        await proxy.restore()
        outage = time.monotonic() - cut_at

        total = BEFORE + DURING
        deadline = time.monotonic() + 60
        while await count(effects) < total or await count(outbox, outbox.c.sent_at.is_(None)):
            assert time.monotonic() < deadline, (
                f"after the outage: {await count(effects)}/{total} processed, "
                f"{await count(outbox, outbox.c.sent_at.is_(None))} outbox rows unsent"
            )
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # anything doubled or dead-lettered late would show by now
        recovered = time.perf_counter() - started
        async with db.sessions() as s:
            per_actor = Counter((await s.execute(select(effects.c.actor_id))).scalars().all())
        inbox_rows = await count(inbox)
        info = await js.consumer_info("ACTORS", "faultdb-remember")
        dead = (
            await js.stream_info("DEADLETTER", subjects_filter="deadletter.faultdb-remember.>")
        ).state.subjects or {}
        own = await js.stream_info("FAULTDB", subjects_filter=f"s3.{region}.>")
        emitted = int(own.state.messages)
    finally:
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        await bus.stop()
        await nc.close()
        await db.dispose()
        await proxy.stop()
        await servers.drop_database(postgres_admin_url, real_url)

    lost = sum(1 for a in sent if per_actor[a] == 0)
    duplicated = sum(n - 1 for n in per_actor.values() if n > 1)
    print(
        json.dumps(
            {
                "fault": "database-unreachable",
                "outage_seconds": round(outage, 1),
                "published": len(sent),
                "published_during_outage": DURING,
                "processed": sum(per_actor.values()),
                "lost": lost,
                "duplicated": duplicated,
                "inbox_rows": inbox_rows,
                "deliveries": int(info.delivered.consumer_seq or 0),
                "pending": int(info.num_pending or 0),
                "ack_pending": int(info.num_ack_pending or 0),
                "dead_lettered": sum(dead.values()),
                "relayed_after": emitted,
                "seconds": round(recovered, 2),
            }
        )
    )
    assert lost == 0 and duplicated == 0
    assert inbox_rows == len(sent)
    assert sum(dead.values()) == 0
    assert info.num_pending == 0 and info.num_ack_pending == 0
    assert emitted == len(sent)  # the relay resumed and published every emitted event once
    assert int(info.delivered.consumer_seq or 0) > len(sent)  # the outage really caused retries
