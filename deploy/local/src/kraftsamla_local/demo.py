"""Demo data loaded through the public API on the first ``up`` of a fresh data dir."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


async def load(base_url: str, operator_key: str) -> None:
    """Fill a fresh platform with demo data, through the gateway at ``base_url``."""
    log.info("demo data: nothing to load yet")
