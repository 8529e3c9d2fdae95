"""Who may call what (the roles of each group of routes), and the Idempotency-Key of intake."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kraftsamla_common.auth import READERS, Role, Scope, region_scope
from kraftsamla_common.messaging import UnitOfWork

from ..usecases.idempotency import Replayed, answer_once

IntakeScope = Annotated[Scope, Depends(region_scope(Role.OPERATOR, Role.ADMIN, Role.INTEGRATOR))]
ApplicationScope = Annotated[Scope, Depends(region_scope(*READERS, Role.INTEGRATOR))]
"""Applications and their assessments: an integrator sees only its own funding system's."""
ReadScope = Annotated[Scope, Depends(region_scope(*READERS))]
ReviewScope = Annotated[Scope, Depends(region_scope(Role.ADMIN, Role.ASSESSOR))]
RubricScope = Annotated[Scope, Depends(region_scope(Role.ADMIN))]
WebhookScope = Annotated[Scope, Depends(region_scope(Role.ADMIN, Role.INTEGRATOR))]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Any unique string (e.g. a UUID); a retry with the same key and body gets the first "
        "answer again, for 24 hours",
    ),
]


def own_source(scope: Scope) -> str | None:
    """The funding system an integrator is bound to (None: the caller sees every source)."""
    return scope.principal.source if scope.principal.role is Role.INTEGRATOR else None


async def idempotent(
    uow: UnitOfWork,
    scope: Scope,
    key: str | None,
    request: Request,
    response: Response,
    answer: Callable[[], Awaitable[tuple[int, BaseModel]]],
) -> Any:
    """``answer()``'s status code and body, or, for a retry with the same Idempotency-Key and body,
    the first answer again (header ``Idempotent-Replayed: true``)."""
    raw = await request.body()
    result = await answer_once(uow, key, raw, principal=scope.principal.name, answer=answer)
    if isinstance(result, Replayed):
        return JSONResponse(
            result.response, status_code=result.status_code, headers={"Idempotent-Replayed": "true"}
        )
    response.status_code, body = result
    return body
