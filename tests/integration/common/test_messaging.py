"""Outbox, inbox, retries and dead letters against a real NATS JetStream and real databases."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any, ClassVar

import nats
import pytest
from sqlalchemy import func, select

from helpers import actor_registered, bus_database, effects
from kraftsamla_common import events
from kraftsamla_common.bus import Bus, Subscriptions, stream_config
from kraftsamla_common.db import Database
from kraftsamla_common.events import ActorRegistered, Envelope, EventData, new_id
from kraftsamla_common.messaging import OutboxRelay, UnitOfWork, metadata, outbox
from kraftsamla_common.settings import Settings


class ThingHappened(EventData):
    """A payload for these tests only (not in the catalogue: the relay does not parse payloads)."""

    event_type: ClassVar[str] = "probe.thing.happened.v1"
    n: int


@pytest.fixture
async def db(database_factory: Any) -> AsyncIterator[Database]:
    async with bus_database(database_factory("messaging")) as database:
        yield database


def settings(nats_url: str, service: str, **kw: Any) -> Settings:
    return Settings(service=service, nats_url=nats_url, database_url="sqlite://", **kw)


async def stream_messages(nats_url: str, stream: str) -> list[Any]:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    info = await js.stream_info(stream)
    out = [
        await js.get_msg(stream, seq=s)
        for s in range(info.state.first_seq, info.state.last_seq + 1)
        if info.state.messages
    ]
    await nc.close()
    return out


async def write_events(db: Database, ns: Sequence[int], region: str) -> None:
    async with db.sessions() as session:
        uow = UnitOfWork(session, source="probe")
        for n in ns:
            uow.emit(ThingHappened(n=n), region=region, subject=f"thing-{n}")
        await uow.commit()


async def test_relay_that_dies_after_publishing_publishes_each_event_once(
    db: Database, nats_url: str, region: str
) -> None:
    bus = Bus(settings(nats_url, "probe"), db)
    await bus.start()
    try:
        await write_events(db, range(5), region)

        async def publish_then_die(rows: Sequence[Any]) -> None:
            await bus.publish_rows(rows)
            raise RuntimeError("relay killed between publishing and marking sent")

        dying = OutboxRelay(db, publish_then_die)
        with pytest.raises(RuntimeError):
            await dying.publish_pending()
        async with db.sessions() as s:
            assert (
                await s.scalar(select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None)))
                == 5
            )

        relay = OutboxRelay(db, bus.publish_rows)
        assert await relay.publish_pending() == 5
        assert await relay.publish_pending() == 0
        msgs = await stream_messages(nats_url, "PROBE")
        assert sorted(
            events.Envelope[ThingHappened].model_validate_json(m.data).data.n for m in msgs
        ) == list(range(5))
        assert all(
            m.headers["Nats-Msg-Id"]
            == events.Envelope[ThingHappened].model_validate_json(m.data).id.__str__()
            for m in msgs
        )
    finally:
        await bus.stop()


async def test_rows_committed_out_of_order_are_never_skipped(
    db: Database, nats_url: str, region: str
) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: commits cannot overtake each other there")
    bus = Bus(settings(nats_url, "probe"), db)
    await bus.start()
    relay = OutboxRelay(db, bus.publish_rows)
    try:
        async with db.sessions() as early:
            first = UnitOfWork(early, source="probe")
            first.emit(ThingHappened(n=1), region=region, subject="a")
            await first.flush()  # takes the lower sequence number, not yet committed
            await write_events(db, [2], region)  # a later row commits first
            assert await relay.publish_pending() == 1
            await first.commit()
        assert await relay.publish_pending() == 1
        msgs = await stream_messages(nats_url, "PROBE")
        assert sorted(Envelope[ThingHappened].model_validate_json(m.data).data.n for m in msgs) == [1, 2]
    finally:
        await bus.stop()


async def test_event_committed_while_the_relay_finds_nothing_leaves_at_once(
    db: Database, nats_url: str, region: str
) -> None:
    """A commit that lands after the relay's query found nothing, and before it waits, wakes it: the
    event leaves at once, not at the next poll (a minute here)."""
    bus = Bus(settings(nats_url, "probe"), db)
    await bus.start()

    class Overtaken(OutboxRelay):
        raced = False

        async def publish_pending(self) -> int:
            sent = await super().publish_pending()
            if not sent and not self.raced:
                self.raced = True
                await write_events(self.db, [1], region)
                self.wake()  # as UnitOfWork.commit does
            return sent

    relay = Overtaken(db, bus.publish_rows, poll_seconds=60)
    task = asyncio.create_task(relay.run())
    try:

        async def published() -> bool:
            return len(await stream_messages(nats_url, "PROBE")) == 1

        await _wait_for(published, timeout=10)
        assert relay.raced
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await bus.stop()


async def _actors_stream(nats_url: str) -> Any:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await js.add_stream(stream_config(events.stream_for("actors")))
    return nc, js


async def _wait_for(check: Any, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_redelivered_event_has_its_effect_once(db: Database, nats_url: str, region: str) -> None:
    nc, js = await _actors_stream(nats_url)
    subs = Subscriptions()

    @subs.on(ActorRegistered)
    async def count_actor(event: Envelope[Any], uow: UnitOfWork) -> None:
        await uow.session.execute(effects.insert().values(actor_id=str(event.data.actor_id)))

    bus = Bus(settings(nats_url, "probe"), db)
    bus.bind(subs)
    await bus.start()
    try:
        env = actor_registered(region)
        subject = events.subject_for(env.type, region)
        # The same event twice under different message ids, as a redelivery after a lost ack would be.
        for _ in range(2):
            await js.publish(subject, env.model_dump_json().encode(), headers={"Nats-Msg-Id": str(new_id())})
        marker = actor_registered(region)
        await js.publish(subject, marker.model_dump_json().encode(), headers={"Nats-Msg-Id": str(marker.id)})

        async def both_seen() -> bool:
            async with db.sessions() as s:
                return (await s.scalar(select(func.count()).select_from(effects))) == 2

        await _wait_for(both_seen)
        await asyncio.sleep(0.3)
        async with db.sessions() as s:
            rows = (await s.execute(select(effects.c.actor_id))).scalars().all()
        assert sorted(rows) == sorted([str(env.data.actor_id), str(marker.data.actor_id)])
    finally:
        await bus.stop()
        await nc.close()


async def test_failing_handler_is_retried_then_dead_lettered(
    db: Database, nats_url: str, region: str
) -> None:
    nc, js = await _actors_stream(nats_url)
    attempts: list[int] = []
    subs = Subscriptions()

    @subs.on(ActorRegistered)
    async def always_fails(event: Envelope[Any], uow: UnitOfWork) -> None:
        attempts.append(1)
        raise RuntimeError("poison")

    bus = Bus(settings(nats_url, "probe", max_deliver=3, backoff_seconds=[0.05]), db)
    bus.bind(subs)
    await bus.start()
    try:
        env = actor_registered(region)
        await js.publish(
            events.subject_for(env.type, region),
            env.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(env.id)},
        )

        async def dead_lettered() -> bool:
            try:
                return (await js.stream_info("DEADLETTER")).state.messages == 1
            except Exception:
                return False

        await _wait_for(dead_lettered)
        msg = await js.get_last_msg("DEADLETTER", "deadletter.probe-always-fails.>")
        assert Envelope[ActorRegistered].model_validate_json(msg.data).id == env.id
        assert "poison" in msg.headers["Kraftsamla-Error"]
        assert len(attempts) == 3
        async with db.sessions() as s:  # the failed attempts left no inbox row: a replay will run it
            assert await s.scalar(select(func.count()).select_from(metadata.tables["inbox"])) == 0
    finally:
        await bus.stop()
        await nc.close()


async def test_dead_letter_is_listed_and_replayed_to_its_consumer(
    db: Database, nats_url: str, region: str
) -> None:
    from kraftsamla_common import deadletter

    nc, js = await _actors_stream(nats_url)
    broken = True
    subs = Subscriptions()

    @subs.on(ActorRegistered)
    async def flaky(event: Envelope[Any], uow: UnitOfWork) -> None:
        if broken:
            raise RuntimeError("database schema out of date")
        await uow.session.execute(effects.insert().values(actor_id=str(event.data.actor_id)))

    bus = Bus(settings(nats_url, "probe", max_deliver=2, backoff_seconds=[0.05]), db)
    bus.bind(subs)
    await bus.start()
    try:
        env = actor_registered(region)
        await js.publish(
            events.subject_for(env.type, region),
            env.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(env.id)},
        )

        async def listed() -> list[dict[str, Any]]:
            try:
                return await deadletter.list_dead(nats_url)
            except Exception:
                return []

        await _wait_for(listed)
        [row] = await deadletter.list_dead(nats_url)
        assert row["consumer"] == "probe-flaky" and "schema" in row["error"]
        assert row["subject"] == events.subject_for(env.type, region)

        broken = False  # the operator fixed the cause; now replay
        assert await deadletter.replay(nats_url, None) == 1

        async def handled() -> bool:
            async with db.sessions() as s:
                return (await s.scalar(select(func.count()).select_from(effects))) == 1

        await _wait_for(handled)
        assert await deadletter.list_dead(nats_url) == []
    finally:
        await bus.stop()
        await nc.close()
