"""Database access: SQLAlchemy 2 async, SQLite by default, PostgreSQL by URL; Alembic on start.

On PostgreSQL a service may run as a role that owns nothing: the tables are created by the
migrations under ``KRAFTSAMLA_DATABASE_ADMIN_URL`` (their owner), and the service then connects
with ``KRAFTSAMLA_DATABASE_URL`` as a role granted reading and writing rows, no more. Behind the
application's own scoping by region, row-level security is a second wall: every table that
carries a region admits only the rows of the region its transaction was opened for
(``Database.session(region)``, the ``kraftsamla.region`` setting); a transaction opened for no
region sees none. Background work across regions (the outbox relay, report regeneration, webhook
delivery) opens its transactions for ``ALL_REGIONS``. The owner is not subject to the policies.
"""

from __future__ import annotations

import ast
import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import DateTime, TypeDecorator, event, inspect, make_url, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, SessionTransaction


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers run beside the one writer; busy_timeout waits for the lock instead of failing.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
    # SQLite's own lower() folds ASCII only; PostgreSQL's folds every letter (Å, Ä, Ö too).
    dbapi_conn.create_function("lower", 1, _lower, deterministic=True)


def _read_only(dbapi_conn: Any, _record: Any) -> None:
    """A reader's connection: SQLite refuses any write on it, and the driver does not begin its
    transactions (:func:`_begin_snapshot` does)."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.close()
    dbapi_conn.isolation_level = None


def _begin_snapshot(conn: Any) -> None:
    """Begin a reader's transaction for real: the driver would leave its reads in autocommit, each
    reading the latest commit, so one request's reads (a list's ETag and its rows) could see two
    states; in a transaction they all read the one its first read saw."""
    conn.exec_driver_sql("BEGIN")


SQLITE_READERS = 4
"""Connections a service's reads take on SQLite, beside its one writer (in WAL mode each reads the
database as its last commit left it, without waiting for the writer or each other)."""


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


MIGRATION_LOCK = 0x4B53_4D49
"""PostgreSQL advisory lock key held while a service migrates its database."""

REGION_SETTING = "kraftsamla.region"
"""The PostgreSQL setting that names the region a transaction works for (row-level security)."""
ALL_REGIONS = "*"
"""The region of a transaction that works across regions: background jobs, never a request."""


def _set_region(session: Session, _tx: SessionTransaction, connection: Connection) -> None:
    """At the start of every transaction: the region it works for, local to the transaction."""
    connection.execute(
        text("SELECT set_config(:name, :region, true)"),
        {"name": REGION_SETTING, "region": session.info.get("region", "")},
    )


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _engine(url: str, **extra: Any) -> AsyncEngine:
    """An engine for ``url``; SQLite's directory is made and its pragmas set on every connection."""
    # Statement parameters (names, e-mail addresses) never reach error messages or logs. JSON
    # columns are encoded and decoded by orjson: several times faster than the standard library,
    # and a reassessment reads and writes thousands of them.
    kwargs: dict[str, Any] = {
        "hide_parameters": True,
        "json_serializer": _json_dumps,
        "json_deserializer": orjson.loads,
        **extra,
    }
    sqlite_file = url.startswith("sqlite")
    if sqlite_file:
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    engine = create_async_engine(url, **kwargs)
    if sqlite_file:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


async def lock_region(session: AsyncSession, lock: int, region: str, *, shared: bool = False) -> None:
    """Take the lock ``lock`` of ``region`` until the session's transaction ends: transactions that
    would each miss the other's uncommitted rows (one reads what another is about to write, and the
    other writes where the first is about to add) take it, and run one after the other. Shared
    holders only wait for an exclusive one, and it for them; locks of other regions wait for none.

    On PostgreSQL a transaction-scoped advisory lock (``lock`` and the region's hash); on SQLite
    nothing, as a service's transactions there run one at a time already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    take = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    await session.execute(text(f"SELECT {take}(:lock, hashtext(:region))"), {"lock": lock, "region": region})


class Database:
    """One service's database: an engine, a session factory and its migrations.

    ``admin_url`` (optional) is the tables' owner, used only to migrate; the service itself
    connects with ``url``."""

    def __init__(self, url: str, admin_url: str | None = None) -> None:
        self.url = url
        self.admin_url = admin_url or url
        if url.startswith("sqlite"):
            # One connection, taken in turn: SQLite has one writer, and writers of one process
            # that race for its lock sleep in its busy handler (milliseconds each, growing)
            # instead of queueing. Requests that only read have connections of their own
            # (:attr:`readers`); a handler's reads take their turn with its writes.
            pool: dict[str, Any] = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 120}
        else:
            pool = {"pool_size": 10, "max_overflow": 10, "pool_pre_ping": True}
        self.engine: AsyncEngine = _engine(url, **pool)
        # Each database's own session class, so that its transaction hook touches no other.
        session_class = type("ServiceSession", (Session,), {})
        if not self.is_sqlite:
            event.listen(session_class, "after_begin", _set_region)
        self.sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=session_class
        )
        """Sessions for no region: on PostgreSQL under row-level security they see no region's rows
        (tests, the tables' owner and SQLite are not walled); the service uses :meth:`session`."""
        self.readers = self.sessions
        """Sessions that only read: on SQLite on connections of their own (:data:`SQLITE_READERS`),
        which refuse writes, so that reads neither wait for the writer's turn nor hold it; on
        PostgreSQL the same as :attr:`sessions`."""
        self._reader_engine: AsyncEngine | None = None
        if self.is_sqlite:
            self._reader_engine = _engine(url, pool_size=SQLITE_READERS, max_overflow=0, pool_timeout=120)
            event.listen(self._reader_engine.sync_engine, "connect", _read_only)
            event.listen(self._reader_engine.sync_engine, "begin", _begin_snapshot)
            self.readers = async_sessionmaker(
                self._reader_engine, expire_on_commit=False, sync_session_class=session_class
            )

    def session(self, region: str) -> AsyncSession:
        """A session whose every transaction works for ``region`` (or ``ALL_REGIONS``)."""
        return self.sessions(info={"region": region})

    def read_session(self, region: str) -> AsyncSession:
        """A session for ``region`` that only reads (a request that changes nothing)."""
        return self.readers(info={"region": region})

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
        admin = _engine(self.admin_url)
        try:
            for attempt in range(attempts):
                try:
                    async with admin.begin() as conn:
                        if not self.is_sqlite:
                            await conn.execute(
                                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                            )
                        await conn.run_sync(_upgrade, script_location)
                        runtime_role = make_url(self.url).username
                        if not self.is_sqlite and runtime_role != make_url(self.admin_url).username:
                            await conn.run_sync(_grant_rows, runtime_role)
                    return
                except OSError:
                    if attempt == attempts - 1:
                        raise
                    await asyncio.sleep(1)
        finally:
            await admin.dispose()

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._reader_engine is not None:
            await self._reader_engine.dispose()


def script_heads(script_location: Path) -> set[str] | None:
    """The head revisions of a migrations folder, read from its files without loading Alembic;
    None when a file does not name its revisions as plain literals (Alembic then decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (script_location / "versions").glob("*.py"):
        found: dict[str, Any] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                try:
                    found[target.id] = ast.literal_eval(value)
                except ValueError:
                    return None
        revision, down = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        parents.update([down] if isinstance(down, str) else down or ())
    return (revisions - parents) or None


def _at_head(connection: Connection, script_location: Path) -> bool:
    """The database is at the migrations' head already (the start of every service but the first)."""
    if not inspect(connection).has_table("alembic_version"):
        return False
    current = set(connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())
    return bool(current) and current == script_heads(script_location)


def _upgrade(connection: Connection, script_location: Path) -> None:
    # A database at head is left alone without loading Alembic (a third of a second of a start);
    # Alembic is loaded only to migrate.
    if _at_head(connection, script_location):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


APPEND_ONLY = ("audit_log",)
"""Tables the service may add to and read, never change: the record of who did what."""


def _grant_rows(connection: Connection, role: str | None) -> None:
    """Let the service's own role read and write rows of every table, and nothing else: it owns
    nothing, so it can neither change the schema nor escape row-level security."""
    if role is None:
        raise ValueError("the database URL names no role")
    quote = connection.dialect.identifier_preparer.quote
    who = quote(role)
    schema = quote(connection.exec_driver_sql("SELECT current_schema()").scalar_one())
    for statement in (
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        f"REVOKE ALL ON alembic_version FROM {who}",
        *(f"REVOKE UPDATE, DELETE ON {table} FROM {who}" for table in APPEND_ONLY),
    ):
        connection.exec_driver_sql(statement)


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
