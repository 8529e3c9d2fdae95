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
* **Bearer tokens** (``Authorization: Bearer <JWT>``), as an OpenID Connect provider issues them
  for people: signed with a key of the configured JWKS (``KRAFTSAMLA_JWT_JWKS_FILE``; RS256,
  ES256 or EdDSA, never a shared secret), with ``iss`` = ``KRAFTSAMLA_JWT_ISSUER``, ``aud``
  containing ``KRAFTSAMLA_JWT_AUDIENCE``, ``exp``, ``sub``, and the claims ``region`` and
  ``role``.

Every domain route is addressed as ``/<service>/regions/{region}/…``. The regions that exist are
the ones the key file names: the region of every key in it (revoked and expired ones too: their
region's data is still there), and those of its optional list ``"regions": ["lappi", …]`` (a
region whose people sign in with tokens only, or one set up before its first key;
``python -m kraftsamla_common.apikeys add-region``). Every service reads the same file, so they
agree. An operator (region ``*``) may address every region that exists; another region answers
404 "Region … was not found". A caller of one region asking for another gets that same answer,
whether the other exists or not, so nothing leaks; a caller's own region is one that exists.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)

from .errors import Forbidden, Kind, Problem, RegionNotFound, Said, said
from .events import REGION_PATTERN


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

    def can_see(self, region: str) -> bool:
        return self.role is Role.OPERATOR or self.region == region


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class KeyEntry:
    principal: Principal
    expires: datetime | None
    revoked: bool


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
    """The key file, re-read when it changes so keys can be added and revoked without a restart."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._mtime: float | None = None
        self._by_hash: dict[str, KeyEntry] = {}
        self._regions: frozenset[str] = frozenset()

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            self._by_hash = {}
            self._regions = frozenset()
            self._mtime = None
            return
        mtime = self.path.stat().st_mtime
        if mtime == self._mtime:
            return
        doc = json.loads(self.path.read_text())
        self._by_hash = {
            k["sha256"]: KeyEntry(
                Principal(name=k["name"], region=k["region"], role=Role(k["role"]), source=k.get("source")),
                datetime.fromisoformat(k["expires"]) if k.get("expires") else None,
                bool(k.get("revoked", False)),
            )
            for k in doc.get("keys", [])
        }
        self._regions = regions_of(doc)
        self._mtime = mtime

    def regions(self) -> frozenset[str]:
        """The regions that exist: every region a key names, and the file's list of regions."""
        self._load()
        return self._regions

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


class BearerTokens:
    """Verifies people's JWTs against the configured JWKS, issuer and audience."""

    ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]

    def __init__(self, jwks_file: Path | None, issuer: str | None, audience: str) -> None:
        self.jwks_file = jwks_file
        self.issuer = issuer
        self.audience = audience
        self._mtime: float | None = None
        self._keys: dict[str | None, Any] = {}

    @property
    def configured(self) -> bool:
        return self.jwks_file is not None and self.jwks_file.exists()

    def _load(self) -> None:
        import jwt  # with the cryptography it needs, loaded on the first token, not at every start

        assert self.jwks_file is not None
        mtime = self.jwks_file.stat().st_mtime
        if mtime != self._mtime:
            jwks = jwt.PyJWKSet.from_dict(json.loads(self.jwks_file.read_text()))
            self._keys = {k.key_id: k for k in jwks.keys}
            self._mtime = mtime

    def verify(self, token: str) -> Principal:
        """The token's identity; raises :class:`jwt.InvalidTokenError` (or KeyError) if it is not valid."""
        import jwt

        self._load()
        kid = jwt.get_unverified_header(token).get("kid")
        key = self._keys[kid] if kid is not None else next(iter(self._keys.values()))
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
        return Principal(name=f"user:{claims['sub']}", region=region, role=role)


_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="API key of a person or system"
)


_basic = HTTPBasic(
    auto_error=False,
    realm="Kraftsamla",
    description="For browsers: the API key as the password (any user name)",
)
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Kraftsamla", charset="UTF-8"'}
BEARER = {"WWW-Authenticate": 'Bearer realm="Kraftsamla", error="invalid_token"'}
"""Browsers ask for the key on this challenge; API clients send X-API-Key without being asked."""


_bearer = HTTPBearer(auto_error=False, description="A person's token (JWT) from the identity provider")


async def authenticate(
    request: Request,
    key: Annotated[str | None, Depends(_api_key_header)],
    basic: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if bearer is not None and not key:
        tokens: BearerTokens = request.app.state.bearer_tokens
        if not tokens.configured:
            raise Problem(Kind.UNAUTHORIZED, said("problem_detail_bearer_not_accepted"))
        import jwt

        try:
            principal = tokens.verify(bearer.credentials)
        except jwt.ExpiredSignatureError:
            raise Problem(Kind.UNAUTHORIZED, said("problem_detail_token_expired"), headers=BEARER) from None
        except (jwt.InvalidTokenError, KeyError, ValueError, StopIteration):
            raise Problem(Kind.UNAUTHORIZED, said("problem_detail_token_invalid"), headers=BEARER) from None
        request.state.principal = principal
        return principal
    key = key or (basic.password if basic else None)
    if not key:
        raise Problem(Kind.UNAUTHORIZED, said("problem_detail_no_credentials"), headers=CHALLENGE)
    keys: ApiKeys = request.app.state.api_keys
    try:
        found = keys.lookup(key)
    except KeyRejected as exc:
        raise Problem(Kind.UNAUTHORIZED, exc.reason, headers=CHALLENGE) from None
    if found is None:
        raise Problem(Kind.UNAUTHORIZED, said("problem_detail_key_invalid"), headers=CHALLENGE)
    request.state.principal = found
    return found


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
