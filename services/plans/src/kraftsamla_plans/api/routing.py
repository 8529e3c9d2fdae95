"""What the routes of the plans API share: their router under the region, who leads, If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header

from kraftsamla_common.auth import EDITORS, Role, Scope, region_scope

router = APIRouter(prefix="/plans/regions/{region}", tags=["plans"])
"""The routes of every resource of the API (one module each) are declared on this one router, so
that each route's own path is its whole template (``/plans/regions/{region}/programmes``), as
the audit log records it: a router included in another keeps its own, shorter paths."""

LeadScope = Annotated[Scope, Depends(region_scope(*EDITORS, Role.ASSESSOR))]
"""Region administrators and process leaders (assessors), who follow up the plans day to day."""

IfMatch = Annotated[str | None, Header(description="ETag of the object this edit is based on")]
