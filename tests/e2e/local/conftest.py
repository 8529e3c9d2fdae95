"""Fixtures for the tests of kraftsamla_local (real processes, no mocks)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kraftsamla_local.servers import PostgresServer, free_port


class EchoHandler(BaseHTTPRequestHandler):
    """Answers every GET with the path it received, so a test sees what the gateway forwarded."""

    def do_GET(self) -> None:
        body = json.dumps({"path": self.path, "host": self.headers.get("Host")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return


@pytest.fixture
def echo_server() -> Iterator[int]:
    """A tiny upstream HTTP server on a free port; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer.discover()
    if server is None:
        pytest.skip(
            "no PostgreSQL: set KRAFTSAMLA_TEST_POSTGRES_URL, run one on 127.0.0.1:5432, "
            "start a Docker engine, or put initdb/pg_ctl on PATH"
        )
    try:
        yield server
    finally:
        server.stop()
