"""The staff web application against the real parts: an OpenID provider (oidc-provider-mock) on a
port of its own, the services the desk calls (assessment, reporting, actors) over real HTTP and
accepting that provider's tokens, and the web application served by uvicorn."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import nats
import pytest

from helpers import StartService, serving

AUDIENCE = "kraftsamla"
"""The web application's client id at the provider: the audience of its ID tokens, which the
services accept."""


@pytest.fixture
def db_backend() -> str:
    """The pages call the services' APIs: one database backend is enough here."""
    return "sqlite"


@dataclass
class Provider:
    url: str

    async def person(self, sub: str, region: str, role: str | None, name: str, locale: str = "sv") -> str:
        """A demo person whose ID token carries the platform's claims (no ``role`` where None);
        their subject."""
        claims = {"name": name, "region": region, "locale": locale, **({"role": role} if role else {})}
        async with httpx.AsyncClient() as http:
            r = await http.put(f"{self.url}/users/{sub}", json=claims)
        assert r.status_code == 204, r.text
        return sub


@pytest.fixture
def oidc_provider() -> Iterator[Provider]:
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    with oidc_provider_mock.run_server_in_thread() as server:
        yield Provider(f"http://127.0.0.1:{server.server_port}")


@dataclass
class Platform:
    web: str
    provider: Provider
    services: dict[str, httpx.AsyncClient]
    urls: dict[str, str] = field(default_factory=dict)
    """Each service's own address on its real port (``urls["assessment"]``), for calls over HTTP."""


@pytest.fixture
async def js(nats_url: str) -> AsyncIterator[Any]:
    nc = await nats.connect(nats_url)
    try:
        yield nc.jetstream()
    finally:
        await nc.close()


@pytest.fixture
async def platform(start_service: StartService, oidc_provider: Provider) -> AsyncIterator[Platform]:
    """The services the desk needs, each on a real port and accepting the provider's tokens (its
    keys fetched from its JWKS URL), and the web application in front of them (plans not started:
    the desk shows the rest)."""
    async with _platform(start_service, oidc_provider, ("assessment", "reporting", "actors")) as found:
        yield found


@pytest.fixture
async def full_platform(start_service: StartService, oidc_provider: Provider) -> AsyncIterator[Platform]:
    """The four services and the web application: plans published through the plans API reach the
    assessment service over the bus."""
    async with _platform(
        start_service, oidc_provider, ("plans", "assessment", "reporting", "actors")
    ) as found:
        yield found


@contextlib.asynccontextmanager
async def _platform(
    start_service: StartService, oidc_provider: Provider, names: tuple[str, ...]
) -> AsyncIterator[Platform]:
    from kraftsamla_web.app import create_app
    from kraftsamla_web.settings import WebSettings

    tokens = {
        "jwt_jwks_url": f"{oidc_provider.url}/jwks",
        "jwt_issuer": oidc_provider.url,
        "jwt_audience": AUDIENCE,
    }
    async with contextlib.AsyncExitStack() as stack:
        clients: dict[str, httpx.AsyncClient] = {}
        urls: dict[str, Any] = {}
        urls["plans_url"] = "http://127.0.0.1:9"  # not started: nothing answers there
        for name in names:
            extra = {"report_debounce_seconds": 0.1} if name == "reporting" else {}
            if name == "assessment":
                extra = {"webhook_allowed_hosts": ["127.0.0.1"]}  # the tests' webhook listeners
            client = await stack.enter_async_context(start_service(name, **tokens, **extra))
            clients[name] = client
            urls[f"{name}_url"] = await stack.enter_async_context(serving(client.app))  # type: ignore[attr-defined]
        settings = WebSettings(
            oidc_issuer=oidc_provider.url,
            oidc_client_id=AUDIENCE,
            oidc_client_secret="web-secret",  # type: ignore[arg-type]  # the mock takes any
            session_secret=secrets.token_urlsafe(32),  # type: ignore[arg-type]
            **urls,
        )
        app = create_app(settings)
        await stack.enter_async_context(app.router.lifespan_context(app))
        web = await stack.enter_async_context(serving(app))
        yield Platform(
            web=web,
            provider=oidc_provider,
            services=clients,
            urls={n: urls[f"{n}_url"] for n in names},
        )
