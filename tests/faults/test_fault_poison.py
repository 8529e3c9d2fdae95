"""Fault: a poison message (a handler that always fails, and a body that cannot be parsed).

Against the session's real NATS JetStream and a real SQLite database, with a consumer whose
handler fails for one event until the test "fixes the cause": the event is retried
``KRAFTSAMLA_MAX_DELIVER`` times with back-off, copied to ``DEADLETTER`` with its error, listed by
``python -m kraftsamla_common.deadletter list`` (a subprocess), while the consumer goes on with
the next events; after the fix, ``… deadletter replay SEQ`` hands it back to its consumer, which
processes it once. An unparseable body is dead-lettered at once (one attempt).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nats
import pytest
from sqlalchemy import func, select

from helpers import actor_registered, bus_database, effects
from kraftsamla_common import events
from kraftsamla_common.bus import Bus, Subscriptions
from kraftsamla_common.db import Database
from kraftsamla_common.events import ActorRegistered, Envelope, new_id
from kraftsamla_common.messaging import UnitOfWork, inbox
from kraftsamla_common.settings import Settings


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with bus_database(f"sqlite+aiosqlite:///{tmp_path / 'poison.db'}") as database:
        yield database


async def cli(url: str, *args: str) -> str:
    """``python -m kraftsamla_common.deadletter …`` as the operator runs it (environment only)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kraftsamla_common.deadletter",
        *args,
        env={**os.environ, "KRAFTSAMLA_NATS_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def until(check: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_poison_message_is_dead_lettered_listed_and_replayed_once_fixed(
    db: Database, nats_url: str, region: str
) -> None:
    started = time.perf_counter()
    broken = True
    attempts: dict[str, int] = {}
    subs = Subscriptions()

    @subs.on(ActorRegistered)
    async def fragile(event: Envelope[Any], uow: UnitOfWork) -> None:
        name = event.data.name
        attempts[name] = attempts.get(name, 0) + 1
        if name == "poison" and broken:
            raise RuntimeError("the region of this actor is not known yet")
        await uow.session.execute(effects.insert().values(actor_id=name))

    settings = Settings(
        service="faultpoison",
        nats_url=nats_url,
        database_url="sqlite://",
        max_deliver=3,
        backoff_seconds=[0.1, 0.2],
    )
    bus = Bus(settings, db)
    bus.bind(subs)
    await bus.start()
    consumer = "faultpoison-fragile"
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    try:
        subject = events.subject_for(ActorRegistered.event_type, region)
        poison = actor_registered(region, "poison")
        for env in (poison, actor_registered(region, "good-1")):
            await js.publish(subject, env.model_dump_json().encode(), headers={"Nats-Msg-Id": str(env.id)})
        # An unparseable body on the same subject: dead-lettered at once, without retries.
        await js.publish(subject, b"{not json", headers={"Nats-Msg-Id": str(new_id())})
        good = actor_registered(region, "good-2")
        await js.publish(subject, good.model_dump_json().encode(), headers={"Nats-Msg-Id": str(good.id)})

        async def effect_names() -> list[str]:
            async with db.sessions() as s:
                return sorted((await s.execute(select(effects.c.actor_id))).scalars().all())

        async def settled() -> bool:
            out = await cli(nats_url, "list")
            return await effect_names() == ["good-1", "good-2"] and out.count(consumer) == 2

        await until(settled)
        listed = [json.loads(line) for line in (await cli(nats_url, "list")).splitlines()]
        mine = [row for row in listed if row["consumer"] == consumer]
        assert len(mine) == 2, listed
        bad_body = next(r for r in mine if "cannot parse event" in r["error"])
        poison_row = next(r for r in mine if r is not bad_body)
        assert "region of this actor is not known" in poison_row["error"]
        assert poison_row["subject"] == subject
        msg = await js.get_msg("DEADLETTER", seq=poison_row["seq"])
        # Kept by consumer, kind of error, region and event type (counted by subject, unread).
        assert (
            msg.subject
            == f"deadletter.{consumer}.RuntimeError.{subject.split('.', 2)[1]}.{subject.split('.', 2)[2]}"
        )
        assert Envelope[ActorRegistered].model_validate_json(msg.data or b"").id == poison.id
        assert attempts["poison"] == 3  # max_deliver attempts, then dead-lettered
        async with db.sessions() as s:  # failed attempts leave no inbox row
            assert await s.scalar(select(func.count()).select_from(inbox)) == 2

        # Fix the cause; replay the poison message only (the unparseable one stays).
        broken = False
        out = await cli(nats_url, "replay", str(poison_row["seq"]))
        assert "replayed 1" in out
        await until(lambda: _names_are(db, ["good-1", "good-2", "poison"]))
        await asyncio.sleep(1.0)  # a second processing would show by now
        names = await effect_names()
        remaining = [json.loads(line) for line in (await cli(nats_url, "list")).splitlines()]
        seconds = time.perf_counter() - started
        async with db.sessions() as s:
            inbox_rows = await s.scalar(select(func.count()).select_from(inbox))
    finally:
        await bus.stop()
        await nc.close()

    print(
        json.dumps(
            {
                "fault": "poison-message",
                "attempts_before_dead_letter": 3,
                "dead_lettered": len(mine),
                "good_events_processed_meanwhile": 2,
                "replayed": 1,
                "poison_processed_after_replay": names.count("poison"),
                "attempts_total": attempts["poison"],
                "dead_letters_left": len(remaining),
                "seconds": round(seconds, 2),
            }
        )
    )
    assert names == ["good-1", "good-2", "poison"]
    assert attempts["poison"] == 4
    assert inbox_rows == 3
    assert [r for r in remaining if r["consumer"] == consumer] == [bad_body]


async def _names_are(db: Database, expected: list[str]) -> bool:
    async with db.sessions() as s:
        return sorted((await s.execute(select(effects.c.actor_id))).scalars().all()) == expected
