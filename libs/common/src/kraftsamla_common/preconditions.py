"""Optimistic concurrency over HTTP, the same in every service: a read answers the object's
``ETag``; a write names the revision it was based on in ``If-Match``. Without one, where a write
must name it, the answer is 428 (``precondition-required``); with one that is no longer current
(someone saved in between) 412 (``precondition-failed``), and nothing is written.

Each service makes its own ETags (an object's id and revision, a version's number); the check and
its problems are these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from .errors import PreconditionFailed, PreconditionRequired, responses, said

IfMatch = Annotated[str | None, Header(description="ETag of the object this edit is based on")]
"""The ``If-Match`` header of a write, as a route takes it."""

NEEDS_MATCH = responses(412, 428)
"""The answers of a write that must name its revision in If-Match: 428 without it, 412 when stale."""
CHECKS_MATCH = responses(412)
"""The answer of a write that checks If-Match when it is sent: 412 when stale."""


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
