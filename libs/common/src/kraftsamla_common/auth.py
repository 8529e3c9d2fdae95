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

Every domain route is addressed as ``/<service>/regions/{region}/…``; a caller of another
region gets 404, as if the region held nothing, so nothing leaks. An operator (region ``*``)
may address every region.
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

from .errors import NotFound, Problem
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


class KeyRejected(Exception):
    """A key that exists but may no longer be used (expired or revoked)."""


class ApiKeys:
    """The key file, re-read when it changes so keys can be added and revoked without a restart."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._mtime: float | None = None
        self._by_hash: dict[str, KeyEntry] = {}

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            self._by_hash = {}
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
        self._mtime = mtime

    def lookup(self, key: str, now: datetime | None = None) -> Principal | None:
        """The key's identity; None for an unknown key; :class:`KeyRejected` for one that ended."""
        self._load()
        entry = self._by_hash.get(hash_key(key))
        if entry is None:
            return None
        if entry.revoked:
            raise KeyRejected("The API key has been revoked.")
        if entry.expires is not None and entry.expires <= (now or datetime.now(entry.expires.tzinfo)):
            raise KeyRejected("The API key has expired.")
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
            raise Problem(401, "Unauthorized", "Bearer tokens are not accepted here; send an API key.")
        import jwt

        try:
            principal = tokens.verify(bearer.credentials)
        except jwt.ExpiredSignatureError:
            raise Problem(401, "Unauthorized", "The token has expired.", headers=BEARER) from None
        except (jwt.InvalidTokenError, KeyError, ValueError, StopIteration):
            raise Problem(401, "Unauthorized", "The token is not valid.", headers=BEARER) from None
        request.state.principal = principal
        return principal
    key = key or (basic.password if basic else None)
    if not key:
        raise Problem(
            401,
            "Unauthorized",
            "Send an API key in the X-API-Key header (or, from a browser, as the Basic password), "
            "or a person's token as Authorization: Bearer.",
            headers=CHALLENGE,
        )
    keys: ApiKeys = request.app.state.api_keys
    try:
        found = keys.lookup(key)
    except KeyRejected as exc:
        raise Problem(401, "Unauthorized", str(exc), headers=CHALLENGE) from None
    if found is None:
        raise Problem(401, "Unauthorized", "The API key is not valid.", headers=CHALLENGE)
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


def region_scope(*roles: Role) -> Callable[..., Coroutine[Any, Any, Scope]]:
    """A dependency that admits callers of the path's region holding one of ``roles``.

    The roles are kept on the dependency (``.roles``): the route table states, for every route,
    who may call it, and the authorization tests read it from there."""

    async def dependency(region: RegionParam, principal: Caller) -> Scope:
        if not principal.can_see(region):
            raise NotFound("Region", region)
        if principal.role not in roles:
            raise Problem(403, "Forbidden", f"The role {principal.role.value} may not do this.")
        return Scope(region=region, principal=principal)

    dependency.roles = frozenset(roles)  # type: ignore[attr-defined]
    return dependency


ReadScope = Annotated[Scope, Depends(region_scope(*READERS))]
EditScope = Annotated[Scope, Depends(region_scope(*EDITORS))]
