"""Who may call what (the roles of each group of routes), the Idempotency-Key of intake, and the
language a reader is answered in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kraftsamla_common.auth import READERS, Role, Scope, region_scope
from kraftsamla_common.i18n import Language, Messages, negotiate
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import UowDep

from ..domain.wording import messages
from ..usecases.idempotency import Replayed, answer_once
from ..usecases.read_models import region_language

IntakeScope = Annotated[Scope, Depends(region_scope(Role.OPERATOR, Role.ADMIN, Role.INTEGRATOR))]
ApplicationScope = Annotated[Scope, Depends(region_scope(*READERS, Role.INTEGRATOR))]
"""Applications and their assessments: an integrator sees only its own funding system's."""
ReadScope = Annotated[Scope, Depends(region_scope(*READERS))]
ReviewScope = Annotated[Scope, Depends(region_scope(Role.ADMIN, Role.ASSESSOR))]
RubricScope = Annotated[Scope, Depends(region_scope(Role.ADMIN))]
AdminScope = Annotated[Scope, Depends(region_scope(Role.ADMIN))]
"""Region administrators: assigning applications to assessors."""
WebhookScope = Annotated[Scope, Depends(region_scope(Role.ADMIN, Role.INTEGRATOR))]
KeysScope = Annotated[Scope, Depends(region_scope(Role.OPERATOR, Role.ADMIN))]
"""The region's API keys: its administrators, and the platform operator."""

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


async def reader_language(
    request: Request,
    uow: UowDep,
    language: Annotated[
        Language | None,
        Query(
            description="The language of rationales and summaries (their ``*_parts``): sv, en or fi; "
            "else the Accept-Language header's, else the region's (English where it is not known)"
        ),
    ] = None,
) -> Messages:
    """The messages of the language the caller reads: asked for, else by ``Accept-Language``, else
    the region's."""
    if language is not None:
        return messages(language)
    default = await region_language(uow) or "en"
    return messages(negotiate(request.headers.get("accept-language"), default))


Reader = Annotated[Messages, Depends(reader_language)]
