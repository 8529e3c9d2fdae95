"""What the routes of the plans API share: If-Match and a version's number."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path

from kraftsamla_common import errors
from kraftsamla_common.service import MAX_OFFSET

IfMatch = Annotated[str | None, Header(description="ETag of the object this edit is based on")]

NEEDS_MATCH = errors.responses(412, 428)
"""The answers of a write that must name its revision in If-Match: 428 without it, 412 when stale."""
CHECKS_MATCH = errors.responses(412)
"""The answer of a write that checks If-Match when it is sent: 412 when stale."""

VersionNumber = Annotated[int, Path(ge=0, le=MAX_OFFSET, description="A published version's number")]
