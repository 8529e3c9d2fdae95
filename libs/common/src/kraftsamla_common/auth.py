"""Authentication (API keys for systems and scripts, bearer tokens for people) and region scoping.

Every identity has a region and a role.

* **API keys** are stored as SHA-256 hashes in a JSON file (``KRAFTSAMLA_API_KEYS_FILE``),
  re-read when it changes; ``python -m kraftsamla_common.apikeys`` issues a key (shown once),
  lists and revokes them::

      {"keys": [{"name": "nyps", "sha256": "<hex>", "region": "jamtland-harjedalen",
                 "role": "integrator", "source": "nyps", "expires": "2027-06-30T00:00:00Z"}]}

  ``expires`` (optional) ends a key; ``revoked: true`` ends it at once; an integrator's
  ``source`` is the funding system whose applications it may push and read, nothing else.
  People in a browser give a key as the password of HTTP Basic authentication (any user name).
* **API keys issued over the API** (``/assessment/regions/{region}/api-keys``) are records of the
  same kind in a NATS JetStream Key-Value bucket (``kraftsamla_common.keystore``), which every
  service follows and merges with the file's into one lookup (:class:`ApiKeys`): a key issued or
  revoked there is known to every service within moments. A record in the bucket may also revoke
  a key of the file (an administrator revoking a key the file issued): revoked in either is revoked.
* **Bearer tokens** (``Authorization: Bearer <JWT>``), as an OpenID Connect provider issues them
  for people: signed with a key of the configured JWKS (a file, ``KRAFTSAMLA_JWT_JWKS_FILE``, or
  the provider's JWKS URL, ``KRAFTSAMLA_JWT_JWKS_URL``, see :class:`RemoteKeys`; RS256, ES256 or
  EdDSA, never a shared secret), with ``iss`` = ``KRAFTSAMLA_JWT_ISSUER``, ``aud`` containing
  ``KRAFTSAMLA_JWT_AUDIENCE``, ``exp``, ``sub``, and the claims ``region`` and ``role``. A service
  with a JWKS file or URL and no issuer (or no audience) refuses to start.

**Who asks comes first.** :class:`AuthenticateFirst`, a pure ASGI middleware, authenticates every
request to a route that needs a caller from its headers, before anything reads the body; a
request that names no one is answered 401 without its body being read (or, declared, waited for).
The answers: no credentials, ``WWW-Authenticate: Basic realm="Kraftsamla"`` (and ``Bearer
realm="Kraftsamla"`` where tokens are accepted); a key that is unknown, expired or revoked, the
Basic challenge; a token that is not valid, ``Bearer realm="Kraftsamla", error="invalid_token"``
(RFC 6750). Authorization (region, role) stays with each route's scope dependency, after the
body is parsed.

Every domain route is addressed as ``/<service>/regions/{region}/…``. The regions that exist are
the ones the keys name: the region of every key in the file and in the bucket (revoked and expired
ones too: their region's data is still there), and those of the file's optional list
``"regions": ["lappi", …]`` (a region whose people sign in with tokens only, or one set up before
its first key; ``python -m kraftsamla_common.apikeys add-region``). Every service reads the same
file and follows the same bucket, so they agree. An operator (region ``*``) may address every region that exists; another region answers
404 "Region … was not found". A caller of one region asking for another gets that same answer,
whether the other exists or not, so nothing leaks; a caller's own region is one that exists.
"""

from __future__ import annotations

import asyncio
import binascii
import hashlib
import json
import logging
import re
import secrets
import time
from base64 import b64decode
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel, ConfigDict
from starlette._utils import get_route_path
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from .errors import Forbidden, Kind, Problem, RegionNotFound, Said, answer_early, said
from .events import REGION_PATTERN
from .settings import jwks_url_checked, missing_setting

log = logging.getLogger(__name__)


class Role(StrEnum):
    OPERATOR = "operator"
    ADMIN = "admin"
    ASSESSOR = "assessor"
    VIEWER = "viewer"
    INTEGRATOR = "integrator"


READERS = (Role.OPERATOR, Role.ADMIN, Role.ASSESSOR, Role.VIEWER)
EDITORS = (Role.OPERATOR, Role.ADMIN)


@dataclass(frozen=True)
class Principal:
    name: str
    region: str
    role: Role
    source: str | None = None
    """An integrator's funding system: the only applications it may push and read."""
    organisation: str | None = None
    """The organisation the person works for (its identifier, e.g. ``202100-5752``), where the key
    file or the token (claim ``organisation``) names one: a reviewer may not review an application
    of their own organisation."""

    def can_see(self, region: str) -> bool:
        return self.role is Role.OPERATOR or self.region == region


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """A new API key: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class KeyEntry:
    principal: Principal
    expires: datetime | None
    revoked: bool


KeyOrigin = Literal["file", "api"]
KeyState = Literal["active", "expired", "revoked"]


class KeyRecord(BaseModel):
    """One API key as the platform keeps it, never the key itself: an entry of the key file
    (``origin`` ``file``) or a record of the bucket of keys issued over the API (``api``; a record
    of the bucket with ``origin`` ``file`` revokes the file's key of the same hash)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    sha256: str
    region: str
    role: Role
    source: str | None = None
    organisation: str | None = None
    expires: datetime | None = None
    revoked: bool = False
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    ends_with: str | None = None
    """The key's last four characters (keys issued over the API), for a person to tell keys apart."""
    origin: KeyOrigin = "api"

    @classmethod
    def of_file(cls, entry: Mapping[str, Any]) -> KeyRecord:
        """A key file's entry (``created`` is when the command-line tool issued it)."""
        return cls(
            name=entry["name"],
            sha256=entry["sha256"],
            region=entry["region"],
            role=Role(entry["role"]),
            source=entry.get("source"),
            organisation=entry.get("organisation"),
            expires=datetime.fromisoformat(entry["expires"]) if entry.get("expires") else None,
            revoked=bool(entry.get("revoked", False)),
            revoked_at=datetime.fromisoformat(entry["revoked_at"]) if entry.get("revoked_at") else None,
            created_at=datetime.fromisoformat(entry["created"]) if entry.get("created") else None,
            origin="file",
        )

    def entry(self) -> KeyEntry:
        return KeyEntry(
            Principal(
                name=self.name,
                region=self.region,
                role=self.role,
                source=self.source,
                organisation=self.organisation,
            ),
            self.expires,
            self.revoked,
        )

    def state(self, now: datetime | None = None) -> KeyState:
        if self.revoked:
            return "revoked"
        if self.expires is not None and self.expires <= (now or datetime.now(self.expires.tzinfo)):
            return "expired"
        return "active"


class RegionRecord(BaseModel):
    """A region the platform operator created over the API, as the key bucket keeps it
    (``regions.<id>``): with it the region exists in every service, as one a key names does."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: dict[str, str]
    """The region's name by language (sv, en, fi)."""
    country: Literal["SE", "FI"]
    languages: list[str]
    created_at: datetime
    created_by: str


def regions_of(doc: dict[str, Any]) -> frozenset[str]:
    """The regions a key file names: the region of every key (``*`` is none), and its ``regions``."""
    named = {k["region"] for k in doc.get("keys", [])} | set(doc.get("regions", []))
    return frozenset(named - {"*"})


class KeyRejected(Exception):
    """A key that exists but may no longer be used (expired or revoked)."""

    def __init__(self, reason: Said) -> None:
        super().__init__(str(reason))
        self.reason = reason


class ApiKeys:
    """Every key a service accepts: the key file's, re-read when it changes so keys can be added and
    revoked without a restart, merged with the records of keys issued over the API, which
    :class:`kraftsamla_common.keystore.KeyBucket` keeps here as the bucket changes
    (:meth:`put_issued`, :meth:`drop_issued`).

    Merged by hash: a key in the file and revoked in the bucket (or the other way round) is revoked;
    a record of the bucket that would make an operator's key (never issued over the API) is left
    out; the file's regions and the bucket's records' regions are the platform's regions."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._mtime: float | None = None
        self._file: tuple[KeyRecord, ...] = ()
        self._file_regions: frozenset[str] = frozenset()
        self._issued: dict[str, KeyRecord] = {}
        self._created: dict[str, RegionRecord] = {}
        self._by_hash: dict[str, KeyEntry] = {}
        self._regions: frozenset[str] = frozenset()
        self._merged = False

    def _load(self) -> None:
        self._read_file()
        if not self._merged:
            self._merge()

    def _read_file(self) -> None:
        if self.path is None or not self.path.exists():
            if self._mtime is not None or self._file:
                self._file, self._file_regions, self._mtime = (), frozenset(), None
                self._merged = False
            return
        mtime = self.path.stat().st_mtime
        if mtime == self._mtime:
            return
        doc = json.loads(self.path.read_text())
        self._file = tuple(KeyRecord.of_file(k) for k in doc.get("keys", []))
        self._file_regions = regions_of(doc)
        self._mtime = mtime
        self._merged = False

    def _merge(self) -> None:
        by_hash = {r.sha256: r.entry() for r in self._file}
        for record in self._issued.values():
            known = by_hash.get(record.sha256)
            if known is None:
                if record.role is Role.OPERATOR or record.region == "*":
                    continue  # never issued over the API: the platform's operator keys are the file's
                by_hash[record.sha256] = record.entry()
            elif record.revoked and not known.revoked:
                by_hash[record.sha256] = KeyEntry(known.principal, known.expires, True)
        self._by_hash = by_hash
        self._regions = (
            self._file_regions
            | frozenset(r.region for r in self._issued.values() if r.region != "*")
            | frozenset(self._created)
        )
        self._merged = True

    # ------------------------------------------------------------------ the bucket's records

    def put_issued(self, record: KeyRecord) -> None:
        """A record of the bucket, new or changed."""
        self._issued[record.name] = record
        self._merged = False

    def drop_issued(self, name: str) -> None:
        """A record gone from the bucket."""
        if self._issued.pop(name, None) is not None:
            self._merged = False

    def put_region(self, record: RegionRecord) -> None:
        """A region record of the bucket, new or changed."""
        self._created[record.id] = record
        self._merged = False

    def drop_region(self, region: str) -> None:
        """A region record gone from the bucket."""
        if self._created.pop(region, None) is not None:
            self._merged = False

    def region_record(self, region: str) -> RegionRecord | None:
        """The bucket's record of a region created over the API."""
        return self._created.get(region)

    def issued_of(self, region: str) -> list[KeyRecord]:
        """The bucket's records of a region's keys (not the key file's)."""
        return sorted((r for r in self._issued.values() if r.region == region), key=lambda r: r.name)

    def file_regions(self) -> frozenset[str]:
        """The regions the key file names."""
        self._read_file()
        return self._file_regions

    # ------------------------------------------------------------------ reading

    def regions(self) -> frozenset[str]:
        """The regions that exist: every region a key names, and the file's list of regions."""
        self._load()
        return self._regions

    def issued(self, name: str) -> KeyRecord | None:
        """The bucket's record of that name, as this process knows it."""
        return self._issued.get(name)

    def in_file(self, name: str) -> KeyRecord | None:
        """The key file's key of that name."""
        self._read_file()
        return next((r for r in self._file if r.name == name), None)

    def records(self, region: str) -> list[KeyRecord]:
        """A region's keys from both places, by name: the bucket's record where there is one (a
        file's key revoked over the API is its record in the bucket), else the file's."""
        self._read_file()
        issued = [r for r in self._issued.values() if r.region == region]
        seen = {(r.name, r.sha256) for r in issued}
        from_file = [r for r in self._file if r.region == region and (r.name, r.sha256) not in seen]
        return sorted([*issued, *from_file], key=lambda r: (r.name, r.origin))

    def lookup(self, key: str, now: datetime | None = None) -> Principal | None:
        """The key's identity; None for an unknown key; :class:`KeyRejected` for one that ended."""
        self._load()
        entry = self._by_hash.get(hash_key(key))
        if entry is None:
            return None
        if entry.revoked:
            raise KeyRejected(said("problem_detail_key_revoked"))
        if entry.expires is not None and entry.expires <= (now or datetime.now(entry.expires.tzinfo)):
            raise KeyRejected(said("problem_detail_key_expired"))
        return entry.principal


class RemoteKeys:
    """The identity provider's public keys, fetched from its JWKS URL and kept.

    Fetched when a token needs them: on the first token, and when a token names a key id (``kid``)
    the kept set lacks (the provider rotated its keys), but never more often than once per
    ``refetch_seconds``, so tokens with made-up key ids cannot drive a storm of fetches. A set
    older than ``max_age_seconds`` is fetched again in the background while the kept one serves.
    A fetch that fails (the provider unreachable, an answer that is no key set) keeps the keys
    there were: tokens signed with them still verify. Fetching never blocks the event loop: it is
    an async request with a timeout, and requests that need the same fetch wait for the one."""

    TIMEOUT_SECONDS = 5.0

    def __init__(
        self,
        url: str,
        *,
        refetch_seconds: float = 30.0,
        max_age_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.refetch_seconds = refetch_seconds
        self.max_age_seconds = max_age_seconds
        self.clock = clock
        self.keys: dict[str | None, Any] = {}
        self.fetches = 0
        """Fetches attempted so far (the tests count them)."""
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock = asyncio.Lock()
        self._background: asyncio.Task[None] | None = None

    def may_fetch(self) -> bool:
        """Whether a fetch is allowed now: none was tried within ``refetch_seconds``."""
        return self._tried_at is None or self.clock() - self._tried_at >= self.refetch_seconds

    def stale(self) -> bool:
        return self._fetched_at is None or self.clock() - self._fetched_at >= self.max_age_seconds

    async def refresh(self) -> None:
        """Fetch the key set, if allowed now (see :meth:`may_fetch`). Requests that ask at once
        share one fetch: a caller that waited while another fetched finds it done."""
        async with self._lock:
            if not self.may_fetch():
                return
            self._tried_at = self.clock()
            self.fetches += 1
            try:
                keys = await self._fetch()
            except Exception as exc:
                log.warning(
                    "bearer tokens: the identity provider's keys could not be fetched from %s (%r); "
                    "the %d kept keys serve meanwhile",
                    self.url,
                    exc,
                    len(self.keys),
                )
                return
            self.keys = keys
            self._fetched_at = self.clock()

    async def _fetch(self) -> dict[str | None, Any]:
        import httpx
        import jwt

        async with httpx.AsyncClient(timeout=self.TIMEOUT_SECONDS, follow_redirects=False) as client:
            response = await client.get(self.url, headers={"Accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        jwks = jwt.PyJWKSet.from_dict(document)
        return {k.key_id: k for k in jwks.keys}

    async def prepare(self, kid: str | None) -> None:
        """Have the keys a token with key id ``kid`` needs, as far as the rules allow: fetched
        when there are none yet or ``kid`` is unknown; fetched again in the background when old."""
        if not self.keys or (kid is not None and kid not in self.keys):
            await self.refresh()
        elif self.stale() and self.may_fetch() and (self._background is None or self._background.done()):
            self._background = asyncio.create_task(self.refresh(), name="jwks-refresh")


class BearerTokens:
    """Verifies people's JWTs against the configured JWKS, issuer and audience.

    The keys come from a JWKS file (re-read when it changes) or from the identity provider's JWKS
    URL (:class:`RemoteKeys`). With either configured, an issuer and an audience must be too
    (:class:`ValueError` otherwise, naming the setting): a token is only as good as the issuer it
    is checked against, and without one, a token any issuer signed with a key of the set would
    pass."""

    ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]

    def __init__(
        self,
        jwks_file: Path | None,
        issuer: str | None,
        audience: str,
        *,
        jwks_url: str | None = None,
        refetch_seconds: float = 30.0,
        max_age_seconds: float = 300.0,
    ) -> None:
        if jwks_file is not None and jwks_url is not None:
            raise ValueError(
                "KRAFTSAMLA_JWT_JWKS_FILE and KRAFTSAMLA_JWT_JWKS_URL are both set: set one of them."
            )
        if jwks_file is not None or jwks_url is not None:
            missing_setting("KRAFTSAMLA_JWT_ISSUER", issuer)
            missing_setting("KRAFTSAMLA_JWT_AUDIENCE", audience)
        self.jwks_file = jwks_file
        self.remote = (
            RemoteKeys(
                jwks_url_checked(jwks_url), refetch_seconds=refetch_seconds, max_age_seconds=max_age_seconds
            )
            if jwks_url is not None
            else None
        )
        self.issuer = issuer
        self.audience = audience
        self._mtime: float | None = None
        self._keys: dict[str | None, Any] = {}

    @property
    def configured(self) -> bool:
        if self.remote is not None:
            return True
        return self.jwks_file is not None and self.jwks_file.exists()

    def _load(self) -> dict[str | None, Any]:
        if self.remote is not None:
            return self.remote.keys
        import jwt  # with the cryptography it needs, loaded on the first token, not at every start

        assert self.jwks_file is not None
        mtime = self.jwks_file.stat().st_mtime
        if mtime != self._mtime:
            jwks = jwt.PyJWKSet.from_dict(json.loads(self.jwks_file.read_text()))
            self._keys = {k.key_id: k for k in jwks.keys}
            self._mtime = mtime
        return self._keys

    def verify(self, token: str) -> Principal:
        """The token's identity, checked against the keys there are now (nothing is fetched: see
        :meth:`verified`); raises :class:`jwt.InvalidTokenError` (or KeyError: a key id not in the
        set) if it is not valid."""
        import jwt

        if not self.issuer or not self.audience:  # refused at start; never verify without them
            raise jwt.InvalidTokenError("no issuer or audience to check the token against")
        keys = self._load()
        kid = jwt.get_unverified_header(token).get("kid")
        if kid is not None:
            return self._decode(token, keys[kid])
        # No key id (some providers leave it out): each key of the set in turn, those of another
        # algorithm passed over; a signature none of them checks is InvalidSignatureError.
        if not keys:
            raise KeyError("no keys to verify the token with")
        for key in keys.values():
            try:
                return self._decode(token, key)
            except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError):
                continue
        raise jwt.InvalidSignatureError("no key of the set checks the token's signature")

    def _decode(self, token: str, key: Any) -> Principal:
        import jwt

        claims = jwt.decode(
            token,
            key,
            algorithms=self.ALGORITHMS,
            audience=self.audience,
            issuer=self.issuer,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
        role = Role(claims["role"])
        if role is Role.INTEGRATOR:
            raise jwt.InvalidTokenError("integrators authenticate with API keys")
        region = str(claims["region"])
        if (region == "*") != (role is Role.OPERATOR):
            raise jwt.InvalidTokenError("only an operator's token is for every region")
        organisation = claims.get("organisation")
        return Principal(
            name=f"user:{claims['sub']}",
            region=region,
            role=role,
            organisation=str(organisation) if organisation else None,
        )

    async def verified(self, token: str) -> Principal:
        """:meth:`verify`, with the keys fetched first where they come from a URL: a token whose
        key is not among those kept (a key id the set lacks, or, without a key id, a signature
        none of them checks) has the set fetched again, as :class:`RemoteKeys` allows, and is
        checked once more."""
        remote = self.remote
        if remote is None:
            return self.verify(token)
        import jwt

        kid = jwt.get_unverified_header(token).get("kid")  # DecodeError: not a token at all
        await remote.prepare(kid)
        try:
            return self.verify(token)
        except (KeyError, jwt.InvalidSignatureError):
            if remote.may_fetch():
                await remote.refresh()
                return self.verify(token)
            raise


_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="API key of a person or system"
)


_basic = HTTPBasic(
    auto_error=False,
    realm="Kraftsamla",
    description="For browsers: the API key as the password (any user name)",
)
_bearer = HTTPBearer(auto_error=False, description="A person's token (JWT) from the identity provider")

KEY_CHALLENGE = 'Basic realm="Kraftsamla", charset="UTF-8"'
"""Browsers ask for the key on this challenge; API clients send X-API-Key without being asked."""
TOKEN_CHALLENGE = 'Bearer realm="Kraftsamla"'
"""Offered beside the key's where bearer tokens are accepted, to a request that sent nothing."""
INVALID_TOKEN = 'Bearer realm="Kraftsamla", error="invalid_token"'
"""To a bearer token that was sent and is not valid (expired, another issuer, …): RFC 6750, 3.1."""


@dataclass(frozen=True)
class Credentials:
    """What a request offers to say who it is: an API key (``X-API-Key``, or the password of HTTP
    Basic authentication) and a bearer token (``Authorization: Bearer``)."""

    key: str | None = None
    token: str | None = None


def credentials_of(headers: Mapping[str, str]) -> Credentials:
    """A request's credentials, read from its headers as the security schemes of the OpenAPI
    document (and :func:`authenticate`'s dependencies) read them. A Basic header that cannot be
    decoded is refused (401), as FastAPI's ``HTTPBasic`` refuses it."""
    key = headers.get("x-api-key") or None
    scheme, param = get_authorization_scheme_param(headers.get("authorization"))
    if scheme.lower() == "bearer":
        return Credentials(key=key, token=param or None)
    if scheme.lower() == "basic" and key is None:
        try:
            user_pass = b64decode(param).decode("ascii")
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise _unauthorized(said("problem_detail_key_invalid"), KEY_CHALLENGE) from None
        _, separator, password = user_pass.partition(":")
        if not separator:
            raise _unauthorized(said("problem_detail_key_invalid"), KEY_CHALLENGE)
        return Credentials(key=password or None)
    return Credentials(key=key)


def _unauthorized(detail: Said, *challenges: str) -> Problem:
    return Problem(Kind.UNAUTHORIZED, detail, challenges=challenges)


async def identify(credentials: Credentials, keys: ApiKeys, tokens: BearerTokens) -> Principal:
    """Who a request's credentials name; :class:`Problem` 401 (with its challenges) when they name
    no one: none given, an unknown, expired or revoked key, a token that is not valid. An API key
    wins over a token sent with it."""
    if credentials.token is not None and not credentials.key:
        if not tokens.configured:
            raise _unauthorized(said("problem_detail_bearer_not_accepted"), KEY_CHALLENGE)
        import jwt

        try:
            return await tokens.verified(credentials.token)
        except jwt.ExpiredSignatureError:
            raise _unauthorized(said("problem_detail_token_expired"), INVALID_TOKEN) from None
        except (jwt.InvalidTokenError, KeyError, ValueError, StopIteration):
            raise _unauthorized(said("problem_detail_token_invalid"), INVALID_TOKEN) from None
    if not credentials.key:
        offered = (KEY_CHALLENGE, TOKEN_CHALLENGE) if tokens.configured else (KEY_CHALLENGE,)
        raise _unauthorized(said("problem_detail_no_credentials"), *offered)
    try:
        found = keys.lookup(credentials.key)
    except KeyRejected as exc:
        raise _unauthorized(exc.reason, KEY_CHALLENGE) from None
    if found is None:
        raise _unauthorized(said("problem_detail_key_invalid"), KEY_CHALLENGE)
    return found


async def authenticate(
    request: Request,
    key: Annotated[str | None, Depends(_api_key_header)],
    basic: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller (401 when there is none). :class:`AuthenticateFirst` has normally found them
    already, from the same headers before the body was read, and left them in the request's state;
    otherwise (an app without the middleware) they are found here."""
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):
        return known
    credentials = Credentials(
        key=key or (basic.password if basic else None) or None,
        token=bearer.credentials if bearer else None,
    )
    found = await identify(credentials, request.app.state.api_keys, request.app.state.bearer_tokens)
    request.state.principal = found
    return found


class AuthenticateFirst:
    """ASGI middleware: a request to a route that needs a caller is authenticated from its headers
    before anything reads its body, and answered 401 (problem details, with its
    ``WWW-Authenticate`` challenges) without reading it. FastAPI reads and parses a body before it
    resolves a route's dependencies, so without this a caller with no key could have the service
    parse 15 MB of JSON, or learn that their body was malformed (400) before being told who they
    are not.

    The routes that need a caller are those whose dependencies include :func:`authenticate` (every
    route of a service's router; not health, readiness, metrics or the documentation); a request
    to any path one of them answers is authenticated here, whatever its method. The caller found
    is left in the request's state (``request.state.principal``), where :func:`authenticate` takes
    it rather than verifying the same credentials again. Who may do what (region, role) is decided
    where it was, by each route's scope dependency.

    The app never sees a body it answered 401 to. Within the body limit (``max_body_bytes``) the
    connection is kept: the server throws the rest of the body away as it arrives, without parsing
    it, and a client that sends its whole body before reading gets its 401 rather than a connection
    reset. A body declared over the limit, or chunked (of no known length), has the connection
    closed instead (``Connection: close``), so that no more of it is taken in at all."""

    def __init__(self, app: ASGIApp, max_body_bytes: int | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self._guarded: re.Pattern[str] | None = None

    def guards(self, scope: AsgiScope) -> bool:
        if self._guarded is None:
            self._guarded = guarded_paths(scope["app"].router.routes)
        return self._guarded.match(get_route_path(scope)) is not None

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.guards(scope):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        request_headers = Headers(scope=scope)
        try:
            principal = await identify(credentials_of(request_headers), state.api_keys, state.bearer_tokens)
        except Problem as problem:
            await answer_early(scope, problem, self._closing(request_headers))(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    def _closing(self, request_headers: Headers) -> dict[str, str]:
        """``Connection: close`` for a body of no known length or one declared over the limit."""
        declared = request_headers.get("content-length")
        if "transfer-encoding" in request_headers or (declared is not None and not declared.isdigit()):
            return {"Connection": "close"}
        if declared is not None and self.max_body_bytes is not None and int(declared) > self.max_body_bytes:
            return {"Connection": "close"}
        return {}


def _authenticates(dependant: Any) -> bool:
    stack = [dependant]
    while stack:
        dep = stack.pop()
        if dep.call is authenticate:
            return True
        stack.extend(dep.dependencies)
    return False


def guarded_paths(routes: Iterable[Any]) -> re.Pattern[str]:
    """One pattern matching every path that a route needing a caller answers (see
    :class:`AuthenticateFirst`), from the routes' own path patterns."""
    patterns = []
    for route in routes:
        for context in getattr(route, "effective_route_contexts", lambda r=route: [r])():
            dependant = getattr(context, "dependant", None)
            if dependant is not None and _authenticates(dependant):
                patterns.append(re.sub(r"\(\?P<\w+>", "(?:", context.path_regex.pattern))
    return re.compile("|".join(f"(?:{p})" for p in dict.fromkeys(patterns)) or r"(?!)")


Caller = Annotated[Principal, Depends(authenticate)]


@dataclass(frozen=True)
class Scope:
    """The region a request acts in, and who acts."""

    region: str
    principal: Principal


RegionParam = Annotated[
    str, PathParam(pattern=REGION_PATTERN, description="Region id, e.g. jamtland-harjedalen")
]


def region_exists(request: Request, region: str) -> bool:
    """Whether ``region`` is one of the platform's (see the module docstring)."""
    keys: ApiKeys = request.app.state.api_keys
    return region in keys.regions()


def region_scope(*roles: Role) -> Callable[..., Coroutine[Any, Any, Scope]]:
    """A dependency that admits callers of the path's region holding one of ``roles``.

    In this order: who calls (401), whether they may see the region, and whether it exists (both
    404 "Region … was not found", one answer, so a caller of another region learns nothing), then
    the role (403). The roles are kept on the dependency (``.roles``): the route table states, for
    every route, who may call it, and the authorization tests read it from there."""

    async def dependency(request: Request, region: RegionParam, principal: Caller) -> Scope:
        if not principal.can_see(region):
            raise RegionNotFound(region)
        if principal.region != region and not region_exists(request, region):
            raise RegionNotFound(region)
        if principal.role not in roles:
            raise Forbidden(said("problem_detail_role", role=principal.role.value))
        return Scope(region=region, principal=principal)

    dependency.roles = frozenset(roles)  # type: ignore[attr-defined]
    return dependency


def platform_scope(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency for the few routes outside any region (the operator's list of regions): it
    admits callers holding one of ``roles`` (kept as ``.roles``, as :func:`region_scope` does)."""

    async def dependency(principal: Caller) -> Principal:
        if principal.role not in roles:
            raise Forbidden(said("problem_detail_role", role=principal.role.value))
        return principal

    dependency.roles = frozenset(roles)  # type: ignore[attr-defined]
    return dependency


ReadScope = Annotated[Scope, Depends(region_scope(*READERS))]
EditScope = Annotated[Scope, Depends(region_scope(*EDITORS))]
LeadScope = Annotated[Scope, Depends(region_scope(*EDITORS, Role.ASSESSOR))]
"""Region administrators and process leaders (assessors), who follow up plans and partnerships day to day."""
