"""A region's rows and events in one service: found by walking the database's own tables, exported,
imported, and deleted (docs/decisions/0025-region-lifecycle.md).

Every table that holds a region's data carries its ``region`` column; the few that do not name the
table whose rows they belong to (``ServiceSpec.region_linked``: a column of theirs holding the id of
a row of a table with a region). A table with neither is refused by every step here, so a new
table must say whose rows it holds before a region can be exported or deleted. Not region data:
``alembic_version`` (the schema's) and ``inbox`` (which events a consumer handled: their ids only).

The routes (operator only), added to every service beside its own:

* ``GET /<service>/regions/{region}/lifecycle/export``: every row of the region, table by table,
  and the region's events in the service's own stream;
* ``PUT /<service>/regions/{region}/lifecycle/import``: such rows put into a service that holds
  none of the region (409 otherwise), and every event of the archive that a consumer of this
  service handles marked handled in its inbox, in one transaction;
* ``POST /<service>/regions/{region}/lifecycle/events``: the archive's events of this service put
  back into its stream, under their ids (JetStream's de-duplication window drops a second copy).

``assessment.region.deleted.v1`` makes each service delete every row of the region and purge the
region's subjects from its stream and from the dead letters (:func:`on_region_deleted`).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Date, DateTime, Integer, LargeBinary, MetaData, Table, delete, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from . import auth
from .bus import Subscription, Subscriptions
from .db import REGION_SETTING, _engine
from .errors import Conflict, Unprocessable
from .events import DEADLETTER, Envelope, RegionDeleted, stream_for
from .messaging import UnitOfWork, claim_inbox_many

if TYPE_CHECKING:
    from .service import ServiceContext

log = logging.getLogger(__name__)

NOT_REGION_DATA = frozenset({"alembic_version", "inbox"})
"""Tables that hold no region's data: the schema's version; which event ids consumers handled."""

Linked = Mapping[str, tuple[str, str, str]]
"""Table without a region → (its column, the table with a region, that table's column it names)."""


class NoRegion(Exception):
    """A table that neither carries a region nor names the table whose rows it belongs to."""


def _reflect(connection: Connection) -> MetaData:
    md = MetaData()
    md.reflect(connection)
    return md


async def reflect(session: AsyncSession) -> MetaData:
    """The database's tables as they are (every migration's, whatever the service's models say)."""
    conn = await session.connection()
    return await conn.run_sync(_reflect)


def region_tables(md: MetaData, region: str, linked: Linked) -> list[tuple[Table, ColumnElement[bool]]]:
    """Every table holding the region's data and which of its rows are the region's, parents before
    children (the order to insert in; delete in the reverse)."""
    out = []
    for table in md.sorted_tables:
        if table.name in NOT_REGION_DATA:
            continue
        if "region" in table.c:
            out.append((table, table.c.region == region))
        elif table.name in linked:
            column, parent_name, parent_column = linked[table.name]
            parent = md.tables[parent_name]
            owned = select(parent.c[parent_column]).where(parent.c.region == region)
            out.append((table, table.c[column].in_(owned.scalar_subquery())))
        else:
            raise NoRegion(f"table {table.name} has no region column and names no table it belongs to")
    # Linked tables find their rows through their parents': they go after every parent.
    return [t for t in out if t[0].name not in linked] + [t for t in out if t[0].name in linked]


def _in_region(session: AsyncSession, region: str) -> Any:
    """On PostgreSQL, the transaction works for ``region`` from here on (row-level security)."""
    return session.execute(
        text("SELECT set_config(:name, :region, true)"), {"name": REGION_SETTING, "region": region}
    )


async def delete_rows(session: AsyncSession, region: str, linked: Linked) -> dict[str, int]:
    """Delete every row of the region, children first; how many of each table."""
    if session.get_bind().dialect.name == "postgresql":
        await _in_region(session, region)
    md = await reflect(session)
    counts: dict[str, int] = {}
    for table, where in reversed(region_tables(md, region, linked)):
        result: Any = await session.execute(delete(table).where(where))
        counts[table.name] = result.rowcount or 0
    return counts


def _generated(table: Table) -> str | None:
    """The one integer primary key column the database numbers itself (an outbox's sequence), which
    an import leaves to the database of the platform it goes to; None if there is none."""
    pk = list(table.primary_key.columns)
    if len(pk) == 1 and isinstance(pk[0].type, Integer) and not pk[0].foreign_keys:
        referenced = any(fk.column is pk[0] for t in table.metadata.tables.values() for fk in t.foreign_keys)
        return None if referenced else pk[0].name
    return None


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _decoder(column: Any) -> Callable[[Any], Any]:
    kind = column.type
    if isinstance(kind, DateTime):
        return lambda v: datetime.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(kind, Date):
        return lambda v: date.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(kind, LargeBinary):
        return lambda v: base64.b64decode(v) if isinstance(v, str) else v
    return lambda v: v


async def export_rows(session: AsyncSession, region: str, linked: Linked) -> dict[str, list[dict[str, Any]]]:
    """Every row of the region, by table, each in its primary key's order, as JSON values
    (timestamps in ISO 8601 with their offset, bytes in base64)."""
    md = await reflect(session)
    out: dict[str, list[dict[str, Any]]] = {}
    for table, where in region_tables(md, region, linked):
        rows = await session.execute(select(table).where(where).order_by(*table.primary_key.columns))
        out[table.name] = [{k: _encode(v) for k, v in row._mapping.items()} for row in rows]
    return out


async def import_rows(
    session: AsyncSession, region: str, linked: Linked, tables: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, int]:
    """Insert an archive's rows of the region (parents first); 409 when the service holds any row
    of the region already, 422 when a table of the archive is not one of this database or a row is
    of another region."""
    md = await reflect(session)
    known = region_tables(md, region, linked)
    names = {t.name for t, _ in known}
    if unknown := sorted(set(tables) - names):
        raise Unprocessable(
            "The archive is not of this service's schema.",
            [
                {"loc": ["body", "tables", name], "msg": "no such table here", "type": "value_error"}
                for name in unknown
            ],
        )
    for table, where in known:
        if (await session.execute(select(table).where(where).limit(1))).first() is not None:
            raise Conflict(f"The service holds rows of region {region} already (table {table.name}).")
    counts: dict[str, int] = {}
    for table, _ in known:
        rows = tables.get(table.name) or []
        if not rows:
            continue
        skip = _generated(table)
        decoders = {c.name: _decoder(c) for c in table.columns if c.name != skip}
        values = []
        for row in rows:
            if "region" in table.c and row.get("region") != region:
                raise Unprocessable(
                    "The archive holds a row of another region.",
                    [
                        {
                            "loc": ["body", "tables", table.name],
                            "msg": "row of another region",
                            "type": "value_error",
                        }
                    ],
                )
            values.append({k: decode(row.get(k)) for k, decode in decoders.items() if k in row})
        for start in range(0, len(values), 500):
            await session.execute(insert(table), values[start : start + 500])
        counts[table.name] = len(values)
    return counts


# ------------------------------------------------------------------ streams


async def stream_events(js: Any, stream: str, subject: str = ">") -> list[dict[str, Any]]:
    """Every message of ``stream`` on ``subject`` (default: all), oldest first: its sequence, when
    the stream took it, its subject, headers and payload (base64)."""
    from nats.js.errors import NotFoundError

    out: list[dict[str, Any]] = []
    seq = 1
    while True:
        try:
            msg = await js.get_msg(stream, seq=seq, subject=subject, next=True)
        except NotFoundError:
            return out
        out.append(
            {
                "seq": msg.seq,
                "time": msg.time.isoformat() if msg.time else None,
                "subject": msg.subject,
                "headers": dict(msg.headers or {}),
                "data": base64.b64encode(msg.data or b"").decode(),
            }
        )
        seq = msg.seq + 1


async def region_events(js: Any, stream: str, region: str) -> list[dict[str, Any]]:
    """Every message of the region in ``stream``, oldest first: its subject, headers and payload."""
    return [
        {k: v for k, v in e.items() if k not in ("seq", "time")}
        for e in await stream_events(js, stream, f"s3.{region}.>")
    ]


async def put_back(js: Any, subject: str, data: bytes, headers: Mapping[str, str]) -> int:
    """A saved message published again with its headers (so under its ``Nats-Msg-Id``, which the
    stream's de-duplication window holds to once); its new sequence. The conditions it was first
    written under (``Nats-Expected-…``: a key bucket's compare-and-set) are not asked again."""
    kept = {k: v for k, v in headers.items() if not k.startswith("Nats-Expected-")}
    ack = await js.publish(subject, data, headers=kept or None, timeout=10)
    return int(ack.seq)


async def purge_region(js: Any, stream: str, region: str) -> None:
    """Remove every message of the region from the service's stream and from the dead letters."""
    await js.purge_stream(stream, subject=f"s3.{region}.>")
    await js.purge_stream(DEADLETTER.name, subject=f"deadletter.*.*.{region}.>")


# ------------------------------------------------------------------ the deletion, on every service


def subscriptions(context: Callable[[], ServiceContext]) -> Subscriptions:
    """The subscription every service has: a region deleted is deleted here too."""

    async def on_region_deleted(event: Envelope[RegionDeleted], uow: UnitOfWork) -> None:
        ctx = context()
        region = event.data.region
        linked: Linked = ctx.state.get("region_linked", {})
        # The stream first: a failure after it leaves the rows, and the event is delivered again.
        js = ctx.bus.broker.connection.jetstream()
        await purge_region(js, ctx.bus.own_stream.name, region)
        if ctx.db.admin_url != ctx.db.url:
            # The tables' owner: the service's own role may not delete audit rows.
            admin = _engine(ctx.db.admin_url)
            try:
                async with admin.begin() as conn:
                    admin_session = AsyncSession(bind=conn)
                    counts = await delete_rows(admin_session, region, linked)
            finally:
                await admin.dispose()
        else:
            counts = await delete_rows(uow.session, region, linked)
        log.info("region %s deleted: %d rows", region, sum(counts.values()))

    subs = Subscriptions()
    subs.items.append(Subscription(event=RegionDeleted, handler=on_region_deleted, name="region_deleted"))
    return subs


# ------------------------------------------------------------------ the routes


MAX_ROWS = 1_000_000
"""The most rows of one table an archive may put into a service at once: a region's whole seven-year
programme period many times over (its applications number in the thousands)."""
MAX_EVENTS = 5_000_000
"""The most events an archive may hold per service (a region's events of a programme period, with room)."""


class RegionArchivePart(BaseModel):
    """One service's part of a region's archive."""

    service: str
    region: str
    tables: dict[str, list[dict[str, Any]]] = Field(description="Every row of the region, by table")
    events: list[dict[str, Any]] = Field(
        default=[],
        description="The region's messages in the service's stream: subject, headers, data (base64)",
    )


NOT_REFERENCES = frozenset({"handled"})
"""The ids in an archive's bodies that name nothing of a region to check: the archived events' ids
(an archive's rows are checked for their region as they are put in)."""


class ImportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tables: Annotated[
        dict[str, Annotated[list[dict[str, Any]], Field(max_length=MAX_ROWS)]], Field(max_length=100)
    ]
    handled: Annotated[list[tuple[UUID, str]], Field(max_length=MAX_EVENTS)] = Field(
        default=[], description="Every event of the archive, of every service: (id, type)"
    )


class ImportedPublic(BaseModel):
    rows: dict[str, int]
    marked: int = Field(description="Events marked handled in this service's inbox")


class EventsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: Annotated[list[dict[str, Any]], Field(max_length=MAX_EVENTS)]


class RepublishedPublic(BaseModel):
    published: int


OperatorScope = Annotated[auth.Scope, Depends(auth.region_scope(auth.Role.OPERATOR))]


async def _unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    """The request's unit of work (:func:`kraftsamla_common.service.unit_of_work`)."""
    from .service import unit_of_work

    async for uow in unit_of_work(request):
        yield uow


UowDep = Annotated[UnitOfWork, Depends(_unit_of_work)]


# ------------------------------------------------------------------ the use cases behind the routes


async def export_region(ctx: ServiceContext, uow: UnitOfWork, service: str, region: str) -> RegionArchivePart:
    """The service's part of the region's archive: its rows and its events in the service's stream."""
    tables = await export_rows(uow.session, region, ctx.state.get("region_linked", {}))
    js = ctx.bus.broker.connection.jetstream()
    events = await region_events(js, ctx.bus.own_stream.name, region)
    return RegionArchivePart(service=service, region=region, tables=tables, events=events)


async def import_region(
    ctx: ServiceContext, uow: UnitOfWork, region: str, body: ImportBody
) -> ImportedPublic:
    """An archive's rows put in and its events marked handled by this service's consumers, in one
    transaction (so a consumer does not act again on what the archive's rows already hold)."""
    rows = await import_rows(uow.session, region, ctx.state.get("region_linked", {}), body.tables)
    marked = 0
    for consumer, event_type in ctx.bus.event_types.items():
        ids = [i for i, t in body.handled if t == event_type]
        if ids:
            marked += len(await claim_inbox_many(uow.session, consumer, ids))
    await uow.commit()
    return ImportedPublic(rows=rows, marked=marked)


async def republish(
    ctx: ServiceContext, service: str, region: str, events: Sequence[Mapping[str, Any]]
) -> int:
    """An archive's events of this service and region put back into its stream, under their ids."""
    prefix = f"s3.{region}.{service}."
    if any(not str(e.get("subject", "")).startswith(prefix) for e in events):
        raise Unprocessable(
            "An event is not of this region and service.",
            [{"loc": ["body", "events"], "msg": f"subjects must begin {prefix}", "type": "value_error"}],
        )
    stream = stream_for(service).name
    for e in events:
        await ctx.bus.broker.publish(
            base64.b64decode(e["data"]),
            e["subject"],
            stream=stream,
            timeout=10,
            headers=e.get("headers") or {},
        )
    return len(events)


def router(service: str) -> APIRouter:
    from .service import region_prefix

    r = APIRouter(prefix=f"{region_prefix(service)}/lifecycle", tags=["regions"])

    @r.get(
        "/export", response_model=RegionArchivePart, summary="Every row and event of the region (operator)"
    )
    async def export_route(scope: OperatorScope, uow: UowDep, request: Request) -> RegionArchivePart:
        return await export_region(request.app.state.ctx, uow, service, scope.region)

    @r.put("/import", response_model=ImportedPublic, summary="Put an archive's rows of the region (operator)")
    async def import_route(
        scope: OperatorScope, uow: UowDep, body: ImportBody, request: Request
    ) -> ImportedPublic:
        return await import_region(request.app.state.ctx, uow, scope.region, body)

    @r.post("/events", response_model=RepublishedPublic, summary="Put an archive's events back (operator)")
    async def events_route(scope: OperatorScope, body: EventsBody, request: Request) -> RepublishedPublic:
        return RepublishedPublic(
            published=await republish(request.app.state.ctx, service, scope.region, body.events)
        )

    return r
