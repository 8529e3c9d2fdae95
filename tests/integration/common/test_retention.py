"""Retention against real databases (SQLite and PostgreSQL) and a real NATS JetStream: rows past
their retention are pruned and younger ones kept; an inbox row is kept while its event can still
come back, and once it is gone the stream's duplicate window and the addressed replay keep the event
from being handled twice; an inconsistent configuration is refused at start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import nats
import pytest
from sqlalchemy import func, insert, select

from helpers import actor_registered, bus_database, effects
from kraftsamla_assessment.app import spec as assessment_spec
from kraftsamla_assessment.persistence.tables import Delivery, IdempotencyRecord, Webhook
from kraftsamla_common import events, retention
from kraftsamla_common.audit import audit_log
from kraftsamla_common.bus import REPLAY_FOR, Bus, Subscriptions, stream_config
from kraftsamla_common.db import Database
from kraftsamla_common.events import ActorRegistered, Envelope, new_id
from kraftsamla_common.messaging import UnitOfWork, inbox, outbox
from kraftsamla_common.service import configuration_error
from kraftsamla_common.settings import Settings
from kraftsamla_reporting.app import spec as reporting_spec
from kraftsamla_reporting.persistence.tables import Report

NOW = datetime(2031, 6, 15, 12, 0, tzinfo=UTC)
DAY = 86400.0


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


@pytest.fixture
async def reporting_db(database_factory: Any) -> AsyncIterator[Database]:
    db = Database(database_factory("reporting"))
    await db.migrate(reporting_spec.migrations)
    try:
        yield db
    finally:
        await db.dispose()


async def count(db: Database, table: Any, *where: Any) -> int:
    async with db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(table).where(*where)) or 0)


async def test_rows_past_their_retention_are_pruned_and_younger_ones_kept(reporting_db: Database) -> None:
    db = reporting_db
    settings = Settings(
        outbox_retention_seconds=DAY,
        inbox_retention_seconds=2 * DAY,
        audit_retention_seconds=30 * DAY,
        retention_batch_size=3,  # several batches per table
    )
    outbox_rows = [
        # (sent how long ago, or None: unsent; created how long ago)
        *[(DAY + 60, 5 * DAY)] * 4,  # sent more than a day ago: pruned
        (DAY - 60, 5 * DAY),  # sent less than a day ago: kept
        (None, 90 * DAY),  # never sent, however old: kept
    ]
    async with db.sessions() as s, s.begin():
        await s.execute(
            insert(outbox),
            [
                {
                    "event_id": str(new_id()),
                    "type": "probe.thing.happened.v1",
                    "region": "r1",
                    "subject": "s3.r1.probe.thing.happened.v1",
                    "payload": b"{}",
                    "headers": {},
                    "created_at": ago(created),
                    "sent_at": None if sent is None else ago(sent),
                }
                for sent, created in outbox_rows
            ],
        )
        await s.execute(
            insert(inbox),
            [
                {"consumer": "c", "event_id": str(new_id()), "processed_at": ago(seconds)}
                for seconds in [2 * DAY + 1] * 7 + [2 * DAY - 1]
            ],
        )
        await s.execute(
            insert(audit_log),
            [
                {
                    "id": str(new_id()),
                    "region": "r1",
                    "at": ago(seconds),
                    "actor": "someone",
                    "role": "admin",
                    "method": "POST",
                    "route": "/x",
                    "path": "/x",
                    "events": [],
                    "correlation_id": str(new_id()),
                }
                for seconds in (31 * DAY, 29 * DAY)
            ],
        )
    pruned = await retention.Pruner(db, settings, retention.COMMON).prune(NOW)
    assert pruned == {"outbox": 4, "inbox": 7, "audit_log": 1}
    assert await count(db, outbox) == 2
    assert await count(db, outbox, outbox.c.sent_at.is_(None)) == 1
    assert await count(db, inbox) == 1
    async with db.sessions() as s:
        assert [r.at for r in (await s.execute(select(audit_log.c.at))).all()] == [ago(29 * DAY)]
    # A second round (another replica's, say) finds nothing more.
    assert await retention.Pruner(db, settings, retention.COMMON).prune(NOW) == dict.fromkeys(pruned, 0)


async def test_report_versions_keep_the_newest_the_young_and_each_years_last(reporting_db: Database) -> None:
    from kraftsamla_reporting.usecases.retention import RULES

    db = reporting_db
    settings = Settings(report_keep_latest=3, report_retention_seconds=100 * DAY)
    generated = [
        datetime(2029, 3, 1, tzinfo=UTC),  # 1: pruned
        datetime(2029, 12, 31, 23, 0, tzinfo=UTC),  # 2: 2029's last: kept
        datetime(2030, 2, 1, tzinfo=UTC),  # 3: pruned
        datetime(2030, 5, 1, tzinfo=UTC),  # 4: pruned
        datetime(2030, 6, 1, tzinfo=UTC),  # 5: 2030's last: kept
        datetime(2031, 1, 2, tzinfo=UTC),  # 6: pruned (old, not among the newest three, 2031 goes on)
        datetime(2031, 2, 1, tzinfo=UTC),  # 7: newest three
        datetime(2031, 2, 2, tzinfo=UTC),  # 8
        datetime(2031, 2, 3, tzinfo=UTC),  # 9
    ]
    other = [datetime(2029, 1, 1, tzinfo=UTC), datetime(2029, 2, 1, tzinfo=UTC)]  # another region: too few
    young = [ago(10 * DAY - i * 60) for i in range(5)]  # a third region: all younger than 100 days
    async with db.sessions() as s, s.begin():
        for region, times in (("r1", generated), ("r2", other), ("r3", young)):
            for number, at in enumerate(times, start=1):
                s.add(
                    Report(
                        id=str(new_id()),
                        region=region,
                        number=number,
                        generated_at=at,
                        built_from={},
                        content={},
                        outdated=0,
                    )
                )
    assert await retention.Pruner(db, settings, RULES).prune(NOW) == {"reports": 4}
    async with db.sessions() as s:
        kept = (
            await s.execute(select(Report.region, Report.number).order_by(Report.region, Report.number))
        ).all()
    assert [(r, n) for r, n in kept if r == "r1"] == [("r1", 2), ("r1", 5), ("r1", 7), ("r1", 8), ("r1", 9)]
    assert [n for r, n in kept if r == "r2"] == [1, 2]
    assert [n for r, n in kept if r == "r3"] == [1, 2, 3, 4, 5]


async def test_idempotency_keys_and_finished_webhook_deliveries_are_pruned(database_factory: Any) -> None:
    from kraftsamla_assessment.usecases.retention import RULES

    db = Database(database_factory("assessment"))
    await db.migrate(assessment_spec.migrations)
    settings = Settings(idempotency_ttl_seconds=DAY, webhook_delivery_retention_seconds=7 * DAY)
    try:
        async with db.sessions() as s, s.begin():
            for key, seconds in (("old", DAY + 1), ("young", DAY - 1)):
                s.add(
                    IdempotencyRecord(
                        region="r1",
                        key=key,
                        principal="p",
                        request_hash="h",
                        status_code=201,
                        response={},
                        created_at=ago(seconds),
                    )
                )
            hook = Webhook(
                id=str(new_id()),
                region="r1",
                url="https://example.org/hook",
                event_types=["application.assessed"],
                secret="fernet:x",
                active=True,
                created_by="p",
                created_at=ago(30 * DAY),
            )
            s.add(hook)
            await s.flush()
            for state, seconds in (
                ("delivered", 8 * DAY),  # pruned
                ("failed", 8 * DAY),  # pruned
                ("pending", 8 * DAY),  # still to be tried: kept
                ("delivered", 6 * DAY),  # young: kept
            ):
                s.add(
                    Delivery(
                        id=str(new_id()),
                        webhook_id=hook.id,
                        region="r1",
                        event_id=str(new_id()),
                        event_type="application.assessed",
                        payload="{}",
                        state=state,
                        attempts=1,
                        next_attempt_at=ago(seconds),
                        log=[],
                        created_at=ago(seconds),
                    )
                )
        assert await retention.Pruner(db, settings, RULES).prune(NOW) == {
            "idempotency_keys": 1,
            "webhook_deliveries": 2,
        }
        async with db.sessions() as s:
            assert (await s.scalars(select(IdempotencyRecord.key))).all() == ["young"]
            states = sorted((await s.scalars(select(Delivery.state))).all())
        assert states == ["delivered", "pending"]
    finally:
        await db.dispose()


# ------------------------------------------------------------------ the inbox's boundary, on the bus


@pytest.fixture
async def bus_db(database_factory: Any) -> AsyncIterator[Database]:
    async with bus_database(database_factory("retention")) as database:
        yield database


def probe_settings(nats_url: str, **kw: Any) -> Settings:
    return Settings(service="probe", nats_url=nats_url, database_url="sqlite://", **kw)


async def wait_for(check: Any, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_an_event_is_handled_once_on_both_sides_of_its_inbox_rows_retention(
    bus_db: Database, nats_url: str, region: str
) -> None:
    """While its inbox row is kept, a redelivery (a new message with the same event) is skipped; once
    the row is pruned, the same event published again (the relay's retry: the same ``Nats-Msg-Id``)
    is dropped by JetStream within the duplicate window, and a dead letter replayed for another
    consumer is acknowledged unhandled: neither reaches the handler a second time."""
    settings = probe_settings(nats_url)
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await js.add_stream(stream_config(events.stream_for("actors"), settings=settings))
    subs = Subscriptions()

    @subs.on(ActorRegistered)
    async def count_actor(event: Envelope[Any], uow: UnitOfWork) -> None:
        await uow.session.execute(effects.insert().values(actor_id=str(event.data.actor_id)))

    bus = Bus(settings, bus_db)
    bus.bind(subs)
    await bus.start()
    pruner = retention.Pruner(bus_db, settings, [retention.INBOX])
    try:
        env = actor_registered(region)
        subject = events.subject_for(env.type, region)
        body = env.model_dump_json().encode()

        async def effects_and_marker(n: int) -> None:
            """Publish a marker event and wait until it was handled, then count ``env``'s effects."""
            marker = actor_registered(region)
            await js.publish(
                subject, marker.model_dump_json().encode(), headers={"Nats-Msg-Id": str(marker.id)}
            )

            async def marker_seen() -> bool:
                return await count(bus_db, effects, effects.c.actor_id == str(marker.data.actor_id)) == 1

            await wait_for(marker_seen)
            assert await count(bus_db, effects, effects.c.actor_id == str(env.data.actor_id)) == n

        await js.publish(subject, body, headers={"Nats-Msg-Id": str(env.id)})
        await effects_and_marker(1)
        async with bus_db.sessions() as s:
            handled_at = await s.scalar(select(inbox.c.processed_at).where(inbox.c.event_id == str(env.id)))
        assert handled_at is not None
        keep = settings.inbox_retention_seconds

        # Just inside its retention the row stays, and a redelivery of the event is skipped.
        await pruner.prune(handled_at + timedelta(seconds=keep - 1))
        assert await count(bus_db, inbox, inbox.c.event_id == str(env.id)) == 1
        await js.publish(subject, body, headers={"Nats-Msg-Id": str(new_id())})
        await effects_and_marker(1)

        # Past it, the row goes.
        await pruner.prune(handled_at + timedelta(seconds=keep + 1))
        assert await count(bus_db, inbox, inbox.c.event_id == str(env.id)) == 0

        # The relay publishing the event again (its Nats-Msg-Id) is dropped by the stream.
        ack = await js.publish(subject, body, headers={"Nats-Msg-Id": str(env.id)})
        assert ack.duplicate
        # A replay of the event's dead letter for another consumer is acknowledged, not handled.
        await js.publish(
            subject, body, headers={"Nats-Msg-Id": f"replay-1-{env.id}", REPLAY_FOR: "reporting-on-actor"}
        )
        await effects_and_marker(1)
        info = await js.consumer_info(events.stream_for("actors").name, "probe-count-actor")
        assert info.num_ack_pending == 0 and info.num_pending == 0
    finally:
        await bus.stop()
        await nc.close()


# ------------------------------------------------------------------ the consistency check


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"inbox_retention_seconds": 300}, "KRAFTSAMLA_STREAM_DUPLICATE_WINDOW_SECONDS"),
        ({"inbox_retention_seconds": 900, "max_deliver": 10}, "the longest redelivery"),
        ({"stream_max_age_seconds": 60}, "JetStream refuses"),
        ({"stream_max_age_seconds": 700, "ack_wait_seconds": 120}, "age out of its stream"),
    ],
)
def test_an_inconsistent_retention_is_refused_at_start(overrides: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError) as refused:
        Settings(**overrides)
    said = configuration_error(refused.value)
    assert said.startswith("inconsistent retention: ") and named in said
    assert "KRAFTSAMLA_" in said


def test_the_defaults_are_consistent_and_leave_room() -> None:
    s = Settings()
    assert s.inbox_retention_seconds >= max(s.stream_duplicate_window_seconds, s.redelivery_seconds)
    assert s.stream_max_age_seconds >= s.redelivery_seconds
    assert s.audit_retention_seconds >= 10 * 365 * DAY
