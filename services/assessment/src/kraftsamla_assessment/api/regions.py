"""The platform's regions, created and deleted by the platform operator: ``POST /assessment/regions``
(the region and its first administrator key, shown once) and ``DELETE
/assessment/regions/{region}?confirm={region}`` (every row, message and key of it, in every service)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from kraftsamla_common import errors
from kraftsamla_common.auth import (
    KeyRecord,
    Principal,
    RegionRecord,
    Role,
    Scope,
    platform_scope,
    region_scope,
)
from kraftsamla_common.errors import Unprocessable
from kraftsamla_common.events import PLATFORM_REGION
from kraftsamla_common.service import ContextDep, unit_of_work_in

from ..schemas import (
    ArchivedKey,
    ArchivedRegion,
    NewApiKeyPublic,
    NewRegionPublic,
    RegionArchiveRecord,
    RegionCreate,
)
from ..usecases import regions
from .presenting import api_key_public

router = APIRouter(tags=["regions"])

Operator = Annotated[Principal, Depends(platform_scope(Role.OPERATOR))]
OperatorScope = Annotated[Scope, Depends(region_scope(Role.OPERATOR))]


@router.post(
    "/assessment/regions",
    response_model=NewRegionPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors.responses(409, 503),
    summary="Create a region (operator)",
)
async def create_region(
    body: RegionCreate, principal: Operator, ctx: ContextDep, request: Request, response: Response
) -> NewRegionPublic:
    """A new region of the platform: every service knows it from moments later. The answer holds
    its first administrator key, shown this once. Its settings (country, municipalities) are then
    set in the actors service (``PUT /actors/regions/{region}/settings``). 409 when the id is taken."""
    async with unit_of_work_in(request, body.id) as uow:
        region, record, key = await regions.create_region(
            uow, ctx.api_keys, ctx.key_bucket, body, by=principal
        )
    response.headers["Location"] = f"/assessment/regions/{region.id}/api-keys"
    return NewRegionPublic(
        **region.model_dump(), admin_key=NewApiKeyPublic(**api_key_public(record).model_dump(), key=key)
    )


@router.delete(
    "/assessment/regions/{region}",
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors.responses(409, 503),
    summary="Delete a region everywhere (operator)",
)
async def delete_region(
    scope: OperatorScope,
    ctx: ContextDep,
    request: Request,
    confirm: Annotated[str, Query(max_length=63, description="The region's id again")],
) -> Response:
    """Delete the region in every service: its keys and its record at once (every service answers
    404 for it from moments later), then every row and every message of it, as each service takes
    the announcement ``assessment.region.deleted.v1``. Export it first if it is to be kept. 422
    unless ``confirm`` repeats the region's id."""
    if confirm != scope.region:
        raise Unprocessable(
            "Repeat the region's id to delete it.",
            [{"loc": ["query", "confirm"], "msg": "must be the region's id", "type": "value_error"}],
        )
    async with unit_of_work_in(request, PLATFORM_REGION) as uow:
        await regions.delete_region(uow, ctx.api_keys, ctx.key_bucket, scope.region, by=scope.principal)
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.get(
    "/assessment/regions/{region}/lifecycle/record",
    response_model=RegionArchiveRecord,
    summary="The region's record and its keys' records, for its archive (operator)",
)
async def region_record(scope: OperatorScope, ctx: ContextDep) -> RegionArchiveRecord:
    """The bucket's record of the region (none for a region of the key file) and of each key it
    issued over the API, hashes included, so that its keys work where the archive is imported."""
    region = ctx.api_keys.region_record(scope.region)
    return RegionArchiveRecord(
        region=ArchivedRegion.model_validate(region.model_dump()) if region else None,
        keys=[ArchivedKey.model_validate(k.model_dump()) for k in ctx.api_keys.issued_of(scope.region)],
    )


@router.post(
    "/assessment/regions/restore",
    status_code=status.HTTP_201_CREATED,
    responses=errors.responses(409, 503),
    summary="Put an archived region's record and keys into this platform (operator)",
)
async def restore_region(body: RegionArchiveRecord, principal: Operator, ctx: ContextDep) -> Response:
    """The first step of importing a region's archive: the region exists in every service from
    moments later, and its keys work. 409 when the region or a key's name exists here."""
    region = RegionRecord.model_validate(body.region.model_dump()) if body.region else None
    keys = [KeyRecord.model_validate(k.model_dump()) for k in body.keys]
    await regions.restore_region(ctx.api_keys, ctx.key_bucket, region, keys)
    return Response(status_code=status.HTTP_201_CREATED)
