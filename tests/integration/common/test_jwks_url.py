"""People's bearer tokens checked with keys fetched from the identity provider's JWKS URL.

A real HTTP server on 127.0.0.1 serves the key set (RSA keys made here) and counts the fetches; the
clock of the kept keys is one the test moves, so "at most once per interval" is counted, not timed.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import ValidationError

from kraftsamla_common.auth import BearerTokens, Role
from kraftsamla_common.settings import Settings

ISSUER = "https://idp.example.se/realms/s3"
AUDIENCE = "kraftsamla-web"
REFETCH = 30.0
MAX_AGE = 300.0


def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "use": "sig"}


def token(key: rsa.RSAPrivateKey, kid: str | None, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": [AUDIENCE], "sub": "p-1", "iat": now, "exp": now + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid} if kid else None)


class JwksServer:
    """A key set over HTTP on 127.0.0.1: ``document`` is what it answers, ``fetches`` how often it
    was asked, ``delay`` how long it takes to answer; :meth:`stop` takes it away (the port closed)."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = {"keys": []}
        self.fetches = 0
        self.delay = 0.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                time.sleep(server.delay)
                body = json.dumps(server.document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def provider() -> Iterator[JwksServer]:
    server = JwksServer()
    try:
        yield server
    finally:
        server.stop()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tokens_from(url: str) -> tuple[BearerTokens, Clock]:
    tokens = BearerTokens(
        None, ISSUER, AUDIENCE, jwks_url=url, refetch_seconds=REFETCH, max_age_seconds=MAX_AGE
    )
    assert tokens.remote is not None
    clock = Clock()
    tokens.remote.clock = clock
    return tokens, clock


async def refused(tokens: BearerTokens, t: str) -> bool:
    try:
        await tokens.verified(t)
    except (jwt.InvalidTokenError, KeyError):
        return True
    return False


async def test_keys_come_from_the_url_follow_a_rotation_once_and_outlast_the_provider(
    provider: JwksServer,
) -> None:
    first, second = private_key(), private_key()
    provider.document = {"keys": [public_jwk(first, "k1")]}
    tokens, clock = tokens_from(provider.url)
    assert tokens.configured

    person = await tokens.verified(token(first, "k1", region="kronoberg", role="viewer"))
    assert (person.region, person.role, person.name) == ("kronoberg", Role.VIEWER, "user:p-1")
    for _ in range(5):  # the kept keys serve: no more fetches
        await tokens.verified(token(first, "k1", region="kronoberg", role="admin"))
    assert provider.fetches == 1

    # The provider rotates: a new key (the old one withdrawn). A token of the new key verifies
    # after one fetch, the first time it is seen.
    clock.now += REFETCH
    provider.document = {"keys": [public_jwk(second, "k2")]}
    assert (await tokens.verified(token(second, "k2", region="lappi", role="assessor"))).region == "lappi"
    assert provider.fetches == 2
    assert await refused(tokens, token(first, "k1", region="kronoberg", role="viewer"))  # withdrawn

    # Tokens naming key ids nobody issued: refused, and no fetch within the interval, however many.
    forged_key = private_key()
    for _ in range(40):
        assert await refused(tokens, token(forged_key, uuid.uuid4().hex, region="kronoberg", role="admin"))
    assert provider.fetches == 2
    # After the interval, one fetch more for the whole next burst.
    clock.now += REFETCH
    for _ in range(40):
        assert await refused(tokens, token(forged_key, uuid.uuid4().hex, region="kronoberg", role="admin"))
    assert provider.fetches == 3

    # The provider goes away: the kept keys still verify, also once they are old and a background
    # fetch fails; a key id never fetched is refused at once.
    provider.stop()
    clock.now += MAX_AGE + REFETCH
    for _ in range(3):
        assert (await tokens.verified(token(second, "k2", region="lappi", role="viewer"))).region == "lappi"
    await asyncio.sleep(0)
    assert tokens.remote is not None
    background = tokens.remote._background
    if background is not None:
        await background
    assert tokens.remote.fetches == 4  # the failed background fetch, once
    assert await refused(tokens, token(forged_key, "k3", region="lappi", role="viewer"))
    assert (await tokens.verified(token(second, "k2", region="lappi", role="viewer"))).region == "lappi"


async def test_a_token_without_a_key_id_is_checked_with_the_keys_and_refetched_on_rotation(
    provider: JwksServer,
) -> None:
    """Some providers (the launcher's among them) put no ``kid`` in the header: the kept keys are
    tried, and a signature none of them checks has the set fetched again (a new key at restart)."""
    first, second = private_key(), private_key()
    provider.document = {"keys": [public_jwk(first, "a")]}
    tokens, clock = tokens_from(provider.url)
    assert (await tokens.verified(token(first, None, region="*", role="operator"))).role is Role.OPERATOR
    clock.now += REFETCH
    # The new set holds a key of another algorithm too, first: it is passed over.
    other = {
        **json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key())),
        "kid": "e",
    }
    provider.document = {"keys": [other, public_jwk(second, "b")]}
    assert (await tokens.verified(token(second, None, region="lappi", role="admin"))).region == "lappi"
    assert provider.fetches == 2
    # A foreign signature without a key id: refused, and within the interval no fetch.
    for _ in range(10):
        assert await refused(tokens, token(private_key(), None, region="lappi", role="admin"))
    assert provider.fetches == 2


async def test_the_event_loop_serves_others_while_the_keys_are_fetched(provider: JwksServer) -> None:
    key = private_key()
    provider.document = {"keys": [public_jwk(key, "k1")]}
    provider.delay = 0.5
    tokens, _ = tokens_from(provider.url)
    ticks = 0
    stop = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    try:
        # Three requests at once need the keys: they share one fetch, and the loop runs on.
        results = await asyncio.gather(
            *(tokens.verified(token(key, "k1", region="kronoberg", role="viewer")) for _ in range(3))
        )
    finally:
        stop.set()
        await ticker
    assert [r.region for r in results] == ["kronoberg"] * 3
    assert provider.fetches == 1
    assert ticks > 5


def test_a_jwks_url_needs_an_issuer_an_audience_and_a_safe_scheme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://idp.example.se/realms/s3/protocol/openid-connect/certs"
    for issuer in (None, "", "  "):
        with pytest.raises(ValidationError, match="KRAFTSAMLA_JWT_ISSUER"):
            Settings(jwt_jwks_url=url, jwt_issuer=issuer)
    with pytest.raises(ValidationError, match="KRAFTSAMLA_JWT_AUDIENCE"):
        Settings(jwt_jwks_url=url, jwt_issuer=ISSUER, jwt_audience="")
    for unsafe in ("http://idp.example.se/jwks", "http://10.1.2.3/jwks", "file:///etc/jwks.json", "idp/jwks"):
        with pytest.raises(ValidationError, match="KRAFTSAMLA_JWT_JWKS_URL"):
            Settings(jwt_jwks_url=unsafe, jwt_issuer=ISSUER)
    for loopback in ("http://127.0.0.1:8010/jwks", "http://localhost:8010/jwks", "http://[::1]:8010/jwks"):
        assert Settings(jwt_jwks_url=loopback, jwt_issuer=ISSUER).jwt_jwks_url == loopback
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps({"keys": [public_jwk(private_key(), "k1")]}))
    with pytest.raises(ValidationError, match="KRAFTSAMLA_JWT_JWKS_FILE and KRAFTSAMLA_JWT_JWKS_URL"):
        Settings(jwt_jwks_file=jwks_file, jwt_jwks_url=url, jwt_issuer=ISSUER)

    monkeypatch.setenv("KRAFTSAMLA_JWT_JWKS_URL", url)
    with pytest.raises(ValidationError, match="KRAFTSAMLA_JWT_ISSUER"):
        Settings()
    monkeypatch.setenv("KRAFTSAMLA_JWT_ISSUER", ISSUER)
    settings = Settings()
    assert (settings.jwt_jwks_url, settings.jwt_issuer) == (url, ISSUER)

    # Put together without the settings' checks, the tokens refuse the same.
    with pytest.raises(ValueError, match="KRAFTSAMLA_JWT_ISSUER"):
        BearerTokens(None, None, AUDIENCE, jwks_url=url)
    with pytest.raises(ValueError, match="KRAFTSAMLA_JWT_JWKS_URL"):
        BearerTokens(None, ISSUER, AUDIENCE, jwks_url="http://idp.example.se/jwks")
