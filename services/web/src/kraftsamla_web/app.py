"""The staff web application: server-rendered pages (FastAPI + Jinja2) over the four services'
public APIs, signed in with the region's OpenID provider.

It has no database and no bus, so it is not made with :func:`kraftsamla_common.service.create_app`
(which opens both); it has the same parts otherwise: ``/healthz`` and ``/readyz`` (here: 200 with
whether the identity provider's discovery document and each service's ``/healthz`` answer in
time, "degraded" where one does not), the access
log, traces and ``/metrics``."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import RedirectResponse, Response

from kraftsamla_common import telemetry
from kraftsamla_common.readiness import Readiness
from kraftsamla_common.service import AccessLog

from .adapters import render as html
from .adapters import session
from .adapters.identity import Identity
from .adapters.services import SERVICES, NotFound, SignedOut, Unavailable, http_client
from .adapters.timing import ServerTiming
from .api import router
from .api.context import CsrfRefused, PageNotFound, SignInNeeded, page_language
from .settings import WebSettings
from .settings import variable as variable_of

NAME = "web"
SESSION_COOKIE = "kraftsamla_session"
STATIC = Path(__file__).parent / "static"

log = logging.getLogger(__name__)


def _error_page(request: Request, status_code: int, kind: str) -> Response:
    return html.render(
        request,
        "error.html.j2",
        language=page_language(request),
        person=session.person(request),
        status_code=status_code,
        kind=kind,
    )


def _to_sign_in(next_path: str) -> Response:
    return RedirectResponse(f"/signin?next={quote(next_path, safe='/')}", status_code=303)


def install_error_pages(app: FastAPI) -> None:
    async def sign_in_needed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInNeeded)
        return _to_sign_in(exc.next_path)

    async def token_refused(request: Request, exc: Exception) -> Response:
        session.sign_out(request)
        return _to_sign_in(request.url.path)

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error_page(request, 404, "not_found")

    async def forbidden(request: Request, exc: Exception) -> Response:
        return _error_page(request, 403, "forbidden")

    async def unavailable(request: Request, exc: Exception) -> Response:
        log.warning("a service failed a page: %s", exc)
        return _error_page(request, 503, "unavailable")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return _error_page(request, 404, "not_found")
        if exc.status_code == 405:
            return _error_page(request, 405, "not_allowed")
        return _error_page(request, exc.status_code, "unavailable")

    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(SignedOut, token_refused)
    app.add_exception_handler(PageNotFound, not_found)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(RequestValidationError, not_found)
    app.add_exception_handler(CsrfRefused, forbidden)
    app.add_exception_handler(Unavailable, unavailable)
    app.add_exception_handler(StarletteHTTPException, http_error)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()  # type: ignore[call-arg]  # required ones from the environment
    tel = telemetry.setup(NAME)
    identity = Identity(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with http_client(settings) as http:
            app.state.http = http
            log.info("web ready on %s:%s", settings.host, settings.port)
            yield

    app = FastAPI(
        title="Kraftsamla",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.identity = identity

    async def provider_answers() -> bool:
        await identity.metadata()
        return True

    def service_answers(service: str):  # type: ignore[no-untyped-def]
        async def check() -> bool:
            r = await app.state.http.get(f"{settings.service_url(service)}/healthz")
            return bool(r.status_code == 200)

        return check

    readiness = Readiness(
        {"identity": provider_answers, **{s: service_answers(s) for s in SERVICES}},
        deadline=2.0,
        keep=1.0,
    )

    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": NAME}

    async def readyz() -> JSONResponse:
        """200 while this process serves pages, with what it depends on: "degraded" where the
        provider or a service does not answer. Those are shared by every replica, so a failing
        one must not take the pages out of service (each page says what it could not show, and
        the services' own probes and alerts name the one that fails)."""
        outcome = await readiness.check()
        return JSONResponse(
            {
                "status": "ready" if outcome.ready else "degraded",
                "service": NAME,
                "checks": {k: "ok" if v else "failing" for k, v in outcome.checks.items()},
            },
            status_code=200,
        )

    async def prometheus() -> Response:
        return Response(tel.scrape(), media_type=telemetry.PROMETHEUS_CONTENT_TYPE)

    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_api_route("/readyz", readyz, methods=["GET"])
    app.add_api_route("/metrics", prometheus, methods=["GET"])
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(router)
    install_error_pages(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.session_https_only,
    )
    app.add_middleware(AccessLog)
    app.add_middleware(ServerTiming)
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=tel.tracer_provider,
        meter_provider=tel.meter_provider,
        excluded_urls="healthz,readyz,metrics,static",
    )
    return app


def configuration_error(exc: ValueError) -> str:
    """What is wrong with the configuration, by environment variable, without the values."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    reasons = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        loc = "_".join(str(p) for p in error["loc"])
        variable = loc if loc.startswith("KRAFTSAMLA_") else variable_of(loc)
        reasons.append(message if variable in message else f"{variable}: {message}")
    return "; ".join(reasons)


def run() -> None:
    """Entry point of ``python -m kraftsamla_web``."""
    import uvicorn

    try:
        settings = WebSettings()  # type: ignore[call-arg]
        telemetry.configure_logging(NAME)
        app = create_app(settings)
    except ValueError as exc:
        raise SystemExit(f"{NAME}: not started: {configuration_error(exc)}") from None
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )
