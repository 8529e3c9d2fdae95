"""The region's API keys: issued (the key shown once), listed (never the key) and revoked by the
region's administrators and the platform operator. Every service accepts or refuses a key within
moments of its change here."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response, status

from kraftsamla_common import errors
from kraftsamla_common.service import ContextDep, PageDep, UowDep, region_router

from ..domain.api_keys import MAX_NAME, NAME_PATTERN
from ..schemas import ApiKeyCreate, ApiKeyPublic, ApiKeysPublic, NewApiKeyPublic
from ..usecases import api_keys
from .presenting import api_key_public
from .scopes import KeysScope

router = region_router("assessment")

KeyName = Annotated[str, Path(pattern=NAME_PATTERN, max_length=MAX_NAME, description="The key's name")]


@router.get("/api-keys", response_model=ApiKeysPublic)
async def list_api_keys(scope: KeysScope, ctx: ContextDep, page: PageDep) -> ApiKeysPublic:
    """The region's keys, by name: those issued here and those of the platform's key file, each
    with its role, funding system, state, when it was issued and by whom, when it expires or was
    revoked, and its last four characters. Never a key itself."""
    records, total = api_keys.list_api_keys(ctx.api_keys, scope.region, page)
    return ApiKeysPublic(data=[api_key_public(r) for r in records], count=total)


@router.post(
    "/api-keys",
    response_model=NewApiKeyPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors.responses(409, 503),
)
async def issue_api_key(
    body: ApiKeyCreate, scope: KeysScope, uow: UowDep, ctx: ContextDep, response: Response
) -> NewApiKeyPublic:
    """Issue a key of the region: ``admin``, ``assessor``, ``viewer``, or ``integrator`` with its
    funding system (``source``). The key is in this answer only, and kept nowhere: only its SHA-256.
    Every service of the platform accepts it within moments. A name is unique on the platform and
    given once (409 otherwise, also for a revoked key's name)."""
    record, key = await api_keys.issue_api_key(uow, ctx.api_keys, ctx.key_bucket, body, by=scope.principal)
    response.headers["Location"] = f"/assessment/regions/{scope.region}/api-keys/{record.name}"
    return NewApiKeyPublic(**api_key_public(record).model_dump(), key=key)


@router.get("/api-keys/{name}", response_model=ApiKeyPublic)
async def get_api_key(name: KeyName, scope: KeysScope, ctx: ContextDep) -> ApiKeyPublic:
    return api_key_public(api_keys.get_api_key(ctx.api_keys, scope.region, name))


@router.post("/api-keys/{name}/revoke", response_model=ApiKeyPublic, responses=errors.responses(409, 503))
async def revoke_api_key(name: KeyName, scope: KeysScope, uow: UowDep, ctx: ContextDep) -> ApiKeyPublic:
    """Revoke a key of the region, whether it was issued here or in the platform's key file: every
    service refuses it within moments. Revoking a revoked key changes nothing and answers it again."""
    record = await api_keys.revoke_api_key(uow, ctx.api_keys, ctx.key_bucket, name, by=scope.principal)
    return api_key_public(record)
