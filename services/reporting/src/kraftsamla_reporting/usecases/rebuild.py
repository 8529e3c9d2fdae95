"""Rebuild the reporting service's read models from the JetStream streams alone
(``python -m kraftsamla_reporting rebuild``, see :mod:`kraftsamla_reporting.rebuild`).

Stop the reporting service first (it shares the database). The command builds each region's report
from the read models as they are, empties them (and this service's inbox), replays every event of
the producers' streams through the same handlers the live consumers use, builds the report again
at the same instant and says, per region, whether the two are equal (and what differs if not). The
replayed events are recorded in the inbox under the live consumers' names, so when the service
starts again its consumers skip what the rebuild already applied. Regions whose report differs are
marked due, so the service stores a new version when it starts; equal reports add no version
(a region already due before the rebuild stays due).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy import delete, select

from kraftsamla_common import events
from kraftsamla_common.bus import Subscription, Subscriptions, durable_name
from kraftsamla_common.db import ALL_REGIONS, Database
from kraftsamla_common.events import service_of, stream_for, utcnow
from kraftsamla_common.messaging import UnitOfWork, claim_inbox, inbox
from kraftsamla_common.service import ServiceSpec
from kraftsamla_common.settings import Settings, nats_servers

from ..domain.compare import Change, compare
from ..domain.content import ReportContent
from ..domain.report import build_report
from ..persistence.tables import READ_MODELS, DirtyRegion
from .due import mark_due
from .inputs import load_inputs

BATCH = 500


@dataclass
class Rebuilt:
    region: str
    equal: bool
    differences: list[Change] = field(default_factory=list)


@dataclass
class Outcome:
    events: int
    regions: list[Rebuilt]
    unreadable: list[str] = field(default_factory=list)
    """Messages no handler could read (``STREAM#sequence``), passed over as the live consumers would
    dead-letter them; the rest of the replay goes on."""


async def _regions(db: Database, only: str | None) -> list[str]:
    if only:
        return [only]
    found: set[str] = set()
    async with db.session(ALL_REGIONS) as session:
        for model in READ_MODELS:
            found.update((await session.scalars(select(model.region).distinct())).all())  # type: ignore[attr-defined]
    return sorted(found)


async def _reports(db: Database, regions: list[str], at: datetime) -> dict[str, ReportContent]:
    out = {}
    async with db.session(ALL_REGIONS) as session:
        for region in regions:
            content, _ = build_report(await load_inputs(session, region), at)
            out[region] = content
    return out


async def _replay(
    db: Database,
    url: str,
    region: str | None,
    *,
    service: str,
    subscriptions: Subscriptions,
    unreadable: list[str],
) -> int:
    handlers: dict[str, list[Subscription]] = {}
    for sub in subscriptions.items:
        handlers.setdefault(sub.event.event_type, []).append(sub)
    producers = sorted({service_of(t) for t in handlers})
    nc = await nats.connect(nats_servers(url))
    applied = 0
    try:
        js = nc.jetstream()
        for producer in producers:
            stream = stream_for(producer).name
            info = await js.stream_info(stream)
            last = info.state.last_seq
            if not info.state.messages:
                continue
            subject = f"s3.{region or '*'}.{producer}.>"
            psub = await js.pull_subscribe(
                subject,
                stream=stream,
                config=ConsumerConfig(
                    deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, inactive_threshold=60.0
                ),
            )
            seq = 0
            while seq < last:
                try:
                    msgs = await psub.fetch(BATCH, timeout=2.0)
                except nats.errors.TimeoutError:
                    break
                async with db.session(ALL_REGIONS) as session, session.begin():
                    for msg in msgs:
                        seq = msg.metadata.sequence.stream
                        if seq > last:
                            break
                        try:
                            env = events.parse(msg.data)
                        except events.UnknownEventType:
                            continue
                        except ValueError:  # not an envelope at all, or a payload that breaks its schema
                            unreadable.append(f"{stream}#{seq}")
                            continue
                        for sub in handlers.get(env.type, []):
                            # One region's rebuild keeps the inbox (it has no region): apply regardless.
                            fresh = await claim_inbox(session, durable_name(service, sub), env.id)
                            if fresh or region is not None:
                                uow = UnitOfWork(
                                    session, source=service, region=env.region, causation_id=env.id
                                )
                                await sub.handler(env, uow)
                                applied += 1
            await psub.unsubscribe()
    finally:
        await nc.close()
    return applied


async def rebuild(spec: ServiceSpec, settings: Settings, region: str | None = None) -> Outcome:
    """Empty the read models (of one region, or all) and replay them from the streams through the
    handlers of ``spec`` (the service's own)."""
    db = Database(settings.database_url, settings.database_admin_url)
    try:
        await db.migrate(spec.migrations)
        regions = await _regions(db, region)
        at = utcnow()
        before = await _reports(db, regions, at)
        async with db.session(ALL_REGIONS) as session:
            due = set((await session.scalars(select(DirtyRegion.region))).all())
        async with db.session(ALL_REGIONS) as session, session.begin():
            for model in READ_MODELS:
                query = delete(model)
                if region:
                    query = query.where(model.region == region)  # type: ignore[attr-defined]
                await session.execute(query)
            if region is None:
                await session.execute(delete(inbox))
        unreadable: list[str] = []
        applied = await _replay(
            db,
            settings.nats_url,
            region,
            service=spec.name,
            subscriptions=spec.subscriptions,
            unreadable=unreadable,
        )
        regions = sorted(set(regions) | set(await _regions(db, region)))
        after = await _reports(db, regions, at)
        results = []
        async with db.session(ALL_REGIONS) as session, session.begin():
            for r in regions:
                old, new = before.get(r), after.get(r)
                differences = (
                    compare(old, new).changes
                    if old and new
                    else [Change("report", (), None, "added" if new else "removed", "entry", None, None)]
                )
                # The replay marked every region it touched; only a changed report is due.
                await session.execute(delete(DirtyRegion).where(DirtyRegion.region == r))
                if differences or r in due:
                    await mark_due(session, r)
                results.append(Rebuilt(region=r, equal=not differences, differences=differences))
        return Outcome(events=applied, regions=results, unreadable=unreadable)
    finally:
        await db.dispose()
