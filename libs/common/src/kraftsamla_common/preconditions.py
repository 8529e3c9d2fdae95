"""Optimistic concurrency over HTTP, the same in every service: a read answers the object's
``ETag``; a write names the revision it was based on in ``If-Match``. Without one, where a write
must name it, the answer is 428 (``precondition-required``); with one that is no longer current
(someone saved in between) 412 (``precondition-failed``), and nothing is written.

A read may be conditional too: a client that sends the ETag of what it holds in
``If-None-Match`` is answered ``304 Not Modified`` without a body while that is still current
(:func:`still_current`, :func:`not_modified`).

Each service makes its own ETags (an object's id and revision, a version's number); the check and
its problems are these."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Header
from fastapi.responses import Response

from .errors import PreconditionFailed, PreconditionRequired, responses, said

IfMatch = Annotated[str | None, Header(description="ETag of the object this edit is based on")]
"""The ``If-Match`` header of a write, as a route takes it."""
IfNoneMatch = Annotated[
    str | None,
    Header(
        description="ETags of the versions the client holds: answered 304 without a body while one is current"
    ),
]
"""The ``If-None-Match`` header of a read, as a route takes it."""

REVALIDATE = "private, no-cache"
"""A read's ``Cache-Control``: kept by the client that asked (it carries the caller's key), and
asked again with ``If-None-Match`` before it is used."""

NEEDS_MATCH = responses(412, 428)
"""The answers of a write that must name its revision in If-Match: 428 without it, 412 when stale."""
CHECKS_MATCH = responses(412)
"""The answer of a write that checks If-Match when it is sent: 412 when stale."""
CONDITIONAL_READ: dict[int | str, dict[str, object]] = {
    304: {"description": "Not Modified: the version named in If-None-Match is current (no body)"}
}
"""The extra answer of a read that takes If-None-Match."""


def require_match(if_match: str | None, current: str | None, *, required: bool = True) -> None:
    """A write based on the revision ``if_match`` names, ``current`` being the object's ETag now
    (None: there is no object yet, so no ETag matches). Without ``If-Match``: 428 where
    ``required``, else nothing is checked; with a stale one: 412."""
    if if_match is None:
        if required:
            raise PreconditionRequired(said("problem_detail_if_match_missing"))
        return
    if current is None or if_match.strip() != current:
        raise PreconditionFailed(said("problem_detail_changed_since"))


def still_current(if_none_match: str | None, current: str) -> bool:
    """Whether ``If-None-Match`` names ``current`` (RFC 9110 13.1.2: ``*`` or any of a list of
    ETags, compared weakly, so ``W/"x"`` matches ``"x"``)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    held = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return current.removeprefix("W/") in held


def digest_etag(*parts: object) -> str:
    """A weak ETag of a representation made from ``parts`` (what it was made of: the data's state,
    the query, the caller, the language): the same parts, the same ETag."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def not_modified(etag: str) -> Response:
    """``304 Not Modified``: what the client holds is current."""
    return Response(status_code=304, headers={"ETag": etag, "Cache-Control": REVALIDATE})
