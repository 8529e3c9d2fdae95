"""API-key authentication and region scoping.

A key maps to an identity with a region and a role. Keys are stored as SHA-256 hashes in a
JSON file (``KRAFTSAMLA_API_KEYS_FILE``)::

    {"keys": [{"name": "jh-admin", "sha256": "<hex>", "region": "jamtland-harjedalen", "role": "admin"}]}

People in a browser give the same key as the password of HTTP Basic authentication (any user
name): the browser asks for it once and sends it with every page, link and download.

Every domain route is addressed as ``/<service>/regions/{region}/…``; a caller of another
region gets 404, as if the region held nothing, so nothing leaks. An operator (region ``*``)
may address every region.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.security import APIKeyHeader, HTTPBasic, HTTPBasicCredentials

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

    def can_see(self, region: str) -> bool:
        return self.role is Role.OPERATOR or self.region == region


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeys:
    """The key file, re-read when it changes so keys can be added without a restart."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._mtime: float | None = None
        self._by_hash: dict[str, Principal] = {}

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            self._by_hash = {}
            return
        mtime = self.path.stat().st_mtime
        if mtime == self._mtime:
            return
        doc = json.loads(self.path.read_text())
        self._by_hash = {
            k["sha256"]: Principal(name=k["name"], region=k["region"], role=Role(k["role"]))
            for k in doc.get("keys", [])
        }
        self._mtime = mtime

    def lookup(self, key: str) -> Principal | None:
        self._load()
        return self._by_hash.get(hash_key(key))


_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="API key of a person or system"
)


_basic = HTTPBasic(
    auto_error=False,
    realm="Kraftsamla",
    description="For browsers: the API key as the password (any user name)",
)
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Kraftsamla", charset="UTF-8"'}
"""Browsers ask for the key on this challenge; API clients send X-API-Key without being asked."""


async def authenticate(
    request: Request,
    key: Annotated[str | None, Depends(_api_key_header)],
    basic: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> Principal:
    key = key or (basic.password if basic else None)
    if not key:
        raise Problem(
            401,
            "Unauthorized",
            "Send an API key in the X-API-Key header (or, from a browser, as the Basic password).",
            headers=CHALLENGE,
        )
    keys: ApiKeys = request.app.state.api_keys
    principal = keys.lookup(key)
    if principal is None:
        raise Problem(401, "Unauthorized", "The API key is not valid.", headers=CHALLENGE)
    request.state.principal = principal
    return principal


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
    """A dependency that admits callers of the path's region holding one of ``roles``."""

    async def dependency(region: RegionParam, principal: Caller) -> Scope:
        if not principal.can_see(region):
            raise NotFound("Region", region)
        if principal.role not in roles:
            raise Problem(403, "Forbidden", f"The role {principal.role.value} may not do this.")
        return Scope(region=region, principal=principal)

    return dependency


ReadScope = Annotated[Scope, Depends(region_scope(*READERS))]
EditScope = Annotated[Scope, Depends(region_scope(*EDITORS))]
