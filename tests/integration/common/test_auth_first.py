"""Who asks is known before what they send is read, over real HTTP (uvicorn on a port, HTTP/1.1
written and read with h11 on a socket).

A request to a route that needs a caller is answered 401 from its headers alone: a client that
sends the headers of a 15 MB body and holds the body back gets its answer without sending a byte of
it; a client that sends it all gets the same 401 (the connection is kept, the rest thrown away
unread), and one declared over the body limit has its connection closed. A malformed body without
credentials is 401 too; with them, the usual 400 or 422. A body over the limit is 413 before it is
read (declared) or at the chunk that crosses it (chunked). Bearer tokens: a service that accepts
them refuses to start without an issuer to check them against; a token of another issuer is 401
``Bearer error="invalid_token"``, before the body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import h11
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError

from helpers import StartService, headers, serving
from kraftsamla_actors.app import spec as actors_spec
from kraftsamla_assessment.app import spec as assessment_spec
from kraftsamla_common.errors import PROBLEM_JSON
from kraftsamla_common.service import ServiceSpec, create_app
from kraftsamla_common.settings import Settings
from kraftsamla_plans.app import spec as plans_spec
from kraftsamla_reporting.app import spec as reporting_spec

SQLITE = pytest.mark.parametrize("db_backend", ["sqlite"])
UNAUTHORIZED = "https://kraftsamla.se/problems/unauthorized"
BASIC = 'Basic realm="Kraftsamla", charset="UTF-8"'
INVALID_TOKEN = 'Bearer realm="Kraftsamla", error="invalid_token"'
ISSUER = "https://idp.example.se/realms/s3"
BIG = 15 * 1000 * 1000
"""A bulk intake's size: under the default body limit (16 MiB)."""
WAIT = 20.0
"""How long a client holding its body back waits for an answer before concluding that none comes
until the body is sent. A bound on waiting, not a measure of speed: the answer comes at once."""


# ------------------------------------------------------------------------------ HTTP on a socket


@dataclass
class Answer:
    status: int
    fields: list[tuple[str, str]]
    body: bytes
    closed: bool = False
    """Whether the server closed the connection after an answer with ``Connection: close`` (so it
    takes in no more of it)."""

    def header(self, name: str) -> list[str]:
        return [v for n, v in self.fields if n == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body)


@contextlib.asynccontextmanager
async def socket_to(url: str) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        yield reader, writer
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def read_answer(conn: h11.Connection, reader: asyncio.StreamReader) -> Answer:
    status, fields, body = 0, [], b""
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(await reader.read(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
            fields = [(n.decode().lower(), v.decode()) for n, v in event.headers]
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            return Answer(status, fields, body)
        elif isinstance(event, h11.ConnectionClosed):
            raise AssertionError("the server closed the connection without an answer")


def request_line(url: str, method: str, path: str, fields: dict[str, str]) -> h11.Request:
    return h11.Request(
        method=method,
        target=path,
        headers=[("Host", urlsplit(url).netloc), ("Content-Type", "application/json"), *fields.items()],
    )


async def held_back(url: str, method: str, path: str, fields: dict[str, str], *, size: int) -> Answer:
    """Send a request's line and headers, declaring a body of ``size`` bytes, and none of the body;
    the answer that comes while the body is held back. Fails if none comes: the server would be
    waiting for the body before answering."""
    conn = h11.Connection(h11.CLIENT)
    async with socket_to(url) as (reader, writer):
        writer.write(conn.send(request_line(url, method, path, {**fields, "Content-Length": str(size)})))
        await writer.drain()
        try:
            answer = await asyncio.wait_for(read_answer(conn, reader), WAIT)
        except TimeoutError:
            pytest.fail(
                f"no answer to {method} {path} while its {size}-byte body was held back: "
                "the server waits for the body before it answers"
            )
        if answer.header("connection") == ["close"]:
            with contextlib.suppress(TimeoutError):
                answer.closed = await asyncio.wait_for(reader.read(), WAIT) == b""
        return answer


async def streamed(
    url: str, path: str, fields: dict[str, str], *, chunk: bytes, chunks: int
) -> tuple[Answer, int]:
    """POST a chunked body of up to ``chunks`` chunks, one after another, until the server answers
    or stops taking them; the answer and the number of chunks that went out."""
    conn = h11.Connection(h11.CLIENT)
    async with socket_to(url) as (reader, writer):
        writer.write(conn.send(request_line(url, "POST", path, {**fields, "Transfer-Encoding": "chunked"})))
        answering = asyncio.create_task(read_answer(conn, reader))
        sent = 0
        with contextlib.suppress(ConnectionError, h11.LocalProtocolError):
            while sent < chunks and not answering.done():
                writer.write(conn.send(h11.Data(data=chunk)))
                await writer.drain()
                sent += 1
        return await asyncio.wait_for(answering, WAIT), sent


def unauthorized(answer: Answer | httpx.Response) -> dict[str, Any]:
    """The problem document of a 401 (asserted to be one)."""
    status = answer.status if isinstance(answer, Answer) else answer.status_code
    assert status == 401, answer
    content_type = (
        answer.header("content-type")[0] if isinstance(answer, Answer) else answer.headers["content-type"]
    )
    assert content_type == PROBLEM_JSON
    body: dict[str, Any] = answer.json()
    assert body["type"] == UNAUTHORIZED and body["status"] == 401 and body["title"], body
    return body


@contextlib.asynccontextmanager
async def on_a_port(client: httpx.AsyncClient) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    """The running service of ``client`` on a real port: its URL and an HTTP client of it."""
    async with serving(client.app) as url, httpx.AsyncClient(base_url=url) as http:  # type: ignore[attr-defined]
        yield url, http


# ---------------------------------------------------------------------------------- tokens


def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks_file(path: Path, key: rsa.RSAPrivateKey) -> Path:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    path.write_text(json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}))
    return path


def token(key: rsa.RSAPrivateKey, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": "kraftsamla", "sub": "p-1", "iat": now, "exp": now + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


# ---------------------------------------------------------------------------------------- tests


@SQLITE
async def test_a_request_without_a_valid_key_is_401_before_its_body_is_sent(
    start_service: StartService, region: str
) -> None:
    url_path = f"/plans/regions/{region}/programmes"
    async with start_service("plans") as client, on_a_port(client) as (url, http):
        for why, fields in {
            "no credentials": {},
            "a key that is not one": {"X-API-Key": "not-a-key"},
            "a Basic password that is not a key": {"Authorization": "Basic eDpub3QtYS1rZXk="},
        }.items():
            answer = await held_back(url, "POST", url_path, fields, size=BIG)
            body = unauthorized(answer)
            assert answer.header("www-authenticate") == [BASIC], (why, answer.fields)
            assert body["instance"] == url_path

        # Before the region is looked at too (one that does not exist), and on every write.
        answer = await held_back(
            url, "PATCH", f"/plans/regions/nowhere/programmes/{uuid.uuid4()}", {}, size=BIG
        )
        unauthorized(answer)
        answer = await held_back(
            url, "PUT", f"/plans/regions/{region}/action-plans/{uuid.uuid4()}/draft", {}, size=BIG
        )
        unauthorized(answer)

        # A client that sends its whole body before reading the answer gets the 401 too, on a
        # connection that is kept (the body thrown away as it came, never parsed).
        big = json.dumps({"title": "x", "strength_areas": [{"code": "c" * 40}] * (BIG // 54)}).encode()
        assert len(big) > 14_000_000
        for _ in range(2):
            r = await http.post(url_path, content=big, headers={"content-type": "application/json"})
            unauthorized(r)
            assert r.headers.get("connection") != "close"
        # A valid key goes through to the body as before (the service waits for it and reads it).
        r = await http.get(url_path, headers=headers(region))
        assert r.status_code == 200, r.text


@SQLITE
async def test_a_malformed_or_invalid_body_is_401_without_a_key_and_400_or_422_with_one(
    start_service: StartService, region: str
) -> None:
    url_path = f"/plans/regions/{region}/programmes"
    json_type = {"content-type": "application/json"}
    async with start_service("plans") as client, on_a_port(client) as (_, http):
        for body in (b"{", b'{"title": 5}', b"\xff\xfe", b"[" + b" " * 100_000):
            r = await http.post(url_path, content=body, headers=json_type)
            unauthorized(r)
            assert r.headers["www-authenticate"] == BASIC
            r = await http.post(url_path, content=body, headers={**json_type, "X-API-Key": "not-a-key"})
            assert unauthorized(r)["detail"] == "The API key is not valid."
        # Not JSON at all, without a key: 401 before the 415.
        unauthorized(await http.post(url_path, content=b"x", headers={"content-type": "text/plain"}))

        admin = {**json_type, **headers(region)}
        r = await http.post(url_path, content=b"{", headers=admin)
        assert r.status_code == 400 and r.json()["type"].endswith("/malformed-json"), r.text
        r = await http.post(url_path, content=b'{"title": 5}', headers=admin)
        assert r.status_code == 422 and r.json()["type"].endswith("/validation"), r.text

        # A bearer token where none are accepted: 401, saying which scheme is.
        r = await http.post(url_path, content=b"{", headers={**json_type, "Authorization": "Bearer x.y.z"})
        assert unauthorized(r)["detail"].startswith("Bearer tokens are not accepted")
        assert r.headers["www-authenticate"] == BASIC

        # The routes that need no caller stay open.
        for path in ("/healthz", "/plans/healthz", "/plans/readyz", "/metrics", "/plans/openapi.json"):
            assert (await http.get(path)).status_code == 200, path
        assert (await http.get("/plans/docs")).status_code == 200
        assert (await http.get(f"/plans/unknown/{uuid.uuid4()}")).status_code == 404


@SQLITE
async def test_a_body_over_the_limit_is_413_declared_before_it_is_sent_chunked_at_the_limit(
    start_service: StartService, region: str
) -> None:
    limit = 256 * 1024
    url_path = f"/plans/regions/{region}/programmes"
    admin = headers(region)
    async with start_service("plans", max_body_bytes=limit) as client, on_a_port(client) as (url, _):
        answer = await held_back(url, "POST", url_path, admin, size=limit + 1)
        assert answer.status == 413, answer
        assert answer.json()["type"].endswith("/payload-too-large")
        assert answer.closed, "the connection was kept open to read the body"

        # Who asks comes first: without a key it is 401, whatever the size; over the limit, the
        # connection is closed rather than kept to throw the body away.
        answer = await held_back(url, "POST", url_path, {}, size=limit + 1)
        unauthorized(answer)
        assert answer.closed, "the connection was kept open to take in the body"

        # Chunked: the chunk that crosses the limit is answered 413; the rest is never read. (The
        # chunks that went out exceed the limit by what the sockets' buffers hold, far from them all.)
        chunk = b" " * (64 * 1024)
        answer, sent = await streamed(url, url_path, admin, chunk=b"[" + chunk[1:], chunks=2048)
        assert answer.status == 413, answer
        assert answer.json()["type"].endswith("/payload-too-large")
        assert sent < 2048, "the whole body was taken"
        unauthorized((await streamed(url, url_path, {}, chunk=chunk, chunks=2048))[0])

        # Nothing was stored.
        r = await client.get(url_path, headers=admin)
        assert r.status_code == 200 and r.json()["count"] == 0, r.text


SPECS: list[ServiceSpec] = [plans_spec, actors_spec, assessment_spec, reporting_spec]


def operations_of(app: Any) -> list[tuple[str, str]]:
    """Every (method, path template) of an app, those of the routers it includes too."""
    out = []
    for route in app.routes:
        contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        for context in contexts:
            out += [(m, context.path) for m in sorted(getattr(context, "methods", None) or ()) if m != "HEAD"]
    return out


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
async def test_every_route_that_needs_a_caller_asks_before_it_reads(
    spec: ServiceSpec, tmp_path: Path
) -> None:
    """Every operation of every service, with a malformed body and no credentials: 401. The app is
    not started (no database, no bus): the answer comes before anything of it is needed."""
    app = create_app(spec, Settings(data_dir=tmp_path))
    transport = httpx.ASGITransport(app=app)
    wrong: list[str] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        operations = [(m, p) for m, p in operations_of(app) if p.startswith(f"/{spec.name}/regions")]
        assert len(operations) > 3
        for method, template in operations:
            path = re.sub(r"\{(\w+)\}", lambda m: "jamtland" if m[1] == "region" else "1", template)
            r = await client.request(method, path, content=b"{", headers={"content-type": "application/json"})
            if r.status_code != 401 or r.headers["content-type"] != PROBLEM_JSON:
                wrong.append(f"{method} {template}: {r.status_code} {r.text[:100]}")
        assert not wrong, "\n".join(wrong)
        for path in ("/healthz", "/metrics", f"/{spec.name}/healthz", f"/{spec.name}/openapi.json"):
            assert (await client.get(path)).status_code == 200, path


def test_a_service_that_takes_bearer_tokens_refuses_to_start_without_an_issuer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = jwks_file(tmp_path / "jwks.json", signing_key())
    for issuer in (None, "", "  "):
        with pytest.raises(ValidationError, match="KRAFTSAMLA_JWT_ISSUER"):
            Settings(jwt_jwks_file=keys, jwt_issuer=issuer)
    with pytest.raises(ValidationError, match="KRAFTSAMLA_JWT_AUDIENCE"):
        Settings(jwt_jwks_file=keys, jwt_issuer=ISSUER, jwt_audience="")
    monkeypatch.setenv("KRAFTSAMLA_JWT_JWKS_FILE", str(keys))
    with pytest.raises(ValidationError, match="KRAFTSAMLA_JWT_ISSUER"):
        Settings()
    monkeypatch.setenv("KRAFTSAMLA_JWT_ISSUER", ISSUER)
    assert Settings().jwt_issuer == ISSUER
    monkeypatch.delenv("KRAFTSAMLA_JWT_ISSUER")
    monkeypatch.delenv("KRAFTSAMLA_JWT_JWKS_FILE")

    # Settings put together without validation do not get past the app factory either.
    unchecked = Settings(data_dir=tmp_path).model_copy(update={"jwt_jwks_file": keys})
    with pytest.raises(ValueError, match="KRAFTSAMLA_JWT_ISSUER"):
        create_app(plans_spec, unchecked)

    # The service itself: it stops at once, saying which setting is missing, and never serves.
    env = {
        **os.environ,
        "KRAFTSAMLA_JWT_JWKS_FILE": str(keys),
        "KRAFTSAMLA_DATA_DIR": str(tmp_path),
        "KRAFTSAMLA_PORT": "9",
    }
    done = subprocess.run(
        [sys.executable, "-m", "kraftsamla_plans"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0, done.stdout + done.stderr
    assert "KRAFTSAMLA_JWT_ISSUER" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr


@SQLITE
async def test_a_token_of_another_issuer_is_401_invalid_token_before_the_body(
    start_service: StartService, region: str, tmp_path: Path
) -> None:
    key = signing_key()
    keys = jwks_file(tmp_path / "jwks.json", key)
    url_path = f"/plans/regions/{region}/programmes"
    json_type = {"content-type": "application/json"}
    async with (
        start_service("plans", jwt_jwks_file=keys, jwt_issuer=ISSUER) as client,
        on_a_port(client) as (url, http),
    ):
        foreign = {
            "Authorization": f"Bearer {token(key, iss='https://evil.example', region=region, role='admin')}"
        }
        answer = await held_back(url, "POST", url_path, foreign, size=BIG)
        unauthorized(answer)
        assert answer.header("www-authenticate") == [INVALID_TOKEN], answer.fields

        r = await http.post(url_path, content=b"{", headers={**json_type, **foreign})
        assert unauthorized(r)["detail"] == "The token is not valid."
        assert r.headers["www-authenticate"] == INVALID_TOKEN
        expired = token(key, region=region, role="admin", exp=int(time.time()) - 5)
        r = await http.post(
            url_path, content=b"{", headers={**json_type, "Authorization": f"Bearer {expired}"}
        )
        assert unauthorized(r)["detail"] == "The token has expired."
        assert r.headers["www-authenticate"] == INVALID_TOKEN

        # No credentials: both schemes are offered, the token's without an error (RFC 6750, 3.1).
        r = await http.post(url_path, content=b"{", headers=json_type)
        unauthorized(r)
        assert r.headers.get_list("www-authenticate") == [BASIC, 'Bearer realm="Kraftsamla"']

        # The issuer's own token goes through to the body, once verified.
        mine = {"Authorization": f"Bearer {token(key, region=region, role='admin')}"}
        r = await http.post(url_path, content=b"{", headers={**json_type, **mine})
        assert r.status_code == 400, r.text
        assert (await http.get(url_path, headers=mine)).status_code == 200
