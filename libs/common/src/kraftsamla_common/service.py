"""Builds a service process: a FastAPI app plus its FastStream subscribers, one database,
the outbox relay, health checks and telemetry. Every service is assembled the same way."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from pydantic import AwareDatetime, BaseModel, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import audit, auth, errors, lifecycle, limits, metrics, retention, telemetry
from .auth import ApiKeys, BearerTokens
from .bus import Bus, Subscriptions
from .db import Database
from .keystore import KeyBucket
from .messaging import OutboxRelay, UnitOfWork
from .readiness import Readiness
from .settings import Settings

log = logging.getLogger(__name__)


def region_prefix(service: str) -> str:
    """Where a service's region-scoped routes live: ``/<service>/regions/{region}``."""
    return f"/{service}/regions/{{region}}"


def region_router(service: str) -> APIRouter:
    """A resource's router under the region. Its routes carry their whole template
    (``/<service>/regions/{region}/…``) as their path, as the audit log and the traces record it; a
    prefix given only where routers are gathered would leave each route its own, shorter path."""
    return APIRouter(prefix=region_prefix(service))


@dataclass
class ServiceSpec:
    """What makes one service: its name, routes, subscriptions and migrations."""

    name: str
    title: str
    description: str
    router: APIRouter
    subscriptions: Subscriptions
    migrations: Path
    version: str = "0.1.0"
    background: list[Callable[[ServiceContext], Coroutine[Any, Any, None]]] = field(default_factory=list)
    """Long-running tasks started with the service (e.g. report regeneration)."""
    retention: list[retention.Rule] = field(default_factory=list)
    """The retention of the service's own tables, beside the outbox, inbox and audit log's
    (:mod:`kraftsamla_common.retention`)."""
    on_start: list[Callable[[ServiceContext], Coroutine[Any, Any, None]]] = field(default_factory=list)
    """Steps run once after the migrations, before the service serves; one that fails stops the
    start (a missing key, data to convert)."""
    region_linked: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """Tables without a region column: the column naming the row of a table with a region that
    each of their rows belongs to (:mod:`kraftsamla_common.lifecycle`)."""

    def __post_init__(self) -> None:
        # Every service answers the operator's list of regions and a region's audit log, beside its
        # own routes.
        if not any(getattr(r, "endpoint", None) is read_regions for r in self.router.routes):
            self.router.add_api_route(
                f"/{self.name}/regions",
                read_regions,
                methods=["GET"],
                response_model=RegionsPublic,
                tags=["regions"],
                summary="The platform's regions (operator)",
            )
        lifecycle_path = f"{region_prefix(self.name)}/lifecycle/export"
        if not any(getattr(r, "path", None) == lifecycle_path for r in self.router.routes):
            self.router.include_router(lifecycle.router(self.name))
        if not any(getattr(r, "endpoint", None) is read_audit_log for r in self.router.routes):
            self.router.add_api_route(
                f"{region_prefix(self.name)}/audit",
                read_audit_log,
                methods=["GET"],
                response_model=audit.AuditLog,
                tags=["audit"],
                summary="The region's audit log: every write, newest first",
            )


@dataclass
class ServiceContext:
    """The running service's parts, reachable from routes as ``request.app.state.ctx``."""

    settings: Settings
    db: Database
    bus: Bus
    relay: OutboxRelay
    api_keys: ApiKeys
    key_bucket: KeyBucket
    """The keys issued over the API (a NATS KV bucket), followed into ``api_keys``."""
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)


_REGION_IN_PATH = re.compile(r"/regions/([^/]+)")


class RegionContext:
    """ASGI middleware: the region a request addresses (``…/regions/{region}/…``) becomes an
    attribute of its server span and a field of every log line written while it runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (m := _REGION_IN_PATH.search(scope["path"])):
            region = m.group(1)
            trace.get_current_span().set_attribute("kraftsamla.region", region)
            token = telemetry.region_var.set(region)
            try:
                await self.app(scope, receive, send)
            finally:
                telemetry.region_var.reset(token)
            return
        await self.app(scope, receive, send)


access_log = logging.getLogger("kraftsamla.access")

_UNLOGGED = {"healthz", "readyz", "metrics"}


class AccessLog:
    """ASGI middleware: one log line per request (method, route template, status, duration in
    milliseconds, with the region and trace id every line carries) and a W3C ``traceparent``
    response header naming the request's trace, for a caller to quote. Probes and scrapes
    (``/healthz``, ``/readyz``, ``/metrics``) are neither traced nor logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rsplit("/", 1)[-1] in _UNLOGGED:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        span = trace.get_current_span().get_span_context()

        async def send_with_trace(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if span.is_valid:
                    headers = list(message.get("headers", []))
                    headers.append(
                        (
                            b"traceparent",
                            f"00-{span.trace_id:032x}-{span.span_id:016x}-{span.trace_flags:02x}".encode(),
                        )
                    )
                    message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_trace)
        finally:
            route = scope.get("route")
            m = _REGION_IN_PATH.search(scope["path"])
            token = telemetry.region_var.set(m.group(1) if m else None)
            try:
                access_log.info(
                    "%s %s %s",
                    scope["method"],
                    getattr(route, "path", None),
                    status,
                    extra={
                        "method": scope["method"],
                        "route": getattr(route, "path", None),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            finally:
                telemetry.region_var.reset(token)


async def supervise(name: str, job: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a background job for the life of the service: if it ever ends (an error it did not
    handle, or a cancellation that was not the service stopping), log why and start it again."""
    while True:
        try:
            await job()
            log.error("background job %s returned; restarting it", name)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or task.cancelling():
                raise  # the service is stopping
            log.error("background job %s was cancelled from inside; restarting it", name, exc_info=True)
        except Exception:
            log.exception("background job %s failed; restarting it", name)
        await asyncio.sleep(1.0)


async def stop_jobs(tasks: list[asyncio.Task[None]], *, wait: float = 5.0, attempts: int = 6) -> None:
    """Cancel the background jobs and wait for them to end. A job that goes on after its
    cancellation (one swallowed on the way, as ``asyncio.wait_for`` of Python 3.11 can when its
    inner task finishes at the same moment) is cancelled again, so a stop never waits for ever."""
    pending = {t for t in tasks if not t.done()}
    for _ in range(attempts):
        if not pending:
            return
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=wait)
        for task in pending:
            log.warning(
                "background job %s went on after it was cancelled; cancelling it again", task.get_name()
            )
    for task in pending:
        log.error("background job %s did not stop; the service stops without it", task.get_name())


def create_app(
    spec: ServiceSpec, settings: Settings | None = None, on_ready: Callable[[], None] | None = None
) -> FastAPI:
    """The service's app; ``on_ready`` is called once its start is complete (before it serves)."""
    settings = (settings or Settings()).for_service(spec.name)
    tel = telemetry.setup(spec.name)
    db = Database(settings.database_url, settings.database_admin_url)
    telemetry.instrument_engine(db.engine.sync_engine)
    relay_ref: list[OutboxRelay] = []
    bus = Bus(settings, db, tel.tracer_provider, on_commit=lambda: relay_ref[0].wake())
    relay = OutboxRelay(
        db, bus.publish_rows, batch_size=settings.relay_batch_size, poll_seconds=settings.relay_poll_seconds
    )
    relay_ref.append(relay)
    bus.bind(spec.subscriptions)
    bus.bind(lifecycle.subscriptions(lambda: ctx))
    metrics.initialise(bus.event_types)
    api_keys = ApiKeys(settings.api_keys_file)
    ctx = ServiceContext(
        settings=settings,
        db=db,
        bus=bus,
        relay=relay,
        api_keys=api_keys,
        key_bucket=KeyBucket(api_keys, replicas=settings.stream_replicas),
    )
    ctx.state["region_linked"] = spec.region_linked

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The own stream first: services that consume it wait for it, not for these migrations.
        await bus.declare()
        await app.state.limits.start(bus.broker.connection)
        await db.migrate(spec.migrations)
        try:
            # The keys issued over the API, all of them, before the first request is answered.
            await ctx.key_bucket.start(bus.broker.connection, wait=settings.stream_wait_seconds)
            for step in spec.on_start:
                await step(ctx)
        except BaseException:
            await bus.stop()
            await db.dispose()
            raise
        await bus.start()
        jobs: list[tuple[str, Callable[[], Coroutine[Any, Any, None]]]] = [
            ("outbox-relay", relay.run),
            ("metrics-poll", lambda: metrics.poll(ctx)),
            ("api-keys", ctx.key_bucket.follow),
            (
                "retention",
                functools.partial(retention.prune_forever, ctx, [*retention.COMMON, *spec.retention]),
            ),
        ]
        jobs += [(job.__name__, functools.partial(job, ctx)) for job in spec.background]
        for name, run_job in jobs:
            ctx.tasks.append(asyncio.create_task(supervise(name, run_job), name=f"{spec.name}-{name}"))
        if on_ready is not None:
            on_ready()
        log.info("%s ready on %s:%s", spec.name, settings.host, settings.port)
        try:
            yield
        finally:
            await stop_jobs(ctx.tasks)
            await bus.stop()
            await db.dispose()
            telemetry.shutdown()

    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version=spec.version,
        lifespan=lifespan,
        docs_url=None,  # served below, with Swagger UI's files from the platform itself
        openapi_url=f"/{spec.name}/openapi.json",
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.state.api_keys = ctx.api_keys
    app.state.bearer_tokens = BearerTokens(
        settings.jwt_jwks_file,
        settings.jwt_issuer,
        settings.jwt_audience,
        jwks_url=settings.jwt_jwks_url,
        refetch_seconds=settings.jwt_jwks_refetch_seconds,
        max_age_seconds=settings.jwt_jwks_max_age_seconds,
    )
    app.state.limits = limits.Limits(settings, ctx.api_keys, app.state.bearer_tokens)
    errors.install(app, base=settings.problem_base)
    errors.document(app)

    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": spec.name}

    readiness = Readiness(
        {"database": db.ping, "nats": lambda: bus.ping(settings.readiness_timeout_seconds)},
        deadline=settings.readiness_timeout_seconds,
        keep=settings.readiness_cache_seconds,
    )

    async def readyz() -> JSONResponse:
        outcome = await readiness.check()
        return JSONResponse(
            {
                "status": "ready" if outcome.ready else "not ready",
                "service": spec.name,
                "checks": {k: "ok" if v else "failing" for k, v in outcome.checks.items()},
            },
            status_code=200 if outcome.ready else 503,
        )

    async def prometheus() -> Response:
        """Prometheus scrape endpoint; served on the service's own port, not through the gateway."""
        return Response(tel.scrape(), media_type=telemetry.PROMETHEUS_CONTENT_TYPE)

    app.add_api_route("/metrics", prometheus, methods=["GET"], include_in_schema=False)
    serve_docs(app, spec)
    for prefix in ("", f"/{spec.name}"):
        app.add_api_route(
            f"{prefix}/healthz", healthz, methods=["GET"], tags=["health"], include_in_schema=bool(prefix)
        )
        app.add_api_route(
            f"{prefix}/readyz", readyz, methods=["GET"], tags=["health"], include_in_schema=bool(prefix)
        )
    app.include_router(spec.router, responses=errors.PROBLEM_RESPONSES)
    app.add_middleware(RegionContext)
    app.add_middleware(limits.BodyLimit, max_bytes=settings.max_body_bytes)
    # Who asks, before how much they send.
    app.add_middleware(auth.AuthenticateFirst, max_body_bytes=settings.max_body_bytes)
    # How often they ask, before anything else is done.
    app.add_middleware(limits.RateLimits, limits=app.state.limits)
    # Outermost of ours: every answer is logged, a 401 or a 429 too.
    app.add_middleware(AccessLog)
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=tel.tracer_provider,
        meter_provider=tel.meter_provider,
        excluded_urls="healthz,readyz,metrics",
    )
    return app


def serve_docs(app: FastAPI, spec: ServiceSpec) -> None:
    """``/<service>/docs``: Swagger UI with its scripts, styles and icon served by the service itself
    (``/<service>/docs/assets/…``, from the openapi-ui-bundles package), never from a CDN: the
    documentation opens on a network that reaches no third party."""
    import openapi_ui_bundles
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    assets = f"/{spec.name}/docs/assets"
    app.mount(assets, StaticFiles(directory=openapi_ui_bundles.swagger_ui.static_path), name="docs-assets")

    async def docs(request: Request) -> Response:
        return get_swagger_ui_html(
            openapi_url=f"/{spec.name}/openapi.json",
            title=f"{spec.title} — API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
        )

    # A plain route, as FastAPI adds its own docs page: not an operation of the API.
    app.add_route(f"/{spec.name}/docs", docs, methods=["GET"], include_in_schema=False)


def tune_gc() -> None:
    """Collect garbage less often, and never scan what start-up loaded.

    A reassessment allocates hundreds of thousands of small objects (ORM rows, result parts,
    JSON values) that live until the batch commits; with the default thresholds the collector
    ran its full scans over all of them (and every imported module) again and again: about a
    fifth of a batch's time. Objects alive after start-up are frozen out of the scans, and the
    youngest generation is collected after 50,000 allocations instead of 700.

    A service's ``__main__`` turns the collector off before its first import (start-up makes
    objects that nearly all live on, and scanning them over and over was a fifth of the import
    time); it is turned on again here, once the service is ready. No collection before the freeze:
    a full one scans every object start-up made (about 0.2 s of CPU, half a second of the start
    with four services on two cores) to find the few thousand it left as garbage (a megabyte or
    two, frozen with the rest)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    gc.enable()


def run(spec: ServiceSpec) -> None:
    """Entry point of ``python -m kraftsamla_<service>``."""
    import uvicorn

    try:
        settings = Settings().for_service(spec.name)
        telemetry.configure_logging(spec.name)
        app = create_app(spec, settings, on_ready=tune_gc)
    except ValueError as exc:  # pydantic's ValidationError is one too
        raise SystemExit(f"{spec.name}: not started: {configuration_error(exc)}") from None
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_level="warning", timeout_graceful_shutdown=10
    )


def configuration_error(exc: ValueError) -> str:
    """What is wrong with the configuration, by environment variable, without pydantic's dump of
    every setting's value (the database URL may hold a password)."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    reasons = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        variable = "KRAFTSAMLA_" + "_".join(str(p) for p in error["loc"]).upper()
        reasons.append(message if variable in message else f"{variable}: {message}")
    return "; ".join(reasons)


# ---------------------------------------------------------------------- route dependencies


def _correlation_id(request: Request) -> UUID | None:
    value = request.headers.get("x-correlation-id")
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


async def unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    """A transaction for one request, in the region it addresses; the route commits it with
    ``await uow.commit()``, and a write's commit adds its row to the audit log. A read (``GET``,
    ``HEAD``) reads through the database's readers, which refuse writes."""
    ctx: ServiceContext = request.app.state.ctx
    region = request.path_params.get("region", "")
    reads = request.method in ("GET", "HEAD")
    async with ctx.db.read_session(region) if reads else ctx.db.session(region) as session:
        uow = UnitOfWork(
            session,
            source=ctx.settings.service,
            region=region,
            correlation_id=_correlation_id(request),
            on_commit=ctx.relay.wake,
            settings=ctx.settings,
        )
        if request.method in audit.WRITES:
            uow.before_commit.append(audit.recorder(request))
        yield uow


@contextlib.asynccontextmanager
async def unit_of_work_in(request: Request, region: str) -> AsyncIterator[UnitOfWork]:
    """A write's transaction for ``region`` rather than the path's (the platform's own writes: a
    region created, one deleted), with its audit row in that region's log."""
    ctx: ServiceContext = request.app.state.ctx
    async with ctx.db.session(region) as session:
        uow = UnitOfWork(
            session,
            source=ctx.settings.service,
            region=region,
            correlation_id=_correlation_id(request),
            on_commit=ctx.relay.wake,
            settings=ctx.settings,
        )
        uow.before_commit.append(audit.recorder(request))
        yield uow


def service_context(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.app.state.ctx
    return ctx


UowDep = Annotated[UnitOfWork, Depends(unit_of_work)]
ContextDep = Annotated[ServiceContext, Depends(service_context)]


MAX_PAGE_SIZE = 500
MAX_OFFSET = 2**31 - 1
"""Beyond any list's length; bounded so that the database is never handed an integer it cannot hold."""


@dataclass(frozen=True)
class Page:
    """Which slice of a list a caller asks for (``?limit=&offset=``); lists answer ``{data, count}``."""

    limit: int
    offset: int

    def slice(self, items: list[Any]) -> list[Any]:
        return items[self.offset : self.offset + self.limit]


def page(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(page)]


async def read_audit_log(
    scope: Annotated[auth.Scope, Depends(auth.region_scope(*auth.EDITORS))],
    uow: UowDep,
    page: PageDep,
    actor: Annotated[str | None, Query(max_length=200, description="Only this identity's writes")] = None,
    since: Annotated[AwareDatetime | None, Query(description="Writes at or after this time")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Writes before this time")] = None,
) -> audit.AuditLog:
    """Who wrote what, when and from which request (trace), in this service, for one region.
    Region administrators read their own region's; the platform operator any region's."""
    return await audit.read(
        uow.session, scope.region, limit=page.limit, offset=page.offset, actor=actor, since=since, until=until
    )


class RegionPublic(BaseModel):
    id: str


class RegionsPublic(BaseModel):
    data: list[RegionPublic]
    count: int


async def read_regions(
    principal: Annotated[auth.Principal, Depends(auth.platform_scope(auth.Role.OPERATOR))], request: Request
) -> RegionsPublic:
    """Every region of the platform, by id: those the API keys name (the region of each key of the
    key file and of those issued over the API, and the file's list of regions). The same list in
    every service; ``/<service>/regions/{region}/…`` of
    any other region answers 404. For the platform operator only."""
    regions = sorted(request.app.state.api_keys.regions())
    return RegionsPublic(data=[RegionPublic(id=r) for r in regions], count=len(regions))
