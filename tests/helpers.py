"""Small helpers for tests: waiting for a condition, reading a JetStream stream."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import nats

from kraftsamla_common.events import Envelope, EventData, new_id, service_of, utcnow


def envelope(data: EventData, region: str, *, subject: object = "x") -> Envelope[EventData]:
    """An event as its producer would send it (publish with ``model_dump_json(serialize_as_any=True)``)."""
    return Envelope[EventData](
        id=new_id(),
        type=data.event_type,
        source=service_of(data.event_type),
        region=region,
        subject=str(subject),
        time=utcnow(),
        correlation_id=new_id(),
        data=data,
    )


async def eventually(
    check: Callable[[], Awaitable[Any]], timeout: float = 20.0, interval: float = 0.05
) -> Any:
    """Poll ``check`` until it returns something truthy; return that, or fail after ``timeout``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        await asyncio.sleep(interval)


async def stream_messages(nats_url: str, stream: str, subject: str | None = None) -> list[Any]:
    """Every message in a stream (optionally only one subject), oldest first."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        try:
            info = await js.stream_info(stream)
        except nats.js.errors.NotFoundError:
            return []
        out = []
        if info.state.messages:
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                msg = await js.get_msg(stream, seq=seq)
                if subject is None or msg.subject == subject:
                    out.append(msg)
        return out
    finally:
        await nc.close()


class OtlpReceiver:
    """A real OTLP/HTTP trace receiver: services export to it, tests read the spans."""

    def __init__(self) -> None:
        import http.server
        import threading

        from kraftsamla_local.servers import free_port

        self.port = free_port()
        self.spans: list[dict[str, Any]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import gzip

                from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
                    ExportTraceServiceRequest,
                    ExportTraceServiceResponse,
                )

                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                req = ExportTraceServiceRequest()
                req.ParseFromString(body)
                for rs in req.resource_spans:
                    service = next(
                        (a.value.string_value for a in rs.resource.attributes if a.key == "service.name"), ""
                    )
                    for ss in rs.scope_spans:
                        for span in ss.spans:
                            receiver.spans.append(
                                {
                                    "service": service,
                                    "name": span.name,
                                    "trace_id": span.trace_id.hex(),
                                    "span_id": span.span_id.hex(),
                                    "parent_id": span.parent_span_id.hex(),
                                    "attributes": {a.key: a.value.string_value for a in span.attributes},
                                }
                            )
                out = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def trace(self, trace_id: str) -> list[dict[str, Any]]:
        return [s for s in self.spans if s["trace_id"] == trace_id]

    def stop(self) -> None:
        self.server.shutdown()
