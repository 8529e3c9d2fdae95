"""Small helpers for tests: waiting for a condition, reading a JetStream stream, a database and
events for tests of the bus itself."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import http.server
import json
import re
import threading
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import nats
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from kraftsamla_common import events
from kraftsamla_common.db import Database
from kraftsamla_common.events import (
    ActionPlanContent,
    ActionPlanPublished,
    ActorRegistered,
    ApplicationAssessed,
    ApplicationDecided,
    Envelope,
    EventData,
    IndicatorMeasured,
    LocalizedText,
    Priority,
    ProgrammeCreated,
    StrengthAreaSnapshot,
    new_id,
    service_of,
    utcnow,
)
from kraftsamla_common.i18n import Language, read_catalogue
from kraftsamla_common.messaging import metadata
from kraftsamla_common.service import ServiceSpec, create_app
from kraftsamla_common.settings import Settings, nats_servers
from kraftsamla_local.servers import free_port
from kraftsamla_reporting.adapters.pdf import SETUP_HINT, find_chromium

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


SECRETS_KEY = "a3JhZnRzYW1sYS10ZXN0cy1zZWNyZXRzLWtleS0zMmI="
"""The tests' ``KRAFTSAMLA_SECRETS_KEY`` (a Fernet key: 32 bytes in URL-safe base64)."""


def service_settings(
    name: str, *, database_url: str, nats_url: str, api_keys_file: Path, **overrides: Any
) -> Settings:
    return Settings(
        database_url=database_url,
        nats_url=nats_url,
        api_keys_file=api_keys_file,
        data_dir=api_keys_file.parent,
        **{"secrets_key": SECRETS_KEY, **overrides},
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


StartService = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def chromium_or_skip() -> str:
    """The Chromium executable, or skip the calling test with how to get one."""
    executable = find_chromium()
    if executable is None:
        pytest.skip(f"no Chromium found: {SETUP_HINT}")
    return executable


WEB_ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "web"
"""Where the staff web application's browser tests save their screenshots (git-ignored)."""
AXE = Path(__file__).resolve().parent / "assets" / "axe-core-4.14.1.min.js"
"""The tests' pinned copy of axe-core (its checksum is checked in test_web_sign_in_and_desk.py)."""


async def serious_violations(page: Any) -> list[str]:
    """What axe-core finds on a Playwright page at the impact ``serious`` or ``critical``."""
    await page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = await page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


async def local_only(route: Any) -> None:
    """A Playwright route that loads nothing from beyond this machine (the mock provider's own page
    would fetch a stylesheet from a CDN: refused, as any request off the platform would be)."""
    if route.request.url.startswith("http://127.0.0.1:"):
        await route.continue_()
    else:
        await route.abort()


async def sign_in_at_provider(page: Any, sub: str) -> None:
    """From the web application's sign-in page through the provider's form, as the demo person ``sub``."""
    await page.click("form[action='/signin'] button")
    await page.wait_for_selector("input[name=sub]")
    await page.fill("input[name=sub]", sub)
    await page.click("form:has(input[name=sub]) button[type=submit]")
    await page.wait_for_load_state()


async def signed_in(browser: Any, web: str, sub: str, path: str, locale: str = "sv-SE") -> tuple[Any, Any]:
    """A browser context of its own (loading nothing from beyond this machine), signed in as
    ``sub`` through the provider, at ``path`` of the web application at ``web``."""
    context = await browser.new_context(locale=locale)
    page = await context.new_page()
    await page.route("**/*", local_only)
    await page.goto(f"{web}{path}")
    await sign_in_at_provider(page, sub)
    return context, page


def visible(page: str) -> str:
    """The text a reader sees of an HTML page: no tags, entities resolved, spaces made plain."""
    text = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def english_texts(package: str, language: Language) -> set[str]:
    """A package's English texts that read differently in ``language`` (of six characters or more,
    without placeholders): none may show on a page in that language."""
    en, other = read_catalogue(package, "en"), read_catalogue(package, language)
    out = set()
    for message in en:
        text = message.string
        if not message.id or not isinstance(text, str) or "{" in text or len(text) < 6:
            continue
        theirs = other.get(message.id)
        if theirs is not None and theirs.string != text:
            out.add(text)
    return out


async def post_by_hand(page: Any, url: str, fields: dict[str, str]) -> int:
    """A form the page did not offer, made and sent in the browser (as a forger would): the
    answer's status; the browser shows the answer."""
    script = """([url, fields]) => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = url;
        for (const [name, value] of Object.entries(fields)) {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = name; input.value = value;
            form.appendChild(input);
        }
        document.body.appendChild(form);
        form.submit();
    }"""
    async with page.expect_navigation() as navigation:
        await page.evaluate(script, [url, fields])
    response = await navigation.value
    assert response is not None
    return int(response.status)


async def publish_action_plan(
    plans: httpx.AsyncClient, region: str, plan_id: str, draft: dict[str, Any], note: str = ""
) -> int:
    """An action plan's draft replaced (with its ETag) and published through the plans API, as an
    administrator: the new version's number."""
    base = f"/plans/regions/{region}/action-plans/{plan_id}"
    etag = (await plans.get(base, headers=headers(region))).headers["ETag"]
    r = await plans.put(f"{base}/draft", json=draft, headers={**headers(region), "If-Match": etag})
    assert r.status_code == 200, r.text
    r = await plans.post(f"{base}/publish", json={"note": note or None}, headers=headers(region))
    assert r.status_code == 201, r.text
    return int(r.json()["number"])


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


def actor_registered(
    region: str,
    name: str = "Peak Innovation",
    *,
    subject: str = "a1",
    actor_id: UUID | str | None = None,
    identifier: str = "556000-0000",
) -> Envelope[ActorRegistered]:
    """An ``actors.actor.registered`` event of a new actor (typed: serialises without help)."""
    return Envelope[ActorRegistered](
        id=new_id(),
        type=ActorRegistered.event_type,
        source="actors",
        region=region,
        subject=subject,
        time=utcnow(),
        correlation_id=new_id(),
        data=ActorRegistered(
            actor_id=actor_id or new_id(),  # type: ignore[arg-type]
            name=name,
            country="SE",
            identifier=identifier,
            helix="business",
        ),
    )


def decided(application: ApplicationAssessed, granted_amount: float) -> ApplicationDecided:
    """The assessed application granted ``granted_amount`` today."""
    fields = application.model_dump(
        include=set(ApplicationDecided.model_fields) - {"decided_on", "status", "granted_amount"}
    )
    return ApplicationDecided(
        **fields, status="granted", granted_amount=granted_amount, decided_on=utcnow().date()
    )


def measured(plan_id: UUID, area_id: UUID, sub_goal_id: str, year: int, value: float) -> IndicatorMeasured:
    """A sub-goal's indicator measured for ``year``, as the plans service announces it."""
    return IndicatorMeasured(
        measurement_id=new_id(),
        action_plan_id=plan_id,
        strength_area_id=area_id,
        sub_goal_id=sub_goal_id,
        year=year,
        value=value,
        recorded_by="jh-admin",
    )


async def announce_area(nats_url: str, region: str) -> str:
    """A programme of ``region`` with one strength area, as the plans service announces it: the
    area's id."""
    area = new_id()
    data = ProgrammeCreated(
        programme_id=new_id(),
        title="S3",
        period_start=2021,
        period_end=2027,
        strength_areas=[StrengthAreaSnapshot(id=area, code="energi", name=LocalizedText(sv="Energi"))],
    )
    env = envelope(data, region, subject=data.programme_id)
    nc = await nats.connect(nats_url)
    try:
        await nc.jetstream().publish(
            events.subject_for(env.type, region), env.model_dump_json(serialize_as_any=True).encode()
        )
    finally:
        await nc.close()
    return str(area)


effects_metadata = MetaData()
effects = Table(
    "effects",
    effects_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("actor_id", String(36)),
)
"""What a test handler did: one row per event it handled (in the handler's transaction)."""


@contextlib.asynccontextmanager
async def bus_database(url: str) -> AsyncIterator[Database]:
    """A database with the outbox, the inbox and ``effects``, for handlers run by a test's own bus."""
    database = Database(url)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.run_sync(effects_metadata.create_all)
    try:
        yield database
    finally:
        await database.dispose()


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


async def reassessed(nats_url: str, region: str) -> list[dict[str, Any]]:
    """The ``applications.reassessed`` events of a region on the bus (their payloads), oldest first."""
    subject = f"s3.{region}.assessment.applications.reassessed.v1"
    return [json.loads(m.data)["data"] for m in await stream_messages(nats_url, "ASSESSMENT", subject)]


class OtlpReceiver:
    """A real OTLP/HTTP receiver (traces, metrics, logs): services export to it, tests read what came."""

    def __init__(self) -> None:
        self.port = free_port()
        self.spans: list[dict[str, Any]] = []
        self.metrics: list[dict[str, Any]] = []
        """One entry per metric per export: service, name, unit, attribute sets of its points."""
        self.logs: list[dict[str, Any]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import gzip

                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                signal = self.path.rstrip("/").rsplit("/", 1)[-1]
                out = getattr(receiver, f"_receive_{signal}")(body)
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

    @staticmethod
    def _service(resource: Any) -> str:
        return next((a.value.string_value for a in resource.attributes if a.key == "service.name"), "")

    @staticmethod
    def _attributes(attrs: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for a in attrs:
            v = a.value
            out[a.key] = v.string_value if v.HasField("string_value") else v.int_value or v.double_value
        return out

    def _receive_traces(self, body: bytes) -> bytes:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
            ExportTraceServiceRequest,
            ExportTraceServiceResponse,
        )

        req = ExportTraceServiceRequest()
        req.ParseFromString(body)
        for rs in req.resource_spans:
            service = self._service(rs.resource)
            for ss in rs.scope_spans:
                for span in ss.spans:
                    self.spans.append(
                        {
                            "service": service,
                            "name": span.name,
                            "kind": span.kind,
                            "trace_id": span.trace_id.hex(),
                            "span_id": span.span_id.hex(),
                            "parent_id": span.parent_span_id.hex(),
                            "attributes": self._attributes(span.attributes),
                        }
                    )
        return bytes(ExportTraceServiceResponse().SerializeToString())

    def _receive_metrics(self, body: bytes) -> bytes:
        from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
            ExportMetricsServiceRequest,
            ExportMetricsServiceResponse,
        )

        req = ExportMetricsServiceRequest()
        req.ParseFromString(body)
        for rm in req.resource_metrics:
            service = self._service(rm.resource)
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    kind = m.WhichOneof("data")
                    points = getattr(m, kind).data_points if kind else []
                    self.metrics.append(
                        {
                            "service": service,
                            "name": m.name,
                            "unit": m.unit,
                            "points": [self._attributes(p.attributes) for p in points],
                        }
                    )
        return bytes(ExportMetricsServiceResponse().SerializeToString())

    def _receive_logs(self, body: bytes) -> bytes:
        from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
            ExportLogsServiceRequest,
            ExportLogsServiceResponse,
        )

        req = ExportLogsServiceRequest()
        req.ParseFromString(body)
        for rl in req.resource_logs:
            service = self._service(rl.resource)
            for sl in rl.scope_logs:
                for rec in sl.log_records:
                    self.logs.append(
                        {
                            "service": service,
                            "body": rec.body.string_value,
                            "severity": rec.severity_text,
                            "trace_id": rec.trace_id.hex(),
                            "span_id": rec.span_id.hex(),
                            "attributes": self._attributes(rec.attributes),
                        }
                    )
        return bytes(ExportLogsServiceResponse().SerializeToString())

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def trace(self, trace_id: str) -> list[dict[str, Any]]:
        return [s for s in self.spans if s["trace_id"] == trace_id]

    def stop(self) -> None:
        self.server.shutdown()


# --------------------------------------------------------------------------- assessment builders

PLAN_ID = new_id()
AREA_ID = new_id()


def plan_event(
    region: str,
    version: int,
    *,
    level: str = "spets",
    vocabulary: list[str] | None = None,
    plan_id: UUID = PLAN_ID,
    area: tuple[UUID, str, str] = (AREA_ID, "energi", "Hållbar energi"),
    priority: tuple[str, str] = ("vatgas", "Vätgas"),
) -> Envelope[Any]:
    """An action plan's version published, with one priority (by default: hydrogen in energy)."""
    area_id, code, name = area
    data = ActionPlanPublished(
        programme_id=new_id(),
        programme_title="S3",
        action_plan_id=plan_id,
        strength_area=StrengthAreaSnapshot(id=area_id, code=code, name=LocalizedText(sv=name)),
        version=version,
        published_at=utcnow(),
        published_by="test",
        plan=ActionPlanContent(
            priorities=[
                Priority(
                    id=priority[0],
                    title=LocalizedText(sv=priority[1]),
                    level=level,  # type: ignore[arg-type]
                    vocabulary=vocabulary or ["vätgas", "elektrolys"],
                    valid_from=date(2026, 1, 1),
                    valid_until=date(2027, 12, 31),
                )
            ]
        ),
    )
    return envelope(data, region, subject=plan_id)


def application(n: int, text: str = "Förstudie om vätgas från elektrolys i Östersund.") -> dict[str, Any]:
    return {
        "source": "nyps",
        "external_id": f"2026-{n:04d}",
        "title": f"Ansökan {n}",
        "summary": text,
        "requested_amount": 100000 + n,
        "currency": "SEK",
        "municipalities": ["2380"],
    }


class WebhookEndpoint:
    """An integrator's real HTTP endpoint on a port of its own: answers ``fail`` to the first
    ``failures`` requests, then 204, and records each request (headers lower-cased, body, status).
    With ``start=False`` it is down (nothing listens on its port) until :meth:`start`."""

    def __init__(self, failures: int = 0, fail: int = 503, *, start: bool = True) -> None:
        self.port = free_port()
        self.failures = failures
        self.fail = fail
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        self.server: http.server.ThreadingHTTPServer | None = None
        if start:
            self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/kraftsamla"

    def delivered(self) -> list[dict[str, Any]]:
        """The bodies of the requests it accepted."""
        return [json.loads(b) for _, b, code in self.requests if code < 300]

    def start(self) -> None:
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                code = endpoint.fail if len(endpoint.requests) < endpoint.failures else 204
                endpoint.requests.append(({k.lower(): v for k, v in self.headers.items()}, body, code))
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


async def push_applications(http: Any, url: str, n: int, headers: dict[str, str], chunk: int = 1000) -> None:
    """``n`` applications about hydrogen (they fit ``plan_event``'s plan) through the bulk API at
    ``url`` (``…/assessment/regions/{region}``), ``chunk`` a request."""
    for start in range(0, n, chunk):
        body = [
            application(i, f"Vätgas och elektrolys, projekt {i}.")
            for i in range(start, min(start + chunk, n))
        ]
        r = await http.post(f"{url}/applications/bulk", json=body, headers=headers)
        assert r.json()["created"] == len(body), r.text


async def publish(js: Any, env: Envelope[Any], msg_id: str | None = None) -> None:
    await js.publish(
        events.subject_for(env.type, env.region),
        env.model_dump_json(serialize_as_any=True).encode(),
        headers={"Nats-Msg-Id": msg_id or str(env.id)},
    )


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """An app (already started, e.g. by :func:`running`) served by uvicorn on a real port: its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


# --------------------------------------------------------------------------- a programme through the plans API

REVIEW = (date.today() + timedelta(days=90)).isoformat()

PROGRAMME = {
    "title": "Program för smart specialisering i Jämtland Härjedalen 2021–2027",
    "reference": "RUN/430/2018",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [
        {
            "code": "energi",
            "name": {"sv": "Hållbar energi", "en": "Sustainable energy"},
            "nace_codes": ["D35"],
            "sdgs": [7, 13],
        },
        {"code": "digitala-losningar", "name": {"sv": "Digitala lösningar"}, "sdgs": [9]},
    ],
}
VATGAS = {
    "id": "vatgas",
    "title": {"sv": "Vätgas och elektrobränslen"},
    "level": "spets",
    "vocabulary": ["vätgas", "elektrolys"],
    "valid_from": "2026-01-01",
    "valid_until": "2027-12-31",
}
DRAFT: dict[str, Any] = {
    "analysis": {
        "current_state": "Länet producerar mer förnybar el än det använder.",
        "challenges": ["Elnätens kapacitet"],
        "evidence": [{"title": "Uppföljningsrapport S3 2024", "reference": "RUN/12/2024"}],
    },
    "vision": {"sv": "Länet är ledande inom förnybar energi."},
    "priorities": [VATGAS],
    "sub_goals": [
        {
            "id": "forny",
            "title": {"sv": "Mer förnybart"},
            "indicator": {"name": "Andel förnybar el", "unit": "%"},
            "baseline": 60,
            "baseline_year": 2022,
            "target": 80,
            "target_year": 2027,
        }
    ],
    "policy_mix": {
        "initiatives": [
            {
                "id": "arena",
                "title": "Innovationsarena för hållbar energi",
                "priority_ids": ["vatgas"],
                "target_groups": ["developers"],
                "funding_sources": ["erdf", "energy_agency"],
                "addresses": ["innovation_system"],
            }
        ]
    },
    "evaluation": {
        "effect_chain": {
            "output": [
                {"description": "nya projekt", "indicators": [{"name": "Deltagande", "code": "RCO16"}]}
            ]
        }
    },
    "next_review": REVIEW,
}


async def create_programme(client: httpx.AsyncClient, region: str) -> dict[str, Any]:
    """Jämtland Härjedalen's programme with two strength areas, created through the plans API."""
    r = await client.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region))
    assert r.status_code == 201, r.text
    return dict(r.json())


def plan_of(prog: dict[str, Any], code: str) -> str:
    return str(next(sa["action_plan_id"] for sa in prog["strength_areas"] if sa["code"] == code))


def area_of(prog: dict[str, Any], code: str) -> str:
    return str(next(sa["id"] for sa in prog["strength_areas"] if sa["code"] == code))


async def save_draft(
    client: httpx.AsyncClient, region: str, base: str, draft: dict[str, Any]
) -> httpx.Response:
    """Save an action plan's (or a local plan's) draft at ``base`` with its current ETag."""
    etag = (await client.get(base, headers=headers(region))).headers["ETag"]
    return await client.put(f"{base}/draft", json=draft, headers={**headers(region), "If-Match": etag})


async def publish_plan(
    client: httpx.AsyncClient, region: str, base: str, draft: dict[str, Any]
) -> dict[str, Any]:
    """Save ``draft`` as the plan's draft at ``base`` and publish it: the version."""
    r = await save_draft(client, region, base, draft)
    assert r.status_code == 200, r.text
    r = await client.post(f"{base}/publish", json={"note": "test"}, headers=headers(region))
    assert r.status_code == 201, r.text
    return dict(r.json())


def local_plan(energy_area: str, digital_area: str) -> dict[str, Any]:
    """Östersund's local energy plan: one action serving the energy plan's priority, one serving the
    digital strength area as a whole, one serving nothing; two financing commitments."""
    return {
        "title": "Lokal energiplan för Östersund",
        "owner": "Östersunds kommun",
        "municipalities": ["2380"],
        "levels": ["strategic", "tactical"],
        "target_groups": ["decision_makers", "developers"],
        "actions": [
            {
                "id": "vatgas-lokalt",
                "title": "Vätgastankstation",
                "responsible": "Kommunen",
                "mandate": "Kommunfullmäktiges beslut",
                "start": "2026-01-01",
                "end": "2027-12-31",
                "serves": [
                    {"strength_area_id": energy_area, "priority_id": "vatgas", "sub_goal_id": "forny"}
                ],
            },
            {
                "id": "kommunikation",
                "title": "Kommunikationsplan",
                "serves": [{"strength_area_id": digital_area}],
            },
            {"id": "fest", "title": "Stadsfest"},
        ],
        "financing": [
            {"party": "Östersunds kommun", "year": 2026, "amount": 500000, "kind": "decision"},
            {"party": "Krokoms kommun", "year": 2027, "kind": "letter_of_intent"},
        ],
    }


# --------------------------------------------------------------------------- plans through the plans API

ENERGY_PROGRAMME: dict[str, Any] = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2030,
    "strength_areas": [{"code": "energi", "name": {"sv": "Hållbar energi", "en": "Sustainable energy"}}],
}
"""A programme with one strength area (energy), as ``POST …/programmes`` takes it."""


def energy_draft(level: str) -> dict[str, Any]:
    """The energy plan's draft: one priority (hydrogen) at ``level``, reviewed in three months."""
    return {
        "priorities": [
            {
                "id": "vatgas",
                "title": {"sv": "Vätgas", "en": "Hydrogen"},
                "level": level,
                "vocabulary": ["vätgas", "elektrolys"],
                "valid_from": "2026-01-01",
                "valid_until": "2030-12-31",
            }
        ],
        "next_review": (date.today() + timedelta(days=90)).isoformat(),
    }


async def publish_energy_plan(plans: Any, region: str, base: str, level: str) -> None:
    """The energy plan at ``base`` (``/plans/regions/{r}/action-plans/{id}``) saved with its hydrogen
    priority at ``level`` and published, through the plans API as the region's administrator."""
    etag = (await plans.get(base, headers=headers(region))).headers["ETag"]
    r = await plans.put(
        f"{base}/draft", json=energy_draft(level), headers={**headers(region), "If-Match": etag}
    )
    assert r.status_code == 200, r.text
    r = await plans.post(f"{base}/publish", json={"note": level}, headers=headers(region))
    assert r.status_code == 201, r.text


# --------------------------------------------------------------------------- fault tests: what reached the bus


def platform_streams() -> dict[str, events.StreamSpec]:
    """Every producing service's stream and DEADLETTER, by name, as a running platform has them."""
    platform = {
        events.stream_for(service).name: events.stream_for(service)
        for service in {service_of(t) for t in events.CATALOGUE}
    }
    platform[events.DEADLETTER.name] = events.DEADLETTER
    return platform


async def stream_msg_ids(nats_url: str, stream: str, subjects: str = "s3.>") -> Counter[str]:
    """How many times each ``Nats-Msg-Id`` is in a stream (``nats_url`` may name a cluster's
    servers, comma-separated), read with an ordered consumer; every message counted once."""
    nc = await nats.connect(nats_servers(nats_url))
    try:
        js = nc.jetstream()
        total = (await js.stream_info(stream)).state.messages
        seen: Counter[str] = Counter()
        done = asyncio.Event()

        async def count(m: Any) -> None:
            seen[(m.headers or {}).get("Nats-Msg-Id", "")] += 1
            if m.metadata.num_pending == 0:
                done.set()

        sub = await js.subscribe(subjects, stream=stream, ordered_consumer=True, cb=count)
        if total:
            await asyncio.wait_for(done.wait(), timeout=60)
        await sub.unsubscribe()
        assert sum(seen.values()) == total
        return seen
    finally:
        await nc.close()


def once_each(committed: list[str], seen: Counter[str]) -> dict[str, int]:
    """The figures of a fault test of the outbox: of the ``committed`` event ids, how many are not
    in the stream (lost), how many copies too many it holds (duplicated), and what is there that
    nobody committed (foreign)."""
    ids = set(committed)
    return {
        "published": len(committed),
        "delivered": sum(seen.values()),
        "lost": sum(1 for e in committed if seen[e] == 0),
        "duplicated": sum(n - 1 for n in seen.values() if n > 1),
        "foreign": sum(n for e, n in seen.items() if e not in ids),
    }


async def outbox_unsent(db: Database) -> int:
    """Outbox rows the relay has not marked sent."""
    from sqlalchemy import func, select

    from kraftsamla_common.messaging import outbox

    async with db.sessions() as s:
        return int(
            await s.scalar(select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))) or 0
        )


async def outbox_drained(db: Database, timeout: float = 120) -> None:
    """Wait until the relay has marked every outbox row sent; fail saying how many are not."""
    deadline = asyncio.get_running_loop().time() + timeout
    while n := await outbox_unsent(db):
        assert asyncio.get_running_loop().time() < deadline, f"{n} rows still unsent after {timeout} s"
        await asyncio.sleep(0.2)


REASSESSED = "assessment.applications.reassessed.v1"


async def announced(js: Any, region: str) -> int:
    """``applications.reassessed`` events of the region on the bus (one per batch)."""
    subject = f"s3.{region}.{REASSESSED}"
    info = await js.stream_info("ASSESSMENT", subjects_filter=subject)
    return int((info.state.subjects or {}).get(subject, 0))


async def announcements(js: Any, region: str) -> list[dict[str, Any]]:
    """Every application announced in the region's ``applications.reassessed`` events, read with
    an ordered consumer."""
    total = await announced(js, region)
    out: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def take(m: Any) -> None:
        out.extend(json.loads(m.data)["data"]["applications"])
        if m.metadata.num_pending == 0:
            done.set()

    sub = await js.subscribe(f"s3.{region}.{REASSESSED}", stream="ASSESSMENT", ordered_consumer=True, cb=take)
    if total:
        await asyncio.wait_for(done.wait(), timeout=60)
    await sub.unsubscribe()
    return out


async def reassessment_figures(database_url: str, payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of a reassessment to plan version 1 under faults, from the assessment service's
    database and the ``applications.reassessed`` payloads announced (check them with
    :func:`assert_reassessed_once` after printing them)."""
    from sqlalchemy import text

    per_app = Counter(p["application_id"] for p in payloads)
    db = Database(database_url)
    try:
        async with db.sessions() as s:
            apps = (await s.execute(text("SELECT id, current_assessment_id FROM applications"))).all()
            rows = (
                await s.execute(text("SELECT id, application_id, trigger, plan_versions FROM assessments"))
            ).all()
    finally:
        await db.dispose()
    for_v1 = Counter(
        a.application_id
        for a in rows
        if a.trigger == "reassessment"
        and [
            v["version"]
            for v in (a.plan_versions if isinstance(a.plan_versions, list) else json.loads(a.plan_versions))
        ]
        == [1]
    )
    # Once, not again for each application: 5,000 × 5,000 looks at the rows took over two minutes
    # of a busy machine, past the test's time limit.
    reassessments_v1 = {r.id for r in rows if r.trigger == "reassessment"}
    return {
        "applications": len(apps),
        "announced": len(payloads),
        "lost": sum(1 for a in apps if per_app[a.id] == 0),
        "duplicated": sum(c - 1 for c in per_app.values() if c > 1),
        "assessments_written": len(rows),
        "assessments_for_new_version": sum(for_v1.values()),
        "apps_assessed_for_new_version": len(for_v1),
        "apps_with_one_assessment": sum(1 for c in for_v1.values() if c == 1),
        "current_is_reassessment": sum(1 for a in apps if a.current_assessment_id in reassessments_v1),
        "announced_are_the_reassessments": {p["assessment_id"] for p in payloads} == reassessments_v1,
    }


def assert_reassessed_once(figures: dict[str, Any], n: int) -> None:
    """Every one of the ``n`` applications assessed once for the new version (its current
    assessment) and announced once; nothing else written."""
    assert figures["applications"] == n
    assert figures["lost"] == 0 and figures["duplicated"] == 0 and figures["announced"] == n
    assert figures["announced_are_the_reassessments"]
    assert figures["apps_assessed_for_new_version"] == n and figures["apps_with_one_assessment"] == n
    assert figures["assessments_written"] == n  # no other assessment was written either
    assert figures["current_is_reassessment"] == n
