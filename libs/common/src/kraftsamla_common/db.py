"""Database access: SQLAlchemy 2 async, SQLite by default, PostgreSQL by URL; Alembic on start."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, TypeDecorator, event, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers run beside the one writer; busy_timeout waits for the lock instead of failing.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


MIGRATION_LOCK = 0x4B53_4D49
"""PostgreSQL advisory lock key held while a service migrates its database."""


class Database:
    """One service's database: an engine, a session factory and its migrations."""

    def __init__(self, url: str) -> None:
        self.url = url
        # Statement parameters (names, e-mail addresses) never reach error messages or logs.
        kwargs: dict[str, Any] = {"hide_parameters": True}
        if url.startswith("sqlite"):
            path = url.split(":///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def migrate(self, script_location: Path, *, attempts: int = 30) -> None:
        """Apply the service's Alembic migrations up to head, waiting for the database to answer.

        Replicas starting together take turns: on PostgreSQL a transaction-scoped advisory lock
        is held while migrating, so the second finds the schema at head and does nothing."""
        for attempt in range(attempts):
            try:
                async with self.engine.begin() as conn:
                    if not self.is_sqlite:
                        await conn.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                        )
                    await conn.run_sync(_upgrade, script_location)
                return
            except OSError:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(1)

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


def _upgrade(connection: Connection, script_location: Path) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def run_migrations_env() -> None:
    """Body of every service's ``migrations/env.py``: run on the connection handed in by ``migrate``."""
    from alembic import context

    connection = context.config.attributes["connection"]
    context.configure(connection=connection, render_as_batch=True, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


SessionFactory = async_sessionmaker[AsyncSession]


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value
