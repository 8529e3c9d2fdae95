"""Statements several use cases share: dialect upserts, keeping an entity as its newest event
announced it, and times as stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, and_, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .tables import Base


def utc(value: datetime) -> datetime:
    """Aware UTC (SQLite hands back naive datetimes; times are stored in UTC so they compare as text)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def insert(session: AsyncSession | Session, model: type[Base] | Table) -> Any:
    """A dialect ``INSERT`` that offers ``on_conflict_do_update`` / ``on_conflict_do_nothing``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


async def upsert(
    session: AsyncSession, model: type[Base], key: list[str], values: dict[str, Any], where: Any = None
) -> None:
    """Insert ``values``, or overwrite the non-key columns when ``where`` holds for the stored row."""
    stmt = insert(session, model).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=key, set_={k: stmt.excluded[k] for k in values if k not in key}, where=where
    )
    await session.execute(stmt)


async def keep_latest(
    session: AsyncSession,
    model: Any,
    key: str,
    values: dict[str, Any],
    *,
    region: str,
    when: datetime,
    gone: bool,
) -> None:
    """Keep an entity of ``region`` as its newest event (of time ``when``) announced it, or delete it
    when ``gone``; an older event arriving late changes nothing."""
    column = getattr(model, key)
    if gone:
        await session.execute(
            delete(model).where(column == values[key], model.region == region, model.at <= when)
        )
    else:
        stmt = insert(session, model)
        await upsert(
            session,
            model,
            [key],
            {**values, "region": region, "at": when},
            where=and_(model.region == region, model.at <= stmt.excluded.at),
        )
