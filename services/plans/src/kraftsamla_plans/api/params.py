"""What the routes of the plans API share: If-Match and a version's number."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from kraftsamla_common.preconditions import CHECKS_MATCH, NEEDS_MATCH, IfMatch
from kraftsamla_common.service import MAX_OFFSET

__all__ = ["CHECKS_MATCH", "NEEDS_MATCH", "IfMatch", "VersionNumber"]

VersionNumber = Annotated[int, Path(ge=0, le=MAX_OFFSET, description="A published version's number")]
