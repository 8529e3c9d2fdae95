"""The region's rubric: the current one (with its ETag), its versions, and publishing a new one."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Response, status

from kraftsamla_common import errors
from kraftsamla_common.service import MAX_OFFSET, UowDep, region_router

from ..schemas import RubricCreate, RubricPublic, RubricsPublic
from ..usecases import rubrics
from .presenting import rubric_public
from .scopes import ReadScope, RubricScope

router = region_router("assessment")


@router.get("/rubric", response_model=RubricPublic)
async def get_rubric(scope: ReadScope, uow: UowDep, response: Response) -> RubricPublic:
    """The region's current rubric; version 0 is the platform's default until the region publishes its own."""
    version, rubric, row = await rubrics.current_rubric(uow)
    response.headers["ETag"] = f'"{version}"'
    return rubric_public(version, rubric, row)


@router.get("/rubric/versions", response_model=RubricsPublic)
async def list_rubrics(scope: ReadScope, uow: UowDep) -> RubricsPublic:
    rows = await rubrics.list_rubrics(uow)
    return RubricsPublic(data=[rubric_public(r.version, r.content, r) for r in rows], count=len(rows))


@router.get("/rubric/versions/{version}", response_model=RubricPublic)
async def get_rubric_version(
    version: Annotated[int, Path(ge=0, le=MAX_OFFSET)], scope: ReadScope, uow: UowDep
) -> RubricPublic:
    rubric, row = await rubrics.get_rubric_version(uow, version)
    return rubric_public(version, rubric, row)


@router.post(
    "/rubric/versions",
    response_model=RubricPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors.responses(412),
)
async def publish_rubric(
    body: RubricCreate,
    scope: RubricScope,
    uow: UowDep,
    response: Response,
    if_match: Annotated[
        str | None, Header(alias="If-Match", description="ETag of the current rubric")
    ] = None,
) -> RubricPublic:
    """Publish a new version of the region's rubric (criteria, weights, scale, thresholds). Every
    open application is then reassessed with it. Send the current rubric's ETag in If-Match to be
    sure nobody published in between (412 if someone did)."""
    row = await rubrics.publish_rubric(uow, body.rubric, by=scope.principal.name, if_match=if_match)
    response.headers["ETag"] = f'"{row.version}"'
    return rubric_public(row.version, body.rubric, row)
