"""kraftsamla_local.servers against real processes: NATS, PostgreSQL, Caddy, a service."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx
import nats
import pytest
from nats.js.api import StorageType, StreamConfig

from kraftsamla_local.__main__ import DEMO_IDENTITIES, ensure_api_keys
from kraftsamla_local.servers import (
    Gateway,
    NatsServer,
    PostgresServer,
    ServiceProcess,
    create_database,
    drop_database,
    free_port,
    port_open,
    probe_postgres,
)


async def _publish(url: str, count: int) -> None:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        await js.add_stream(StreamConfig(name="TEST", subjects=["test.>"], storage=StorageType.FILE))
        for i in range(count):
            ack = await js.publish(f"test.{i}", f"message {i}".encode())
            assert ack.seq == i + 1
    finally:
        await nc.close()


async def _read_back(url: str, count: int) -> list[bytes]:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        info = await js.stream_info("TEST")
        assert info.state.messages == count
        return [(await js.get_msg("TEST", seq)).data or b"" for seq in range(1, count + 1)]
    finally:
        await nc.close()


async def test_nats_starts_with_jetstream(tmp_path: Path) -> None:
    with NatsServer(tmp_path / "nats") as server:
        assert port_open(server.port)
        nc = await nats.connect(server.url)
        info = await nc.jetstream().account_info()
        assert info.limits is not None
        await nc.close()
    assert not server.running()
    assert not port_open(server.port)


async def test_nats_restart_keeps_stream_messages(tmp_path: Path) -> None:
    with NatsServer(tmp_path / "nats") as server:
        await _publish(server.url, 5)
        port, first_pid = server.port, server.pid
        server.restart()
        assert server.pid != first_pid and server.port == port
        assert await _read_back(server.url, 5) == [f"message {i}".encode() for i in range(5)]


async def test_nats_survives_sigkill_with_sync_always(tmp_path: Path) -> None:
    with NatsServer(tmp_path / "nats", sync_always=True) as server:
        await _publish(server.url, 3)
        server.kill()
        assert not server.running()
        server.restart()
        assert await _read_back(server.url, 3) == [f"message {i}".encode() for i in range(3)]


async def test_postgres_discovery_and_throwaway_database(postgres_server: PostgresServer) -> None:
    assert probe_postgres(postgres_server.url), postgres_server
    url = await create_database(postgres_server.url)
    assert url.startswith("postgresql+asyncpg://")
    plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(plain)
    try:
        assert await conn.fetchval("select current_database()") == url.rsplit("/", 1)[1]
        await conn.execute("create table t (x int)")
    finally:
        await conn.close()
    await drop_database(postgres_server.url, url)
    assert not probe_postgres(url, timeout=2.0)


async def test_probe_postgres_is_false_when_nothing_listens() -> None:
    assert not probe_postgres(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres", timeout=1.0)


def test_gateway_routes_prefix_without_stripping(tmp_path: Path, echo_server: int) -> None:
    with Gateway({"plans": echo_server, "actors": free_port()}, data_dir=tmp_path) as gateway:
        forwarded = httpx.get(f"{gateway.url}/plans/regions/kronoberg/programmes?x=1").json()
        assert forwarded["path"] == "/plans/regions/kronoberg/programmes?x=1"
        assert httpx.get(f"{gateway.url}/plans").json()["path"] == "/plans"

        index = httpx.get(f"{gateway.url}/")
        assert index.status_code == 200
        assert set(index.json()["services"]) == {"plans", "actors"}
        assert httpx.get(f"{gateway.url}/api").json() == index.json()

        assert httpx.get(f"{gateway.url}/plansx").status_code == 404
        assert httpx.get(f"{gateway.url}/nowhere/x").status_code == 404
        # An upstream that is down shows as a gateway error, not as someone else's answer.
        assert httpx.get(f"{gateway.url}/actors/x").status_code == 502
    # Caddy wrote its state under the data dir only.
    assert (tmp_path / "caddy" / "Caddyfile").exists()
    assert not port_open(gateway.port)


def test_gateway_sends_everything_but_the_services_and_the_index_to_the_web_application(
    tmp_path: Path, echo_server: int
) -> None:
    with Gateway({"plans": free_port(), "web": echo_server}, data_dir=tmp_path) as gateway:
        for path in ("/", "/signin?next=/regions/lappi", "/regions/kronoberg", "/static/site.css"):
            assert httpx.get(f"{gateway.url}{path}").json()["path"] == path
        index = httpx.get(f"{gateway.url}/api").json()
        assert set(index["services"]) == {"plans"} and index["web"] == f"{gateway.url}/"
        assert httpx.get(f"{gateway.url}/plans/x").status_code == 502  # the service's, not the web app's


FAKE_SERVICE = textwrap.dedent(
    """
    import json, os
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            env = {k: v for k, v in os.environ.items() if k.startswith("KRAFTSAMLA_") or k == "OTEL_X"}
            body = json.dumps(env).encode()
            self.send_response(200 if self.path in ("/readyz", "/env") else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    HTTPServer(("127.0.0.1", int(os.environ["KRAFTSAMLA_PORT"])), H).serve_forever()
    """
)


def test_service_process_env_readiness_and_stop(tmp_path: Path) -> None:
    package = tmp_path / "src" / "kraftsamla_fake"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(FAKE_SERVICE)
    service = ServiceProcess(
        "fake",
        nats_url="nats://127.0.0.1:1",
        data_dir=tmp_path / "data",
        extra_env={"PYTHONPATH": str(tmp_path / "src"), "OTEL_X": "y"},
    )
    with service.start():
        service.wait_ready(30)
        env = httpx.get(f"{service.base_url}/env").json()
        assert env["KRAFTSAMLA_PORT"] == str(service.port)
        assert env["KRAFTSAMLA_NATS_URL"] == "nats://127.0.0.1:1"
        assert env["KRAFTSAMLA_DATABASE_URL"].startswith("sqlite+aiosqlite:///")
        assert env["KRAFTSAMLA_API_KEYS_FILE"] == str((tmp_path / "data" / "api-keys.json").resolve())
        assert env["OTEL_X"] == "y"
    assert not service.running()


def test_service_process_that_dies_reports_its_log(tmp_path: Path) -> None:
    service = ServiceProcess("does_not_exist", nats_url="nats://127.0.0.1:1", data_dir=tmp_path)
    with service.start(), pytest.raises(RuntimeError, match="No module named"):
        service.wait_ready(30)


def test_demo_api_keys_are_generated_once(tmp_path: Path) -> None:
    first = ensure_api_keys(tmp_path)
    assert {k["name"] for k in first} == {i.name for i in DEMO_IDENTITIES}
    assert ensure_api_keys(tmp_path) == first
    hashed = json.loads((tmp_path / "api-keys.json").read_text())["keys"]
    assert len(hashed) == len(DEMO_IDENTITIES)
    assert all(set(k) == {"name", "sha256", "region", "role"} for k in hashed)
    from kraftsamla_common.auth import ApiKeys

    keys = ApiKeys(tmp_path / "api-keys.json")
    operator = next(k for k in first if k["role"] == "operator")
    principal = keys.lookup(operator["key"])
    assert principal is not None and principal.region == "*"
