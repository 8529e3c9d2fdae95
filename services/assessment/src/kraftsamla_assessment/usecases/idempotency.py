"""Idempotency keys: a POST sent with an ``Idempotency-Key`` is answered once; a retry with the
same key and body (within ``idempotency_ttl_seconds``, 24 hours) gets the first answer again, byte for
byte. Keys older than that are pruned by the retention job (:data:`RETENTION`)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel

from kraftsamla_common.errors import Kind, Problem
from kraftsamla_common.events import utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..persistence.tables import IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)
"""The default of ``idempotency_ttl_seconds``."""

M = TypeVar("M", bound=BaseModel)


class Replayed(NamedTuple):
    """The stored answer to an earlier request with the same key."""

    status_code: int
    response: Any


async def answer_once(
    uow: UnitOfWork,
    key: str | None,
    request_body: bytes,
    *,
    principal: str,
    answer: Callable[[], Awaitable[tuple[int, M]]],
) -> tuple[int, M] | Replayed:
    """The stored answer when ``key`` was used before for this body by this principal (a different
    body or principal is refused); else ``answer()``'s, kept for the key, and committed."""
    digest = hashlib.sha256(request_body).hexdigest() if key is not None else ""
    if key is not None:
        rec = await uow.session.get(IdempotencyRecord, (uow.region, key))
        ttl = timedelta(seconds=uow.settings.idempotency_ttl_seconds)
        if rec is not None and rec.created_at >= utcnow() - ttl:
            if rec.request_hash != digest or rec.principal != principal:
                raise Problem(
                    Kind.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was used for a different request; use a new key for a new request.",
                    errors=[
                        {
                            "pointer": "",
                            "location": "header",
                            "message": "Idempotency-Key reused with another body",
                        }
                    ],
                )
            return Replayed(rec.status_code, rec.response)
    status_code, result = await answer()
    if key is not None:
        rec = await uow.session.get(IdempotencyRecord, (uow.region, key))
        if rec is None:
            rec = IdempotencyRecord(region=uow.region, key=key)
            uow.session.add(rec)
        rec.principal, rec.request_hash = principal, digest
        rec.status_code, rec.response, rec.created_at = status_code, result.model_dump(mode="json"), utcnow()
    await uow.commit()
    return status_code, result
