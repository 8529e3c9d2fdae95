"""What the routes of the plans API share: a router under the region, who leads, If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path

from kraftsamla_common import errors
from kraftsamla_common.auth import EDITORS, Role, Scope, region_scope
from kraftsamla_common.service import MAX_OFFSET

PREFIX = "/plans/regions/{region}"


def resource_router() -> APIRouter:
    """A resource's router. Its routes carry their whole template (``/plans/regions/{region}/…``) as
    their path, as the audit log and the traces record it; a prefix given only where routers are
    gathered would leave each route its own, shorter path."""
    return APIRouter(prefix=PREFIX)


LeadScope = Annotated[Scope, Depends(region_scope(*EDITORS, Role.ASSESSOR))]
"""Region administrators and process leaders (assessors), who follow up the plans day to day."""

IfMatch = Annotated[str | None, Header(description="ETag of the object this edit is based on")]

NEEDS_MATCH = errors.responses(412, 428)
"""The answers of a write that must name its revision in If-Match: 428 without it, 412 when stale."""
CHECKS_MATCH = errors.responses(412)
"""The answer of a write that checks If-Match when it is sent: 412 when stale."""

VersionNumber = Annotated[int, Path(ge=0, le=MAX_OFFSET, description="A published version's number")]
